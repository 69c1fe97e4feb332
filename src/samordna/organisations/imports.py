"""Importing units from CSV or JSON (ORG-5): the whole file is validated before anything is saved.

Columns / keys: ``code, name, kind, principal, connected, hsa_id, phone, email, street,
postal_code, city``. ``principal`` is the code of an existing principal; ``kind`` one of the
unit kinds; ``connected`` yes/no (ja/nej, true/false, 1/0). An existing code updates that unit.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from samordna.organisations.models import Principal, Unit

FIELDS = (
    "code",
    "name",
    "kind",
    "principal",
    "connected",
    "hsa_id",
    "phone",
    "email",
    "street",
    "postal_code",
    "city",
)
TRUE = {"1", "true", "yes", "ja", "j", "x"}
FALSE = {"0", "false", "no", "nej", "n", ""}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def read_rows(path: Path) -> list[dict[str, Any]]:
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".json":
        data = json.loads(text)
        rows = data["units"] if isinstance(data, dict) else data
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise ValueError('JSON must be a list of objects, or {"units": [...]}.')
        return rows
    dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t") if text else csv.excel
    return list(csv.DictReader(io.StringIO(text), dialect=dialect))


def validate(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """Clean rows and a list of every problem, each naming its line (data line 1 = first unit)."""
    principals = {p.code: p for p in Principal.objects.all()}
    kinds = set(Unit.Kind.values)
    seen: dict[str, int] = {}
    cleaned, errors = [], []
    for number, row in enumerate(rows, start=1):
        problems = []
        unknown = set(row) - set(FIELDS)
        if unknown:
            problems.append(f"unknown columns {', '.join(sorted(unknown))}")
        values: dict[str, Any] = {
            k: str(row.get(k) if row.get(k) is not None else "").strip() for k in FIELDS
        }
        if not values["code"]:
            problems.append("code is missing")
        elif values["code"] in seen:
            problems.append(f"code {values['code']} also on line {seen[values['code']]}")
        else:
            seen[values["code"]] = number
        if not values["name"]:
            problems.append("name is missing")
        if values["kind"] not in kinds:
            problems.append(f"kind '{values['kind']}' is not one of {', '.join(sorted(kinds))}")
        if values["principal"] not in principals:
            problems.append(f"principal '{values['principal']}' does not exist")
        connected = values["connected"].lower()
        if connected not in TRUE | FALSE:
            problems.append(f"connected '{values['connected']}' is not yes or no")
        if problems:
            errors.append(f"line {number}: " + "; ".join(problems))
            continue
        values["connected"] = connected in TRUE
        values["principal"] = principals[values["principal"]]
        cleaned.append(values)
    return cleaned, errors


def import_units(path: Path) -> ImportReport:
    report = ImportReport()
    try:
        rows = read_rows(path)
    except (ValueError, KeyError, UnicodeDecodeError, csv.Error) as error:
        report.errors.append(f"the file cannot be read: {error}")
        return report
    cleaned, report.errors = validate(rows)
    if report.errors:
        return report
    with transaction.atomic():
        for values in cleaned:
            code = values.pop("code")
            _unit, created = Unit.objects.update_or_create(code=code, defaults=values)
            report.created += created
            report.updated += not created
    return report
