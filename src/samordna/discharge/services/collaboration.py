"""Collaboration during a stay: planning basis, care contact, replies, SIP declined,
unavailable periods.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from samordna.accounts.actor import Actor
from samordna.cases import services as cases
from samordna.cases.acts import act
from samordna.cases.models import Case, Delivery, Notice, Obligation
from samordna.discharge import planning
from samordna.discharge.models import (
    PlanningAnswer,
    RecipientPlan,
    Stay,
    UnavailablePeriod,
)
from samordna.discharge.services.stays import (
    _bump,
    _not_future,
    _required,
    _stay,
    get,
    is_ward,
    require_ward,
)
from samordna.errors import Conflict, Forbidden, ServiceError
from samordna.organisations.models import Unit
from samordna.sip.models import SipCase

# question key -> (yes/no or None for not answered, comment)
Answers = dict[str, tuple[bool | None, str]]


STAY_NOTICES = (Notice.Kind.ADMISSION, Notice.Kind.READY, Notice.Kind.DISCHARGE)


def is_recipient(actor: Actor, case: Case, notices: Sequence[Notice] | None = None) -> bool:
    """The actor's unit received the stay's notices (a message about the stay is not enough:
    the recipients answer the planning basis, reply and, in primary care, name the care
    contact). ``notices``: the case's notices with their deliveries, when already read."""
    if notices is not None:
        return any(
            d.unit_id == actor.unit.pk
            for n in notices
            if n.kind in STAY_NOTICES
            for d in n.deliveries.all()
        )
    return Delivery.objects.filter(
        notice__case=case, notice__kind__in=STAY_NOTICES, unit=actor.unit
    ).exists()


def _require_shared(actor: Actor, case: Case) -> None:
    """What recipients write about the patient needs the patient's consent (CON-4)."""
    if not is_recipient(actor, case):
        raise Forbidden("not_recipient", _("Only units that received the notices can do this."))
    if not case.stay.consent_to_transfer:
        raise ServiceError(
            "no_consent",
            _("The patient has not consented to information transfer."),
        )


def planning_basis(
    case: Case, answers: Iterable[PlanningAnswer] | None = None
) -> dict[int, dict[str, PlanningAnswer]]:
    """The current planning basis: the newest answer per unit and question; ``answers``, the
    stay's answers oldest first when the caller has read them already (the stay page)."""
    current: dict[int, dict[str, PlanningAnswer]] = {}
    if answers is None:
        answers = case.stay.planning_answers.select_related("answered_by")
    for row in answers:
        current.setdefault(row.unit_id, {})[row.question] = row
    return current


def _changed(old: PlanningAnswer | None, answer: bool | None, comment: str) -> bool:
    if old is None:
        return answer is not None or bool(comment)
    return (old.answer, old.comment) != (answer, comment)


def _answer(actor: Actor, case: Case, answers: Answers) -> list[PlanningAnswer]:
    ward = is_ward(actor, case)
    if not ward:
        _require_shared(actor, case)
    allowed = {q.key for q in (planning.WARD_QUESTIONS if ward else planning.RECIPIENT_QUESTIONS)}
    for key, (answer, comment) in answers.items():
        if key not in allowed:
            raise ServiceError("invalid_question", _("Unknown question."), key)
        if answer not in (True, False, None) or not isinstance(comment, str):
            raise ServiceError("invalid_answer", _("Answer yes, no or leave it open."), key)
        if len(comment) > 2000:
            raise ServiceError("too_long", _("At most 2000 characters."), key)
    current = planning_basis(case).get(actor.unit.pk, {})
    now = timezone.now()
    rows = [
        PlanningAnswer(
            stay_id=case.pk,
            unit=actor.unit,
            question=key,
            answer=answer,
            comment=comment.strip(),
            answered_by=actor.user,
            answered_at=now,
        )
        for key, (answer, comment) in sorted(answers.items())
        if _changed(current.get(key), answer, comment.strip())
    ]
    if not rows:
        raise ServiceError("unchanged", _("Nothing was changed."))
    PlanningAnswer.objects.bulk_create(rows)
    if ward:
        cases.meet(case, Obligation.Kind.PLANNING_BASIS, unit=actor.unit)
    cases.record(actor, case, "planning_basis_updated", {"questions": [r.question for r in rows]})
    return rows


@act
def answer_planning_basis(actor: Actor, pk: int, answers: Answers) -> list[PlanningAnswer]:
    """SVU-3: the ward fills in the planning basis within 24 hours of the admission notice and
    updates it when the patient's condition, needs or resources change (seed 001 lines
    763-767); recipients add their answers. Only changed answers are stored; every earlier
    answer is kept."""
    case = get(actor, pk, "stay.planning_basis", lock=True)
    cases.require_active(case)
    return _answer(actor, case, answers)


@act
def designate_care_contact(actor: Actor, pk: int, version: int, data: dict[str, Any]) -> Stay:
    """SVU-4: primary care names the patient's designated care contact before discharge
    (seed 001 lines 781-813); the care contact invites to the SIP after discharge."""
    case = get(actor, pk, "stay.care_contact", lock=True)
    cases.require_active(case)
    if actor.unit.kind != Unit.Kind.PRIMARY_CARE or not is_recipient(actor, case):
        raise Forbidden(
            "not_primary_care",
            _("The primary care centre that received the notices names the care contact."),
        )
    stay = _stay(case, version)
    fields = {
        "care_contact_name": _required(data, "care_contact_name", _("Give the name.")),
        "care_contact_workplace": str(data.get("care_contact_workplace") or "").strip()
        or actor.unit.name,
        "care_contact_phone": _required(data, "care_contact_phone", _("Give a phone number.")),
        "care_contact_unit": actor.unit,  # SIP-18: this unit calls the SIP after discharge
    }
    for name, limit in (("care_contact_name", 200), ("care_contact_workplace", 200)):
        if len(str(fields[name])) > limit:
            raise ServiceError("too_long", _("At most %(n)s characters.") % {"n": limit}, name)
    if len(str(fields["care_contact_phone"])) > 40:
        raise ServiceError(
            "too_long", _("At most %(n)s characters.") % {"n": 40}, "care_contact_phone"
        )
    _bump(stay, version, **fields)
    cases.record(actor, case, "care_contact_designated", {"name": fields["care_contact_name"]})
    return stay


def recipient_plans(case: Case) -> list[RecipientPlan]:
    """Each recipient's newest reply, by unit name."""
    newest: dict[int, RecipientPlan] = {}
    for plan in case.stay.recipient_plans.select_related("unit", "recorded_by"):
        newest[plan.unit_id] = plan
    return sorted(newest.values(), key=lambda p: p.unit.name)


@act
def reply_to_ready(
    actor: Actor, pk: int, can_receive_at: Any, interventions: str = ""
) -> RecipientPlan:
    """SVU-5 and SVU-6: a recipient tells the ward from when its interventions can start and
    the patient can go home (seed 001 lines 867-871), and documents its planned interventions
    for the discharge information (lines 873-886). A later reply replaces it; all are kept."""
    case = get(actor, pk, "stay.reply", lock=True)
    cases.require_active(case)
    _require_shared(actor, case)
    stay: Stay = case.stay
    if stay.ready_at is None:
        raise ServiceError(
            "not_ready", _("Reply when the patient has been reported ready for discharge.")
        )
    if not isinstance(can_receive_at, dt.datetime):
        raise ServiceError(
            "required", _("Give from when you can receive the patient."), "can_receive_at"
        )
    if can_receive_at < stay.ready_at:
        raise ServiceError(
            "before_ready",
            _("The time cannot be before the patient was ready for discharge."),
            "can_receive_at",
        )
    if can_receive_at > timezone.now() + dt.timedelta(days=365):
        raise ServiceError("too_far", _("The time must be within a year."), "can_receive_at")
    if len(interventions) > 4000:
        raise ServiceError("too_long", _("At most 4000 characters."), "interventions")
    plan = RecipientPlan.objects.create(
        stay=stay,
        unit=actor.unit,
        can_receive_at=can_receive_at,
        interventions=interventions.strip(),
        recorded_by=actor.user,
    )
    cases.record(actor, case, "recipient_replied", {"can_receive_at": can_receive_at.isoformat()})
    _acknowledged_by_reply(actor, case)
    return plan


def _acknowledged_by_reply(actor: Actor, case: Case) -> None:
    """Replying to the ready notice shows it was read: the unit's unacknowledged ready notice is
    acknowledged now, by the one who replied (seed 001_118551e475ece215.txt lines 866-871: the
    recipient acknowledges, then tells the ward when the patient can come home). Without it the
    ward saw "Kan ta emot från …" next to "För kvittering" (issue 18 item 4)."""
    now = timezone.now()
    pending = Delivery.objects.select_for_update(of=("self",)).filter(
        notice__case=case,
        notice__kind=Notice.Kind.READY,
        unit=actor.unit,
        acknowledged_at__isnull=True,
        forwarded_to__isnull=True,
    )
    for delivery in pending:
        delivery.acknowledged_at = now
        delivery.acknowledged_by = actor.user
        delivery.save(update_fields=["acknowledged_at", "acknowledged_by"])
        late = delivery.due_at is not None and now >= delivery.due_at
        cases.record(
            actor,
            case,
            "notice_acknowledged",
            {"delivery": delivery.pk, "notice": Notice.Kind.READY, "late": late, "by_reply": True},
        )


@act
def record_sip_declined(actor: Actor, pk: int, version: int, declined_at: Any) -> Stay:
    """SVU-9: the patient declined the offer of a SIP (seed 001 lines 930-931). No invitation
    is then sent (lines 981-983) and the payment liability does not wait for one. A SIP
    already opened from the stay is closed there, by recording the refusal of consent."""
    case = get(actor, pk, "stay.sip_declined", lock=True)
    cases.require_active(case)
    primary_care = actor.unit.kind == Unit.Kind.PRIMARY_CARE and is_recipient(actor, case)
    if not (is_ward(actor, case) or primary_care):
        raise Forbidden(
            "not_ward_or_primary_care",
            _("The ward or the primary care centre records that the patient declined."),
        )
    stay = _stay(case, version)
    if stay.sip_declined_at is not None:
        raise Conflict("already_declined", _("It is already recorded that the patient declined."))
    if SipCase.objects.filter(origin=case, case__closed_at__isnull=True).exists():
        raise Conflict(
            "sip_open",
            _("A SIP after discharge is open: record the refusal of consent in the SIP."),
        )
    at = _not_future(declined_at, "sip_declined_at", _("Give when the patient declined."))
    if at < stay.admitted_at:
        raise ServiceError(
            "before_admission",
            _("The patient cannot have declined before the admission."),
            "sip_declined_at",
        )
    _bump(stay, version, sip_declined_at=at)
    cases.cancel(case, Obligation.Kind.SIP_INVITATION)
    cases.record(actor, case, "sip_declined")
    return stay


@act
def add_unavailable_period(
    actor: Actor, pk: int, starts_on: Any, ends_on: Any, reason: str
) -> UnavailablePeriod:
    """The ward records days when the patient could not leave because region outpatient
    interventions were not available: no liability for them (seed 001 lines 1546-1548)."""
    case = get(actor, pk, "stay.unavailable", lock=True)
    cases.require_active(case)
    require_ward(actor, case)
    if not isinstance(starts_on, dt.date):
        raise ServiceError("required", _("Give the first day."), "starts_on")
    if ends_on is not None and (not isinstance(ends_on, dt.date) or ends_on < starts_on):
        raise ServiceError(
            "invalid_period", _("The last day cannot be before the first."), "ends_on"
        )
    if not reason.strip():
        raise ServiceError("required", _("Give the reason."), "reason")
    period = UnavailablePeriod.objects.create(
        stay_id=case.pk,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason.strip(),
        recorded_by=actor.user,
    )
    cases.record(
        actor,
        case,
        "outpatient_unavailable",
        {"from": starts_on.isoformat(), "to": ends_on.isoformat() if ends_on else None},
    )
    return period
