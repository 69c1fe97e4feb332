"""The county's data as JSON lines, and its import into an empty installation (issue 16 item 2).

For moving a county to or from another system, or between SQLite and PostgreSQL: a file anyone
can read with a JSON parser, line by line, whatever its size. Every model in the registry is
exported (the many-to-many tables too), so a model added later is in the export without a
change here; only ``EXCLUDED`` is left out, each with its reason. The models come in dependency
order (a row's references come before it; ``FIRST`` before all), rows in key order.

The format, version 1 (README, *Operations*)::

    {"format": "samordna.county-export", "version": 1, "made_at": "...",
     "migrations": [["app", "0001_initial"], ...], "models": ["organisations.county", ...]}
    {"model": "organisations.county", "fields": {"id": 1, "code": "norrbotten", ...}}
    ...
    {"end": true, "rows": 12345}

Each row's ``fields`` are the table's columns by their Django names (a reference as ``unit_id``),
times in ISO 8601 with their offset and microseconds, decimals and UUIDs as strings, binary
data in base64. The import refuses a file of another format or version, without its last line,
or from another schema (its ``migrations`` must be this installation's), and a database in use;
it runs in one transaction, so a refused or failed import leaves the database as it was.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.duration import duration_iso_string

from samordna.operations.backup import BackupError, in_use, known_migrations

FORMAT = "samordna.county-export"
VERSION = 1
BATCH = 1000
# Left out of the export, by model label, each for a reason.
EXCLUDED = {
    "sessions.session": "logins in progress: they do not move to another installation",
    "accounts.failure": "counted failed guesses of the throttle, which expire within minutes",
}

# Exported (and imported) before everything else: tables that database triggers also write.
FIRST = {
    "people.surname": "kept by triggers on people_person (people migration 0004) that skip a "
    "surname already there: imported before the individuals, the export's rows and keys stay",
}


class ExportError(BackupError):
    pass


def _fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]


def exported_models() -> list[type[models.Model]]:
    """Every model but ``EXCLUDED``, each after the models it refers to (a reference back to
    itself or around a circle is kept in key order; the foreign keys are checked at commit)."""
    every = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.label_lower not in EXCLUDED and not m._meta.proxy and m._meta.managed
    ]
    done: list[type[models.Model]] = []
    seen: set[type[models.Model]] = set()

    def visit(model: type[models.Model], path: set[type[models.Model]]) -> None:
        if model in seen or model in path:
            return
        for field in _fields(model):
            target = field.related_model
            linked = field.many_to_one or field.one_to_one
            if linked and isinstance(target, type) and target in every_set:
                visit(target, path | {model})
        seen.add(model)
        done.append(model)

    every_set = set(every)
    first = sorted(
        (m for m in every if m._meta.label_lower in FIRST), key=lambda m: m._meta.label_lower
    )
    for model in first + sorted(every, key=lambda m: m._meta.label_lower):
        visit(model, set())
    return done


def _encode(value: Any) -> Any:
    if isinstance(value, dt.timedelta):
        return duration_iso_string(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    return value


def _applied() -> list[list[str]]:
    rows = MigrationRecorder.Migration.objects.order_by("app", "name")
    return [[app, name] for app, name in rows.values_list("app", "name")]


def export(path: Path) -> int:
    """Writes the county to ``path`` (mode 0600: personal data); returns the number of rows.
    One read transaction, so the file is one consistent moment even while the service runs."""
    pending = known_migrations() - {(app, name) for app, name in _applied()}
    if pending:
        raise ExportError(
            f"{len(pending)} migrations are not applied: run samordna manage migrate first"
        )
    written = 0
    chosen = exported_models()
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    partial.touch(mode=0o600)
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    try:
        with transaction.atomic(), partial.open("w", encoding="utf-8") as out:
            if snapshot:  # one moment for every table (SQLite's transaction is one already)
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            header = {
                "format": FORMAT,
                "version": VERSION,
                "made_at": timezone.now().isoformat(),
                "migrations": _applied(),
                "models": [m._meta.label_lower for m in chosen],
            }
            out.write(json.dumps(header, ensure_ascii=False) + "\n")
            for model in chosen:
                names = [f.attname for f in _fields(model)]
                label = model._meta.label_lower
                rows = model._base_manager.order_by("pk").values_list(*names)
                for values in rows.iterator(chunk_size=BATCH):
                    fields = {n: _encode(v) for n, v in zip(names, values, strict=True)}
                    out.write(json.dumps({"model": label, "fields": fields}, ensure_ascii=False))
                    out.write("\n")
                    written += 1
            out.write(json.dumps({"end": True, "rows": written}) + "\n")
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return written


def _lines(file: IO[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(file, 1):
        try:
            item = json.loads(line)
        except ValueError as error:
            raise ExportError(f"line {number}: not JSON ({error})") from error
        if not isinstance(item, dict):
            raise ExportError(f"line {number}: not a JSON object")
        yield number, item


def _header(item: dict[str, Any]) -> list[str]:
    if item.get("format") != FORMAT:
        raise ExportError("not a Samordna county export (line 1 names no such format)")
    if item.get("version") != VERSION:
        raise ExportError(
            f"format version {item.get('version')!r}; this release reads version {VERSION}"
        )
    theirs = {tuple(m) for m in item.get("migrations", []) if isinstance(m, list) and len(m) == 2}
    ours = {tuple(m) for m in _applied()}
    if theirs - known_migrations():
        raise ExportError(
            "the export is from a newer release (its schema has migrations this code does not "
            "know); import it with that release"
        )
    if theirs != ours:
        raise ExportError(
            "the export's schema is not this database's: migrate this installation to the "
            "export's release (samordna manage migrate), or import into that release and "
            "upgrade afterwards"
        )
    labels = item.get("models")
    if not isinstance(labels, list) or not all(isinstance(m, str) for m in labels):
        raise ExportError("line 1: no list of models")
    return labels


def _row(number: int, model: type[models.Model], fields: Any) -> models.Model:
    by_name = {f.attname: f for f in _fields(model)}
    if not isinstance(fields, dict) or set(fields) != set(by_name):
        raise ExportError(f"line {number}: the columns of {model._meta.label_lower} differ")
    try:
        values = {n: by_name[n].to_python(v) for n, v in fields.items()}
    except Exception as error:  # a ValidationError or a decoding error: bad input either way
        raise ExportError(f"line {number}: {error}") from error
    return model(**values)


def _insert(model: type[models.Model], rows: list[models.Model]) -> None:
    """A raw insert, as loaddata's: no save() (the access log's guard stays), and no field's
    pre_save (an ``auto_now_add`` time keeps the export's value)."""
    fields = _fields(model)
    size = max(1, connection.ops.bulk_batch_size(fields, rows))
    manager = model._base_manager
    for start in range(0, len(rows), size):
        manager._insert(rows[start : start + size], fields=fields, raw=True)  # type: ignore[attr-defined]


def import_county(path: Path) -> int:
    """Loads an export into this (empty, migrated) installation; returns the rows imported."""
    if not path.is_file():
        raise ExportError(f"{path}: no such file")
    used = in_use()
    if used:
        raise ExportError(
            f"the database is in use (it has rows of {', '.join(used)}); "
            "import into an empty installation"
        )
    count = 0
    with transaction.atomic(), path.open(encoding="utf-8") as file:
        lines = _lines(file)
        first = next(lines, None)
        if first is None:
            raise ExportError(f"{path}: empty")
        labels = _header(first[1])
        chosen: dict[str, type[models.Model]] = {}
        for label in labels:
            try:
                chosen[label] = apps.get_model(label)
            except (LookupError, ValueError) as error:
                raise ExportError(f"line 1: unknown model {label}") from error
        # What migrations wrote into the empty installation (content types, permissions, the
        # daily amounts) makes way for the export's own rows, keys and all.
        for model in reversed(list(chosen.values())):
            model._base_manager.all()._raw_delete(connection.alias)
        batch: list[models.Model] = []
        current: type[models.Model] | None = None
        ended = False
        for number, item in lines:
            if ended:
                raise ExportError(f"line {number}: after the last line")
            if item.get("end") is True:
                if item.get("rows") != count + len(batch):
                    raise ExportError(f"line {number}: the file has not the rows it says")
                ended = True
                continue
            named = chosen.get(str(item.get("model")))
            if named is None:
                raise ExportError(f"line {number}: a model not named on line 1")
            model = named
            if model is not current and batch:
                _insert(current, batch)  # type: ignore[arg-type]
                count, batch = count + len(batch), []
            current = model
            batch.append(_row(number, model, item.get("fields")))
            if len(batch) >= BATCH:
                _insert(model, batch)
                count, batch = count + len(batch), []
        if not ended:
            raise ExportError(f"{path}: cut short (no last line); nothing was imported")
        if batch and current is not None:
            _insert(current, batch)
            count += len(batch)
        _reset_sequences(chosen.values())
    return count


def _reset_sequences(chosen: Iterable[type[models.Model]]) -> None:
    """PostgreSQL's sequences on past the imported keys (SQLite's follow by themselves)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(chosen))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
