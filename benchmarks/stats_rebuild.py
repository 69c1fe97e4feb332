"""Benchmark: the plain measures' rebuild on an existing county (prints figures; asserts nothing).

Usage:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/samordna_bench \\
            .venv/bin/python benchmarks/stats_rebuild.py [--python]

Run it on a county grown with ``samordna manage generate_county --cases N``. Times
``stats.rebuild()`` (set-based on PostgreSQL) and prints the facts and counters it wrote; with
``--python`` also the Python path in chunks of cases (``stats._rebuild_in_chunks``, what
SQLite runs and PostgreSQL ran before) and whether the two wrote the same facts and counters.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

os.environ.setdefault("SAMORDNA_DATA_DIR", tempfile.mkdtemp(prefix="samordna-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samordna.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

from samordna.reporting import stats  # noqa: E402


def timed(label: str, rebuild: object) -> tuple[float, object]:
    started = time.monotonic()
    assert callable(rebuild)
    with transaction.atomic():
        facts = rebuild()
    elapsed = time.monotonic() - started
    snapshot = stats.snapshot()
    print(f"{label}: {facts:,} facts, {len(snapshot[1]):,} counters, {elapsed:.1f} s")
    return elapsed, snapshot


def main() -> None:
    print(f"database: {connection.vendor}, load: {os.getloadavg()}")
    _, fast = timed("stats.rebuild()", stats.rebuild)
    if "--python" in sys.argv[1:]:
        _, slow = timed("Python in chunks", lambda: stats._rebuild_in_chunks(stats.CHUNK))
        print(f"the same facts and counters: {fast == slow}")
    print(f"load: {os.getloadavg()}")


if __name__ == "__main__":
    main()
