"""Whose own pages a logged-in individual may see (PAT-1, issue 15 item 4).

A person logged in with an e-identification is never a unit's ``Actor``; what they reach is
decided here, from the identity number the identity provider vouched for:

* their own pages, when they are registered and, as a child, have reached the county's age for
  their own access (``RuleSet.own_access_min_age``, default 16);
* the pages of each individual on whom they are recorded as a legal representative with that
  identity number (``Representative.identity_number``): a guardian while the individual is a
  child (custody ends at 18), a trustee (god man) or administrator (förvaltare) for as long as
  the record stands.

Nobody sees the pages of a deceased individual, and an individual whom the population register
now marks as protected is never shown, to anyone (PER-1): Samordna stores no protected
identities, but one may become protected after registration. ``holders_of`` is the inverse:
who may see one individual's pages (the notifications use it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samordna.core.identity import IdentityNumberError, parse_identity_number
from samordna.people.models import Person, Representative
from samordna.people.register import population_register


class Relation(models.TextChoices):
    """How the viewer stands to the individual whose pages they see."""

    SELF = "self", _("Yourself")
    GUARDIAN = Representative.Kind.GUARDIAN.value, _("Guardian")
    TRUSTEE = Representative.Kind.TRUSTEE.value, _("Trustee (god man)")
    ADMINISTRATOR = Representative.Kind.ADMINISTRATOR.value, _("Administrator (förvaltare)")


@dataclass(frozen=True)
class Subject:
    """One individual whose pages the viewer may see, and on what ground."""

    person: Person
    relation: Relation

    @property
    def on_behalf(self) -> bool:
        return self.relation != Relation.SELF


def valid_identity(raw: str, today: dt.date | None = None) -> str | None:
    """12 digits of a valid personal or coordination number; None for anything else (reserve
    numbers included: they never log in)."""
    try:
        return parse_identity_number(raw, today=today or timezone.localdate()).value
    except (IdentityNumberError, TypeError):
        return None


def _county_min_age(person: Person) -> int:
    return int(person.municipality.county.rule_set.own_access_min_age)


def _may_own(person: Person, today: dt.date) -> bool:
    return not person.is_child(today) or person.age(today) >= _county_min_age(person)


def _represents(representative: Representative, today: dt.date) -> bool:
    if representative.kind == Representative.Kind.GUARDIAN:
        return representative.person.is_child(today)
    return representative.kind in (
        Representative.Kind.TRUSTEE,
        Representative.Kind.ADMINISTRATOR,
    )


def _shown(person: Person) -> bool:
    if person.deceased_on is not None:
        return False
    record = population_register().lookup(person.identity_number)
    return not (record is not None and record.protected)


def subjects_for(identity_number: str, today: dt.date | None = None) -> list[Subject]:
    """Whose pages the holder of ``identity_number`` may see: themself first, then the
    individuals they represent by name. Empty for an invalid number, a reserve number, a
    protected identity, or someone Samordna knows nothing about. Two queries."""
    today = today or timezone.localdate()
    number = valid_identity(identity_number, today)
    if number is None:
        return []
    viewer = population_register().lookup(number)
    if viewer is not None and viewer.protected:
        return []
    found: list[Subject] = []
    me = (
        Person.objects.select_related("municipality__county").filter(identity_number=number).first()
    )
    if me is not None and _may_own(me, today) and _shown(me):
        found.append(Subject(me, Relation.SELF))
    represented = (
        Representative.objects.filter(identity_number=number)
        .select_related("person__municipality__county")
        .order_by("person__last_name", "person__first_name", "person_id", "kind")
    )
    seen = {me.pk} if found and me is not None else set()
    for representative in represented:
        person = representative.person
        if person.pk in seen or not _represents(representative, today) or not _shown(person):
            continue
        seen.add(person.pk)
        found.append(Subject(person, Relation(representative.kind)))
    return found


def subject_for(
    identity_number: str, person_id: int, today: dt.date | None = None
) -> Subject | None:
    """The one subject with that id among ``subjects_for``, or None: an id in a URL or form is
    never trusted on its own."""
    return next((s for s in subjects_for(identity_number, today) if s.person.pk == person_id), None)


def holders_of(person: Person, today: dt.date | None = None) -> list[tuple[str, Relation]]:
    """Who may see ``person``'s pages: identity numbers with their relation (the inverse of
    ``subjects_for``, by the same rules). One query besides the person."""
    today = today or timezone.localdate()
    if not _shown(person):
        return []
    holders: list[tuple[str, Relation]] = []
    if _may_own(person, today):
        holders.append((person.identity_number, Relation.SELF))
    for representative in Representative.objects.filter(person=person).exclude(identity_number=""):
        representative.person = person
        if _represents(representative, today):
            number = representative.identity_number
            if number not in {h[0] for h in holders}:
                holders.append((number, Relation(representative.kind)))
    return holders
