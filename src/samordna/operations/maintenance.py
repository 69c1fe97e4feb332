"""Worker job: keep SQLite's query-planner statistics fresh (OPS-1).

Without statistics SQLite guesses, and the overview's queries pick the wrong index once a county
has grown (measured on the generated 100,000-case county: the ward's count went from 164 to
69 ms after ANALYZE). SQLite's advice for long-lived databases is to run ``PRAGMA optimize``
periodically; it analyses only tables whose statistics are stale. PostgreSQL's autovacuum does
this by itself.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection


def run(now: dt.datetime) -> int:
    """Once an hour on SQLite; returns 1 when it ran."""
    if connection.vendor != "sqlite" or now.minute != 0:
        return 0
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA optimize")
    return 1
