"""Role-bound decisions over REST (API-1, ORG-6, SIP-24): enrolment in and discharge from home
health care (a primary-care physician's, seed 000 line 132) and the self-care assessment with
its written plan (a licensed professional's; during a stay only the treating physician, seed
001 lines 1372-1381). Same acts and visibility as the screens; the acting user is the one who
decides or assesses, never someone named in the body."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from samordna.api.common import ERRORS, actor_of, auth
from samordna.errors import ServiceError
from samordna.organisations.models import Unit, User
from samordna.sip.models import HomeCareChoice, HomeCareDecision, SelfCarePerformer
from samordna.sip.services import case as case_acts
from samordna.sip.services import home_care as home_care_acts
from samordna.sip.services import self_care as self_care_acts
from samordna.validation import Code, Day, LongText, Moment, Phone, Text

router = Router(tags=["sip decisions"], auth=auth)


class HomeCareDecisionOut(Schema):
    id: int
    decision: HomeCareChoice
    decided_at: dt.datetime
    decided_by: str = Field(..., alias="decided_by.username")
    role: str = Field(..., description="The decider's role at the unit: physician")
    unit: str = Field(..., alias="unit.code", description="The primary care centre")
    physician: str | None = Field(
        None, description="The named physician at the centre (username), at enrolment"
    )
    municipal_contact_name: str
    municipal_contact_unit: str | None = None
    municipal_contact_phone: str
    reason: str

    @staticmethod
    def resolve_physician(obj: HomeCareDecision) -> str | None:
        return obj.physician.username if obj.physician is not None else None

    @staticmethod
    def resolve_municipal_contact_unit(obj: HomeCareDecision) -> str | None:
        unit = obj.municipal_contact_unit
        return unit.code if unit is not None else None


class HomeCareOut(Schema):
    enrolled: bool = Field(..., description="Whether the latest decision is an enrolment")
    missing: list[str] = Field(
        ..., description="SIP-24: what an enrolled individual still lacks (care contact, physician)"
    )
    decisions: list[HomeCareDecisionOut] = Field(..., description="Newest first")


class HomeCareDecisionIn(Schema):
    decision: HomeCareChoice
    decided_at: Moment
    reason: LongText = ""
    physician: Code | None = Field(
        None, description="At enrolment: a physician of your unit (username); empty: you"
    )
    contact_name: Text = Field("", description="The municipal care contact, if known")
    contact_unit: Code | None = Field(None, description="The care contact's municipal unit")
    contact_phone: Phone | None = None


class HomeCareContactIn(Schema):
    contact_name: Text
    contact_unit: Code
    contact_phone: Phone | None = None


class SelfCareAssessmentOut(Schema):
    id: int
    action_uid: uuid.UUID = Field(..., description="The action's uid, the same in every version")
    action: int | None = Field(None, alias="action_id", description="The action assessed")
    assessed_by: str = Field(..., alias="assessed_by.username")
    role: str
    unit: str = Field(..., alias="unit.code")
    assessed_at: dt.datetime
    during_stay: bool
    measure: str
    performer: SelfCarePerformer
    helper: str
    instructions: str
    on_harm: str
    on_change: str
    follow_up: str
    reassess_on: dt.date
    supersedes: int | None = Field(None, alias="supersedes_id")
    superseded_at: dt.datetime | None = Field(None, description="Set when a new one replaced it")


class SelfCareAssessmentIn(Schema):
    action: int = Field(..., description="An action of the plan marked as self-care")
    supersedes: int | None = Field(
        None, description="The assessment in force you read (409 if another replaced it)"
    )
    assessed_at: Moment
    measure: LongText
    performer: SelfCarePerformer
    helper: Text = ""
    instructions: LongText
    on_harm: LongText
    on_change: LongText
    follow_up: LongText
    reassess_on: Day


def _user(username: str | None) -> User | None:
    if username is None:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ServiceError("invalid_physician", _("Unknown staff member."), "physician")
    return user


def _unit(code: str | None) -> Unit | None:
    if code is None:
        return None
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise ServiceError("invalid_unit", _("Unknown unit."), "contact_unit")
    return unit


def _home_care(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case = case_acts.get(actor_of(request), case_id, "sip.home_care.read")
    decisions = list(
        case.home_care_decisions.select_related(
            "decided_by", "unit", "physician", "municipal_contact_unit"
        ).order_by("-decided_at", "-pk")
    )
    enrolled = bool(decisions) and decisions[0].decision == HomeCareDecision.Decision.ENROLLED
    return {
        "enrolled": enrolled,
        "missing": home_care_acts.missing_contacts(decisions[0] if enrolled else None),
        "decisions": decisions,
    }


@router.get("/{case_id}/home-care", response={200: HomeCareOut, **ERRORS})
def home_care(request: HttpRequest, case_id: int) -> Any:
    """Whether the individual is enrolled in home health care, and every decision."""
    return _home_care(request, case_id)


@router.post("/{case_id}/home-care", response={201: HomeCareDecisionOut, **ERRORS})
def decide(request: HttpRequest, case_id: int, payload: HomeCareDecisionIn) -> Any:
    """Enrol or discharge: only a physician at a primary care centre (403
    `not_primary_care_physician`; in Halland outpatient psychiatry too). Enrolment obliges the
    coordinator's unit to establish or follow up the SIP (`home_care_sip`)."""
    contact = home_care_acts.MunicipalContact(
        payload.contact_name, _unit(payload.contact_unit), payload.contact_phone or ""
    )
    row = home_care_acts.decide(
        actor_of(request),
        case_id,
        payload.decision,
        payload.decided_at,
        payload.reason,
        _user(payload.physician),
        contact,
    )
    return Status(201, row)


@router.post("/{case_id}/home-care/contact", response={200: HomeCareDecisionOut, **ERRORS})
def name_contact(request: HttpRequest, case_id: int, payload: HomeCareContactIn) -> Any:
    """A unit of the municipality names its care contact with coordination responsibility for
    the enrolled individual (403 `not_municipal` for others)."""
    return home_care_acts.name_contact(
        actor_of(request),
        case_id,
        home_care_acts.MunicipalContact(
            payload.contact_name, _unit(payload.contact_unit), payload.contact_phone or ""
        ),
    )


@router.get("/{case_id}/self-care", response={200: list[SelfCareAssessmentOut], **ERRORS})
def self_care(request: HttpRequest, case_id: int) -> Any:
    """Every self-care assessment of the case, newest first; superseded ones included."""
    case = case_acts.get(actor_of(request), case_id, "sip.self_care.read")
    return list(
        case.self_care_assessments.select_related("assessed_by", "unit").order_by(
            "-assessed_at", "-pk"
        )
    )


@router.post("/{case_id}/self-care", response={201: SelfCareAssessmentOut, **ERRORS})
def assess(request: HttpRequest, case_id: int, payload: SelfCareAssessmentIn) -> Any:
    """Assess a self-care action with the written plan's seven points. 403 `not_licensed` for
    staff who are not licensed; at an inpatient ward 403 `treating_physician_only` for all but
    the physician; 409 `edit_conflict` when `supersedes` is not the assessment in force."""
    row = self_care_acts.assess(
        actor_of(request),
        case_id,
        payload.action,
        payload.assessed_at,
        self_care_acts.SelfCarePlan(
            payload.measure,
            payload.performer,
            payload.helper,
            payload.instructions,
            payload.on_harm,
            payload.on_change,
            payload.follow_up,
            payload.reassess_on,
        ),
        payload.supersedes,
    )
    return Status(201, row)
