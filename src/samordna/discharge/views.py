"""Stay screens. Thin: each POST calls one service act; the stay page is built in one place."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from samordna.accounts.actor import UnitRequest
from samordna.accounts.decorators import unit_required
from samordna.cases.models import Case, Delivery, Notice
from samordna.cases.views import run_act
from samordna.discharge import planning, services
from samordna.discharge.forms import (
    AfterRegistrationForm,
    CareContactForm,
    DeathForm,
    DischargeForm,
    EditForm,
    ExpectedDischargeForm,
    PlanningBasisForm,
    ReadyForm,
    RecipientsForm,
    RegisterForm,
    ReplyForm,
    SipDeclinedForm,
    UnavailableForm,
)
from samordna.discharge.information import discharge_information
from samordna.discharge.models import Stay
from samordna.errors import ServiceError
from samordna.organisations.models import Unit
from samordna.people.views import start_from_number


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
    notices = case.notices.select_related("sender", "sender_unit", "stay_notice").prefetch_related(
        "deliveries__unit", "deliveries__acknowledged_by"
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
                [(d, services.delivery_status(d, now)) for d in deliveries],
                own,
                AfterRegistrationForm(prefix=f"late{own.pk}") if own else None,
            )
        )
    full = services.sees_everything(actor, case)
    ward = services.is_ward(actor, case)
    context: dict[str, Any] = {
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
    basis = services.planning_basis(case)
    recipient = not ward and services.is_recipient(actor, case)
    context.update(
        {
            "stay": stay,
            "ward_answers": [
                (q, basis.get(case.owner_unit_id, {}).get(q.key)) for q in planning.WARD_QUESTIONS
            ],
            "recipient_answers": _recipient_answers(case, basis),
            "planning_history": stay.planning_answers.select_related(
                "unit", "answered_by"
            ).order_by("-answered_at", "-pk"),
            "recipient_plans": services.recipient_plans(case),
            "deadlines": _deadlines(case, now),
            "liability": services.assess(case),
            "unavailable_periods": stay.unavailable_periods.all(),
            "participants": case.participations.filter(until__isnull=True).select_related("unit"),
            "timeline": case.events.select_related("actor", "unit").order_by("-occurred_at", "-pk"),
        }
    )
    if case.is_active:
        context.update(_active_forms(actor, case, stay, ward, recipient, basis))
    if ward and case.is_active:
        admission_sent = any(r.notice.kind == Notice.Kind.ADMISSION for r in rows)
        context.update(
            {
                "admission_sent": admission_sent,
                "recipients_form": None
                if admission_sent
                else RecipientsForm(
                    initial={"recipients": services.default_recipients(case.person)},
                    choices=services.recipient_choices(actor),
                ),
                "expected_form": ExpectedDischargeForm(
                    initial={
                        "expected_discharge_on": stay.expected_discharge_on,
                        "version": stay.version,
                    }
                ),
                "ready_form": ReadyForm(initial={"version": stay.version}),
                "discharge_form": DischargeForm(initial={"version": stay.version}),
                "edit_form": EditForm.of(stay),
                "unavailable_form": UnavailableForm(prefix="unavailable"),
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


def _active_forms(
    actor: Any, case: Case, stay: Stay, ward: bool, recipient: bool, basis: dict[int, Any]
) -> dict[str, Any]:
    """The forms of the acts this unit may do on an active stay it sees in full."""
    own = basis.get(actor.unit.pk, {})
    primary_care = recipient and actor.unit.kind == Unit.Kind.PRIMARY_CARE
    forms: dict[str, Any] = {}
    if ward or recipient:
        questions = planning.WARD_QUESTIONS if ward else planning.RECIPIENT_QUESTIONS
        forms["planning_form"] = PlanningBasisForm(questions=questions, current=own, prefix="pb")
    if recipient:
        mine = Delivery.objects.filter(
            notice__case=case,
            notice__kind=Notice.Kind.ADMISSION,
            unit=actor.unit,
            acknowledged_at__isnull=True,
        ).order_by("-notice__sent_at", "-pk")
        forms["ack_with_answers"] = mine.values_list("pk", flat=True).first()
        forms["ack_form"] = PlanningBasisForm(
            questions=planning.RECIPIENT_QUESTIONS, current=own, prefix="ack"
        )
    if recipient and stay.ready_at:
        forms["reply_form"] = ReplyForm(prefix="reply")
    if primary_care:
        forms["care_contact_form"] = CareContactForm(
            initial={
                "care_contact_name": stay.care_contact_name,
                "care_contact_workplace": stay.care_contact_workplace or actor.unit.name,
                "care_contact_phone": stay.care_contact_phone,
                "version": stay.version,
            },
            prefix="cc",
        )
    if (ward or primary_care) and not stay.sip_declined_at and not stay.only_social_services:
        forms["sip_declined_form"] = SipDeclinedForm(
            initial={"version": stay.version}, prefix="declined"
        )
    if ward:
        forms["death_form"] = DeathForm(prefix="death")
    return forms


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
            request, services.get(request.actor, pk), status=status, **{form_name: form}
        ),
    )


@unit_required()
@require_http_methods(["GET", "POST"])
def register(request: UnitRequest) -> HttpResponse:
    """SVU-1: opened from an exact identity-number lookup, like a SIP; only inpatient wards."""
    if request.actor.unit.kind != Unit.Kind.INPATIENT_WARD:
        raise PermissionDenied
    found = start_from_number(request, request.GET.get("identity_number", ""))
    if isinstance(found, HttpResponse):
        return found
    person = found.person
    if person is None:
        messages.error(request, _("Register the individual before registering a stay."))
        return redirect(reverse("people:register") + "?identity_number=" + found.identity.value)
    form = RegisterForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                case = services.register_stay(request.actor, person.pk, form.cleaned_data)
            except ServiceError as error:
                status = error.status
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("The stay is registered."))
                return redirect("discharge:stay", pk=case.pk)
    return render(
        request, "discharge/register.html", {"form": form, "person": person}, status=status
    )


@unit_required()
def stay(request: UnitRequest, pk: int) -> HttpResponse:
    return render_stay(request, services.get(request.actor, pk))


@unit_required()
@require_POST
def edit(request: UnitRequest, pk: int) -> HttpResponse:
    form = EditForm(request.POST, prefix="edit")
    return act(
        request,
        pk,
        form,
        lambda f: services.update_stay(
            request.actor, pk, f.cleaned_data["version"], f.cleaned_data
        ),
        _("The stay is saved."),
        "edit_form",
    )


@unit_required()
@require_POST
def admission(request: UnitRequest, pk: int) -> HttpResponse:
    form = RecipientsForm(request.POST, choices=services.recipient_choices(request.actor))
    return act(
        request,
        pk,
        form,
        lambda f: services.send_admission_notice(
            request.actor, pk, list(f.cleaned_data["recipients"]), f.cleaned_data["occurred_at"]
        ),
        _("The admission notice is sent."),
        "recipients_form",
    )


@unit_required()
@require_POST
def expected(request: UnitRequest, pk: int) -> HttpResponse:
    form = ExpectedDischargeForm(request.POST)
    return act(
        request,
        pk,
        form,
        lambda f: services.change_expected_discharge(
            request.actor, pk, f.cleaned_data["version"], f.cleaned_data["expected_discharge_on"]
        ),
        _("The expected discharge date is changed."),
        "expected_form",
    )


@unit_required()
@require_POST
def ready(request: UnitRequest, pk: int) -> HttpResponse:
    form = ReadyForm(request.POST)
    return act(
        request,
        pk,
        form,
        lambda f: services.send_ready_notice(
            request.actor,
            pk,
            f.cleaned_data["version"],
            f.cleaned_data,
            f.cleaned_data["occurred_at"],
        ),
        _("The ready-for-discharge notice is sent."),
        "ready_form",
    )


@unit_required()
@require_POST
def discharge(request: UnitRequest, pk: int) -> HttpResponse:
    form = DischargeForm(request.POST)
    return act(
        request,
        pk,
        form,
        lambda f: services.send_discharge_notice(
            request.actor,
            pk,
            f.cleaned_data["version"],
            f.cleaned_data["discharged_at"],
            f.cleaned_data["self_discharge"],
            f.cleaned_data["occurred_at"],
        ),
        _("The discharge notice is sent and the stay is closed."),
        "discharge_form",
    )


@unit_required()
@require_POST
def unavailable(request: UnitRequest, pk: int) -> HttpResponse:
    form = UnavailableForm(request.POST, prefix="unavailable")
    return act(
        request,
        pk,
        form,
        lambda f: services.add_unavailable_period(
            request.actor,
            pk,
            f.cleaned_data["starts_on"],
            f.cleaned_data["ends_on"],
            f.cleaned_data["reason"],
        ),
        _("The period is recorded."),
        "unavailable_form",
    )


@unit_required()
@require_POST
def planning_basis(request: UnitRequest, pk: int) -> HttpResponse:
    actor = request.actor
    case = services.get(actor, pk)
    questions = (
        planning.WARD_QUESTIONS if services.is_ward(actor, case) else planning.RECIPIENT_QUESTIONS
    )
    form = PlanningBasisForm(request.POST, questions=questions, prefix="pb")
    return act(
        request,
        pk,
        form,
        lambda f: services.answer_planning_basis(actor, pk, form.answers()),
        _("The planning basis is saved."),
        "planning_form",
    )


@unit_required()
@require_POST
def care_contact(request: UnitRequest, pk: int) -> HttpResponse:
    form = CareContactForm(request.POST, prefix="cc")
    return act(
        request,
        pk,
        form,
        lambda f: services.designate_care_contact(
            request.actor, pk, f.cleaned_data["version"], f.cleaned_data
        ),
        _("The designated care contact is saved."),
        "care_contact_form",
    )


@unit_required()
@require_POST
def reply(request: UnitRequest, pk: int) -> HttpResponse:
    form = ReplyForm(request.POST, prefix="reply")
    return act(
        request,
        pk,
        form,
        lambda f: services.reply_to_ready(
            request.actor, pk, f.cleaned_data["can_receive_at"], f.cleaned_data["interventions"]
        ),
        _("Your reply is sent to the ward."),
        "reply_form",
    )


@unit_required()
@require_POST
def sip_declined(request: UnitRequest, pk: int) -> HttpResponse:
    form = SipDeclinedForm(request.POST, prefix="declined")
    return act(
        request,
        pk,
        form,
        lambda f: services.record_sip_declined(
            request.actor, pk, f.cleaned_data["version"], f.cleaned_data["sip_declined_at"]
        ),
        _("It is recorded that the patient declined a SIP."),
        "sip_declined_form",
    )


@unit_required()
@require_POST
def death(request: UnitRequest, pk: int) -> HttpResponse:
    form = DeathForm(request.POST, prefix="death")
    return act(
        request,
        pk,
        form,
        lambda f: services.register_death(request.actor, pk, f.cleaned_data["died_on"]),
        _("The death is registered; the stay and any ongoing SIP are closed."),
        "death_form",
    )


@unit_required()
def information(request: UnitRequest, pk: int) -> HttpResponse:
    """SVU-6: the discharge information, laid out to be printed and given to the patient."""
    return render(
        request,
        "discharge/information.html",
        {"info": discharge_information(request.actor, pk)},
    )


@unit_required()
@require_POST
def acknowledge(request: UnitRequest, pk: int, delivery_pk: int) -> HttpResponse:
    """From the stay page or the notices list (``back``); a refusal is shown as a message. An
    admission notice may come with the recipient's answers to the planning basis."""
    answers, occurred_at = None, None
    if "after_registration" in request.POST:
        late = AfterRegistrationForm(request.POST, prefix=f"late{delivery_pk}")
        if not late.is_valid():
            messages.error(request, _("Give when the notice was acknowledged on paper."))
            return redirect(reverse("discharge:stay", args=[pk]) + "#notices-h")
        occurred_at = late.cleaned_data["occurred_at"]
    if "with_answers" in request.POST:
        form = PlanningBasisForm(request.POST, questions=planning.RECIPIENT_QUESTIONS, prefix="ack")
        if not form.is_valid():
            messages.error(request, _("Check the answers: %(errors)s") % {"errors": form.errors})
            return redirect(reverse("discharge:stay", args=[pk]) + "#notices-h")
        answers = form.answers()
    try:
        services.acknowledge(request.actor, pk, delivery_pk, answers, occurred_at)
    except ServiceError as error:
        if error.status == 404:
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, _("The notice is acknowledged."))
    if request.POST.get("back") == "notices":
        return redirect("discharge:notices")
    return redirect(reverse("discharge:stay", args=[pk]) + "#notices-h")


@unit_required()
def notices(request: UnitRequest) -> HttpResponse:
    """SVU-8: the unit's notices about stays, unacknowledged first, overdue marked."""
    page = Paginator(services.notices_to(request.actor), services.NOTICES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    rows = [(d, services.delivery_status(d, now)) for d in page]
    stays = services.ward_stays(request.actor)
    services.log_shown(
        request.actor, [d.notice.case.person for d, _s in rows] + [c.person for c in stays]
    )
    return render(request, "discharge/notices.html", {"page": page, "rows": rows, "stays": stays})


@unit_required()
def liability_csv(request: UnitRequest) -> HttpResponse:
    """SVU-10: the liable days of a month per municipality, for the invoice (CSV, ; separated
    with a BOM so that Excel with Swedish settings opens it)."""
    try:
        municipality, rows = services.liability_export(
            request.actor, request.GET.get("municipality", ""), request.GET.get("month", "")
        )
    except ServiceError as error:
        return HttpResponse(
            error.message, status=error.status, content_type="text/plain; charset=utf-8"
        )
    month = request.GET["month"]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"betalningsansvar-{municipality.code}-{month}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            "ärende",
            "personnummer",
            "avdelning",
            "betalningsansvar från",
            "utskriven",
            "vårddygn i månaden",
            "dagar",
            "belopp kr",
            "motivering",
        ]
    )
    for row in rows:
        stay = row.case.stay
        writer.writerow(
            [
                row.case.pk,
                row.case.person.identity.formatted,
                row.case.owner_unit.name,
                row.result.start,
                timezone.localdate(stay.discharged_at) if stay.discharged_at else "",
                len(row.days),
                " ".join(str(d) for d in row.days),
                row.amount if row.amount is not None else f"belopp saknas för år {month[:4]}",
                " ".join(row.result.reasons),
            ]
        )
    return response
