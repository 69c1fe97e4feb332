"""Raw SQL the read models share on PostgreSQL: their definitions as SELECTs over every case (the
rebuild) or over the cases an act touched (the act's update), and those updates' statements
prepared once per database connection.

Why prepared: an act's update of a read model is one SELECT of a few hundred lines (every kind
of row, each with its visibility check). PostgreSQL plans it in ~6 ms and runs it in ~1 ms for
the few cases one act touches, and an admission notice runs three of them. ``PREPARE`` plans it
once per connection, with the plan made once kept for every run (``plan_cache_mode =
force_generic_plan``, settings: left to choose, PostgreSQL planned ``= ANY($1)`` anew each
time), so an act pays the execution only. Django's client-side parameter binding never
prepares anything itself, and its ORM also pays ~1–3 ms per query compiling it in Python.

Caveats (README, design): a prepared statement lives as long as its connection, so after a
migration that changes the read models' tables the workers must restart (as after any deploy),
and a pooler in transaction mode (pgbouncer ``pool_mode=transaction``) is not supported: use
session pooling, or Django's persistent connections as ``samordna serve`` does.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar, overload

R = TypeVar("R")
K = TypeVar("K")

# A condition on the column holding a case's key: every case, or the ones in $1 (a bigint[]).
CaseFilter = Callable[[str], str]


def every_case(column: str) -> str:
    return "TRUE"


def these_cases(column: str) -> str:
    return f"{column} = ANY($1)"


# The statements prepared on each raw (psycopg) connection, by name. A new connection, after a
# restart or a reconnect, starts with none; a PREPARE is not undone by a rollback.
_prepared: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()


def execute_prepared(cursor: Any, name: str, sql: str, case_ids: Iterable[int]) -> list[tuple]:
    """Run ``sql`` (a SELECT whose only parameter is $1, the cases' keys) as the prepared
    statement ``name`` on the cursor's connection, preparing it first if that connection has not;
    returns the rows."""
    raw = cursor.connection  # Django's CursorWrapper.connection is psycopg's connection
    done = _prepared.setdefault(raw, set())
    if name not in done:
        cursor.execute(f"PREPARE {name}(bigint[]) AS {sql}")
        done.add(name)
    cursor.execute(f"EXECUTE {name}(%s)", [sorted(case_ids)])
    return cursor.fetchall()


def forget_prepared(raw_connection: Any) -> None:
    """The connection's prepared statements are gone (after ``DISCARD ALL``, say)."""
    _prepared.pop(raw_connection, None)


def union_all(selects: Sequence[str]) -> str:
    return "\n UNION ALL ".join(f"({select})" for select in selects)


def replace_rows(
    cursor: Any, table: str, gone: list[int], columns: str, new: Sequence[Sequence[Any]]
) -> None:
    """Delete the rows of ``table`` with these keys, then insert ``new`` (values of
    ``columns``), in two plain statements: an act's difference to a read model."""
    if gone:
        cursor.execute(f"DELETE FROM {table} WHERE id = ANY(%s)", [gone])
    if new:
        width = len(new[0])
        row = "(" + ", ".join(["%s"] * width) + ")"
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(new))}",
            [value for values in new for value in values],
        )


def rows_of_cases(sources: Sequence[str], columns: str, shown: str, table: str) -> str:
    """The statement of an act's update: the rows its cases ($1) should have (``sources``,
    whose columns are ``columns``) beside the rows ``table`` holds for them, both as the columns
    ``shown``, each after its key in ``table`` (NULL for a row wanted)."""
    return (
        f"SELECT NULL::bigint, {shown} FROM ({union_all(sources)}) AS w ({columns}) "
        f"UNION ALL SELECT id, {shown} FROM {table} WHERE case_id = ANY($1)"
    )


def wanted_and_stored(
    found: Iterable[Sequence[Any]], make: Callable[..., R], key: Callable[[R], K]
) -> tuple[dict[K, R], dict[K, tuple[int, R]]]:
    """``rows_of_cases``' answer as the rows wanted and the rows stored (with their keys), each
    by ``key``."""
    wanted: dict[K, R] = {}
    stored: dict[K, tuple[int, R]] = {}
    for pk, *values in found:
        row = make(*values)
        if pk is None:
            wanted[key(row)] = row
        else:
            stored[key(row)] = (pk, row)
    return wanted, stored


@overload
def aware(value: None) -> None: ...
@overload
def aware(value: dt.datetime | str) -> dt.datetime: ...
def aware(value: Any) -> dt.datetime | None:
    """A timestamp as the ORM gives it: PostgreSQL's are aware; SQLite's raw columns are text
    (or naive) in UTC."""
    if value is None or (isinstance(value, dt.datetime) and value.tzinfo is not None):
        return value
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
