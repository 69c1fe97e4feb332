"""Benchmark: a unit's overview (BOX-1) with N cases in the county (prints figures; asserts
nothing).

Usage:  .venv/bin/python benchmarks/overview.py [N ...]      (SQLite in a temporary folder)
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/samordna_bench \
            .venv/bin/python benchmarks/overview.py

For each N it grows the demo county to N generated cases (``generate_county``: SIP cases and stays
with notices, messages, meetings and deadlines), then requests the overview page, its polled
count and the API as a municipal case officer (lena, Luleå needs assessment: about a third of
all cases), a primary care nurse (karin) and a ward nurse (anna) through Django's test client:
median and 95th percentile over repeated requests, and the number of SQL queries per request.
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

from _client import client_for, measure  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from samordna.cases.models import Case  # noqa: E402
from samordna.organisations.models import Unit  # noqa: E402
from samordna.overview.dataset import generate  # noqa: E402

WHO = [("lena", "lulea-bistand"), ("karin", "hc-hertson"), ("anna", "sunderby-med5")]


def main(sizes: list[int]) -> None:
    call_command("migrate", verbosity=0)
    if not Unit.objects.exists():
        call_command("load_demo", verbosity=0)
    print(f"database: {connection.vendor}")
    columns = ("N", "user", "request", "items", "median ms", "p95 ms", "queries")
    print("{:>8}  {:<6} {:<16} {:>6} {:>10} {:>8} {:>8}".format(*columns))
    for n in sizes:
        have = Case.objects.count()
        if n > have:
            started = time.perf_counter()
            generate(n - have)
            print(f"# generated {n - have} cases in {time.perf_counter() - started:.0f} s")
        for username, unit_code in WHO:
            client = client_for(username, Unit.objects.get(code=unit_code))
            for name, url in [
                ("overview page", "/overview/"),
                ("overdue only", "/overview/?when=overdue"),
                ("polled count", "/overview/counts/"),
            ]:
                median, p95, queries = measure(client, url, repeat=20)
                items = client.get(url).content.decode().count("<tr data-kind=")
                print(
                    f"{n:>8}  {username:<6} {name:<16} {items:>6} {median:>10.1f} {p95:>8.1f} "
                    f"{queries:>8}"
                )


if __name__ == "__main__":
    main(sorted(int(a) for a in sys.argv[1:]) or [1_000, 10_000, 100_000])
