"""The designated care contact in the SIP after discharge and in the plan (SPEC SIP-18, issue 14
item 6, extending SIP-9 and SVU-4).

Seed 001_118551e475ece215.txt lines 971-973: "Ansvarig för att kallelse till samordnad
individuell planering skickas är den utsedda fasta vårdkontakten i den regionfinansierade
öppenvården"; seed 000_106b8acbeb42519c.txt line 171: "Den fasta vårdkontakten i den
regionfinansierade öppna vården kallar vid behov av en SIP efter utskrivning". So once primary
care has named the care contact on the stay (``Stay.care_contact_unit``), the SIP after
discharge is opened, and so called, by that unit, and the care contact is carried into the plan.

Seed 001 lines 253-260: "Uppgifter om vem/vilka som är fast vårdkontakt visas i den samordnade
individuella planen. Den enskilde kan ha flera fasta vårdkontakter. Det är viktigt att det
framgår ... vem av de fasta vårdkontakterna som har samordningsuppdraget. För personer med
livshotande tillstånd ska en fast vårdkontakt utses på läkarnivå. Samordningsuppdraget kan ligga
på en annan fast vårdkontakt än läkaren." So: at most one care contact holds the coordination;
with a life-threatening condition one of them is a physician, who need not be the coordinating
one (the routine says so in as many words).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from samordna.accounts.actor import Actor
from samordna.cases.models import Case
from samordna.errors import Forbidden, ServiceError


def require_caller(actor: Actor, stay_case: Case) -> None:
    """The SIP after discharge is opened by the unit of the care contact named on the stay
    (seed 001 lines 971-973). Before one is named, any unit that sees the stay may, as before."""
    unit = stay_case.stay.care_contact_unit
    if unit is not None and unit.pk != actor.unit.pk:
        raise Forbidden(
            "not_care_contact_unit",
            _(
                "The designated care contact (%(name)s, %(unit)s) calls the SIP after discharge: "
                "the SIP is opened by that unit."
            )
            % {"name": stay_case.stay.care_contact_name, "unit": unit.name},
        )


def from_stay(case: Case) -> dict[str, Any] | None:
    """The care contact named on the stay the SIP follows, as the fields of a ``CareContact``
    holding the coordination (the care contact calls and so coordinates, seed 004 line 53:
    "Initiativtagare blir samordningsansvarig"), or None."""
    origin = case.sip.origin
    if origin is None or origin.kind != Case.Kind.DISCHARGE:
        return None
    stay = origin.stay
    if not stay.care_contact_name:
        return None
    return {
        "name": stay.care_contact_name,
        "workplace": stay.care_contact_workplace
        or (stay.care_contact_unit.name if stay.care_contact_unit else ""),
        "phone": stay.care_contact_phone,
        "coordinates": True,
    }


def check(contacts: list[Any], life_threatening: bool) -> None:
    """At most one care contact holds the coordination; a life-threatening condition needs one
    at physician level (seed 001 lines 256-260). Nothing is saved otherwise."""
    coordinating = [i for i, c in enumerate(contacts) if c.coordinates]
    if len(coordinating) > 1:
        raise ServiceError(
            "several_coordinating",
            _("Only one care contact can hold the coordination."),
            f"care_contacts.{coordinating[1]}.coordinates",
        )
    if life_threatening and not any(c.physician for c in contacts):
        raise ServiceError(
            "physician_contact_required",
            _(
                "With a life-threatening condition a designated care contact at physician level "
                "is named. The coordination may lie with another care contact."
            ),
            "life_threatening",
        )
