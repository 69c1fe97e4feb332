"""`samordna import-units` (ORG-5): the whole file is checked first; any error imports nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from samordna.organisations.models import Unit
from tests.conftest import World

HEADER = "code;name;kind;principal;connected;hsa_id\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_import_creates_and_updates(world: World, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write(
        tmp_path,
        "units.csv",
        HEADER
        + "lulea-hsv;Luleå kommun, kommunal hälso- och sjukvård;municipal_health_care;lulea;ja;\n"
        + "pitea-lss;Piteå kommun, LSS;lss;pitea;nej;SE2321000230-1\n",
    )
    call_command("import_units", path)
    assert "1 units created, 1 updated" in capsys.readouterr().out
    assert Unit.objects.get(code="lulea-hsv").connected is True
    updated = Unit.objects.get(code="pitea-lss")
    assert (updated.name, updated.connected, updated.hsa_id) == (
        "Piteå kommun, LSS",
        False,
        "SE2321000230-1",
    )


def test_json_import(world: World, tmp_path: Path) -> None:
    units = [
        {
            "code": "boden-skola",
            "name": "Bodens skola",
            "kind": "school",
            "principal": "lulea",
            "connected": True,
        }
    ]
    call_command("import_units", write(tmp_path, "units.json", json.dumps({"units": units})))
    assert Unit.objects.filter(code="boden-skola", kind="school").exists()


def test_every_bad_line_is_reported_and_nothing_is_imported(
    world: World, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    before = Unit.objects.count()
    path = write(
        tmp_path,
        "units.csv",
        HEADER
        + "ok-unit;Fine;school;lulea;ja;\n"
        + "bad-kind;Wrong kind;hospital;lulea;ja;\n"
        + ";No code;school;nowhere;maybe;\n"
        + "ok-unit;Duplicate;school;lulea;ja;\n",
    )
    with pytest.raises(CommandError, match="3 bad lines; nothing was imported"):
        call_command("import_units", path)
    err = capsys.readouterr().err
    assert "line 2: kind 'hospital'" in err
    assert (
        "line 3: code is missing" in err
        and "principal 'nowhere'" in err
        and "connected 'maybe'" in err
    )
    assert "line 4: code ok-unit also on line 1" in err
    assert Unit.objects.count() == before


@pytest.mark.parametrize("content", ["[1, 2]", '{"units": 3}', "not json"])
def test_malformed_json_is_refused(world: World, tmp_path: Path, content: str) -> None:
    with pytest.raises(CommandError):
        call_command("import_units", write(tmp_path, "units.json", content))


def test_missing_file(world: World, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_units", tmp_path / "nope.csv")
