"""Backup and restore of the whole database (issue 16 item 1, OPS-3, SEC-2).

SQLite: the online backup API (``sqlite3.Connection.backup``) copies the live database page by
page under a read lock, so the copy is consistent while the web and worker processes write (WAL
mode lets them go on). PostgreSQL: ``pg_dump --format=custom``, which reads one snapshot, and
``pg_restore``; the tools come from the PostgreSQL client package of the server's major version
(Debian: ``postgresql-client-15``), found on ``PATH`` or in ``SAMORDNA_PG_BINDIR``.

A restore refuses a file whose schema is newer than this installation's code (it lists a
migration the code does not know: the code would not understand the data), and a database in
use (one with a user, a county, an individual or an access log row) unless forced. A backup
from an older release is restored as it is; the next ``samordna serve`` (or ``samordna manage
migrate``) migrates it forward.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
# What makes a database "in use": a restore over it needs --force.
IN_USE = ("organisations.User", "organisations.County", "people.Person", "audit.AccessLog")


class BackupError(Exception):
    """A refusal or failure, with a message for the operator."""


@dataclass(frozen=True)
class Restored:
    applied: int  # migrations recorded in the backup
    pending: list[str]  # migrations of this code the backup has not applied yet


def known_migrations() -> set[tuple[str, str]]:
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def in_use() -> list[str]:
    """The models of ``IN_USE`` that have rows in the current database."""
    tables = set(connection.introspection.table_names())
    found = []
    for label in IN_USE:
        model = apps.get_model(label)
        if model._meta.db_table in tables and model._default_manager.exists():
            found.append(label)
    return found


def backup(path: Path) -> str:
    """Writes a backup of the current database to ``path`` (replaced atomically, mode 0600: it
    holds personal data). Returns a line for the operator."""
    path = path.resolve()
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent}: no such folder")
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    partial.touch(mode=0o600)
    try:
        if connection.vendor == "sqlite":
            _sqlite_backup(partial)
        elif connection.vendor == "postgresql":
            _run(_tool("pg_dump"), "--format=custom", f"--file={partial}")
        else:
            raise BackupError(f"no backup for the database engine {connection.vendor}")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return f"Backup written to {path} ({path.stat().st_size} bytes, {connection.vendor})."


def restore(path: Path, force: bool = False) -> Restored:
    """Replaces the current database by the backup in ``path``. Run it with the web and worker
    processes stopped."""
    path = path.resolve()
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    with path.open("rb") as file:
        head = file.read(16)
    kind = "sqlite" if head == SQLITE_MAGIC else "postgresql" if head[:5] == PG_MAGIC else None
    if kind is None:
        raise BackupError(f"{path}: not a Samordna backup (neither SQLite nor pg_dump's format)")
    if kind != connection.vendor:
        raise BackupError(
            f"{path} is a {kind} backup and this installation uses {connection.vendor}; "
            "move between the two with the county export (samordna export-county)"
        )
    applied = _sqlite_migrations(path) if kind == "sqlite" else _pg_migrations(path)
    known = known_migrations()
    newer = sorted(applied - known)
    if newer:
        names = ", ".join(f"{app}.{name}" for app, name in newer[:5])
        raise BackupError(
            f"{path} is from a newer release (its schema has migrations this code does not "
            f"know: {names}); restore it with that release or a later one"
        )
    used = in_use()
    if used and not force:
        raise BackupError(
            f"the database is in use (it has rows of {', '.join(used)}); "
            "restore into an empty database, or give --force to replace everything in it"
        )
    if kind == "sqlite":
        _sqlite_restore(path)
    else:
        _pg_restore(path)
    pending = sorted(f"{app}.{name}" for app, name in known - applied)
    return Restored(applied=len(applied), pending=pending)


# SQLite


def _sqlite_backup(target: Path) -> None:
    connection.ensure_connection()
    source = connection.connection
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)  # one step: a consistent copy of the live database
        destination.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        destination.close()


def _sqlite_migrations(path: Path) -> set[tuple[str, str]]:
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            check = source.execute("PRAGMA quick_check").fetchone()
            if check != ("ok",):
                raise BackupError(f"{path}: the SQLite file is damaged ({check[0]})")
            rows = source.execute("SELECT app, name FROM django_migrations").fetchall()
        finally:
            source.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path}: not a Samordna backup ({error})") from error
    return {(app, name) for app, name in rows}


def _sqlite_restore(path: Path) -> None:
    connection.close()
    connection.ensure_connection()
    target = connection.connection
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        source.backup(target)  # replaces every page of the target: its whole content
    finally:
        source.close()
        connection.close()


# PostgreSQL


def _tool(name: str) -> str:
    folder = os.environ.get("SAMORDNA_PG_BINDIR")
    found = shutil.which(name, path=folder) if folder else shutil.which(name)
    if found is None:
        where = f"in SAMORDNA_PG_BINDIR={folder}" if folder else "on PATH"
        raise BackupError(
            f"{name} was not found {where}: install the PostgreSQL client tools of the "
            f"server's major version (Debian and Ubuntu: apt-get install postgresql-client-15, "
            f"or postgresql-client for the distribution's version) or set SAMORDNA_PG_BINDIR"
        )
    return found


def _pg_env() -> dict[str, str]:
    """libpq's variables for the current database (no password on a command line)."""
    settings = connection.settings_dict
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if settings.get(key):
            env[variable] = str(settings[key])
    if sslmode := settings.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = str(sslmode)
    return env


def _run(*command: str) -> str:
    done = subprocess.run(command, env=_pg_env(), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        message = done.stderr.strip() or f"exit status {done.returncode}"
        raise BackupError(f"{Path(command[0]).name} failed: {message}")
    return done.stdout


def _pg_migrations(path: Path) -> set[tuple[str, str]]:
    """The rows of django_migrations in the dump, read by pg_restore without a database."""
    script = _run(
        _tool("pg_restore"), "--data-only", "--table=django_migrations", "--file=-", str(path)
    )
    rows: set[tuple[str, str]] = set()
    copying = False
    for line in script.splitlines():
        if line.startswith("COPY ") and "django_migrations" in line:
            copying = True
        elif copying and line == "\\.":
            break
        elif copying:
            _id, app, name, *_rest = line.split("\t")
            rows.add((app, name))
    if not copying:
        raise BackupError(f"{path}: not a Samordna backup (no django_migrations table)")
    return rows


def _pg_restore(path: Path) -> None:
    with connection.cursor() as cursor:  # also what a newer schema left behind
        for table in connection.introspection.table_names():
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")
    connection.close()
    _run(
        _tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        f"--dbname={connection.settings_dict['NAME']}",
        str(path),
    )
