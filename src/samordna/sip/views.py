"""SIP case screens. Thin: each POST calls one service act; the page is built in one place."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from samordna.accounts.actor import Actor, UnitRequest
from samordna.accounts.decorators import unit_required
from samordna.cases import services as cases
from samordna.cases.models import Case
from samordna.cases.views import run_act
from samordna.errors import ServiceError
from samordna.organisations.models import Unit
from samordna.people.views import start_from_number
from samordna.sip import services
from samordna.sip.forms import CloseForm, ConsentForm, CoordinatorForm, OpenCaseForm
from samordna.sip.models import SipCase


def county_units(actor: Actor) -> Any:
    return Unit.objects.filter(principal__county=actor.unit.principal.county, active=True).order_by(
        "name"
    )


def case_context(request: UnitRequest, case: Case) -> dict[str, Any]:
    """Everything the case page shows; sections from other modules add their own part."""
    from samordna.sip.views_meetings import meetings_context
    from samordna.sip.views_plan import plan_context

    actor = request.actor
    now = timezone.now()
    obligations = list(case.obligations.select_related("unit").order_by("due_at"))
    context: dict[str, Any] = {
        "case": case,
        "sip": case.sip,
        "person": case.person,
        "is_coordinator_unit": case.owner_unit_id == actor.unit.pk,
        "coordinator": services.current_coordinator(case),
        "coordinators": case.coordinators.select_related("user", "unit", "assigned_by"),
        "consents": case.consents.prefetch_related("units").select_related("recorded_by"),
        "consent": services.consent_in_force(case),
        "deadlines": [(o, o.status(now)) for o in obligations],
        "participants": case.participations.filter(until__isnull=True).select_related("unit"),
        "timeline": case.events.select_related("actor", "unit").order_by("-occurred_at", "-pk"),
        "consent_form": ConsentForm(county_units=county_units(actor), child=case.person.is_child()),
        "coordinator_form": CoordinatorForm(case=case),
        "close_form": CloseForm(),
    }
    context.update(meetings_context(request, case))
    context.update(plan_context(request, case))
    return context


def render_case(request: UnitRequest, case: Case, status: int = 200, **forms: Any) -> HttpResponse:
    context = case_context(request, case)
    context.update(forms)
    return render(request, "sip/case.html", context, status=status)


def act(
    request: UnitRequest, pk: int, form: Any, run: Any, done: str, form_name: str
) -> HttpResponse:
    return run_act(
        request,
        form,
        run,
        done,
        reverse("sip:case", args=[pk]),
        lambda status: render_case(
            request, services.get(request.actor, pk), status=status, **{form_name: form}
        ),
    )


@unit_required()
@require_http_methods(["GET", "POST"])
def open_case(request: UnitRequest) -> HttpResponse:
    """Opened from an exact identity-number lookup, which any staff member may make: the unit
    that opens the SIP takes part in it from then on."""
    origin = None
    if request.GET.get("stay", "").isdigit():  # a SIP after discharge, from the stay's page
        origin = cases.get_case(request.actor, int(request.GET["stay"]), "discharge", "stay.read")
        identity_number = origin.person.identity_number
    else:
        identity_number = request.GET.get("identity_number", "")
    found = start_from_number(request, identity_number)
    if isinstance(found, HttpResponse):
        return found
    person = found.person
    if person is None:
        messages.error(request, _("Register the individual before opening a SIP."))
        return redirect(reverse("people:register") + "?identity_number=" + found.identity.value)
    form = OpenCaseForm(request.POST or None)
    if origin is not None and origin.stay.ready_at is not None:
        form.initial = {"type": SipCase.Type.AFTER_DISCHARGE, "need_known_at": origin.stay.ready_at}
    if request.method == "POST" and form.is_valid():
        try:
            case = services.open_case(
                request.actor,
                person.pk,
                form.cleaned_data["type"],
                form.cleaned_data["need_known_at"],
                form.cleaned_data["reason"],
                origin=origin,
            )
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The SIP is opened. You are its coordinator."))
            return redirect("sip:case", pk=case.pk)
    return render(
        request,
        "sip/open.html",
        {"form": form, "person": person, "origin": origin},
        status=400 if form.errors else 200,
    )


@unit_required()
def case(request: UnitRequest, pk: int) -> HttpResponse:
    return render_case(request, services.get(request.actor, pk))


@unit_required()
@require_POST
def consent(request: UnitRequest, pk: int) -> HttpResponse:
    case_ = services.get(request.actor, pk)
    form = ConsentForm(
        request.POST, county_units=county_units(request.actor), child=case_.person.is_child()
    )
    return act(
        request,
        pk,
        form,
        lambda f: services.record_consent(request.actor, pk, f.cleaned_data),
        _("The consent decision is recorded."),
        "consent_form",
    )


@unit_required()
@require_POST
def withdraw_consent(request: UnitRequest, pk: int) -> HttpResponse:
    try:
        services.withdraw_consent(request.actor, pk)
    except ServiceError as error:
        if error.status == 404:
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, _("Consent is withdrawn and the plan is closed."))
    return redirect("sip:case", pk=pk)


@unit_required()
@require_POST
def change_coordinator(request: UnitRequest, pk: int) -> HttpResponse:
    case_ = services.get(request.actor, pk)
    form = CoordinatorForm(request.POST, case=case_)

    def run(f: CoordinatorForm) -> None:
        user, unit = f.chosen()
        services.change_coordinator(request.actor, pk, user, unit, f.cleaned_data["reason"])

    return act(request, pk, form, run, _("The coordinator is changed."), "coordinator_form")


@unit_required()
@require_POST
def close(request: UnitRequest, pk: int) -> HttpResponse:
    form = CloseForm(request.POST)
    return act(
        request,
        pk,
        form,
        lambda f: services.close_case(
            request.actor, pk, f.cleaned_data["reason"], f.cleaned_data["comment"]
        ),
        _("The SIP is closed."),
        "close_form",
    )
