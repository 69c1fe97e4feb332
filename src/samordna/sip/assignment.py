"""Who may call a coordinated care plan for ÖPT/ÖRV (SVP, SPEC SIP-16).

Seed 001_118551e475ece215.txt lines 1212-1214 ("Beslut att ansöka om öppen psykiatrisk
tvångsvård respektive öppen rättspsykiatrisk vård görs av chefsöverläkaren eller specialist inom
psykiatri med chefsöverläkaruppdrag"), 1229-1230 (the same for the extension) and 1234-1236
("kallar chefsöverläkare/specialist i psykiatri med chefsöverläkaruppdrag ... till samordnad
vårdplanering"): an assignment, not every psychiatry physician. It is the membership role
``chief_psychiatrist``, given by an administrator (Django admin, unit administration) at a
psychiatry unit. Its own module, so that the case acts and the SVP acts share it without an
import circle.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from samordna.accounts.actor import Actor
from samordna.errors import Forbidden
from samordna.organisations.models import Membership, Unit

# A psychiatric ward is an inpatient ward in the unit register; psychiatric outpatient care has a
# kind of its own. The chief physician's assignment is held at one of these.
PSYCHIATRY_UNITS = frozenset({Unit.Kind.OUTPATIENT_PSYCHIATRY, Unit.Kind.INPATIENT_WARD})


def holds_assignment(actor: Actor) -> bool:
    """The chief physician, or a psychiatry specialist with that assignment, acting for the
    psychiatry unit where the assignment is held."""
    return (
        actor.has_role(Membership.Role.CHIEF_PSYCHIATRIST) and actor.unit.kind in PSYCHIATRY_UNITS
    )


def require_assignment(actor: Actor, field: str | None = None) -> None:
    if not holds_assignment(actor):
        raise Forbidden(
            "svp_by_chief_psychiatrist",
            _(
                "A coordinated care plan for ÖPT/ÖRV is called by the chief physician or a "
                "psychiatry specialist with the chief physician's assignment, at a psychiatry "
                "unit. Being a physician in psychiatry is not enough: the assignment is given by "
                "your administrator as a role at your unit."
            ),
            field,
        )
