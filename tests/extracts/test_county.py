"""The county export and import (issue 16 item 2): versioned JSON lines of every model but an
explicit, tested exclusion list, in dependency order; an import into an empty installation
restores the county exactly (a digest of every table, the access log included), and refuses
what is not a whole export of this schema, leaving the database as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.apps import apps

from samordna import cli
from samordna.extracts import county
from tests import digest
from tests.access.world import build
from tests.conftest import World
from tests.operations import fresh


def left_out_tables() -> set[str]:
    return {apps.get_model(label)._meta.db_table for label in county.EXCLUDED}


@pytest.mark.django_db(transaction=True)
def test_export_then_import_into_an_empty_installation_is_exact(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build(world)  # everything a route can point at, made by the acts (tests/access/world.py)
    before = digest.snapshot(every_table=True)
    file = tmp_path / "county.jsonl"
    assert cli.main(["export-county", str(file)]) == 0
    assert "left out: accounts.failure, sessions.session" in capsys.readouterr().out
    assert file.stat().st_mode & 0o077 == 0
    lines = file.read_text().splitlines()
    header, last = json.loads(lines[0]), json.loads(lines[-1])
    assert (header["format"], header["version"]) == ("samordna.county-export", 1)
    assert last == {"end": True, "rows": len(lines) - 2}

    with fresh.installation(tmp_path / "fresh") as env:
        assert fresh.samordna(env, "manage", "migrate", "-v0").returncode == 0
        done = fresh.samordna(env, "import-county", str(file))
        assert done.returncode == 0, done.stderr
        assert f"{len(lines) - 2} rows" in done.stdout
        after = fresh.digest(env)
        again = fresh.samordna(env, "import-county", str(file))  # now it is in use
        assert again.returncode == 1 and "in use" in again.stderr
    changed = digest.changed(before, after)
    assert changed and set(changed) <= left_out_tables()  # the sessions, never moved
    assert before["audit_accesslog"][0] > 0 and "audit_accesslog" not in changed


def test_every_model_is_exported_or_left_out_for_a_reason(db: None) -> None:
    exported = {m._meta.label_lower for m in county.exported_models()}
    every = {m._meta.label_lower for m in apps.get_models(include_auto_created=True)}
    assert exported | set(county.EXCLUDED) == every
    assert not exported & set(county.EXCLUDED)
    assert set(county.FIRST) <= exported
    assert "audit.accesslog" in exported and "sip.consent_units" in exported
    order = [m._meta.label_lower for m in county.exported_models()]
    assert order[: len(county.FIRST)] == sorted(county.FIRST)
    for model in county.exported_models():  # each after what it refers to
        for field in model._meta.concrete_fields:
            target = field.related_model
            if field.is_relation and isinstance(target, type) and target is not model:
                label = target._meta.label_lower
                if label in exported:
                    assert order.index(label) < order.index(model._meta.label_lower), (
                        model,
                        field,
                    )


@pytest.fixture
def export_of_empty(db: None, tmp_path: Path) -> list[str]:
    """The export of this empty, migrated installation: what its migrations wrote."""
    file = tmp_path / "empty.jsonl"
    county.export(file)
    return file.read_text().splitlines()


def test_an_export_of_what_migrations_wrote_goes_back_unchanged(
    export_of_empty: list[str], tmp_path: Path
) -> None:
    before = digest.snapshot(every_table=True)
    file = tmp_path / "again.jsonl"
    file.write_text("\n".join(export_of_empty) + "\n")
    assert county.import_county(file) == len(export_of_empty) - 2
    assert digest.changed(before, digest.snapshot(every_table=True)) == []


def _header(lines: list[str], **change: object) -> list[str]:
    return [json.dumps(json.loads(lines[0]) | change), *lines[1:]]


def _first_row(lines: list[str], fields: dict[str, object]) -> list[str]:
    row = json.loads(lines[1])
    return [lines[0], json.dumps(row | {"fields": fields}), *lines[2:]]


CASES = {
    "cut short": (lambda lines: lines[:-1], "cut short"),
    "a row after the end": (lambda lines: [*lines, lines[1]], "after the last line"),
    "a wrong row count": (
        lambda lines: [*lines[:-1], json.dumps({"end": True, "rows": 1})],
        "not the rows it says",
    ),
    "another format": (lambda lines: _header(lines, format="dumpdata"), "not a Samordna"),
    "a later version": (lambda lines: _header(lines, version=2), "format version 2"),
    "a newer schema": (
        lambda lines: _header(
            lines, migrations=[*json.loads(lines[0])["migrations"], ["audit", "9999_later"]]
        ),
        "newer release",
    ),
    "an older schema": (
        lambda lines: _header(lines, migrations=json.loads(lines[0])["migrations"][1:]),
        "not this database's",
    ),
    "an unknown model": (
        lambda lines: _header(lines, models=["nowhere.thing"]),
        "unknown model nowhere.thing",
    ),
    "a model not named": (
        lambda lines: [lines[0], json.dumps({"model": "sessions.session", "fields": {}})],
        "not named on line 1",
    ),
    "other columns": (lambda lines: _first_row(lines, {"id": 1}), "columns of"),
    "a bad value": (
        lambda lines: _first_row(lines, json.loads(lines[1])["fields"] | {"id": "one"}),
        "line 2",
    ),
    "not JSON": (lambda lines: [lines[0], "{not json", *lines[1:]], "not JSON"),
    "empty": (lambda lines: [], "empty"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_refuses_what_is_not_a_whole_export_of_this_schema(
    export_of_empty: list[str], tmp_path: Path, case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    damage, reason = CASES[case]
    file = tmp_path / "damaged.jsonl"
    file.write_text("".join(f"{line}\n" for line in damage(export_of_empty)))
    before = digest.snapshot(every_table=True)
    assert cli.main(["import-county", str(file)]) == 1
    error = capsys.readouterr().err
    assert reason in error and "nothing was imported" in error and "Traceback" not in error
    assert digest.changed(before, digest.snapshot(every_table=True)) == []
