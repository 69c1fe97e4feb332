"""Benchmark: the unit's list pages on an existing county (prints figures; asserts nothing).

Usage:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/samordna_bench \\
            .venv/bin/python benchmarks/lists.py [REPEAT]

Run it on a county grown with ``samordna manage generate_county --cases N``. For each list
(invitations, notices about stays, messages, deviations, the access-log review) it requests the
first and the second page as a user of a busy unit through Django's test client: the median
and 95th percentile in ms over REPEAT requests (20 by default), and the SQL queries of one.
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

from samordna.organisations.models import Unit  # noqa: E402

LISTS = [
    ("invitations", "lena", "lulea-bistand", "/sip/invitations/"),
    ("invitations", "karin", "hc-hertson", "/sip/invitations/"),
    ("notices", "anna", "sunderby-med5", "/stays/notices/"),
    ("notices", "lena", "lulea-bistand", "/stays/notices/"),
    ("messages", "lena", "lulea-bistand", "/messages/"),
    ("messages", "karin", "hc-hertson", "/messages/"),
    ("deviations", "lena", "lulea-bistand", "/deviations/"),
    ("access log", "ulla", "hc-hertson", "/log/"),
]


def main() -> None:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    call_command("collectstatic", interactive=False, verbosity=0)  # pages use hashed names
    print(f"{'list':<12} {'user':<6} {'page':>4} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for name, user, unit, url in LISTS:
        client = client_for(user, Unit.objects.get(code=unit))
        for page in (1, 2):
            median, p95, queries = measure(client, f"{url}?page={page}", repeat)
            print(f"{name:<12} {user:<6} {page:>4} {median:>10.1f} {p95:>8.1f} {queries:>8}")


if __name__ == "__main__":
    main()
