"""API: stays (SVU): register, read, update, death, discharge information, payment liability.

The endpoints keep the operation ids they had in ``api/discharge.py`` (clients generate code
from them).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from samordna.accounts.actor import Actor
from samordna.api.common import ERRORS, actor_of, auth
from samordna.cases.models import Case, Delivery
from samordna.discharge import checks, information
from samordna.discharge.models import Stay
from samordna.discharge.services import collaboration as svu_collaboration_acts
from samordna.discharge.services import liability_export as svu_liability_export_acts
from samordna.discharge.services import notices as notices_acts
from samordna.discharge.services import stays as stays_acts
from samordna.errors import NotFound
from samordna.people.services import lookup
from samordna.validation import Code, LifeDay, Limit, Moment, StayDay, Text

router = Router(tags=["discharge"], auth=auth)


class DeliveryOut(Schema):
    id: int
    unit: str
    due_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None
    acknowledgement_registered_at: dt.datetime | None = Field(
        None, description="Set when acknowledged on paper and registered afterwards (DOC-3)"
    )
    status: str = Field(..., description="due, overdue, acknowledged or late")


class NoticeOut(Schema):
    id: int
    kind: str
    sent_at: dt.datetime = Field(..., description="The real time, also when registered afterwards")
    registered_at: dt.datetime | None = Field(
        None, description="Set when sent on paper and registered afterwards (DOC-3)"
    )
    sender_unit: str
    expected_discharge_on: dt.date | None
    previous_expected_discharge_on: dt.date | None
    cause: str | None = Field(None, description="Only with consent (CON-4)")
    ready_at: dt.datetime | None = None
    ready_physician: str | None = None
    ready_physician_username: str | None = Field(
        None, description="ORG-6: set when the physician is a staff member of the ward"
    )
    ready_physician_named_by_sender: bool | None = Field(
        None, description="ORG-6: the sender named the physician, who has no account at the ward"
    )
    ready_nurse: str | None = None
    medical_responsibility_to: str | None = None
    self_care_certificate: bool | None = None
    discharged_at: dt.datetime | None
    self_discharge: bool
    deliveries: list[DeliveryOut]


class PeriodOut(Schema):
    starts_on: dt.date
    ends_on: dt.date | None
    reason: str


class AnswerOut(Schema):
    unit: str = Field(..., alias="unit.code")
    question: str
    answer: bool | None
    comment: str
    answered_at: dt.datetime
    answered_by: str = Field(..., alias="answered_by.username")


class ReplyOut(Schema):
    unit: str = Field(..., alias="unit.code")
    can_receive_at: dt.datetime
    interventions: str
    recorded_at: dt.datetime
    recorded_by: str = Field(..., alias="recorded_by.username")


# The attribute of a stay its recipients' newest replies are kept in while ``stay_out`` builds
# one answer, so that the warnings and the details read them once.
REPLIES = "_newest_replies"


class DetailsOut(Schema):
    """What only the ward and, with consent, the recipients see (CON-4)."""

    admitted_at: dt.datetime
    cause: str
    treating_physician: str
    needs_assessed_at: dt.datetime | None
    only_social_services: bool
    ready_at: dt.datetime | None
    ready_physician: str
    ready_physician_username: str | None = Field(
        None, description="ORG-6: set when the physician is a staff member of the ward"
    )
    self_care_certificate: bool = Field(
        ..., description="SVU-12: a self-care certificate goes home with the patient"
    )
    ready_nurse: str
    medical_responsibility_to: str
    care_contact_name: str
    care_contact_workplace: str
    care_contact_phone: str
    care_contact_unit: str | None = Field(
        None,
        description="SIP-18: code of the unit that named the care contact; it calls the SIP "
        "after discharge",
    )
    sip_invited_at: dt.datetime | None
    discharged_at: dt.datetime | None
    self_discharge: bool
    sip_declined_at: dt.datetime | None
    unavailable_periods: list[PeriodOut]
    planning_basis: list[AnswerOut] = Field(..., description="Newest answer per unit and question")
    replies: list[ReplyOut] = Field(..., description="Each recipient's newest reply (SVU-5)")

    @staticmethod
    def resolve_unavailable_periods(obj: Stay) -> list[Any]:
        return list(obj.unavailable_periods.all())

    @staticmethod
    def resolve_planning_basis(obj: Stay) -> list[Any]:
        basis = svu_collaboration_acts.planning_basis(obj.case)
        return [a for answers in basis.values() for a in answers.values()]

    @staticmethod
    def resolve_replies(obj: Stay) -> list[Any]:
        # ``stay_out`` has read them for the warnings already (``REPLIES``).
        replies: list[Any] | None = getattr(obj, REPLIES, None)
        return svu_collaboration_acts.recipient_plans(obj.case) if replies is None else replies

    @staticmethod
    def resolve_ready_physician_username(obj: Stay) -> str | None:
        return obj.ready_physician_user.username if obj.ready_physician_user else None

    @staticmethod
    def resolve_care_contact_unit(obj: Stay) -> str | None:
        unit = obj.care_contact_unit
        return unit.code if unit is not None else None


class WarningOut(Schema):
    code: str = Field(
        ..., description="later_reception, no_care_contact (SVU-11) or plan_before_holiday (SVU-12)"
    )
    message: str = Field(..., description="In Swedish")


class StayOut(Schema):
    id: int
    identity_number: str
    first_name: str
    last_name: str
    street: str
    postal_code: str
    city: str
    ward: str
    expected_discharge_on: dt.date
    consent_to_transfer: bool
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    close_reason: str
    version: int
    details: DetailsOut | None = Field(None, description="null without consent (CON-4)")
    notices: list[NoticeOut]
    warnings: list[WarningOut] = Field(
        ...,
        description="While the stay is active: why the interventions may not be in place if "
        "the patient left now (SVU-11; only with the details), and the working day to plan a "
        "weekend or red-day discharge by (SVU-12)",
    )
    self_discharge_proposed: bool = Field(
        ...,
        description="SVU-11: a discharge notice now without self_discharge would be flagged",
    )


class LiabilityOut(Schema):
    start: dt.date | None
    days: int
    days_by_year: dict[int, int]
    amount_sek: int | None = Field(None, description="null when a year's amount is missing")
    missing_years: list[int]
    reasons: list[str] = Field(..., description="In Swedish: the basis of an invoice")


def stay_out(actor: Actor, case: Case) -> dict[str, Any]:
    """The stay as the actor's unit may see it: CON-4 leaves out the details and the notices'
    cause and ready-for-discharge fields for recipients without consent."""
    stay: Stay = case.stay
    person = case.person
    full = stays_acts.sees_everything(actor, case)
    now = timezone.now()
    notices = []
    # The stay's own notices; a message in the case is a notice without stay content.
    stay_notices = case.notices.filter(stay_notice__isnull=False)
    for n in stay_notices.select_related(
        "sender_unit", "stay_notice__ready_physician_user"
    ).prefetch_related("deliveries__unit", "deliveries__acknowledged_by"):
        content = n.stay_notice
        deliveries: list[Delivery] = sorted(n.deliveries.all(), key=lambda d: d.unit.code)
        notices.append(
            {
                "id": n.pk,
                "kind": n.kind,
                "sent_at": n.sent_at,
                "registered_at": n.registered_at,
                "sender_unit": n.sender_unit.code,
                "expected_discharge_on": content.expected_discharge_on,
                "previous_expected_discharge_on": content.previous_expected_discharge_on,
                "discharged_at": content.discharged_at,
                "self_discharge": content.self_discharge,
                **(_full_notice(content) if full else {}),
                "deliveries": [
                    {
                        "id": d.pk,
                        "unit": d.unit.code,
                        "due_at": d.due_at,
                        "acknowledged_at": d.acknowledged_at,
                        "acknowledged_by": d.acknowledged_by.username
                        if d.acknowledged_by
                        else None,
                        "acknowledgement_registered_at": d.acknowledgement_registered_at,
                        "status": notices_acts.delivery_status(d, now),
                    }
                    for d in deliveries
                ],
            }
        )
    warnings: list[checks.Warning] = []
    before: list[checks.Warning] = []
    replies: list[Any] = []
    if full:  # the details and the warnings from them (CON-4) read the replies once
        replies = svu_collaboration_acts.recipient_plans(case)
        setattr(stay, REPLIES, replies)
    if case.is_active:
        warnings = checks.holiday_planning(stay, case.owner_unit.principal.county.rule_set)
        before = checks.before_discharge(stay, replies, now) if full else []
    return {
        "warnings": [w.__dict__ for w in (before if full else []) + warnings],
        "self_discharge_proposed": full and bool(before),
        "id": case.pk,
        "identity_number": person.identity_number,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "street": person.street,
        "postal_code": person.postal_code,
        "city": person.city,
        "ward": case.owner_unit.code,
        "expected_discharge_on": stay.expected_discharge_on,
        "consent_to_transfer": stay.consent_to_transfer,
        "opened_at": case.opened_at,
        "closed_at": case.closed_at,
        "close_reason": case.close_reason,
        "version": stay.version,
        "details": stay if full else None,
        "notices": sorted(notices, key=lambda n: (n["sent_at"], n["id"])),
    }


def _full_notice(content: Any) -> dict[str, Any]:
    physician = content.ready_physician_user
    return {
        "cause": content.cause,
        "ready_at": content.ready_at,
        "ready_physician": content.ready_physician,
        "ready_physician_username": physician.username if physician else None,
        "ready_physician_named_by_sender": bool(content.ready_at) and physician is None,
        "ready_nurse": content.ready_nurse,
        "self_care_certificate": content.self_care_certificate,
        "medical_responsibility_to": content.medical_responsibility_to,
    }


def _reread(actor: Actor, pk: int) -> dict[str, Any]:
    return stay_out(actor, stays_acts.get(actor, pk))


class StayIn(Schema):
    admitted_at: Moment
    cause: Annotated[str, Limit(2000)]
    treating_physician: Text
    needs_assessed_at: Moment | None = None
    consent_to_transfer: bool
    only_social_services: bool = False


class RegisterIn(StayIn):
    identity_number: Code = Field(..., examples=["19360323-9090"])
    expected_discharge_on: StayDay


# The default of a field that may be omitted but not given as null: pydantic does not validate
# a default, so an omitted field is simply absent from ``model_fields_set``.
OMITTED: Any = None


class DetailsIn(Schema):
    """SEC-4: only the fields given change; an omitted field keeps its stored value, and an
    explicit ``null`` clears ``needs_assessed_at``. The SIP invitation time is not here: the
    SIP invitation records it, so an unknown field (such as ``sip_invited_at``) is refused."""

    model_config = ConfigDict(extra="forbid")

    version: int
    admitted_at: Moment = Field(OMITTED)
    cause: Annotated[str, Limit(2000)] = Field(OMITTED)
    treating_physician: Text = Field(OMITTED)
    needs_assessed_at: Moment | None = None
    consent_to_transfer: bool = Field(OMITTED)
    only_social_services: bool = Field(OMITTED)


class DeathIn(Schema):
    died_on: LifeDay


class InterventionsOut(Schema):
    unit: str
    unit_name: str
    can_receive_at: dt.datetime
    interventions: str


class CareContactOut(Schema):
    name: str
    workplace: str
    phone: str


class SipMeetingOut(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    form: str


class InformationOut(Schema):
    stay_id: int
    identity_number: str
    name: str
    county: str
    ward: str
    discharged_at: dt.datetime | None
    interventions: list[InterventionsOut]
    care_contact: CareContactOut | None
    sip_meeting: SipMeetingOut | None
    documents: list[str] = Field(
        ...,
        description="SVU-12: what goes home with the patient: medication_list (always), "
        "self_care_certificate (when the ready notice said so)",
    )


@router.post(
    "", response={201: StayOut, **ERRORS}, operation_id="samordna_api_discharge_register_stay"
)
def register_stay(request: HttpRequest, payload: RegisterIn) -> Any:
    """Register a stay at the token's inpatient ward (SVU-1) for a registered individual."""
    actor = actor_of(request)
    found = lookup(actor, payload.identity_number)
    if found.person is None:
        raise NotFound("not_registered", "Individen är inte registrerad.", "identity_number")
    case = stays_acts.register_stay(actor, found.person.identity_number, payload.dict())
    return Status(201, _reread(actor, case.pk))


@router.get(
    "/{stay_id}", response={200: StayOut, **ERRORS}, operation_id="samordna_api_discharge_get_stay"
)
def get_stay(request: HttpRequest, stay_id: int) -> Any:
    return _reread(actor_of(request), stay_id)


@router.post(
    "/{stay_id}/details",
    response={200: StayOut, **ERRORS},
    operation_id="samordna_api_discharge_update_stay",
)
def update_stay(request: HttpRequest, stay_id: int, payload: DetailsIn) -> Any:
    """Correct the stay's details: only the fields given change. 409 `edit_conflict` when
    ``version`` is not the current."""
    actor = actor_of(request)
    given = {name: getattr(payload, name) for name in payload.model_fields_set}
    stays_acts.update_stay(actor, stay_id, payload.version, given)
    return _reread(actor, stay_id)


@router.post(
    "/{stay_id}/death",
    response={200: StayOut, **ERRORS},
    operation_id="samordna_api_discharge_register_death",
)
def register_death(request: HttpRequest, stay_id: int, payload: DeathIn) -> Any:
    """SVU-9: the patient died during the stay; the stay and any SIP are closed."""
    actor = actor_of(request)
    stays_acts.register_death(actor, stay_id, payload.died_on)
    return _reread(actor, stay_id)


@router.get(
    "/{stay_id}/discharge-information",
    response={200: InformationOut, **ERRORS},
    operation_id="samordna_api_discharge_discharge_information",
)
def discharge_information(request: HttpRequest, stay_id: int) -> Any:
    """SVU-6: what the patient is given at discharge."""
    info = information.discharge_information(actor_of(request), stay_id)
    meeting = info.sip_meeting
    return {
        "stay_id": info.case.pk,
        "identity_number": info.person.identity_number,
        "name": info.person.full_name,
        "county": info.county,
        "ward": info.ward.name,
        "discharged_at": info.stay.discharged_at,
        "interventions": [
            {
                "unit": p.unit.code,
                "unit_name": p.unit.name,
                "can_receive_at": p.can_receive_at,
                "interventions": p.interventions,
            }
            for p in info.interventions
        ],
        "care_contact": info.care_contact.__dict__ if info.care_contact else None,
        "documents": list(info.documents),
        "sip_meeting": {
            "starts_at": meeting.starts_at,
            "ends_at": meeting.ends_at,
            "place": meeting.place,
            "form": meeting.form,
        }
        if meeting
        else None,
    }


@router.get(
    "/{stay_id}/liability",
    response={200: LiabilityOut, **ERRORS},
    operation_id="samordna_api_discharge_payment_liability",
)
def payment_liability(request: HttpRequest, stay_id: int) -> Any:
    """SVU-10: start, liable days and amount, with the reasoning."""
    result = svu_liability_export_acts.assess(stays_acts.get(actor_of(request), stay_id))
    return {
        "start": result.start,
        "days": result.days,
        "days_by_year": result.days_by_year(),
        "amount_sek": result.amount,
        "missing_years": list(result.missing_years),
        "reasons": list(result.reasons),
    }
