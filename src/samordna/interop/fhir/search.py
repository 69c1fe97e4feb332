"""FHIR search parameters at the boundary: each is parsed and checked here, and anything the
facade does not support is refused (400 with an OperationOutcome), never ignored: a client that
filters on a parameter the server drops would get everything and believe it got a selection.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone

from samordna.core.identity import IdentityNumber, IdentityNumberError
from samordna.interop import plans as plan_info

PERSONNUMMER = f"urn:oid:{plan_info.PERSONNUMMER_OID}"
SAMORDNINGSNUMMER = f"urn:oid:{plan_info.SAMORDNINGSNUMMER_OID}"
HSA = "urn:oid:1.2.752.29.4.19"
# Inera's OID table (mapping-getcareplans.md) names these URIs for the same two systems.
ALIASES = {
    "http://electronichealth.se/identifier/personnummer": PERSONNUMMER,
    "http://electronichealth.se/identifier/samordningsnummer": SAMORDNINGSNUMMER,
}
PER_PAGE, MAX_PER_PAGE = 20, 100
# Accepted everywhere: paging and the one format there is.
COMMON = {"_count", "_page", "_format"}
JSON_FORMATS = {"json", "application/json", "application/fhir+json"}
_DATE = re.compile(r"(?P<prefix>eq|ne|gt|lt|ge|le|sa|eb|ap)?(?P<value>\d{4}(-\d{2}(-\d{2})?)?)")
_INT = re.compile(r"[1-9][0-9]{0,5}")
_ID = re.compile(r"[1-9][0-9]{0,17}")  # a primary key, within 64 bits


class Invalid(Exception):
    """A search the facade refuses: ``code`` is the OperationOutcome issue type."""

    def __init__(self, message: str, code: str = "invalid", status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


@dataclass(frozen=True)
class Page:
    number: int
    size: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def check_names(query: QueryDict, supported: set[str]) -> None:
    for name in query:
        if name not in supported | COMMON:
            raise Invalid(f"Sökparametern {name[:60]!r} stöds inte här.", "not-supported")
    formats = query.getlist("_format")
    if any(f not in JSON_FORMATS for f in formats):
        raise Invalid("Bara JSON (_format=json) finns.", "not-supported")


def page_of(query: QueryDict) -> Page:
    number = _positive(query.get("_page", "1"), "_page")
    size = min(_positive(query.get("_count", str(PER_PAGE)), "_count"), MAX_PER_PAGE)
    return Page(number, size)


def _positive(value: str, name: str) -> int:
    if not _INT.fullmatch(value):
        raise Invalid(f"{name} ska vara ett positivt heltal.")
    return int(value)


def one(query: QueryDict, name: str) -> str | None:
    values = query.getlist(name)
    if len(values) > 1:
        raise Invalid(f"{name} får bara anges en gång.")
    return values[0] if values else None


def identity(token: str) -> IdentityNumber:
    """``system|value`` (or a bare value) naming a personnummer or samordningsnummer; a
    malformed number, or one of the other kind than its system says, is refused."""
    system, bar, value = token.partition("|")
    if not bar:
        system, value = "", token
    system = ALIASES.get(system, system)
    if system not in ("", PERSONNUMMER, SAMORDNINGSNUMMER):
        raise Invalid(
            f"Identifierarsystemet ska vara {PERSONNUMMER} eller {SAMORDNINGSNUMMER}.",
            "not-supported",
        )
    try:
        number = IdentityNumber(value.replace("-", "") if len(value) == 13 else value)
    except IdentityNumberError as error:
        raise Invalid(f"Ogiltigt person- eller samordningsnummer: {error.message}") from None
    expected = SAMORDNINGSNUMMER if number.is_coordination_number else PERSONNUMMER
    if system and system != expected:
        raise Invalid("Numret är inte av det slag som identifierarsystemet anger.")
    return number


def tokens(query: QueryDict, name: str, allowed: set[str]) -> set[str] | None:
    """A token parameter's values (comma: any of them; repeated: all of them, so the
    intersection)."""
    found: set[str] | None = None
    for value in query.getlist(name):
        values = {v for v in value.split(",") if v}
        unknown = values - allowed
        if unknown or not values:
            raise Invalid(f"Okänt värde för {name}: {', '.join(sorted(unknown))[:80] or 'tomt'}.")
        found = values if found is None else found & values
    return found


def dates(query: QueryDict, field: str, name: str = "date") -> Q:
    """``date=[prefix]YYYY[-MM[-DD]]``, repeatable (all must hold), on a datetime field, in
    Swedish local time; a date is the whole day (month, year) it names."""
    condition = Q()
    for value in query.getlist(name):
        found = _DATE.fullmatch(value)
        if found is None:
            raise Invalid(f"{name} ska vara ett datum (ÅÅÅÅ, ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD).")
        prefix = found["prefix"] or "eq"
        if prefix not in ("eq", "gt", "lt", "ge", "le"):
            raise Invalid(f"Prefixet {prefix} stöds inte för {name}.", "not-supported")
        start, end = _range(found["value"])
        condition &= {
            "eq": Q(**{f"{field}__gte": start, f"{field}__lt": end}),
            "ge": Q(**{f"{field}__gte": start}),
            "gt": Q(**{f"{field}__gte": end}),
            "le": Q(**{f"{field}__lt": end}),
            "lt": Q(**{f"{field}__lt": start}),
        }[prefix]
    return condition


def _range(value: str) -> tuple[dt.datetime, dt.datetime]:
    parts = [int(p) for p in value.split("-")]
    try:
        first = dt.date(
            parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1
        )
    except ValueError:
        raise Invalid(f"Datumet {value} finns inte.") from None
    if len(parts) == 3:
        after = first + dt.timedelta(days=1)
    elif len(parts) == 2:
        after = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    else:
        after = first.replace(year=first.year + 1) if first.year < 9999 else dt.date.max
    zone = timezone.get_current_timezone()
    return (
        dt.datetime.combine(first, dt.time.min, tzinfo=zone),
        dt.datetime.combine(after, dt.time.min, tzinfo=zone),
    )


def as_id(value: str) -> int | None:
    """A resource id as the primary key it is, or None (no such resource)."""
    return int(value) if _ID.fullmatch(value) else None


def reference_id(value: str, kind: str) -> int:
    """``Patient/12`` or ``12`` as the id 12; anything else is refused."""
    raw = value.removeprefix(f"{kind}/")
    if not _ID.fullmatch(raw):
        raise Invalid(f"Referensen ska vara {kind}/<id>.")
    return int(raw)
