"""A digest of every table, to prove that a request changed nothing in the database.

Used by tests/test_bad_input_everywhere.py after each request and by the API fuzzer's hooks
(scripts/fuzz_hooks.py) around every request schemathesis generated as invalid; with
``every_table=True`` by the backup, restore and export round trips (tests/operations/), which
compare the access log and the sessions too. ``python -m tests.digest`` prints that digest of the
database ``DATABASE_URL`` (or the SQLite one in ``SAMORDNA_DATA_DIR``) as JSON."""

from __future__ import annotations

import hashlib
import json
import os
import sys

from django.apps import apps
from django.db import connection

# Tables a request may change although it changes nothing: every read of personal data is
# logged by design (SEC-1), the session is the client's own, and a wrong password, code or API
# token is counted on purpose (accounts/throttle.py).
NOT_COMPARED = {"audit_accesslog", "django_session", "accounts_failure"}


def snapshot(every_table: bool = False) -> dict[str, tuple[int, str]]:
    """Every table of every model (also the many-to-many tables): its row count and a digest
    of its content, independent of the order the database returns the rows in."""
    out: dict[str, tuple[int, str]] = {}
    skip = set() if every_table else NOT_COMPARED
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if table in skip or table in out:
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = sorted(repr(row) for row in cursor.fetchall())
            out[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return out


def changed(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> list[str]:
    """The tables whose content differs between two snapshots."""
    return sorted(t for t in after.keys() | before.keys() if after.get(t) != before.get(t))


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samordna.settings")
    import django

    django.setup()
    json.dump(snapshot(every_table=True), sys.stdout)
