"""API: a stay's notices and the collaboration on it: admission, expected, ready and discharge
notices, acknowledgement, unavailable periods, planning basis, care contact, replies, SIP declined.

The endpoints keep the operation ids they had in ``api/discharge.py``.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from samordna.api.common import ERRORS, actor_of, auth, require_object
from samordna.api.discharge_stays import StayOut, _reread, stay_out
from samordna.audit.models import AccessLog
from samordna.audit.services import log
from samordna.discharge import planning
from samordna.discharge.services import collaboration as svu_collaboration_acts
from samordna.discharge.services import notices as notices_acts
from samordna.discharge.services import stays as stays_acts
from samordna.errors import ServiceError
from samordna.organisations.models import Unit
from samordna.validation import Code, Day, Limit, Moment, Phone, StayDay, Text

router = Router(tags=["discharge"], auth=auth)


class AdmissionIn(Schema):
    recipients: list[Code] | None = Field(
        None, description="Unit codes; omitted: the default addressing (ORG-4)"
    )
    occurred_at: Moment | None = Field(
        None, description="DOC-3: the real time of an act done on paper during downtime"
    )


class ExpectedIn(Schema):
    version: int
    expected_discharge_on: StayDay


class ReadyIn(Schema):
    version: int
    ready_at: Moment
    ready_physician_username: Code | None = Field(
        None,
        description="ORG-6: the staff member with the physician role at the ward who assessed "
        "the patient ready; omitted: give ready_physician",
    )
    ready_physician: Text = Field(
        "",
        description="A physician named by the sender, recorded as such, when "
        "ready_physician_username is omitted",
    )
    ready_nurse: Text
    medical_responsibility_to: Text
    self_care_certificate: bool = Field(
        False, description="SVU-12: a self-care certificate goes home with the patient"
    )
    occurred_at: Moment | None = Field(
        None, description="DOC-3: the real time of an act done on paper during downtime"
    )


class DischargeIn(Schema):
    version: int
    discharged_at: Moment
    self_discharge: bool | None = Field(
        None,
        description="SVU-7; omitted: as proposed (SVU-11), flagged when a warning stood at "
        "the time the patient left (a recipient could receive the patient only later, or no "
        "designated care contact was named)",
    )
    occurred_at: Moment | None = Field(
        None, description="DOC-3: the real time of an act done on paper during downtime"
    )


class PeriodIn(Schema):
    starts_on: Day
    ends_on: Day | None = None
    reason: Annotated[str, Limit(300)]


class AnswerIn(Schema):
    question: Code = Field(..., description="A key of the planning basis questions")
    answer: bool | None = None
    comment: Annotated[str, Limit(2000)] = ""


class AnswersIn(Schema):
    answers: list[AnswerIn] = []
    occurred_at: Moment | None = Field(
        None, description="DOC-3: the real time of an act done on paper during downtime"
    )


class CareContactIn(Schema):
    version: int
    name: Text
    workplace: Text = Field("", description="Empty: the token's unit")
    phone: Phone


class ReplyIn(Schema):
    can_receive_at: Moment
    interventions: Annotated[str, Limit(4000)] = ""


class DeclinedIn(Schema):
    version: int
    declined_at: Moment


class QuestionOut(Schema):
    key: str
    text: str
    group: str
    asked_of: str = Field(..., description="ward or recipient")


def _answers(payload: AnswersIn) -> svu_collaboration_acts.Answers:
    return {a.question: (a.answer, a.comment) for a in payload.answers}


@router.post(
    "/{stay_id}/admission-notice",
    response={200: StayOut, **ERRORS},
    operation_id="samordna_api_discharge_send_admission_notice",
)
def send_admission_notice(request: HttpRequest, stay_id: int, payload: AdmissionIn) -> Any:
    """SVU-2: to the given units, or to the default addressing when none are given."""
    require_object(request)
    actor = actor_of(request)
    if payload.recipients is None:
        units = notices_acts.default_recipients(stays_acts.get(actor, stay_id).person)
    else:
        units = list(Unit.objects.filter(code__in=payload.recipients))
        if len(units) != len(set(payload.recipients)):
            raise ServiceError("invalid_recipient", "Okänd mottagare.", "recipients")
    notice = notices_acts.send_admission_notice(actor, stay_id, units, payload.occurred_at)
    # The act read the case for the actor (visibility checked): answer from it, the answer's
    # read logged as a reread's would be (SEC-2).
    log(actor, AccessLog.Action.READ, "stay.read", notice.case.person)
    return stay_out(actor, notice.case)


@router.post(
    "/{stay_id}/expected-discharge",
    response={200: StayOut, **ERRORS},
    operation_id="samordna_api_discharge_change_expected_discharge",
)
def change_expected_discharge(request: HttpRequest, stay_id: int, payload: ExpectedIn) -> Any:
    """SVU-2: re-sends the admission notice to the same recipients when it was sent."""
    actor = actor_of(request)
    notices_acts.change_expected_discharge(
        actor, stay_id, payload.version, payload.expected_discharge_on
    )
    return _reread(actor, stay_id)


@router.post(
    "/{stay_id}/ready-notice",
    response={200: StayOut, **ERRORS},
    operation_id="samordna_api_discharge_send_ready_notice",
)
def send_ready_notice(request: HttpRequest, stay_id: int, payload: ReadyIn) -> Any:
    """SVU-5: the physician is a staff member of the ward or one the sender names (ORG-6)."""
    actor = actor_of(request)
    data = payload.dict()
    username = data.pop("ready_physician_username")
    if username is not None:
        physician = stays_acts.ward_physicians(actor.unit).filter(username=username).first()
        if physician is None:
            raise ServiceError(
                "not_a_physician",
                "Ange en medarbetare med rollen läkare vid avdelningen.",
                "ready_physician_username",
            )
        data["ready_physician_user"] = physician
    notices_acts.send_ready_notice(actor, stay_id, payload.version, data, payload.occurred_at)
    return _reread(actor, stay_id)


@router.post(
    "/{stay_id}/discharge-notice",
    response={200: StayOut, **ERRORS},
    operation_id="samordna_api_discharge_send_discharge_notice",
)
def send_discharge_notice(request: HttpRequest, stay_id: int, payload: DischargeIn) -> Any:
    """SVU-7: closes the stay as discharged."""
    actor = actor_of(request)
    notices_acts.send_discharge_notice(
        actor,
        stay_id,
        payload.version,
        payload.discharged_at,
        payload.self_discharge,
        payload.occurred_at,
    )
    return _reread(actor, stay_id)


@router.post(
    "/{stay_id}/unavailable",
    response={200: StayOut, **ERRORS},
    operation_id="samordna_api_discharge_add_unavailable_period",
)
def add_unavailable_period(request: HttpRequest, stay_id: int, payload: PeriodIn) -> Any:
    actor = actor_of(request)
    svu_collaboration_acts.add_unavailable_period(
        actor, stay_id, payload.starts_on, payload.ends_on, payload.reason
    )
    return _reread(actor, stay_id)


@router.post(
    "/{stay_id}/deliveries/{delivery_id}/acknowledge",
    response={200: StayOut, **ERRORS},
    operation_id="samordna_api_discharge_acknowledge",
)
def acknowledge(
    request: HttpRequest, stay_id: int, delivery_id: int, payload: AnswersIn | None = None
) -> Any:
    """SVU-8: only the unit the notice was sent to acknowledges it. With an admission notice
    the recipient may add its answers to the planning basis (SVU-3)."""
    actor = actor_of(request)
    notices_acts.acknowledge(
        actor,
        stay_id,
        delivery_id,
        _answers(payload) if payload else None,
        payload.occurred_at if payload else None,
    )
    return _reread(actor, stay_id)


@router.get(
    "/planning-basis/questions",
    response={200: list[QuestionOut], **ERRORS},
    operation_id="samordna_api_discharge_planning_questions",
)
def planning_questions(request: HttpRequest) -> Any:
    """The planning basis questions (SVU-3): the ward's, and the recipients' own."""
    return [
        {"key": q.key, "text": str(q.text), "group": str(q.group), "asked_of": asked_of}
        for asked_of, questions in (
            ("ward", planning.WARD_QUESTIONS),
            ("recipient", planning.RECIPIENT_QUESTIONS),
        )
        for q in questions
    ]


@router.post(
    "/{stay_id}/planning-basis",
    response={200: StayOut, **ERRORS},
    operation_id="samordna_api_discharge_answer_planning_basis",
)
def answer_planning_basis(request: HttpRequest, stay_id: int, payload: AnswersIn) -> Any:
    """SVU-3: only changed answers are stored; every earlier answer is kept."""
    require_object(request)
    actor = actor_of(request)
    svu_collaboration_acts.answer_planning_basis(actor, stay_id, _answers(payload))
    return _reread(actor, stay_id)


@router.post(
    "/{stay_id}/care-contact",
    response={200: StayOut, **ERRORS},
    operation_id="samordna_api_discharge_designate_care_contact",
)
def designate_care_contact(request: HttpRequest, stay_id: int, payload: CareContactIn) -> Any:
    """SVU-4: the primary care centre that received the notices names the care contact."""
    actor = actor_of(request)
    data = {
        "care_contact_name": payload.name,
        "care_contact_workplace": payload.workplace,
        "care_contact_phone": payload.phone,
    }
    svu_collaboration_acts.designate_care_contact(actor, stay_id, payload.version, data)
    return _reread(actor, stay_id)


@router.post(
    "/{stay_id}/replies",
    response={200: StayOut, **ERRORS},
    operation_id="samordna_api_discharge_reply_to_ready",
)
def reply_to_ready(request: HttpRequest, stay_id: int, payload: ReplyIn) -> Any:
    """SVU-5 and SVU-6: when the recipient can receive the patient, and what it plans."""
    actor = actor_of(request)
    svu_collaboration_acts.reply_to_ready(
        actor, stay_id, payload.can_receive_at, payload.interventions
    )
    return _reread(actor, stay_id)


@router.post(
    "/{stay_id}/sip-declined",
    response={200: StayOut, **ERRORS},
    operation_id="samordna_api_discharge_record_sip_declined",
)
def record_sip_declined(request: HttpRequest, stay_id: int, payload: DeclinedIn) -> Any:
    """SVU-9: the patient declined a SIP; no invitation is then needed."""
    actor = actor_of(request)
    svu_collaboration_acts.record_sip_declined(actor, stay_id, payload.version, payload.declined_at)
    return _reread(actor, stay_id)
