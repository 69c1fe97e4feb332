"""The needs assessment before the SIP meeting, by life area (SIP-5)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from samordna.accounts.actor import Actor
from samordna.cases import services as cases
from samordna.cases.acts import act
from samordna.cases.models import Case
from samordna.errors import ServiceError
from samordna.sip.models import (
    AssessmentEntry,
    LifeArea,
    SipCase,
)
from samordna.sip.services import case as case_acts

# The standard life areas (seed 002_ca8314ba67d4fca6.txt lines 176-191) and the optional SBAR
# (seed 004_2b6a4bde1435f963.txt lines 42-44, "inte tvingande", line 14).
LIFE_AREAS = [area for area in LifeArea if not area.value.startswith("sbar_")]


SBAR_AREAS = [area for area in LifeArea if area.value.startswith("sbar_")]


@act
def add_assessment(actor: Actor, pk: int, area: str, text: str) -> AssessmentEntry:
    """A signed contribution to the assessment by any unit taking part: the invited "kan
    komplettera kartläggningen" (seed 002_ca8314ba67d4fca6.txt line 195).

    In a SIP after discharge "Kartläggningen kan fyllas i först efter att kallelse till SIP
    skickats" (seed 000_106b8acbeb42519c.txt line 181).
    """
    case = case_acts.get(actor, pk, "sip.assessment", lock=True)
    cases.require_active(case)
    if area not in LifeArea.values:
        raise ServiceError("invalid_area", _("Choose an area of the assessment."), "area")
    text = text.strip()
    if not text:
        raise ServiceError("required", _("Write what you know about the area."), "text")
    if not assessment_open(case):
        raise ServiceError(
            "invitation_not_sent",
            _(
                "In a SIP after discharge, the assessment can be filled in only after the "
                "invitation to the SIP meeting has been sent."
            ),
        )
    entry = AssessmentEntry.objects.create(
        case=case, area=area, text=text, author=actor.user, unit=actor.unit
    )
    cases.record(actor, case, "assessment_added", {"area": area, "entry": entry.pk})
    return entry


def assessment_open(case: Case) -> bool:
    """Seed 000_106b8acbeb42519c.txt line 181: after discharge, only once invited."""
    return case.sip.type != SipCase.Type.AFTER_DISCHARGE or case.meetings.exists()
