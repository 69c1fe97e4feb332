"""Acts on individuals (SPEC PER-1, PER-2, SEC-2). Each act is one transaction and is logged."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samordna.accounts.actor import Actor
from samordna.audit.models import AccessLog
from samordna.audit.services import log, log_many
from samordna.cases.acts import act
from samordna.core.identity import IdentityNumber, IdentityNumberError, parse_identity_number
from samordna.errors import Conflict, NotFound, ServiceError
from samordna.organisations.models import Principal, Unit
from samordna.people.models import Person, Relative, Representative
from samordna.people.register import RegisterRecord, population_register

SEARCH_LIMIT = 50
EDITABLE_FIELDS = (
    "first_name",
    "last_name",
    "street",
    "postal_code",
    "city",
    "municipality",
    "listed_primary_care",
    "phone",
    "preferred_plan_format",
)


def protected_identity_message() -> str:
    return _(
        "Persons with protected identity are not registered in Samordna. "
        "Coordinate by phone instead."
    )


def parse(raw: str) -> IdentityNumber:
    """A valid identity number, or a ServiceError with the validator's code and message."""
    try:
        return parse_identity_number(raw, today=timezone.localdate())
    except IdentityNumberError as error:
        raise ServiceError(error.code, error.message, field="identity_number") from error


def looks_like_identity_number(query: str) -> bool:
    return sum(c.isdigit() for c in query) >= 10


@dataclass(frozen=True)
class Lookup:
    """What an exact identity-number lookup found: a registered person, a register record, or none.

    Any staff member may look a number up (to start a process, as in the population register);
    the full person page still requires visibility.
    """

    identity: IdentityNumber
    person: Person | None
    record: RegisterRecord | None
    visible: bool


def check_register(actor: Actor, identity: IdentityNumber, what: str) -> RegisterRecord | None:
    """Ask the population register; refuse protected identities without storing the number."""
    record = population_register().lookup(identity.value)
    if record is not None and record.protected:
        log(actor, AccessLog.Action.REFUSE, f"{what}: protected_identity")
        raise ServiceError("protected_identity", protected_identity_message(), "identity_number")
    return record


def lookup(actor: Actor, raw: str) -> Lookup:
    identity = parse(raw)
    person = Person.objects.filter(identity_number=identity.value).first()
    record = None if person else check_register(actor, identity, "person.lookup")
    visible = bool(person and Person.objects.visible_to(actor).filter(pk=person.pk).exists())
    purpose = gettext_lazy("Search by identity number")
    log(actor, AccessLog.Action.SEARCH, "person.lookup", person, purpose)
    return Lookup(identity=identity, person=person, record=record, visible=visible)


def search(actor: Actor, query: str) -> list[Person]:
    """Name search among the individuals the unit may see; every hit is logged."""
    words = query.split()
    if not words:
        return []
    persons = Person.objects.visible_to(actor)
    for word in words[:4]:
        persons = persons.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    found = list(
        persons.select_related("municipality").order_by("last_name", "first_name")[:SEARCH_LIMIT]
    )
    log_many(actor, AccessLog.Action.SEARCH, "person.search", found, gettext_lazy("Search by name"))
    return found


def get_visible(actor: Actor, pk: int, what: str = "person.detail", purpose: str = "") -> Person:
    person = (
        Person.objects.visible_to(actor)
        .select_related("municipality", "listed_primary_care")
        .filter(pk=pk)
        .first()
    )
    if person is None:
        raise NotFound(
            "not_found",
            _("The individual was not found, or your unit is not permitted to see them."),
        )
    log(actor, AccessLog.Action.READ, what, person, purpose)
    return person


def _clean_fields(data: dict[str, Any]) -> dict[str, Any]:
    fields = {k: v for k, v in data.items() if k in EDITABLE_FIELDS}
    for name in ("first_name", "last_name"):
        if name in fields and not str(fields[name]).strip():
            raise ServiceError("required", _("First and last name are required."), name)
    municipality = fields.get("municipality")
    if municipality is not None and (
        not isinstance(municipality, Principal) or municipality.kind != Principal.Kind.MUNICIPALITY
    ):
        raise ServiceError("invalid_municipality", _("Choose a municipality."), "municipality")
    care = fields.get("listed_primary_care")
    if care is not None and (not isinstance(care, Unit) or care.kind != Unit.Kind.PRIMARY_CARE):
        raise ServiceError(
            "invalid_primary_care", _("Choose a primary care centre."), "listed_primary_care"
        )
    return fields


def register(actor: Actor, raw_identity_number: str, data: dict[str, Any]) -> Person:
    """Register an individual. Reserve numbers and protected identities are refused (PER-1).

    The register check runs before the transaction so that the log of a refusal is kept.
    """
    identity = parse(raw_identity_number)
    if Person.objects.filter(identity_number=identity.value).exists():
        raise Conflict(
            "already_registered", _("The individual is already registered."), "identity_number"
        )
    check_register(actor, identity, "person.register")
    fields = _clean_fields(data)
    if fields.get("municipality") is None:
        raise ServiceError("invalid_municipality", _("Choose a municipality."), "municipality")
    try:
        with transaction.atomic():
            person = Person.objects.create(
                identity_number=identity.value,
                registered_by=actor.user,
                registered_by_unit=actor.unit,
                **fields,
            )
            purpose = gettext_lazy("Registration")
            log(actor, AccessLog.Action.CREATE, "person.register", person, purpose)
    except IntegrityError as error:
        if not Person.objects.filter(identity_number=identity.value).exists():
            raise
        # Registered by someone else a moment ago.
        raise Conflict(
            "already_registered", _("The individual is already registered."), "identity_number"
        ) from error
    return person


@act
def update(actor: Actor, pk: int, version: int, data: dict[str, Any]) -> Person:
    """Change contact details; refuses if someone else saved since ``version`` was read."""
    person = get_visible(actor, pk, "person.update")
    fields = _clean_fields(data)
    changed = Person.objects.filter(pk=pk, version=version).update(
        version=F("version") + 1, **fields
    )
    if not changed:
        raise Conflict(
            "edit_conflict",
            _(
                "Someone else changed the individual's details while you were editing. "
                "Your changes have not been saved; review the current details and try again."
            ),
        )
    log(actor, AccessLog.Action.UPDATE, "person.update", person, ", ".join(sorted(fields)))
    person.refresh_from_db()
    return person


@act
def add_relative(actor: Actor, pk: int, data: dict[str, Any]) -> Relative:
    person = get_visible(actor, pk, "relative.add")
    if not str(data.get("name", "")).strip() or not str(data.get("relation", "")).strip():
        raise ServiceError("required", _("Name and relation are required."), "name")
    relative = Relative.objects.create(
        person=person,
        name=data["name"].strip(),
        relation=data["relation"].strip(),
        phone=data.get("phone", "").strip(),
        is_guardian=bool(data.get("is_guardian")),
    )
    log(actor, AccessLog.Action.UPDATE, "relative.add", person)
    return relative


@act
def remove_relative(actor: Actor, pk: int, relative_pk: int) -> None:
    person = get_visible(actor, pk, "relative.remove")
    deleted, _count = Relative.objects.filter(person=person, pk=relative_pk).delete()
    if not deleted:
        raise NotFound("not_found", _("The relative was not found."))
    log(actor, AccessLog.Action.UPDATE, "relative.remove", person)


@act
def add_representative(actor: Actor, pk: int, data: dict[str, Any]) -> Representative:
    person = get_visible(actor, pk, "representative.add")
    if not str(data.get("name", "")).strip():
        raise ServiceError("required", _("Name is required."), "name")
    if data.get("kind") not in Representative.Kind.values:
        raise ServiceError("invalid_kind", _("Choose a kind of representative."), "kind")
    representative = Representative.objects.create(
        person=person,
        kind=data["kind"],
        name=data["name"].strip(),
        phone=data.get("phone", "").strip(),
        street=data.get("street", "").strip(),
        postal_code=data.get("postal_code", "").strip(),
        city=data.get("city", "").strip(),
    )
    log(actor, AccessLog.Action.UPDATE, "representative.add", person)
    return representative


@act
def remove_representative(actor: Actor, pk: int, representative_pk: int) -> None:
    person = get_visible(actor, pk, "representative.remove")
    deleted, _count = Representative.objects.filter(person=person, pk=representative_pk).delete()
    if not deleted:
        raise NotFound("not_found", _("The representative was not found."))
    log(actor, AccessLog.Action.UPDATE, "representative.remove", person)


def municipality_for(record: RegisterRecord) -> Principal | None:
    """Map the register's municipality to a principal by SCB code or our own code."""
    return Principal.objects.filter(
        Q(municipality_code=record.municipality_code) | Q(code=record.municipality_code),
        kind=Principal.Kind.MUNICIPALITY,
    ).first()
