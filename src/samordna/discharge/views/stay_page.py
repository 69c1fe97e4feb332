"""The stay page and helpers that show it again after a refused act."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from samordna.accounts.actor import UnitRequest
from samordna.cases.models import Case, Delivery, Notice
from samordna.cases.views import run_act
from samordna.discharge import checks, planning
from samordna.discharge.forms.collaboration import (
    CareContactForm,
    PlanningBasisForm,
    ReplyForm,
    SipDeclinedForm,
    UnavailableForm,
)
from samordna.discharge.forms.notices import (
    DischargeForm,
    ExpectedDischargeForm,
    ReadyForm,
    RecipientsForm,
)
from samordna.discharge.forms.stays import AfterRegistrationForm, DeathForm, EditForm
from samordna.discharge.models import Stay
from samordna.discharge.services import collaboration as svu_collaboration_acts
from samordna.discharge.services import liability_export as svu_liability_export_acts
from samordna.discharge.services import notices as notices_acts
from samordna.discharge.services import stays as stays_acts
from samordna.organisations.models import Membership, Unit


@dataclass
class NoticeRow:
    notice: Notice
    deliveries: list[tuple[Delivery, str]]
    own: Delivery | None = None  # the actor's unit's unacknowledged delivery
    late_form: AfterRegistrationForm | None = None  # to register its acknowledgement afterwards


def stay_context(request: UnitRequest, case: Case) -> dict[str, Any]:
    """Everything the stay page shows. Recipients without the patient's consent get only what
    CON-4 allows: the stay's details, deadlines, liability and timeline are not in the context."""
    actor = request.actor
    now = timezone.now()
    stay: Stay = case.stay
    # The page lists the periods and the liability assessment counts them: one read (issue 11).
    prefetch_related_objects([stay], "unavailable_periods")
    notices = list(
        case.notices.select_related("sender", "sender_unit", "stay_notice").prefetch_related(
            "deliveries__unit", "deliveries__acknowledged_by"
        )
    )
    rows = []
    for n in notices:
        deliveries = sorted(n.deliveries.all(), key=lambda d: d.unit.name)
        own = next(
            (d for d in deliveries if d.unit_id == actor.unit.pk and not d.acknowledged_at), None
        )
        rows.append(
            NoticeRow(
                n,
                [(d, notices_acts.delivery_status(d, now)) for d in deliveries],
                own,
                AfterRegistrationForm(prefix=f"late{own.pk}") if own else None,
            )
        )
    full = stays_acts.sees_everything(actor, case)
    ward = stays_acts.is_ward(actor, case)
    rules = case.owner_unit.principal.county.rule_set
    context: dict[str, Any] = {
        # SVU-12: every party plans a weekend or red-day discharge (the date is CON-4's).
        "holiday_warnings": checks.holiday_planning(stay, rules) if case.is_active else [],
        "case": case,
        "person": case.person,
        "full": full,
        "is_ward": ward,
        "expected_discharge_on": stay.expected_discharge_on,
        "self_discharge": stay.self_discharge,
        "notice_rows": rows,
        "own_unit": actor.unit,
    }
    if not full:
        return context
    # The answers are read once, for the current basis and for its history (issue 11).
    history = list(stay.planning_answers.select_related("unit", "answered_by"))
    basis = svu_collaboration_acts.planning_basis(case, history)
    deadlines = _deadlines(case, now)
    recipient = not ward and svu_collaboration_acts.is_recipient(actor, case, notices)
    replies = svu_collaboration_acts.recipient_plans(case)
    # SVU-11: why the interventions may not be in place if the patient left now.
    warnings = checks.before_discharge(stay, replies, now) if case.is_active else []
    context.update(
        {
            "stay": stay,
            "ward_answers": [
                (q, basis.get(case.owner_unit_id, {}).get(q.key)) for q in planning.WARD_QUESTIONS
            ],
            "recipient_answers": _recipient_answers(case, basis),
            "planning_history": history[::-1],  # newest first
            "recipient_plans": replies,
            "discharge_warnings": warnings,
            "deadlines": deadlines,
            "next_deadline": min(
                (d for d in deadlines if d[2] in ("due", "overdue")),
                key=lambda d: d[0].due_at,
                default=None,
            ),
            "liability": svu_liability_export_acts.assess(
                case, facts=svu_liability_export_acts.facts_from(case, notices)
            ),
            "unavailable_periods": stay.unavailable_periods.all(),
            "participants": case.participations.filter(until__isnull=True).select_related("unit"),
            "timeline": list(
                case.events.select_related("actor", "unit").order_by("-occurred_at", "-pk")
            ),
        }
    )
    if case.is_active:
        offered = _active_forms(actor, case, stay, ward, recipient, basis)
        # The folded ones are rendered when opened (``folded_forms``); None marks them offered,
        # so that one sent back with errors takes its place (``render_stay``).
        context.update({n: None if n in FOLDED else make() for n, make in offered.items()})
        context["folded"] = {FOLDED[n] for n in offered if n in FOLDED}
    if ward and case.is_active:
        physicians = stays_acts.ward_physicians(case.owner_unit)
        admission_sent = any(r.notice.kind == Notice.Kind.ADMISSION for r in rows)
        context.update(
            {
                "admission_sent": admission_sent,
                "recipients_form": None
                if admission_sent
                else RecipientsForm(
                    initial={"recipients": notices_acts.default_recipients(case.person)},
                    choices=notices_acts.recipient_choices(actor),
                ),
                "ready_form": ReadyForm(
                    initial={
                        "version": stay.version,
                        # The sender is preselected when they are one of the ward's physicians
                        # (``ward_physicians``: the actor's roles are those held at the ward).
                        "ready_physician_user": actor.user.pk
                        if actor.has_role(Membership.Role.PHYSICIAN)
                        else None,
                    },
                    physicians=physicians,
                ),
                # SVU-11: the self-discharge flag is proposed when a warning stands.
                "discharge_form": DischargeForm(
                    initial={"version": stay.version, "self_discharge": bool(warnings)}
                ),
            }
        )
    return context


def _recipient_answers(
    case: Case, basis: dict[int, dict[str, Any]]
) -> list[tuple[Unit, list[Any]]]:
    """The recipients' own answers, per unit that has answered."""
    units = Unit.objects.in_bulk([pk for pk in basis if pk != case.owner_unit_id])
    return [
        (units[pk], [(q, answers.get(q.key)) for q in planning.RECIPIENT_QUESTIONS])
        for pk, answers in sorted(basis.items(), key=lambda item: str(units.get(item[0], "")))
        if pk in units
    ]


# The folded forms' context names and the names of their acts' URLs.
FOLDED = {
    "planning_form": "planning-basis",
    "care_contact_form": "care-contact",
    "reply_form": "reply",
    "sip_declined_form": "sip-declined",
    "death_form": "death",
    "expected_form": "expected",
    "edit_form": "edit",
    "unavailable_form": "unavailable",
}


def _active_forms(
    actor: Any, case: Case, stay: Stay, ward: bool, recipient: bool, basis: dict[int, Any]
) -> dict[str, Callable[[], Any]]:
    """The forms of the acts this unit may do on an active stay it sees in full, each made
    when called (the folded ones only when opened)."""
    own = basis.get(actor.unit.pk, {})
    primary_care = recipient and actor.unit.kind == Unit.Kind.PRIMARY_CARE
    forms: dict[str, Callable[[], Any]] = {}
    if ward or recipient:
        questions = planning.WARD_QUESTIONS if ward else planning.RECIPIENT_QUESTIONS
        forms["planning_form"] = lambda: PlanningBasisForm(
            questions=questions, current=own, prefix="pb"
        )
    if recipient:
        mine = Delivery.objects.filter(
            notice__case=case,
            notice__kind=Notice.Kind.ADMISSION,
            unit=actor.unit,
            acknowledged_at__isnull=True,
        ).order_by("-notice__sent_at", "-pk")
        forms["ack_with_answers"] = lambda: mine.values_list("pk", flat=True).first()
        forms["ack_form"] = lambda: PlanningBasisForm(
            questions=planning.RECIPIENT_QUESTIONS, current=own, prefix="ack"
        )
    if recipient and stay.ready_at:
        forms["reply_form"] = lambda: ReplyForm(prefix="reply")
    if primary_care:
        forms["care_contact_form"] = lambda: CareContactForm(
            initial={
                "care_contact_name": stay.care_contact_name,
                "care_contact_workplace": stay.care_contact_workplace or actor.unit.name,
                "care_contact_phone": stay.care_contact_phone,
                "version": stay.version,
            },
            prefix="cc",
        )
    if (ward or primary_care) and not stay.sip_declined_at and not stay.only_social_services:
        forms["sip_declined_form"] = lambda: SipDeclinedForm(
            initial={"version": stay.version}, prefix="declined"
        )
    if ward:
        forms["death_form"] = lambda: DeathForm(prefix="death")
        forms["expected_form"] = lambda: ExpectedDischargeForm(
            initial={"expected_discharge_on": stay.expected_discharge_on, "version": stay.version}
        )
        forms["edit_form"] = lambda: EditForm.of(stay)
        forms["unavailable_form"] = lambda: UnavailableForm(prefix="unavailable")
    return forms


def folded_form(actor: Any, case: Case, name: str) -> dict[str, Any] | None:
    """One folded form of the stay page, where the unit is offered it (``folded_forms``)."""
    if not case.is_active or not stays_acts.sees_everything(actor, case):
        return None
    ward = stays_acts.is_ward(actor, case)
    recipient = not ward and svu_collaboration_acts.is_recipient(actor, case)
    basis = svu_collaboration_acts.planning_basis(case) if name == "planning_form" else {}
    make = _active_forms(actor, case, case.stay, ward, recipient, basis).get(name)
    if make is None:
        return None
    return {name: make(), "stay": case.stay, "is_ward": ward}


def _deadlines(case: Case, now: Any) -> list[tuple[Any, Any, str]]:
    """The routine's deadlines for the ward and the recipients: obligation, unit, status."""
    return [
        (o, o.unit, o.status(now))
        for o in case.obligations.filter(cancelled_at__isnull=True).select_related("unit")
    ]


def render_stay(request: UnitRequest, case: Case, status: int = 200, **forms: Any) -> HttpResponse:
    """The stay page; a bound form replaces its empty one only where the unit has that form."""
    context = stay_context(request, case)
    context.update({name: form for name, form in forms.items() if name in context})
    return render(request, "discharge/stay.html", context, status=status)


def act(
    request: UnitRequest,
    pk: int,
    form: forms.Form,
    run: Callable[[forms.Form], Any],
    done: str,
    form_name: str,
) -> HttpResponse:
    return run_act(
        request,
        form,
        run,
        done,
        reverse("discharge:stay", args=[pk]),
        lambda status: render_stay(
            request, stays_acts.get(request.actor, pk), status=status, **{form_name: form}
        ),
    )
