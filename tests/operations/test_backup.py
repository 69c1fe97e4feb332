"""`samordna backup` and `samordna restore` (issue 16 item 1): the round trip through a fresh
installation keeps every table, the append-only access log and the sessions included, on the
engine the run uses (SQLite, and PostgreSQL in the PostgreSQL pass); and the refusals."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from samordna import cli
from samordna.audit.models import AccessLog
from tests import digest
from tests.access.world import build
from tests.conftest import World
from tests.operations import fresh
from tests.operations.fresh import installation, samordna

pytestmark = pytest.mark.django_db(transaction=True)


def every_table() -> set[str]:
    return {m._meta.db_table for m in apps.get_models(include_auto_created=True)}


def filled(world: World) -> dict[str, tuple[int, str]]:
    build(world)  # everything a route can point at, made by the acts (tests/access/world.py)
    before = digest.snapshot(every_table=True)
    assert before["audit_accesslog"][0] > 0
    assert before["django_session"][0] > 0
    return before


def test_round_trip_into_a_fresh_installation(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = filled(world)
    file = tmp_path / "samordna.backup"
    assert cli.main(["backup", str(file)]) == 0
    assert f"Backup written to {file}" in capsys.readouterr().out
    assert file.stat().st_mode & 0o077 == 0  # personal data: for the owner only

    with installation(tmp_path / "fresh") as env:
        if connection.vendor == "sqlite":  # an empty installation: migrated, no data yet
            assert samordna(env, "manage", "migrate", "-v0").returncode == 0
        done = samordna(env, "restore", str(file))
        assert done.returncode == 0, done.stderr
        assert "Restored" in done.stdout
        after = fresh.digest(env)
    assert digest.changed(before, after) == []
    assert set(before) == every_table()


def test_refuses_a_database_in_use_unless_forced(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = filled(world)
    file = tmp_path / "samordna.backup"
    assert cli.main(["backup", str(file)]) == 0
    AccessLog.objects.create(user=world.alice, action="read", what="after the backup")

    assert cli.main(["restore", str(file)]) == 1
    error = capsys.readouterr().err
    assert "the database is in use" in error and "--force" in error
    assert AccessLog.objects.filter(what="after the backup").exists()  # nothing was touched

    assert cli.main(["restore", str(file), "--force"]) == 0
    assert digest.changed(before, digest.snapshot(every_table=True)) == []


def test_refuses_a_backup_from_a_newer_release(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build(world)
    MigrationRecorder.Migration.objects.create(app="audit", name="9999_from_a_later_release")
    file = tmp_path / "samordna.backup"
    assert cli.main(["backup", str(file)]) == 0
    MigrationRecorder.Migration.objects.filter(name="9999_from_a_later_release").delete()
    before = digest.snapshot(every_table=True)

    assert cli.main(["restore", str(file), "--force"]) == 1
    error = capsys.readouterr().err
    assert "newer release" in error and "audit.9999_from_a_later_release" in error
    assert digest.changed(before, digest.snapshot(every_table=True)) == []


def test_an_older_backup_is_restored_and_migrated_forward(world: World, tmp_path: Path) -> None:
    """A backup whose schema lacks the newest migration is restored as it is: the restore says
    the migrations are pending, and migrate brings it forward."""
    file = tmp_path / "samordna.backup"
    with installation(tmp_path / "old") as env:
        assert samordna(env, "manage", "migrate", "-v0").returncode == 0
        assert samordna(env, "manage", "migrate", "audit", "0004", "-v0").returncode == 0
        assert samordna(env, "backup", str(file)).returncode == 0
    with installation(tmp_path / "fresh") as env:
        done = samordna(env, "restore", str(file))
        assert done.returncode == 0, done.stderr
        assert "migrations are pending" in done.stdout
        assert samordna(env, "manage", "migrate", "-v0").returncode == 0
        assert "[ ]" not in samordna(env, "manage", "showmigrations").stdout


@pytest.mark.parametrize(
    "content",
    [b"", b"not a backup at all\n", b"SQLite format 3\x00" + b"\x00" * 200, b"PGDMP\x00garbage"],
)
def test_refuses_what_is_not_a_backup(
    db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    file = tmp_path / "bad.backup"
    file.write_bytes(content)
    assert cli.main(["restore", str(file), "--force"]) == 1
    error = capsys.readouterr().err
    assert error.startswith("samordna restore: ") and "Traceback" not in error


def test_refuses_a_backup_of_the_other_engine(
    db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "other.backup"
    if connection.vendor == "sqlite":
        file.write_bytes(b"PGDMP" + b"\x00" * 100)
        other = "postgresql"
    else:
        sqlite3.connect(file).close()
        file.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
        other = "sqlite"
    assert cli.main(["restore", str(file)]) == 1
    assert f"is a {other} backup" in capsys.readouterr().err


def test_a_missing_postgresql_tool_is_named(
    db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the SQLite backup needs no outside tool")
    monkeypatch.setenv("SAMORDNA_PG_BINDIR", str(tmp_path))  # a folder without pg_dump
    assert cli.main(["backup", str(tmp_path / "x.backup")]) == 1
    error = capsys.readouterr().err
    assert "pg_dump was not found" in error and "postgresql-client" in error
    assert not (tmp_path / "x.backup").exists()


def test_a_backup_while_another_process_writes_is_consistent(db: None, tmp_path: Path) -> None:
    """The service keeps writing while `samordna backup` runs: every backup holds whole
    transactions only (the writer writes banners in pairs, so an odd count is a torn copy),
    each later backup holds more, and restored they are the same database."""
    with installation(tmp_path / "live") as env:
        assert samordna(env, "manage", "migrate", "-v0").returncode == 0
        stop = tmp_path / "stop"
        writer = subprocess.Popen(
            [sys.executable, "-m", "tests.operations.writer", str(stop)],
            env=env,
            cwd=fresh.ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        counts = []
        try:
            while not stop.with_suffix(".writing").exists() and writer.poll() is None:
                time.sleep(0.1)
            for n in range(2):
                file = tmp_path / f"live-{n}.backup"
                done = samordna(env, "backup", str(file))
                assert done.returncode == 0, done.stderr
                with installation(tmp_path / f"restored-{n}") as target:
                    assert samordna(target, "restore", str(file)).returncode == 0
                    counted = samordna(
                        target,
                        "manage",
                        "shell",
                        "-c",
                        "from samordna.operations.models import Banner; "
                        "print(Banner.objects.count())",
                    )
                    counts.append(int(counted.stdout.split()[-1]))
        finally:
            stop.touch()
            out, err = writer.communicate(timeout=60)
        assert writer.returncode == 0, err
    assert all(count % 2 == 0 for count in counts), counts
    assert 0 < counts[0] <= counts[-1] <= 2 * int(out)
