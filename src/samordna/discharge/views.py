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
from samordna.core import deadlines
from samordna.discharge import services
from samordna.discharge.forms import (
    DischargeForm,
    EditForm,
    ExpectedDischargeForm,
    ReadyForm,
    RecipientsForm,
    RegisterForm,
    UnavailableForm,
)
from samordna.discharge.models import Stay
from samordna.errors import ServiceError
from samordna.organisations.models import Unit
from samordna.people import services as people


@dataclass
class NoticeRow:
    notice: Notice
    deliveries: list[tuple[Delivery, str]]


def stay_context(request: UnitRequest, case: Case) -> dict[str, Any]:
    """Everything the stay page shows. Recipients without the patient's consent get only what
    CON-4 allows: the stay's details, deadlines, liability and timeline are not in the context."""
    actor = request.actor
    now = timezone.now()
    stay: Stay = case.stay
    notices = case.notices.select_related("sender", "sender_unit", "stay_notice").prefetch_related(
        "deliveries__unit", "deliveries__acknowledged_by"
    )
    rows = [
        NoticeRow(
            n,
            [
                (d, services.delivery_status(d, now))
                for d in sorted(n.deliveries.all(), key=lambda d: d.unit.name)
            ],
        )
        for n in notices
    ]
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
    context.update(
        {
            "stay": stay,
            "deadlines": _deadlines(case, stay, now),
            "liability": services.assess(case),
            "unavailable_periods": stay.unavailable_periods.all(),
            "participants": case.participations.filter(until__isnull=True).select_related("unit"),
            "timeline": case.events.select_related("actor", "unit").order_by("-occurred_at", "-pk"),
        }
    )
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


def _deadlines(case: Case, stay: Stay, now: Any) -> list[tuple[str, Any, Any, str]]:
    """The routine's deadlines for the ward and primary care: what, due, done, status."""
    rules = case.owner_unit.principal.county.rule_set
    found: list[tuple[str, Any, Any]] = []
    if stay.needs_assessed_at is not None:
        sent = case.notices.filter(kind=Notice.Kind.ADMISSION).order_by("sent_at").first()
        due = deadlines.admission_notice_due(stay.needs_assessed_at, rules)
        found.append((_("Send the admission notice"), due, sent.sent_at if sent else None))
    ready = case.notices.filter(kind=Notice.Kind.READY).order_by("sent_at").first()
    if ready is not None and not stay.only_social_services:
        due = deadlines.discharge_invitation_due(ready.sent_at, rules)
        found.append((_("Send the SIP invitation"), due, stay.sip_invited_at))
    return [(what, due, done, _status(due, done, now)) for what, due, done in found]


def _status(due: Any, done: Any, now: Any) -> str:
    if done is not None:
        return "met_late" if done >= due else "met"
    return "overdue" if now >= due else "due"


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
    found = people.lookup(request.actor, request.GET.get("identity_number", ""))
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
            request.actor, pk, list(f.cleaned_data["recipients"])
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
            request.actor, pk, f.cleaned_data["version"], f.cleaned_data
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
def acknowledge(request: UnitRequest, pk: int, delivery_pk: int) -> HttpResponse:
    """From the stay page or the notices list (``back``); a refusal is shown as a message."""
    try:
        services.acknowledge(request.actor, pk, delivery_pk)
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
