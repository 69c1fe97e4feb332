"""Migrations never lose data (issue 16 item 3): ``python -m tests.operations.migration_history``
on an empty database (``DATABASE_URL`` or the SQLite one in ``SAMORDNA_DATA_DIR``).

It migrates every app to its initial migrations with Django's migration executor, fills every
table of that historic schema through the historical models (``ROWS`` rows per model, each
column given a value of its type, references to rows made before), takes every cell, migrates to
the latest migration and compares: every row is still there, and every column that still exists
holds the same value. A table a later migration drops is allowed only in ``MOVED``, with a check
that its rows arrived where the migration moved them. It prints its counts as JSON and exits 1
when anything was lost. Run by tests/operations/test_migrations.py on SQLite and PostgreSQL.

Populating at the historic state rather than through today's acts is the point: the acts write
today's schema, and only rows written in the old schema's shape show that each migration carried
them over.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import os
import sys
import uuid
from collections.abc import Callable
from typing import Any

import django

ROWS = 3
START = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)


def _value(field: Any, i: int) -> Any:
    from django.db import models

    choices = [c for c in (field.flatchoices or []) if c[0] not in ("", None)]
    if choices:
        return choices[i % len(choices)][0]
    if isinstance(field, models.BooleanField):
        return i % 2 == 0
    if isinstance(field, models.EmailField):
        return f"u{i}@example.org"
    if isinstance(field, models.GenericIPAddressField):
        return f"127.0.0.{i + 1}"
    if isinstance(field, models.URLField):
        return f"https://example.org/{i}"
    if isinstance(field, models.UUIDField):
        return uuid.UUID(int=i + 1)
    if isinstance(field, models.CharField | models.TextField):
        text = f"v{i}-{field.name}"
        return text[: field.max_length] if field.max_length else text
    if isinstance(field, models.DateTimeField):  # an end after its start ("ends_at")
        return START + dt.timedelta(days=i, minutes=i, hours=1 if "end" in field.name else 0)
    if isinstance(field, models.DateField):
        return (START + dt.timedelta(days=i)).date()
    if isinstance(field, models.TimeField):
        return dt.time(8, i)
    if isinstance(field, models.DurationField):
        return dt.timedelta(minutes=i + 1)
    if isinstance(field, models.DecimalField):
        return decimal.Decimal(i + 1)
    if isinstance(field, models.FloatField):
        return float(i) + 0.5
    if isinstance(field, models.IntegerField):
        return i + 1
    if isinstance(field, models.JSONField):
        return {"n": i}
    if isinstance(field, models.BinaryField):
        return bytes([i])
    raise TypeError(f"no value for {type(field).__name__}")


def _ordered(models_: list[Any]) -> list[Any]:
    done: list[Any] = []

    def visit(model: Any, path: frozenset[Any]) -> None:
        if model in done or model in path:
            return
        for field in model._meta.concrete_fields:
            target = field.related_model
            if field.is_relation and target is not None and target is not model:
                visit(target, path | {model})
        done.append(model)

    for model in sorted(models_, key=lambda m: m._meta.label_lower):
        visit(model, frozenset())
    return done


def populate(state_apps: Any) -> tuple[dict[str, int], dict[str, str]]:
    from django.db import IntegrityError, transaction

    made: dict[str, list[Any]] = {}
    skipped: dict[str, str] = {}
    every = [m for m in state_apps.get_models(include_auto_created=True) if m._meta.managed]
    for model in _ordered(every):
        label = model._meta.label_lower
        # First every column filled; a row that a later constraint refuses in that shape (a
        # consent that supersedes another, an evaluation of both a goal and an action) is
        # tried again with its optional references left empty.
        for minimal in (False, True):
            rows: list[Any] = []
            try:
                with transaction.atomic():
                    for i in range(ROWS):
                        rows.append(_create(model, i, rows, made, minimal))
            except IntegrityError as error:
                skipped[label] = str(error).splitlines()[0][:200]
                continue
            except (LookupError, TypeError) as error:
                skipped[label] = str(error).splitlines()[0][:200]
                break
            skipped.pop(label, None)
            made[label] = rows
            break
    return {label: len(rows) for label, rows in made.items()}, skipped


def _create(model: Any, i: int, rows: list[Any], made: dict[str, list[Any]], minimal: bool) -> Any:
    values: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field.primary_key and not field.is_relation:
            continue
        if getattr(field, "generated", False):
            continue
        if field.is_relation and minimal and field.null:
            continue
        if field.is_relation and field.related_model is model:
            # A thread's first message refers to itself: to the first row, or
            # to its own key when that is a reference set already (a message's).
            first_pk = rows[0].pk if rows else values.get(model._meta.pk.attname)
            if first_pk is None and not field.null:
                raise LookupError(f"no {model._meta.label} row")
            values[field.attname] = first_pk
        elif field.is_relation:
            targets = made.get(field.related_model._meta.label_lower, [])
            if not targets:
                if field.null:
                    continue
                raise LookupError(f"no {field.related_model._meta.label} row")
            values[field.attname] = targets[i % len(targets)].pk
        else:
            values[field.attname] = _value(field, i)
    return model._base_manager.create(**values)


def cells(tables: list[str]) -> dict[str, dict[str, dict[str, str]]]:
    """Every cell of the tables, as text: {table: {primary key: {column: value}}}."""
    from django.db import connection

    out: dict[str, dict[str, dict[str, str]]] = {}
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in tables:
            if table not in existing:
                continue
            description = connection.introspection.get_table_description(cursor, table)
            columns = [c.name for c in description]
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = {}
            for row in cursor.fetchall():
                values = dict(zip(columns, row, strict=True))
                rows[repr(row[0])] = {c: _text(v) for c, v in values.items()}
            out[table] = rows
    return out


def _text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, memoryview):
        return bytes(value).hex()
    if isinstance(value, str) and value.startswith("{"):
        try:  # JSON as text (SQLite) and as jsonb (PostgreSQL) compare by content
            return json.dumps(json.loads(value), sort_keys=True)
        except ValueError:
            return value
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return str(value)


def _moved_suggestions(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """deviations 0002 turns each SIP no-show suggestion into a suggested deviation."""
    old = before.get("sip_deviationsuggestion", {})
    events = [r["event"] for r in after.get("deviations_deviation", {}).values()]
    return [f"sip_deviationsuggestion {pk}" for pk, r in old.items() if r["event"] not in events]


# Tables a later migration drops, each with the check that its rows arrived elsewhere.
MOVED: dict[str, Callable[[dict[str, Any], dict[str, Any]], list[str]]] = {
    "sip_deviationsuggestion": _moved_suggestions,
}


# Cells a migration changes on purpose, each with the migration that does it.
CHANGED = {
    ("django_tasks_database_dbtaskresult", "status"): (
        "django-tasks-db's migration 0016 renames the status NEW to READY"
    ),
}


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samordna.settings")
    django.setup()
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.loader.applied_migrations:
        print("give an empty database", file=sys.stderr)
        return 2
    graph = executor.loader.graph
    # Every app's first release: its initial migrations (makemigrations splits an app's first
    # schema into 0001_initial and 0002_initial when apps refer to each other; no database
    # ever stood between the two).
    initial: dict[str, tuple[str, str]] = {}
    for key, migration in sorted(graph.nodes.items()):
        if getattr(migration, "initial", False):
            initial[key[0]] = key
    first = sorted(initial.values())
    nodes: list[tuple[str, str]] = []  # with what they depend on, forwards only
    for root in first:
        nodes += [n for n in graph.forwards_plan(root) if n not in nodes]
    plan = [(executor.loader.graph.nodes[n], False) for n in nodes]
    executor.migrate(first, plan=plan)
    executor = MigrationExecutor(connection)
    applied = list(executor.loader.applied_migrations)
    state = executor.loader.project_state(applied, at_end=True)
    counts, skipped = populate(state.apps)
    tables = [state.apps.get_model(label)._meta.db_table for label in counts]
    before = cells(tables)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    after = cells([*tables, "deviations_deviation"])

    lost: list[str] = []
    compared = 0
    for table, rows in before.items():
        if table not in after:
            if table in MOVED:
                lost += MOVED[table](before, after)
            else:
                lost.append(f"{table}: dropped")
            continue
        for pk, row in rows.items():
            now = after[table].get(pk)
            if now is None:
                lost.append(f"{table} {pk}: row gone")
                continue
            for column, value in row.items():
                if column in now and (table, column) not in CHANGED:
                    compared += 1
                    if now[column] != value:
                        lost.append(f"{table} {pk}.{column}: {value!r} became {now[column]!r}")
    report = {
        "first": [f"{app}.{name}" for app, name in first],
        "applied_at_start": len(applied),
        "tables": len(before),
        "rows": sum(len(r) for r in before.values()),
        "cells_compared": compared,
        "skipped": skipped,
        "lost": lost,
    }
    print(json.dumps(report, indent=1))
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
