"""Benchmark: the SIP case page and the stay page on an existing county (prints figures;
asserts nothing).

Usage:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/samordna_bench \\
            .venv/bin/python benchmarks/pages.py [CASES] [ROUNDS]

Run it on a county grown with ``samordna manage generate_county --cases N``. The pages are the
ones ``benchmarks/load.py`` requests: the first CASES (10 by default) open SIP cases that karin's
health centre takes part in, and the first CASES open stays of anna's ward. Each page is
requested once to warm up, then ROUNDS times (3 by default) through Django's test client. For
each kind it prints the CPU time of this process per request (the application's Python; the
database is another process), the wall time, the SQL queries of one request and the page's size:
median and range over the pages.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

os.environ.setdefault("SAMORDNA_DATA_DIR", tempfile.mkdtemp(prefix="samordna-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samordna.settings")
os.environ.setdefault("SAMORDNA_ALLOWED_HOSTS", "testserver")

import django

django.setup()

import logging  # noqa: E402
import statistics  # noqa: E402

from _client import client_for  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from samordna.cases.models import Case, Participation  # noqa: E402
from samordna.organisations.models import Unit  # noqa: E402

PAGES = [
    ("SIP case page", "karin", "hc-hertson", Case.Kind.SIP, "/sip/{}/"),
    ("stay page", "anna", "sunderby-med5", Case.Kind.DISCHARGE, "/stays/{}/"),
]


def _cases(unit: Unit, kind: str, count: int) -> list[int]:
    """As ``benchmarks/load.py`` picks them: open cases of the kind the unit takes part in."""
    return list(
        Participation.objects.filter(
            unit=unit, until__isnull=True, case__kind=kind, case__closed_at__isnull=True
        ).values_list("case_id", flat=True)[:count]
    )


def _span(values: list[float]) -> str:
    return f"{statistics.median(values):7.1f} ({min(values):.1f}–{max(values):.1f})"


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    logging.getLogger("samordna.request").setLevel(logging.WARNING)  # one line per request
    call_command("collectstatic", interactive=False, verbosity=0)  # pages use hashed names
    print(f"{'page':<14} {'CPU ms':>22} {'wall ms':>22} {'queries':>10} {'kB':>12}")
    for name, user, code, kind, url in PAGES:
        unit = Unit.objects.get(code=code)
        client = client_for(user, unit)
        cpu, wall, queries, size = [], [], [], []
        for pk in _cases(unit, kind, count):
            path = url.format(pk)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            queries.append(float(len(captured)))
            size.append(len(response.content) / 1000)
            for _ in range(rounds):
                c0, w0 = time.process_time(), time.perf_counter()
                client.get(path)
                cpu.append((time.process_time() - c0) * 1000)
                wall.append((time.perf_counter() - w0) * 1000)
        print(
            f"{name:<14} {_span(cpu):>22} {_span(wall):>22} "
            f"{min(queries):.0f}–{max(queries):.0f}".ljust(62)
            + f" {_span(size):>12}"
        )


if __name__ == "__main__":
    main()
