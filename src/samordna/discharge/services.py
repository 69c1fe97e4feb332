"""Acts on a discharge process (SPEC SVU-1, SVU-2, SVU-5, SVU-7, SVU-8, SVU-10, ORG-4, CON-4).

Each public act runs in one transaction, reads the case through ``cases.services.get_case``
(visibility and the access log), refuses acts on a closed case, raises ``ServiceError`` with a
stable code and appends to the case timeline. Acts the routine gives the inpatient ward are open
to every staff member of the ward that owns the stay.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from samordna.accounts.actor import Actor
from samordna.audit.models import AccessLog
from samordna.audit.services import log, log_many
from samordna.cases import services as cases
from samordna.cases.acts import act
from samordna.cases.models import Case, Delivery, Notice, Obligation, Participation
from samordna.core import deadlines
from samordna.deviations.models import Deviation
from samordna.discharge import liability, planning
from samordna.discharge.models import (
    DailyAmount,
    PlanningAnswer,
    RecipientPlan,
    Stay,
    StayNotice,
    UnavailablePeriod,
)
from samordna.errors import Conflict, Forbidden, NotFound, ServiceError
from samordna.organisations.models import Membership, Principal, Unit
from samordna.people.models import Person
from samordna.sip import services as sip_services
from samordna.sip.models import SipCase

# Seed 000_106b8acbeb42519c.txt line 207 (grundadressering) and seed 001_118551e475ece215.txt
# lines 695-700: the admission notice goes to social services and municipal health care of the
# municipality of residence, and to the region's outpatient care (the listed primary care).
MUNICIPAL_RECIPIENT_KINDS = (Unit.Kind.NEEDS_ASSESSMENT, Unit.Kind.MUNICIPAL_HEALTH_CARE)


def get(actor: Actor, pk: int, what: str = "stay.read", lock: bool = False) -> Case:
    return cases.get_case(actor, pk, Case.Kind.DISCHARGE, what, lock=lock)


def is_ward(actor: Actor, case: Case) -> bool:
    return case.owner_unit_id == actor.unit.pk


def require_ward(actor: Actor, case: Case) -> None:
    if not is_ward(actor, case):
        raise Forbidden("not_ward", _("Only the inpatient ward of the stay can do this."))


def sees_everything(actor: Actor, case: Case) -> bool:
    """CON-4: without consent to information transfer, recipients see only name, identity
    number, address and expected discharge date, plus the notices (seed 001 lines 656-659)."""
    return is_ward(actor, case) or case.stay.consent_to_transfer


def _stay(case: Case, version: int | None = None) -> Stay:
    stay = Stay.objects.get(pk=case.pk)
    if version is not None and stay.version != version:
        raise _edit_conflict()
    return stay


def _edit_conflict() -> Conflict:
    return Conflict(
        "edit_conflict",
        _(
            "Someone else changed the stay while you were editing. Your changes have not been "
            "saved; review the stay and try again."
        ),
    )


def _bump(stay: Stay, version: int, **fields: Any) -> None:
    """Save fields only if nobody saved since ``version`` (optimistic locking, SEC-4)."""
    if not Stay.objects.filter(pk=stay.pk, version=version).update(
        version=F("version") + 1, **fields
    ):
        raise _edit_conflict()
    for name, value in fields.items():
        setattr(stay, name, value)
    stay.version = version + 1


def _not_future(moment: Any, field: str, message: str) -> dt.datetime:
    if not isinstance(moment, dt.datetime) or moment > timezone.now():
        raise ServiceError("invalid_time", message, field)
    return moment


def _required(data: dict[str, Any], field: str, message: str) -> str:
    value = str(data.get(field) or "").strip()
    if not value:
        raise ServiceError("required", message, field)
    return value


# Registering a stay (SVU-1) ----------------------------------------------------------------------


@act
def register_stay(actor: Actor, person_pk: int, data: dict[str, Any]) -> Case:
    """An inpatient ward opens the discharge process of a stay. One active stay per person and
    ward is a partial unique index; a stay may run beside a SIP (seed 000)."""
    if actor.unit.kind != Unit.Kind.INPATIENT_WARD:
        raise Forbidden("not_inpatient_ward", _("Only an inpatient ward can register a stay."))
    person = Person.objects.filter(pk=person_pk).first()
    if person is None:
        raise NotFound("not_found", _("The individual was not found."))
    if person.deceased_on:
        raise ServiceError("deceased", _("The individual is registered as deceased."))
    fields = _clean_stay(data)
    expected = _expected_date(data.get("expected_discharge_on"), fields["admitted_at"])
    try:
        with transaction.atomic():
            case = Case.objects.create(
                person=person, kind=Case.Kind.DISCHARGE, owner_unit=actor.unit, opened_by=actor.user
            )
            Stay.objects.create(case=case, expected_discharge_on=expected, **fields)
            Participation.objects.create(case=case, unit=actor.unit, role=Participation.Role.OWNER)
            _oblige_admission_notice(case, fields["needs_assessed_at"])
            cases.record(actor, case, "stay_registered")
            log(actor, AccessLog.Action.CREATE, "stay.register", person)
    except IntegrityError as error:
        active = (
            Case.objects.active()
            .filter(person=person, kind=Case.Kind.DISCHARGE, owner_unit=actor.unit)
            .first()
        )
        if active is None:
            raise
        raise Conflict(
            "active_stay_exists",
            _("The individual already has an active stay at this ward (case %(number)s).")
            % {"number": active.pk},
        ) from error
    return case


def _oblige_admission_notice(case: Case, assessed: dt.datetime | None) -> None:
    """SVU-2: due 24 hours after the physician's assessment, until the notice is sent."""
    if last_admission_notice(case) is not None:
        return
    if assessed is None:
        cases.cancel(case, Obligation.Kind.ADMISSION_NOTICE)
        return
    rules = case.owner_unit.principal.county.rule_set
    due = deadlines.admission_notice_due(assessed, rules)
    cases.oblige(case, case.owner_unit, Obligation.Kind.ADMISSION_NOTICE, due)


def _clean_stay(data: dict[str, Any]) -> dict[str, Any]:
    admitted_at = _not_future(
        data.get("admitted_at"), "admitted_at", _("Give when the patient was admitted.")
    )
    assessed = data.get("needs_assessed_at")
    if assessed is not None:
        _not_future(assessed, "needs_assessed_at", _("The assessment cannot be in the future."))
        if assessed < admitted_at:
            raise ServiceError(
                "before_admission",
                _("The assessment cannot be before the admission."),
                "needs_assessed_at",
            )
    for flag in ("consent_to_transfer", "only_social_services"):
        if not isinstance(data.get(flag, False), bool):
            raise ServiceError("invalid_choice", _("Choose yes or no."), flag)
    return {
        "admitted_at": admitted_at,
        "cause": _required(data, "cause", _("Give the cause of admission.")),
        "treating_physician": _required(
            data, "treating_physician", _("Give the treating physician.")
        ),
        "needs_assessed_at": assessed,
        "consent_to_transfer": data.get("consent_to_transfer", False),
        "only_social_services": data.get("only_social_services", False),
    }


def _expected_date(value: Any, admitted_at: dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ServiceError(
            "required", _("Give the expected discharge date."), "expected_discharge_on"
        )
    if value < timezone.localdate(admitted_at):
        raise ServiceError(
            "before_admission",
            _("The expected discharge date cannot be before the admission."),
            "expected_discharge_on",
        )
    return value


# What the ward corrects in a stay. Not the SIP invitation time: only the invitation act sets it
# (``sip.meetings.send_invitation``), since it decides the payment liability (SVU-10).
STAY_FIELDS = (
    "admitted_at",
    "cause",
    "treating_physician",
    "needs_assessed_at",
    "consent_to_transfer",
    "only_social_services",
)


@act
def update_stay(actor: Actor, pk: int, version: int, data: dict[str, Any]) -> Stay:
    """The ward corrects the stay's details; refused if someone saved since ``version``.

    Only the ``STAY_FIELDS`` present in ``data`` change: an absent one keeps its stored value
    (SEC-4: an omitted field is no request to clear it); anything else in ``data`` is ignored."""
    case = get(actor, pk, "stay.update", lock=True)
    cases.require_active(case)
    require_ward(actor, case)
    stay = _stay(case, version)
    stored = {name: getattr(stay, name) for name in STAY_FIELDS}
    fields = _clean_stay({**stored, **{k: v for k, v in data.items() if k in STAY_FIELDS}})
    if stay.expected_discharge_on < timezone.localdate(fields["admitted_at"]):
        raise ServiceError(
            "before_admission",
            _("The admission cannot be after the expected discharge date."),
            "admitted_at",
        )
    changed = sorted(name for name, value in fields.items() if getattr(stay, name) != value)
    if not changed:
        raise ServiceError("unchanged", _("Nothing was changed."))
    _bump(stay, version, **fields)
    if "needs_assessed_at" in changed:
        _oblige_admission_notice(case, stay.needs_assessed_at)
    if stay.only_social_services:
        cases.cancel(case, Obligation.Kind.SIP_INVITATION)
    cases.record(actor, case, "stay_updated", {"fields": changed})
    return stay


# Notices (SVU-2, SVU-5, SVU-7) -------------------------------------------------------------------


def default_recipients(person: Person) -> list[Unit]:
    """ORG-4, default addressing ("grundadressering", seed 000 line 207): needs assessment and
    municipal health care of the municipality of residence, and the listed primary care centre.
    Primary care is always among them: "Ett inskrivningsmeddelande ska alltid skickas till den
    regionfinansierade öppna vården" (seed 001 lines 701-706)."""
    units = list(
        Unit.objects.filter(
            principal=person.municipality,
            kind__in=MUNICIPAL_RECIPIENT_KINDS,
            active=True,
            connected=True,
        ).order_by("name")
    )
    care = person.listed_primary_care
    if care is not None and care.active and care.connected:
        units.append(care)
    return units


def recipient_choices(actor: Actor) -> QuerySet[Unit]:
    """Units a notice can go to: the connected units of the ward's county, not the ward."""
    return (
        Unit.objects.filter(
            principal__county=actor.unit.principal.county, active=True, connected=True
        )
        .exclude(pk=actor.unit.pk)
        .select_related("principal")
        .order_by("principal__kind", "principal__name", "name")
    )


def _check_recipients(actor: Actor, units: list[Unit]) -> list[Unit]:
    if not units:
        raise ServiceError("no_recipients", _("Choose at least one recipient."), "recipients")
    allowed = set(recipient_choices(actor).values_list("pk", flat=True))
    if any(u.pk not in allowed for u in units):
        raise ServiceError(
            "invalid_recipient",
            _("Recipients must be connected units of the county."),
            "recipients",
        )
    kinds = {u.kind for u in units}
    if Unit.Kind.MUNICIPAL_HEALTH_CARE in kinds and Unit.Kind.PRIMARY_CARE not in kinds:
        raise ServiceError(
            "primary_care_required",
            _(
                "When municipal health care receives the notice, primary care must too: it "
                "keeps the medical responsibility for the patient."
            ),
            "recipients",
        )
    return sorted({u.pk: u for u in units}.values(), key=lambda u: u.name)


def _send(
    actor: Actor,
    case: Case,
    kind: str,
    units: list[Unit],
    occurred_at: dt.datetime | None = None,
    **content: Any,
) -> Notice:
    """One notice with one delivery per recipient, each to acknowledge by the county's next
    reading time (SVU-8, ``deadlines.acknowledgement_due``); recipients take part in the case.
    A notice sent on paper during downtime counts from its real time ``occurred_at`` (DOC-3)."""
    now = timezone.now()
    sent_at = occurred_at or now
    rules = case.owner_unit.principal.county.rule_set
    due = deadlines.acknowledgement_due(sent_at, rules)
    notice = Notice.objects.create(
        case=case,
        kind=kind,
        sender=actor.user,
        sender_unit=actor.unit,
        sent_at=sent_at,
        registered_at=now if occurred_at else None,
    )
    StayNotice.objects.create(notice=notice, **content)
    Delivery.objects.bulk_create(
        Delivery(notice=notice, unit=unit, mode=Delivery.Mode.ACK, due_at=due) for unit in units
    )
    for unit in units:
        cases.take_part(case, unit, Participation.Role.RECIPIENT)
    return notice


def last_admission_notice(case: Case) -> Notice | None:
    return case.notices.filter(kind=Notice.Kind.ADMISSION).order_by("-sent_at", "-pk").first()


def recipients(case: Case) -> list[Unit]:
    """The recipients of the latest admission notice: later notices go to the same units
    (seed 001 lines 816-818 and 926-928)."""
    notice = last_admission_notice(case)
    if notice is None:
        return []
    return [d.unit for d in notice.deliveries.select_related("unit").order_by("unit__name")]


def _admission_content(stay: Stay) -> dict[str, Any]:
    """CON-4: without consent the admission notice carries only the expected discharge date
    besides the individual's identity (seed 001 lines 656-657, 738-740)."""
    return {
        "expected_discharge_on": stay.expected_discharge_on,
        "cause": stay.cause if stay.consent_to_transfer else "",
    }


@act
def send_admission_notice(
    actor: Actor, pk: int, units: list[Unit], occurred_at: dt.datetime | None = None
) -> Notice:
    """SVU-2: the admission notice, to the recipients proposed by default addressing as staff
    adjusted them. Sent once; a changed expected discharge date re-sends it."""
    case = get(actor, pk, cases.logged_as("stay.admission_notice", occurred_at), lock=True)
    cases.require_active(case)
    require_ward(actor, case)
    if last_admission_notice(case) is not None:
        raise Conflict(
            "already_sent",
            _(
                "The admission notice is already sent. Change the expected discharge date to "
                "send it again."
            ),
        )
    chosen = _check_recipients(actor, units)
    stay = _stay(case)
    real = cases.real_time(occurred_at, stay.admitted_at)
    notice = _send(actor, case, Notice.Kind.ADMISSION, chosen, real, **_admission_content(stay))
    cases.meet(case, Obligation.Kind.ADMISSION_NOTICE, notice.sent_at)
    # SVU-3, seed 001 lines 763-764: the planning basis within 24 hours of the notice.
    rules = case.owner_unit.principal.county.rule_set
    basis = cases.oblige(
        case,
        actor.unit,
        Obligation.Kind.PLANNING_BASIS,
        deadlines.planning_basis_due(notice.sent_at, rules),
    )
    first = stay.planning_answers.filter(unit=actor.unit).first()
    if first is not None:
        basis.met_at = first.answered_at
        basis.save(update_fields=["met_at"])
    cases.record(actor, case, "admission_notice_sent", {"units": [u.pk for u in chosen]}, real)
    return notice


@act
def change_expected_discharge(
    actor: Actor, pk: int, version: int, expected: dt.date | None
) -> Notice | None:
    """SVU-2: changing the expected discharge date re-sends the admission notice to the same
    recipients, showing the old and the new date ("Om preliminärt datum för utskrivning ändras
    måste meddelandet uppdateras", seed 001 lines 829-831). Returns the new notice, if any."""
    case = get(actor, pk, "stay.expected_discharge", lock=True)
    cases.require_active(case)
    require_ward(actor, case)
    stay = _stay(case, version)
    new = _expected_date(expected, stay.admitted_at)
    old = stay.expected_discharge_on
    if new == old:
        raise ServiceError(
            "unchanged", _("That is already the expected discharge date."), "expected_discharge_on"
        )
    _bump(stay, version, expected_discharge_on=new)
    units = recipients(case)
    notice = None
    if units:
        notice = _send(
            actor,
            case,
            Notice.Kind.ADMISSION,
            units,
            previous_expected_discharge_on=old,
            **_admission_content(stay),
        )
    cases.record(
        actor,
        case,
        "expected_discharge_changed",
        {"from": old.isoformat(), "to": new.isoformat(), "resent": notice is not None},
    )
    return notice


@act
def send_ready_notice(
    actor: Actor,
    pk: int,
    version: int,
    data: dict[str, Any],
    occurred_at: dt.datetime | None = None,
) -> Notice:
    """SVU-5: the treating physician has assessed the patient ready for discharge; the notice
    goes to the units that received the admission notice (seed 001 lines 815-818, 855-866).

    Without consent only the admission and discharge notices may be sent (seed 001 lines
    656-657). The notice's sending time starts the payment liability (SVU-10).
    """
    case = get(actor, pk, cases.logged_as("stay.ready_notice", occurred_at), lock=True)
    cases.require_active(case)
    require_ward(actor, case)
    stay = _stay(case, version)
    if stay.ready_at is not None:
        raise Conflict("already_ready", _("The patient is already reported ready for discharge."))
    if not stay.consent_to_transfer:
        raise ServiceError(
            "no_consent",
            _(
                "Without consent to information transfer only the admission and discharge "
                "notices may be sent."
            ),
        )
    units = recipients(case)
    if not units:
        raise ServiceError(
            "no_admission_notice", _("Send the admission notice first: it decides the recipients.")
        )
    ready_at = _not_future(
        data.get("ready_at"), "ready_at", _("Give when the patient was assessed ready.")
    )
    if ready_at < stay.admitted_at:
        raise ServiceError(
            "before_admission", _("The patient cannot be ready before the admission."), "ready_at"
        )
    admission = last_admission_notice(case)
    assert admission is not None  # units came from it
    real = cases.real_time(occurred_at, max(ready_at, admission.sent_at))
    fields = {
        "ready_at": ready_at,
        "ready_physician": _required(data, "ready_physician", _("Give the responsible physician.")),
        "ready_nurse": _required(data, "ready_nurse", _("Give the responsible nurse.")),
        "medical_responsibility_to": _required(
            data,
            "medical_responsibility_to",
            _("Give the person in primary care who takes over the medical responsibility."),
        ),
    }
    _bump(stay, version, **fields)
    notice = _send(
        actor,
        case,
        Notice.Kind.READY,
        units,
        real,
        expected_discharge_on=stay.expected_discharge_on,
        **fields,
    )
    if not (stay.only_social_services or stay.sip_declined_at):
        # SIP-7, seed 001 lines 888-895: the care contact in primary care invites within three
        # days of the ready notice.
        due = deadlines.discharge_invitation_due(
            notice.sent_at, case.owner_unit.principal.county.rule_set
        )
        for unit in units:
            if unit.kind == Unit.Kind.PRIMARY_CARE:
                cases.oblige(case, unit, Obligation.Kind.SIP_INVITATION, due)
    cases.record(actor, case, "ready_notice_sent", occurred_at=real)
    return notice


@act
def send_discharge_notice(
    actor: Actor,
    pk: int,
    version: int,
    discharged_at: dt.datetime | None,
    self_discharge: bool,
    occurred_at: dt.datetime | None = None,
) -> Notice | None:
    """SVU-7: the patient has left the ward; the units that received the admission notice are
    told (seed 001 lines 902-928), with the flag when the patient left before the interventions
    were in place (lines 912-916). The discharge process is then closed as discharged."""
    case = get(actor, pk, cases.logged_as("stay.discharge_notice", occurred_at), lock=True)
    cases.require_active(case)
    require_ward(actor, case)
    stay = _stay(case, version)
    left = _not_future(discharged_at, "discharged_at", _("Give when the patient left the ward."))
    if left < stay.admitted_at:
        raise ServiceError(
            "before_admission",
            _("The patient cannot leave before the admission."),
            "discharged_at",
        )
    real = cases.real_time(occurred_at, left)
    _bump(stay, version, discharged_at=left, self_discharge=bool(self_discharge))
    units = recipients(case)
    notice = None
    if units:
        notice = _send(
            actor,
            case,
            Notice.Kind.DISCHARGE,
            units,
            real,
            discharged_at=left,
            self_discharge=bool(self_discharge),
        )
    cases.record(
        actor, case, "discharge_notice_sent", {"self_discharge": bool(self_discharge)}, real
    )
    sip_services.follow_discharge(case, left)
    cases.close(actor, case, Case.CloseReason.DISCHARGED)
    return notice


# Acknowledgements (SVU-8) ------------------------------------------------------------------------


@act
def acknowledge(
    actor: Actor,
    pk: int,
    delivery_pk: int,
    answers: Answers | None = None,
    occurred_at: dt.datetime | None = None,
) -> Delivery:
    """A recipient acknowledges a notice to its own unit, recording who and when. Allowed on a
    closed stay: the discharge notice arrives as the stay closes. With an admission notice the
    recipient may add its answers to the planning basis (SVU-3, seed 001 lines 768-771)."""
    case = get(actor, pk, cases.logged_as("stay.acknowledge", occurred_at), lock=True)
    delivery = (
        Delivery.objects.select_for_update(of=("self",))
        .select_related("notice")
        .filter(pk=delivery_pk, notice__case=case)
        .first()
    )
    if delivery is None:
        raise NotFound("not_found", _("The notice was not found."))
    if delivery.unit_id != actor.unit.pk:
        raise Forbidden(
            "not_your_notice", _("Only the unit the notice was sent to can acknowledge it.")
        )
    if delivery.acknowledged_at is not None:
        raise ServiceError(
            "already_acknowledged",
            _("%(user)s already acknowledged the notice at %(time)s.")
            % {
                "user": delivery.acknowledged_by,
                "time": f"{timezone.localtime(delivery.acknowledged_at):%Y-%m-%d %H:%M}",
            },
        )
    real = cases.real_time(occurred_at, delivery.notice.sent_at)
    now = timezone.now()
    delivery.acknowledged_at = real or now
    delivery.acknowledged_by = actor.user
    delivery.acknowledgement_registered_at = now if real else None
    delivery.save(
        update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement_registered_at"]
    )
    late = delivery.due_at is not None and delivery.acknowledged_at >= delivery.due_at
    if real and not late:
        # The worker may have suggested a deviation while the paper acknowledgement waited to
        # be registered; the deadline was not missed after all.
        Deviation.objects.filter(delivery=delivery, status=Deviation.Status.SUGGESTED).delete()
    cases.record(
        actor,
        case,
        "notice_acknowledged",
        {"delivery": delivery.pk, "notice": delivery.notice.kind, "late": late},
        real,
    )
    if answers and any(a is not None or c for a, c in answers.values()):
        _answer(actor, case, answers)
    return delivery


# Planning basis, care contact, replies (SVU-3, SVU-4, SVU-5, SVU-6) ------------------------------

# question key -> (yes/no or None for not answered, comment)
Answers = dict[str, tuple[bool | None, str]]


STAY_NOTICES = (Notice.Kind.ADMISSION, Notice.Kind.READY, Notice.Kind.DISCHARGE)


def is_recipient(actor: Actor, case: Case) -> bool:
    """The actor's unit received the stay's notices (a message about the stay is not enough:
    the recipients answer the planning basis, reply and, in primary care, name the care
    contact)."""
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


def planning_basis(case: Case) -> dict[int, dict[str, PlanningAnswer]]:
    """The current planning basis: the newest answer per unit and question."""
    current: dict[int, dict[str, PlanningAnswer]] = {}
    for row in case.stay.planning_answers.select_related("answered_by"):
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
    }
    for name, limit in (("care_contact_name", 200), ("care_contact_workplace", 200)):
        if len(fields[name]) > limit:
            raise ServiceError("too_long", _("At most %(n)s characters.") % {"n": limit}, name)
    if len(fields["care_contact_phone"]) > 40:
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
    return plan


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


def register_death(actor: Actor, pk: int, died_on: Any) -> None:
    """SVU-9: the patient died during the stay. Registered as a death (PER-4), which closes the
    stay and any ongoing SIP with the reason deceased (seed 001 lines 931-934)."""
    case = get(actor, pk, "stay.death")
    cases.require_active(case)
    require_ward(actor, case)
    if not isinstance(died_on, dt.date) or died_on < timezone.localdate(case.stay.admitted_at):
        raise ServiceError("invalid_date", _("Give the date of death, during the stay."), "died_on")
    cases.register_death(actor, case.person_id, died_on)


def delivery_status(delivery: Delivery, now: dt.datetime) -> str:
    """acknowledged, late (acknowledged after the due time), overdue or due."""
    if delivery.acknowledged_at is not None:
        late = delivery.due_at is not None and delivery.acknowledged_at >= delivery.due_at
        return "late" if late else "acknowledged"
    if delivery.due_at is not None and now >= delivery.due_at:
        return "overdue"
    return "due"


NOTICES_PER_PAGE = 25


def notices_to(actor: Actor) -> QuerySet[Delivery]:
    """Notices about stays sent to the actor's unit: unacknowledged first, most urgent first,
    then the newest (BOX-1). A constant number of queries whatever the volume."""
    return (
        Delivery.objects.inbox_for(actor)
        .filter(notice__case__kind=Case.Kind.DISCHARGE)
        .select_related(
            "notice__case__person",
            "notice__sender_unit",
            "notice__stay_notice",
            "acknowledged_by",
        )
    )


def ward_stays(actor: Actor) -> list[Case]:
    """The ward's active stays, with how many deliveries are still unacknowledged; empty for
    any other unit. Two queries whatever the volume."""
    if actor.unit.kind != Unit.Kind.INPATIENT_WARD:
        return []
    return list(
        Case.objects.visible_to(actor)
        .active()
        .filter(kind=Case.Kind.DISCHARGE, owner_unit=actor.unit)
        .select_related("person", "stay")
        .annotate(
            unacknowledged=models.Count(
                "notices__deliveries", filter=Q(notices__deliveries__acknowledged_at__isnull=True)
            )
        )
        .order_by("stay__expected_discharge_on", "pk")
    )


def log_shown(actor: Actor, persons: list[Person]) -> None:
    """Every individual shown in a list is logged, in one INSERT (SEC-2)."""
    unique = list({p.pk: p for p in persons}.values())
    log_many(actor, AccessLog.Action.READ, "stay.notices", unique)


# Outpatient interventions not available (SVU-10) -------------------------------------------------


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


# Payment liability (SVU-10) ----------------------------------------------------------------------


def daily_amounts() -> dict[int, int]:
    return dict(DailyAmount.objects.values_list("year", "amount_sek"))


def facts_of(case: Case) -> liability.Facts:
    """The stay's facts for the liability rules (one case; the export reads them for all its
    stays at once with ``_facts``)."""
    ready = case.notices.filter(kind=Notice.Kind.READY).order_by("sent_at", "pk").first()
    to_municipality = Delivery.objects.filter(
        notice__case=case,
        notice__kind=Notice.Kind.ADMISSION,
        unit__principal_id=case.person.municipality_id,
    ).exists()
    return _facts(case, ready.sent_at if ready else None, to_municipality)


def _facts(case: Case, ready_sent_at: dt.datetime | None, to_municipality: bool) -> liability.Facts:
    """A stay closed because the patient died ends on the date of death, whenever it was
    registered; otherwise on the day it was closed."""
    stay: Stay = case.stay
    ended = stay.discharged_at or case.closed_at
    ended_on = timezone.localdate(ended) if ended else None
    if case.close_reason == Case.CloseReason.DECEASED and case.person.deceased_on:
        ended_on = case.person.deceased_on  # registered later than it happened
    return liability.Facts(
        consent=stay.consent_to_transfer,
        admission_notice_to_municipality=to_municipality,
        ready_sent_at=ready_sent_at,
        sip_invited_at=stay.sip_invited_at,
        only_social_services=stay.only_social_services,
        sip_declined_at=stay.sip_declined_at,
        discharged_on=ended_on,
        unavailable=tuple(
            liability.Period(p.starts_on, p.ends_on) for p in stay.unavailable_periods.all()
        ),
    )


def assess(
    case: Case, amounts: dict[int, int] | None = None, facts: liability.Facts | None = None
) -> liability.Liability:
    return liability.assess(
        facts_of(case) if facts is None else facts,
        case.owner_unit.principal.county.rule_set,
        daily_amounts() if amounts is None else amounts,
        timezone.localdate(),
    )


@dataclass(frozen=True)
class LiabilityRow:
    case: Case
    days: tuple[int, ...]
    amount: int | None
    result: liability.Liability


def may_export(actor: Actor, municipality: Principal) -> bool:
    """County administrators of the county, and the municipality's own units."""
    return actor.unit.principal_id == municipality.pk or (
        actor.has_role(Membership.Role.COUNTY_ADMIN)
        and actor.unit.principal.county_id == municipality.county_id
    )


def liability_export(actor: Actor, code: str, month: str) -> tuple[Principal, list[LiabilityRow]]:
    """The liable days of one month for the patients registered in one municipality (seed 001
    lines 1529-1530), as the basis of the region's invoice. Logged: one export row and one row
    per individual (SEC-2)."""
    municipality = Principal.objects.filter(
        Q(code=code) | Q(municipality_code=code), kind=Principal.Kind.MUNICIPALITY
    ).first()
    if municipality is None:
        raise ServiceError("invalid_municipality", _("Unknown municipality."), "municipality")
    try:
        first = dt.date.fromisoformat(f"{month}-01")
    except ValueError as error:
        raise ServiceError("invalid_month", _("Give the month as YYYY-MM."), "month") from error
    if not may_export(actor, municipality):
        raise Forbidden(
            "not_permitted",
            _("Only the municipality's own units and county administrators may export this."),
        )
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    stays = (
        Case.objects.filter(
            kind=Case.Kind.DISCHARGE,
            person__municipality=municipality,
            notices__kind=Notice.Kind.READY,
            notices__sent_at__lt=deadlines.end_of_day(last),
        )
        .filter(
            Q(stay__discharged_at__isnull=True)
            | Q(stay__discharged_at__gte=deadlines.end_of_day(first - dt.timedelta(days=1)))
        )
        .select_related("person", "stay", "owner_unit__principal__county")
        .prefetch_related("stay__unavailable_periods")
        .annotate(
            # What ``facts_of`` reads per case, for all the stays in the one query.
            first_ready_at=Subquery(
                Notice.objects.filter(case=OuterRef("pk"), kind=Notice.Kind.READY)
                .order_by("sent_at", "pk")
                .values("sent_at")[:1]
            ),
            notified_municipality=Exists(
                Delivery.objects.filter(
                    notice__case=OuterRef("pk"),
                    notice__kind=Notice.Kind.ADMISSION,
                    unit__principal_id=OuterRef("person__municipality_id"),
                )
            ),
        )
        .distinct()
        .order_by("pk")
    )
    amounts = daily_amounts()
    rows = []
    for case in stays:  # a constant number of queries, whatever the number of stays
        annotated: Any = case
        facts = _facts(case, annotated.first_ready_at, annotated.notified_municipality)
        result = assess(case, amounts, facts)
        days = result.in_month(first.year, first.month)
        if days:
            per_day = amounts.get(first.year)
            rows.append(LiabilityRow(case, days, per_day * len(days) if per_day else None, result))
    log(actor, AccessLog.Action.EXPORT, f"stay.liability_export: {municipality.code} {month}")
    log_many(actor, AccessLog.Action.EXPORT, "stay.liability_export", [r.case.person for r in rows])
    return municipality, rows
