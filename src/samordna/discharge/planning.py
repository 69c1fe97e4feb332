"""The questions of the planning basis (SVU-3).

Seed 001_118551e475ece215.txt lines 748-779: the planning basis holds "ett antal frågor om den
enskildes hälsotillstånd, resurser och behov" answered yes/no with comments, filled in by the
ward within 24 hours of the admission notice and kept up to date; the recipients "får svara på
ett antal frågor som adderas till det påbörjade planeringsunderlaget" when they acknowledge.
The routine does not list the questions (Lifecare holds them); these cover the areas it names,
the needs the routine's discharge chapter turns on (home health care, home care services,
self-care, SIP) and the recipients' knowledge of the patient.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


@dataclass(frozen=True)
class Question:
    key: str
    text: _StrPromise
    group: _StrPromise


HEALTH = _("Health")
RESOURCES = _("Resources")
NEEDS = _("Needs after discharge")
KNOWN = _("What your unit knows")

WARD_QUESTIONS = (
    Question("mobility", _("Does the patient need help to move about?"), HEALTH),
    Question("personal_care", _("Does the patient need help with personal care?"), HEALTH),
    Question("nutrition", _("Does the patient need help with meals or nutrition?"), HEALTH),
    Question("medication", _("Does the patient need help with medication?"), HEALTH),
    Question("cognition", _("Is the patient's memory or orientation impaired?"), HEALTH),
    Question("lives_alone", _("Does the patient live alone?"), RESOURCES),
    Question("relatives_help", _("Do relatives help the patient today?"), RESOURCES),
    Question("aids", _("Does the patient need aids at home (e.g. walker, bed)?"), RESOURCES),
    Question("home_adaptation", _("Does the home need to be adapted?"), RESOURCES),
    Question("home_health_care", _("Is home health care likely to be needed?"), NEEDS),
    Question("home_care_service", _("Are home care services likely to be needed?"), NEEDS),
    Question("self_care", _("Is a self-care assessment needed before discharge?"), NEEDS),
    Question("sip", _("Does the patient need a SIP (interventions from several actors)?"), NEEDS),
)

RECIPIENT_QUESTIONS = (
    Question("known", _("Is the patient known to your unit?"), KNOWN),
    Question(
        "current_interventions", _("Does the patient have interventions from you today?"), KNOWN
    ),
    Question(
        "existing_care_contact",
        _("Does the patient have a designated care contact with you?"),
        KNOWN,
    ),
    Question("existing_sip", _("Does the patient have a SIP that you know of?"), KNOWN),
)

QUESTIONS = {q.key: q for q in WARD_QUESTIONS + RECIPIENT_QUESTIONS}
