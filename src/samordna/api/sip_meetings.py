"""Assessment, invitations, answers and meeting records over REST (API-1; SIP-5, SIP-6, SIP-8).

The same acts as the screens (``sip.meetings``); errors are the API's ``{"code", "message",
"field"}``. Units are named by their code, as in the rest of the API.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from samordna.api.common import ERRORS, actor_of, auth
from samordna.cases.models import Delivery
from samordna.errors import NotFound, ServiceError
from samordna.organisations.models import Unit
from samordna.sip import checklist
from samordna.sip.models import AssessmentEntry, LifeArea, Meeting, MeetingForm, Participant
from samordna.sip.services import assessment as assessment_acts
from samordna.sip.services import case as case_acts
from samordna.sip.services import invitation_answers as invitation_answers_acts
from samordna.sip.services import invitations as invitations_acts
from samordna.sip.services import meetings as meetings_acts
from samordna.validation import (
    LONG_TEXT_MAX,
    Code,
    Limit,
    LongText,
    Moment,
    Phone,
    PostalCode,
    Text,
)

router = Router(tags=["sip meetings"], auth=auth)


class AssessmentIn(Schema):
    area: LifeArea
    text: Annotated[str, Limit(LONG_TEXT_MAX, min_length=1)] = Field(...)


class AssessmentOut(Schema):
    id: int
    area: str
    text: str
    author: str = Field(..., alias="author.username")
    unit: str = Field(..., alias="unit.code")
    written_at: dt.datetime


class MeetingDetailsIn(Schema):
    purpose: Meeting.Purpose
    form: MeetingForm
    starts_at: Moment
    ends_at: Moment
    place: Text = ""
    video_link: Text = ""
    phone_number: Phone = ""
    phone_code: Annotated[str, Limit(40)] = ""
    agenda: LongText = ""

    def details(self) -> invitations_acts.Details:
        return invitations_acts.Details(**self.dict(include=set(MeetingDetailsIn.model_fields)))


class ExternalIn(Schema):
    name: Text
    street: Text
    postal_code: PostalCode
    city: Annotated[str, Limit(100)]


class InvitationIn(MeetingDetailsIn):
    consent_confirmed: bool
    units: list[Code] = Field(default_factory=list, description="Unit codes")
    individual: bool = True
    relatives: list[int] = Field(default_factory=list, description="Ids of the relatives")
    representatives: list[int] = Field(
        default_factory=list, description="Ids of the legal representatives"
    )
    externals: list[ExternalIn] = Field(default_factory=list)
    occurred_at: Moment | None = Field(
        None, description="DOC-3: the real time of an act done on paper during downtime"
    )


class ChangeIn(MeetingDetailsIn):
    version: int


class CancelIn(Schema):
    version: int
    reason: LongText = ""


class InvitationAnswerIn(Schema):
    answer: Delivery.Answer = Field(..., examples=["accepted"])
    reason: LongText = ""


class InvitationForwardIn(Schema):
    unit: Code = Field(..., description="Code of the unit to forward to")


class AttendanceIn(Schema):
    participant: int
    attendance: Participant.Attendance


class RecordIn(Schema):
    version: int
    chair: Code
    documenter: Code
    professional_with_individual: bool = False
    attendance: list[AttendanceIn]


class InvitationDeliveryOut(Schema):
    id: int
    unit: str = Field(..., alias="unit.code")
    due_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None = Field(None, alias="acknowledged_by.username")
    answer: str
    answer_reason: str
    answered_at: dt.datetime | None
    forwarded_to: str | None = Field(None, alias="forwarded_to.unit.code")


class ParticipantOut(Schema):
    id: int
    kind: str
    name: str
    unit: str | None = Field(None, alias="unit.code")
    street: str
    postal_code: str
    city: str
    attendance: str
    delivery: InvitationDeliveryOut | None


class MeetingOut(Schema):
    id: int
    case_id: int
    purpose: str
    form: str
    place: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    video_link: str
    phone_number: str
    phone_code: str
    agenda: str
    consent_confirmed: bool
    cancelled_at: dt.datetime | None
    sequence: int
    held: bool
    chair: str
    documenter: str
    professional_with_individual: bool
    no_professional_with_individual: bool = Field(
        ..., description="A digital meeting without a professional with the individual (warning)"
    )
    outside_weekdays: bool = Field(
        ...,
        description="An outpatient SIP meeting on a Saturday, Sunday or public holiday (warning, "
        "SIP-23)",
    )
    version: int
    participants: list[ParticipantOut]

    @staticmethod
    def resolve_no_professional_with_individual(obj: Meeting) -> bool:
        return meetings_acts.lacks_professional_with_individual(obj)

    @staticmethod
    def resolve_outside_weekdays(obj: Meeting) -> bool:
        return meetings_acts.outside_weekdays(obj, obj.case.sip.type)

    @staticmethod
    def resolve_participants(obj: Meeting) -> list[Any]:
        return list(obj.participants.all())


class InvitationOut(Schema):
    """An invitation as its recipient unit sees it in its list."""

    id: int
    case_id: int = Field(..., alias="notice.case_id")
    identity_number: str = Field(..., alias="notice.case.person.identity_number")
    sender_unit: str = Field(..., alias="notice.sender_unit.code")
    sent_at: dt.datetime = Field(..., alias="notice.sent_at")
    meeting_id: int = Field(..., alias="notice.meeting.id")
    purpose: str = Field(..., alias="notice.meeting.purpose")
    form: str = Field(..., alias="notice.meeting.form")
    starts_at: dt.datetime = Field(..., alias="notice.meeting.starts_at")
    ends_at: dt.datetime = Field(..., alias="notice.meeting.ends_at")
    cancelled_at: dt.datetime | None = Field(..., alias="notice.meeting.cancelled_at")
    due_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    answer: str
    answer_reason: str
    forwarded_to: str | None = Field(None, alias="forwarded_to.unit.code")


class InvitationPageOut(Schema):
    page: int
    has_next: bool = Field(..., description="Whether a next page follows (the list is not counted)")
    items: list[InvitationOut]


def _meeting(actor: Any, case_id: int, meeting_id: int) -> Meeting:
    meeting = meetings_acts.meetings_of(case_acts.get(actor, case_id)).filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound("not_found", _("The meeting was not found."))
    return meeting


def _units(codes: list[str]) -> list[Unit]:
    units = list(Unit.objects.select_related("principal").filter(code__in=codes))
    if len(units) != len(set(codes)):
        raise ServiceError("invalid_unit", _("Unknown unit."), "units")
    return units


@router.get("/{case_id}/assessment", response={200: list[AssessmentOut], **ERRORS})
def list_assessment(request: HttpRequest, case_id: int) -> Any:
    case = case_acts.get(actor_of(request), case_id, "sip.assessment.read")
    return list(case.assessment.select_related("author", "unit"))


@router.post("/{case_id}/assessment", response={201: AssessmentOut, **ERRORS})
def add_assessment(request: HttpRequest, case_id: int, payload: AssessmentIn) -> Any:
    """Any unit taking part adds what it knows; after discharge only once invited (seed 000)."""
    entry: AssessmentEntry = assessment_acts.add_assessment(
        actor_of(request), case_id, payload.area, payload.text
    )
    return Status(201, entry)


@router.get("/{case_id}/meetings", response={200: list[MeetingOut], **ERRORS})
def list_meetings(request: HttpRequest, case_id: int) -> Any:
    case = case_acts.get(actor_of(request), case_id, "sip.meetings.read")
    return list(meetings_acts.meetings_of(case))


@router.post("/{case_id}/invitations", response={201: MeetingOut, **ERRORS})
def send_invitation(request: HttpRequest, case_id: int, payload: InvitationIn) -> Any:
    """The coordinator's unit invites; connected units get a delivery to acknowledge, the
    others (the individual, relatives, representatives, external actors, unconnected units)
    are participants called by letter or phone."""
    actor = actor_of(request)
    case = case_acts.get(actor, case_id)
    person = case.person
    relatives = list(person.relatives.filter(pk__in=payload.relatives))
    representatives = list(person.representatives.filter(pk__in=payload.representatives))
    if len(relatives) != len(set(payload.relatives)) or len(representatives) != len(
        set(payload.representatives)
    ):
        raise ServiceError(
            "invalid_participant", _("Choose relatives and representatives of the individual.")
        )
    invitees = invitations_acts.Invitees(
        units=_units(payload.units),
        individual=payload.individual,
        relatives=relatives,
        representatives=representatives,
        externals=[invitations_acts.External(**e.dict()) for e in payload.externals],
    )
    meeting = invitations_acts.send_invitation(
        actor, case_id, payload.details(), invitees, payload.consent_confirmed, payload.occurred_at
    )
    return Status(201, _meeting(actor, case_id, meeting.pk))


@router.post("/{case_id}/meetings/{meeting_id}", response={200: MeetingOut, **ERRORS})
def change_invitation(
    request: HttpRequest, case_id: int, meeting_id: int, payload: ChangeIn
) -> Any:
    actor = actor_of(request)
    invitations_acts.change_invitation(
        actor, case_id, meeting_id, payload.version, payload.details()
    )
    return _meeting(actor, case_id, meeting_id)


@router.post("/{case_id}/meetings/{meeting_id}/cancel", response={200: MeetingOut, **ERRORS})
def cancel_invitation(
    request: HttpRequest, case_id: int, meeting_id: int, payload: CancelIn
) -> Any:
    actor = actor_of(request)
    invitations_acts.cancel_invitation(actor, case_id, meeting_id, payload.version, payload.reason)
    return _meeting(actor, case_id, meeting_id)


@router.post("/{case_id}/meetings/{meeting_id}/record", response={200: MeetingOut, **ERRORS})
def record_meeting(request: HttpRequest, case_id: int, meeting_id: int, payload: RecordIn) -> Any:
    """Attendance of every participant, chair and documenter. A digital meeting without a
    professional with the individual is recorded with ``no_professional_with_individual``."""
    actor = actor_of(request)
    meetings_acts.record_meeting(
        actor,
        case_id,
        meeting_id,
        payload.version,
        {a.participant: a.attendance for a in payload.attendance},
        payload.chair,
        payload.documenter,
        payload.professional_with_individual,
    )
    return _meeting(actor, case_id, meeting_id)


@router.get("/invitations", response={200: InvitationPageOut, **ERRORS})
def list_invitations(request: HttpRequest, page: int = 1) -> Any:
    """The token's unit's invitations: to acknowledge first, most urgent first."""
    found = invitation_answers_acts.invitations_page(actor_of(request), page)
    return {
        "page": found.number,
        "has_next": found.has_next,
        "items": list(found),
    }


@router.post("/invitations/{delivery_id}/ack", response={200: InvitationOut, **ERRORS})
def acknowledge(request: HttpRequest, delivery_id: int) -> Any:
    return invitation_answers_acts.acknowledge(actor_of(request), delivery_id)


@router.post("/invitations/{delivery_id}/answer", response={200: InvitationOut, **ERRORS})
def answer(request: HttpRequest, delivery_id: int, payload: InvitationAnswerIn) -> Any:
    """Accept, or decline with a reason."""
    return invitation_answers_acts.answer(
        actor_of(request), delivery_id, payload.answer, payload.reason
    )


@router.post("/invitations/{delivery_id}/forward", response={201: InvitationOut, **ERRORS})
def forward(request: HttpRequest, delivery_id: int, payload: InvitationForwardIn) -> Any:
    """Forward a wrongly addressed invitation; the answer is the new unit's invitation."""
    unit = Unit.objects.filter(code=payload.unit).first()
    return Status(
        201, invitation_answers_acts.forward(actor_of(request), delivery_id, unit.pk if unit else 0)
    )


class ChecklistPointOut(Schema):
    text: str
    questions: list[str]


class ChecklistOut(Schema):
    title: str
    source: str
    introduction: str
    points: list[ChecklistPointOut]


@router.get("/good-meeting-checklist", response={200: ChecklistOut, **ERRORS})
def good_meeting_checklist(request: HttpRequest) -> Any:
    """The chair's checklist "Det goda mötet" (seed 001, appendix 1; SIP-23), for preparing and
    recording a meeting. The same for everyone; no individual in it."""
    actor_of(request)
    return {
        "title": "Det goda mötet",
        "source": checklist.SOURCE,
        "introduction": checklist.INTRODUCTION,
        "points": [
            {"text": p.text, "questions": list(p.questions)} for p in checklist.GOOD_MEETING
        ],
    }
