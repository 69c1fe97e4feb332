"""Benchmark: finding individuals with N registered (prints figures; asserts nothing).

Usage:  .venv/bin/python benchmarks/people.py [N ...]          (SQLite in a temporary folder)
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/samordna_bench \
            .venv/bin/python benchmarks/people.py 1000 100000 1000000

For each N it loads the demo county, grows the population to N individuals (a third of them
registered by the measuring unit; PostgreSQL loads them with COPY, so 1,000,000 takes a few
minutes; the rows are kept and reused by the next run), then times through Django's test client,
median and 95th percentile over repeated requests and the SQL queries per request:

* prefix search on a very common surname (1 in 16 of the county), on a rare one (1 in 480),
  with first name and surname, and on a surname none of whose bearers the unit may see (so the
  similar-names search runs too);
* the similar-names search (a typo: "Lindkvist" for the 1-in-16 "Lindqvist", and a part of a
  name): the similar surnames from the distinct surnames, then a page of their bearers;
* the exact identity-number lookup, and the person page.
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import tempfile
import time
from urllib.parse import parse_qs, urlsplit

os.environ.setdefault("SAMORDNA_DATA_DIR", tempfile.mkdtemp(prefix="samordna-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samordna.settings")
os.environ.setdefault("SAMORDNA_ALLOWED_HOSTS", "testserver")

import django

django.setup()

from _client import client_for, measure  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from samordna.accounts.actor import Actor  # noqa: E402
from samordna.core.identity import luhn_check_digit  # noqa: E402
from samordna.organisations.models import Principal, Unit, User  # noqa: E402
from samordna.people import services  # noqa: E402
from samordna.people.models import Person  # noqa: E402

# Half the county has one of eight very common surnames (1 in 16 each; Andersson is 1 in 40 in
# Sweden), the other half one of 240 compound surnames (1 in 480 each).
SURNAMES = ["Lindqvist", "Nilsson", "Berg", "Holm", "Ek", "Lundberg", "Sandström", "Öberg"]
FIRST = ["Lind", "Lund", "Sand", "Sjö", "Ström", "Wall", "Ahl", "Dahl", "Ek", "Fors", "Gran", "Hag"]
FIRST += ["Holm", "Ljung", "Åker"]
LAST = ["blad", "bom", "dahl", "gren", "holm", "lund", "ström", "stedt", "man", "ling", "borg"]
LAST += ["by", "fors", "hed", "ros", "vik"]
GIVEN = ["Anna", "Bo", "Cecilia", "Dan", "Eva", "Fredrik", "Greta", "Hans", "Ingrid", "Johan"]
GIVEN += ["Karin", "Lars", "Maria", "Nils", "Olof", "Per", "Rut", "Sven", "Tove", "Ulf"]
MARKER = "Benchgatan 1"  # the street of every benchmark individual


def identity(i: int) -> str:
    year, rest = 1930 + i % 80, i // 80
    month, day, serial = 1 + rest % 12, 1 + (rest // 12) % 28, 1 + (rest // 336) % 999
    nine = f"{year % 100:02d}{month:02d}{day:02d}{serial:03d}"
    return f"{year}{month:02d}{day:02d}{serial:03d}{luhn_check_digit(nine)}"


def names(i: int) -> tuple[str, str]:
    if i % 2 == 0:
        last = SURNAMES[(i // 2) % len(SURNAMES)]
    else:
        compound = (i // 2) % (len(FIRST) * len(LAST))
        last = FIRST[compound // len(LAST)] + LAST[compound % len(LAST)]
    return GIVEN[(i // 7) % len(GIVEN)], last


def populate(n: int, visible_unit: Unit, other_unit: Unit, municipality: Principal) -> str:
    """Grow the benchmark population to n (individuals in the access log cannot be deleted)."""
    have = Person.objects.filter(street=MARKER).count()
    if have < n and connection.vendor == "postgresql":
        start = time.perf_counter()
        columns = (
            "identity_number, first_name, last_name, street, postal_code, city, municipality_id,"
            " phone, preferred_plan_format, registered_at, registered_by_unit_id, version"
        )
        chunk = 100_000
        for low in range(have, n, chunk):
            rows = io.StringIO()
            for i in range(low, min(low + chunk, n)):
                first, last = names(i)
                unit = visible_unit if i % 3 == 0 else other_unit
                rows.write(
                    f"{identity(i)}\t{first}\t{last}\t{MARKER}\t\t\t{municipality.pk}\t\t"
                    f"paper\t2026-01-01 00:00:00+00\t{unit.pk}\t1\n"
                )
            copy_sql = f"COPY people_person ({columns}) FROM STDIN"
            with connection.cursor() as cursor, cursor.copy(copy_sql) as copy:
                copy.write(rows.getvalue())
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE people_person")
        print(f"# loaded {n - have} individuals with COPY in {time.perf_counter() - start:.0f} s")
    elif have < n:
        batch = []
        for i in range(have, n):
            first, last = names(i)
            batch.append(
                Person(
                    identity_number=identity(i),
                    first_name=first,
                    last_name=last,
                    street=MARKER,
                    municipality=municipality,
                    registered_by_unit=visible_unit if i % 3 == 0 else other_unit,
                )
            )
        Person.objects.bulk_create(batch, batch_size=5000, ignore_conflicts=True)
    return identity(n // 2)


def service_median(actor: Actor, url: str, repeat: int = 30) -> str:
    """The search act alone (no page around it): median ms, or "" for other pages."""
    query = parse_qs(urlsplit(url).query)
    if "q" not in query:
        return ""
    q, page = query["q"][0], int(query.get("page", ["1"])[0])
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        if services.looks_like_identity_number(q):
            services.lookup(actor, q)
        else:
            services.search_page(actor, q, page)
        times.append((time.perf_counter() - start) * 1000)
    return f"{statistics.median(times):.1f}"


def main(sizes: list[int]) -> None:
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # pages use hashed names
    if not Unit.objects.exists():
        call_command("load_demo", verbosity=0)
    unit = Unit.objects.get(code="hc-hertson")
    other = Unit.objects.get(code="hc-ojebyn")
    municipality = Principal.objects.get(code="lulea")
    client = client_for("karin", unit)
    print(f"database: {connection.vendor}")
    actor = Actor.for_unit(User.objects.get(username="karin"), unit)
    print(
        f"{'N':>8}  {'request':<30} {'median ms':>10} {'p95 ms':>8} {'queries':>8}"
        f" {'service ms':>10}"
    )
    for n in sizes:
        number = populate(n, unit, other, municipality)
        person = Person.objects.filter(registered_by_unit=unit, street=MARKER).first()
        assert person is not None
        for name, url in [
            ("prefix, 1 in 16: Lundberg", "/persons/?q=Lundberg"),
            ("prefix, page 2", "/persons/?q=Lundberg&page=2"),
            ("prefix, 1 in 480: Sjöbom", "/persons/?q=Sj%C3%B6bom"),
            ("unit sees none: Sjöblad", "/persons/?q=Sj%C3%B6blad"),
            ("prefix, two words", "/persons/?q=Anna+Lundberg"),
            ("similar: Lindkvist (typo)", "/persons/?q=Lindkvist"),
            ("similar: dqvist (part)", "/persons/?q=dqvist"),
            ("lookup identity number", f"/persons/?q={number}"),
            ("person page", f"/persons/{person.pk}/"),
        ]:
            median, p95, queries = measure(client, url, repeat=30)
            alone = service_median(actor, url)
            print(f"{n:>8}  {name:<30} {median:>10.1f} {p95:>8.1f} {queries:>8} {alone:>10}")


if __name__ == "__main__":
    main(sorted(int(a) for a in sys.argv[1:]) or [1_000, 10_000, 100_000])
