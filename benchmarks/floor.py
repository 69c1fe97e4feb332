"""Benchmark: the constant every logged-in page pays (prints figures; asserts nothing).

Usage:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/samordna_bench \\
            .venv/bin/python benchmarks/floor.py [REPEAT] [--sql]

Run it on a county grown with ``samordna manage generate_county --cases N``. For a few light
pages (little or nothing of their own to show, so what they cost is the middleware, the context
processors and the base layout with its menu) and the polled count, as users of busy units, it
requests each page REPEAT times (20 by default) through Django's test client and prints the
median CPU time of this process per request (``time.process_time``: Python, not the database
server's share), the median wall time and the SQL queries of one request; ``--sql`` prints them.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("SAMORDNA_DATA_DIR", tempfile.mkdtemp(prefix="samordna-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samordna.settings")
os.environ.setdefault("SAMORDNA_ALLOWED_HOSTS", "testserver")

import django

django.setup()

from _client import client_for  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from samordna.organisations.models import Unit  # noqa: E402

USERS = [("karin", "hc-hertson"), ("anna", "sunderby-med5"), ("lena", "lulea-bistand")]
PAGES = ["/persons/", "/notifications/", "/reports/codes/", "/overview/counts/"]


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    repeat = int(args[0]) if args else 20
    show_sql = "--sql" in sys.argv
    call_command("collectstatic", interactive=False, verbosity=0)  # pages use hashed names
    print(f"{'user':<6} {'page':<22} {'CPU ms':>7} {'wall ms':>8} {'queries':>8}")
    for user, unit in USERS:
        client = client_for(user, Unit.objects.get(code=unit))
        for url in PAGES:
            assert client.get(url).status_code == 200, url  # warm up
            cpu, wall = [], []
            for _ in range(repeat):
                c, w = time.process_time(), time.perf_counter()
                client.get(url)
                cpu.append((time.process_time() - c) * 1000)
                wall.append((time.perf_counter() - w) * 1000)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            print(
                f"{user:<6} {url:<22} {statistics.median(cpu):>7.1f}"
                f" {statistics.median(wall):>8.1f} {len(queries):>8}"
            )
            if show_sql:
                for q in queries.captured_queries:
                    print("    ", q["time"], q["sql"][:300])


if __name__ == "__main__":
    main()
