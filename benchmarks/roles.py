"""Benchmark: the read pages of the load benchmark's mix for every demo role, one request at a
time, on an existing county (prints figures; asserts nothing).

Usage:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/samordna_load_100k \\
            .venv/bin/python benchmarks/roles.py [REPEAT] [PAGE ...]

PAGE is one of ``overview``, ``counts``, ``thread``, ``search`` (all by default). For each demo
role (``load_demo``) it requests the overview, its polled count, the newest message thread the
unit is party to and the name search for "Berg" through Django's test client: the median and
95th percentile in ms over REPEAT requests (20 by default), the median CPU time of this
process (Django's share, without PostgreSQL's: the figure to compare on a busy machine) and
the SQL queries of one. Reads only (the overview and the search log the individuals shown, as
every read does).
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

import statistics  # noqa: E402
import time  # noqa: E402

from _client import client_for, measure  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db.models import Q  # noqa: E402

from samordna.messaging.models import Message  # noqa: E402
from samordna.organisations.models import Unit  # noqa: E402

ROLES = [
    ("karin", "hc-hertson"),
    ("johan", "hc-ojebyn"),
    ("ulla", "hc-hertson"),
    ("sara", "hc-ojebyn"),
    ("anna", "sunderby-med5"),
    ("erik", "sunderby-ger"),
    ("maria", "pitea-med"),
    ("lars", "psyk-lulea"),
    ("eva", "psyk-lulea"),
    ("lena", "lulea-bistand"),
    ("mats", "lulea-hsv"),
    ("hanna", "lulea-hemtjanst"),
    ("peter", "pitea-bistand"),
    ("sofia", "boden-hsv"),
]
PAGES = ("overview", "counts", "thread", "search")


def thread_of(unit: Unit) -> str | None:
    """The newest message the unit sent or received (whose thread it may read)."""
    pk = (
        Message.objects.filter(Q(notice__sender_unit=unit) | Q(notice__deliveries__unit=unit))
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return None if pk is None else f"/messages/{pk}/"


def cpu(client: object, url: str, repeat: int) -> float:
    """Median CPU ms of this process per request (the client and Django run in it)."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        client.get(url)  # type: ignore[attr-defined]
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    args = sys.argv[1:]
    repeat = int(args.pop(0)) if args and args[0].isdigit() else 20
    pages = [a for a in args if a in PAGES] or list(PAGES)
    call_command("collectstatic", interactive=False, verbosity=0)  # pages use hashed names
    head = ("page", "user", "unit", "median ms", "p95 ms", "CPU ms", "queries")
    print("{:<9} {:<6} {:<16} {:>10} {:>8} {:>7} {:>8}".format(*head))
    for page in pages:
        for user, code in ROLES:
            unit = Unit.objects.filter(code=code).first()
            if unit is None:
                continue
            client = client_for(user, unit)
            url = {
                "overview": "/overview/",
                "counts": "/overview/counts/",
                "thread": thread_of(unit),
                "search": "/persons/?q=Berg",
            }[page]
            if url is None:
                continue
            median, p95, queries = measure(client, url, repeat)
            used = cpu(client, url, repeat)
            print(
                f"{page:<9} {user:<6} {code:<16} {median:>10.1f} {p95:>8.1f} {used:>7.1f} "
                f"{queries:>8}"
            )


if __name__ == "__main__":
    main()
