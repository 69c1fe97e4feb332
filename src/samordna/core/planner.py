"""Fresh planner statistics before a set-based rebuild reads a county's tables.

A bulk load (``generate_county``, an imported county) or a restore (``pg_restore`` carries no
statistics) leaves PostgreSQL planning with the figures of an empty or small database. The
read model's rebuild then joined 615,706 deliveries with every participation of their unit
before checking the case (a hash join on the unit alone, estimated at 684 rows): at 100,000
cases it ran for over 24 minutes before it was cancelled, where the same statement with
statistics takes seconds. ``ANALYZE`` samples a fixed number of rows per table (seconds at a
million cases), so each rebuild pays it once rather than trusting autovacuum to have run.
"""

from __future__ import annotations

from django.db import connection, models


def analyze(*tables: type[models.Model]) -> None:
    """On PostgreSQL, refresh the planner statistics of these models' tables (inside the
    caller's transaction, which ANALYZE allows); elsewhere nothing."""
    if connection.vendor != "postgresql" or not tables:
        return
    names = ", ".join(connection.ops.quote_name(t._meta.db_table) for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {names}")
