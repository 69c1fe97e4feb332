"""The population register interface (folkbokföringen).

Samordna asks the register before registering anyone, because a person with protected identity
must never be stored (SPEC PER-1, seed 000). Production plugs in an adapter for the county's
register service; the demo adapter reads a JSON file shipped with the demo data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class RegisterRecord:
    identity_number: str
    first_name: str
    last_name: str
    street: str
    postal_code: str
    city: str
    municipality_code: str
    protected: bool


class PopulationRegister(Protocol):
    def lookup(self, identity_number: str) -> RegisterRecord | None:
        """The register's record for a 12-digit identity number, or None if it has none."""


class DemoFileRegister:
    """Reads ``population.json``: the demo's stand-in for the population register."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path or settings.POPULATION_REGISTER_FILE)

    def lookup(self, identity_number: str) -> RegisterRecord | None:
        return self._records().get(identity_number)

    def _records(self) -> dict[str, RegisterRecord]:
        return _load(self.path)


@cache
def _load(path: Path) -> dict[str, RegisterRecord]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        p["identity_number"]: RegisterRecord(
            identity_number=p["identity_number"],
            first_name=p["first_name"],
            last_name=p["last_name"],
            street=p.get("street", ""),
            postal_code=p.get("postal_code", ""),
            city=p.get("city", ""),
            municipality_code=p["municipality"],
            protected=bool(p.get("protected", False)),
        )
        for p in data["persons"]
    }


def population_register() -> PopulationRegister:
    register: PopulationRegister = import_string(settings.POPULATION_REGISTER)()
    return register
