"""The coordinated individual plan (SPEC SIP-1 to SIP-16, CON-1 to CON-3).

A SIP case is a ``cases.Case`` of kind ``sip`` with a ``SipCase`` detail row. Its life:
preparation (consent, assessment, invitation) → meeting and plan (a new ``PlanVersion`` per
meeting) → follow-up (repeatable) → evaluation and closure (seed 004).

The models live in modules by act group (``core``: the case, its coordinator, consent,
assessment and meetings; ``plan``: the plan and what hangs on it); add a module for a new
group and import it here so that Django registers its models (``home_care``: the role-bound
decisions on home health care and self-care, ORG-6, SIP-24).
"""

from samordna.sip.areas import LifeArea
from samordna.sip.models.core import (
    AssessmentEntry,
    Consent,
    ConsentForm,
    ConsentQuerySet,
    Coordinator,
    Meeting,
    MeetingForm,
    Participant,
    SipCase,
)
from samordna.sip.models.home_care import (
    HomeCareChoice,
    HomeCareDecision,
    SelfCareAssessment,
    SelfCarePerformer,
)
from samordna.sip.models.plan import (
    Action,
    CareContact,
    Evaluation,
    FollowUpComment,
    Goal,
    PlanVersion,
)
from samordna.sip.models.svp import CareForm, NecessaryExchange, SvpDetail

__all__ = [
    "Action",
    "AssessmentEntry",
    "CareContact",
    "CareForm",
    "Consent",
    "ConsentForm",
    "ConsentQuerySet",
    "Coordinator",
    "Evaluation",
    "FollowUpComment",
    "Goal",
    "HomeCareChoice",
    "HomeCareDecision",
    "LifeArea",
    "Meeting",
    "MeetingForm",
    "NecessaryExchange",
    "Participant",
    "PlanVersion",
    "SelfCareAssessment",
    "SelfCarePerformer",
    "SipCase",
    "SvpDetail",
]
