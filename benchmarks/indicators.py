"""Benchmark: the indicator pages (RPT-1) with N cases in the county (prints figures; asserts
nothing).

Usage:  .venv/bin/python benchmarks/indicators.py [N ...]     (SQLite in a temporary folder)
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/samordna_bench_indicators \
            .venv/bin/python benchmarks/indicators.py 1000 100000

For each N it grows the demo county to N generated cases (``generate_county``; the indicators'
rollup is rebuilt from the facts afterwards, and the time of that rebuild is printed), then
requests as the county administrator (gunilla) the summary page, one indicator's page with its
trend, tables per unit and per municipality, its CSV and the API, and as a unit head (ulla) the
unit's own page: median and 95th percentile over repeated requests and the SQL queries of one.
Then the plain measures' pages (waiting days and liability, counts; issue 13). Last it checks
that the rollup and the measures equal a recomputation from the source tables and prints the
rollup's size.
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
from samordna.reporting import rollup, stats  # noqa: E402
from samordna.reporting.models import (  # noqa: E402
    IndicatorCount,
    IndicatorFact,
    StatCount,
    StatFact,
)

COUNTY = ("gunilla", "region-norrbotten-kansli")
UNIT = ("ulla", "hc-hertson")
PAGES = [
    (*COUNTY, "summary", "/reports/"),
    (*COUNTY, "indicator", "/reports/ack_admission/"),
    (*COUNTY, "24 months", "/reports/ack_admission/?from="),
    (*COUNTY, "CSV units", "/reports/ack_admission/table.csv?table=units"),
    (*UNIT, "unit's own", "/reports/plan_documented/"),
    (*COUNTY, "waiting", "/reports/waiting/"),
    (*COUNTY, "waiting 24 m", "/reports/waiting/?from="),
    (*COUNTY, "waiting CSV", "/reports/waiting/table.csv?table=municipalities"),
    (*COUNTY, "counts", "/reports/counts/"),
    (*UNIT, "own counts", "/reports/counts/"),
]


def _from_24_months_ago() -> str:
    from django.utils import timezone

    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - 23
    return f"{index // 12}-{index % 12 + 1:02d}"


def _generate(cases: int) -> float:
    """Grow the county by ``cases`` and return the seconds its measures' rebuild took (part of
    ``generate``, which rebuilds the read model and both rollups after the bulk load)."""
    timed: list[float] = []
    rebuild_measures = stats.rebuild

    def timed_rebuild(chunk: int = stats.CHUNK) -> int:
        began = time.perf_counter()
        try:
            return rebuild_measures(chunk)
        finally:
            timed.append(time.perf_counter() - began)

    stats.rebuild = timed_rebuild  # type: ignore[assignment]
    try:
        generate(cases)
    finally:
        stats.rebuild = rebuild_measures  # type: ignore[assignment]
    return sum(timed)


def main(sizes: list[int]) -> None:
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # pages use hashed names
    if not Unit.objects.exists():
        call_command("load_demo", verbosity=0)
    print(f"database: {connection.vendor}")
    columns = ("N", "user", "page", "median ms", "p95 ms", "queries")
    print("{:>8}  {:<8} {:<12} {:>10} {:>8} {:>8}".format(*columns))
    for n in sizes:
        have = Case.objects.count()
        if n > have:
            started = time.perf_counter()
            measures_seconds = _generate(n - have)
            print(f"# generated {n - have} cases in {time.perf_counter() - started:.0f} s")
            # ``generate`` rebuilt both rollups, the measures with them (timed on their own).
            print(
                f"# indicators' rollup: {IndicatorFact.objects.count():,} facts, "
                f"{IndicatorCount.objects.count():,} counters"
            )
            print(
                f"# measures rebuilt: {StatFact.objects.count():,} facts, "
                f"{StatCount.objects.count():,} counters in {measures_seconds:.1f} s"
            )
        for username, unit_code, name, url in PAGES:
            if url.endswith("from="):
                url += _from_24_months_ago()
            client = client_for(username, Unit.objects.get(code=unit_code))
            median, p95, queries = measure(client, url, repeat=20)
            print(f"{n:>8}  {username:<8} {name:<12} {median:>10.1f} {p95:>8.1f} {queries:>8}")
        started = time.perf_counter()
        equal = rollup.snapshot() == rollup.recomputed()
        print(
            f"# rollup equals a recomputation: {equal} ({IndicatorFact.objects.count():,} facts, "
            f"compared in {time.perf_counter() - started:.1f} s)"
        )
        started = time.perf_counter()
        equal = stats.snapshot() == stats.recomputed()
        print(
            f"# measures equal a recomputation: {equal} ({StatFact.objects.count():,} facts, "
            f"compared in {time.perf_counter() - started:.1f} s)"
        )


if __name__ == "__main__":
    main(sorted(int(a) for a in sys.argv[1:]) or [1_000, 100_000])
