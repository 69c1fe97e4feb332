"""Benchmark: finding individuals with N registered (prints figures; asserts nothing).

Usage:  .venv/bin/python benchmarks/people.py [N ...]          (SQLite in a temporary folder)
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/samordna_bench .venv/bin/python benchmarks/people.py

For each N it loads the demo county, adds N individuals (a third of them visible to the
measuring unit), then times the search page by name, the exact identity-number lookup and the
person page through Django's test client: median and 95th percentile over repeated requests,
and the number of SQL queries per request.
"""

from __future__ import annotations

import os
import sys
import tempfile

os.environ.setdefault("SAMORDNA_DATA_DIR", tempfile.mkdtemp(prefix="samordna-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samordna.settings")
os.environ.setdefault("SAMORDNA_ALLOWED_HOSTS", "testserver")

import django

django.setup()

from _client import client_for, measure  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from samordna.core.identity import luhn_check_digit  # noqa: E402
from samordna.organisations.models import Principal, Unit  # noqa: E402
from samordna.people.models import Person  # noqa: E402

SURNAMES = ["Lindqvist", "Nilsson", "Berg", "Holm", "Ek", "Lundberg", "Sandström", "Öberg"]


def identity(i: int) -> str:
    year, rest = 1930 + i % 80, i // 80
    month, day, serial = 1 + rest % 12, 1 + (rest // 12) % 28, 1 + (rest // 336) % 999
    nine = f"{year % 100:02d}{month:02d}{day:02d}{serial:03d}"
    return f"{year}{month:02d}{day:02d}{serial:03d}{luhn_check_digit(nine)}"


def populate(n: int, visible_unit: Unit, other_unit: Unit, municipality: Principal) -> str:
    """Grow the benchmark population to n (individuals in the access log cannot be deleted)."""
    have = Person.objects.filter(first_name="Bench").count()
    batch = [
        Person(
            identity_number=identity(i),
            first_name="Bench",
            last_name=f"{SURNAMES[i % 8]}{i}",
            municipality=municipality,
            registered_by_unit=visible_unit if i % 3 == 0 else other_unit,
        )
        for i in range(have, n)
    ]
    Person.objects.bulk_create(batch, batch_size=5000, ignore_conflicts=True)
    return identity(n // 2)


def main(sizes: list[int]) -> None:
    call_command("migrate", verbosity=0)
    if not Unit.objects.exists():
        call_command("load_demo", verbosity=0)
    unit = Unit.objects.get(code="hc-hertson")
    other = Unit.objects.get(code="hc-ojebyn")
    municipality = Principal.objects.get(code="lulea")
    client = client_for("karin", unit)
    print(f"database: {connection.vendor}")
    print(f"{'N':>8}  {'request':<28} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for n in sizes:
        number = populate(n, unit, other, municipality)
        person = Person.objects.filter(registered_by_unit=unit, first_name="Bench").first()
        assert person is not None
        for name, url in [
            ("search by name", "/persons/?q=Lundberg"),
            ("lookup identity number", f"/persons/?q={number}"),
            ("person page", f"/persons/{person.pk}/"),
        ]:
            median, p95, queries = measure(client, url, repeat=30)
            print(f"{n:>8}  {name:<28} {median:>10.1f} {p95:>8.1f} {queries:>8}")


if __name__ == "__main__":
    main(sorted(int(a) for a in sys.argv[1:]) or [1_000, 10_000, 100_000])
