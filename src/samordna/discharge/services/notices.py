"""Notices of a stay: admission, expected discharge, ready, discharge; their recipients and
acknowledgement (SVU).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samordna.accounts.actor import Actor
from samordna.cases import services as cases
from samordna.cases.acts import act
from samordna.cases.models import Case, Delivery, Notice, Obligation, Participation
from samordna.core import deadlines
from samordna.core.paging import Window, segmented
from samordna.deviations.models import Deviation
from samordna.discharge import checks, liability
from samordna.discharge.models import (
    Stay,
    StayNotice,
)
from samordna.discharge.services.collaboration import Answers, _answer, recipient_plans
from samordna.discharge.services.stays import (
    _bump,
    _expected_date,
    _not_future,
    _required,
    _stay,
    get,
    last_admission_notice,
    ready_physician,
    require_ward,
)
from samordna.errors import Conflict, Forbidden, NotFound, ServiceError
from samordna.organisations.models import Unit
from samordna.people.models import Person
from samordna.sip.services import case as case_acts
from samordna.sip.services import stay_link

# Seed 000_106b8acbeb42519c.txt line 207 (grundadressering) and seed 001_118551e475ece215.txt
# lines 695-700: the admission notice goes to social services and municipal health care of the
# municipality of residence, and to the region's outpatient care (the listed primary care).
MUNICIPAL_RECIPIENT_KINDS = (Unit.Kind.NEEDS_ASSESSMENT, Unit.Kind.MUNICIPAL_HEALTH_CARE)


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
    cases.take_part_all(case, units, Participation.Role.RECIPIENT)
    return notice


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
    physician, physician_user = ready_physician(case.owner_unit, data)
    fields = {
        "ready_at": ready_at,
        "ready_physician": physician,
        "ready_physician_user": physician_user,
        "self_care_certificate": bool(data.get("self_care_certificate")),
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
        linked = stay_link.following_sip(case)
        if linked is not None:
            # SIP-17, seed 002 line 156: the existing SIP linked to the stay is the one invited
            # to, by its coordinator's unit.
            stay_link.oblige_invitation(linked, notice.sent_at)
        else:
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
    self_discharge: bool | None,
    occurred_at: dt.datetime | None = None,
) -> Notice | None:
    """SVU-7: the patient has left the ward; the units that received the admission notice are
    told (seed 001 lines 902-928), with the flag when the patient left before the interventions
    were in place (lines 912-916). The discharge process is then closed as discharged.

    SVU-11: ``self_discharge`` None takes the proposal: flagged when ``checks.before_discharge``
    finds interventions not in place at the time the patient left."""
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
    warned = [w.code for w in checks.before_discharge(stay, recipient_plans(case), left)]
    if self_discharge is None:
        self_discharge = bool(warned)
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
        actor,
        case,
        "discharge_notice_sent",
        {"self_discharge": bool(self_discharge), "warnings": warned},
        real,
    )
    case_acts.follow_discharge(case, left)
    cases.close(actor, case, Case.CloseReason.DISCHARGED)
    return notice


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


def notices_page(actor: Actor, number: int | str | None = 1) -> Window[Delivery]:
    """One page of ``notices_to`` in O(page): each part an index range with LIMIT
    (``Delivery.objects.inbox_segments``), no COUNT of the unit's history (issue 11 item 3)."""
    about_stays = Q(notice__case__kind=Case.Kind.DISCHARGE)
    return segmented(
        Delivery.objects.inbox_segments(actor, about_stays),
        lambda keys: Delivery.objects.filter(pk__in=keys).select_related(
            "notice__case__person",
            "notice__sender_unit",
            "notice__stay_notice",
            "acknowledged_by",
        ),
        number,
        NOTICES_PER_PAGE,
    )


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
