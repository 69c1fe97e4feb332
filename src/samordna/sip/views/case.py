"""Views of the SIP case itself: open, show, coordinator, close."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from samordna.accounts.actor import UnitRequest
from samordna.accounts.decorators import unit_required
from samordna.cases import services as cases
from samordna.cases.models import Case
from samordna.errors import ServiceError
from samordna.people.views import start_from_number
from samordna.sip.forms.case import CloseForm, CoordinatorForm, CoordinatorWishForm, OpenCaseForm
from samordna.sip.models import SipCase
from samordna.sip.services import case as case_acts
from samordna.sip.services import stay_link
from samordna.sip.views.case_page import act, render_case
from samordna.sip.views.folded_forms import folded


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
    existing = None
    if origin is not None:
        # SIP-17: an individual with an active SIP the unit sees links it to the stay instead.
        existing = (
            Case.objects.visible_to(request.actor)
            .filter(person=person, kind=Case.Kind.SIP, closed_at__isnull=True)
            .select_related("sip")
            .first()
        )
    if origin is not None and origin.stay.ready_at is not None:
        form.initial = {"type": SipCase.Type.AFTER_DISCHARGE, "need_known_at": origin.stay.ready_at}
    if request.method == "POST" and form.is_valid():
        try:
            case = case_acts.open_case(
                request.actor,
                person.identity_number,
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
        {
            "form": form,
            "person": person,
            "visible": found.visible,
            "origin": origin,
            "existing": existing,
        },
        status=400 if form.errors else 200,
    )


@unit_required()
def case(request: UnitRequest, pk: int) -> HttpResponse:
    return render_case(request, case_acts.get(request.actor, pk))


@unit_required()
@require_http_methods(["GET", "POST"])
@folded("coordinator")
def change_coordinator(request: UnitRequest, pk: int) -> HttpResponse:
    case_ = case_acts.get(request.actor, pk)
    form = CoordinatorForm(request.POST, case=case_)

    def run(f: CoordinatorForm) -> None:
        user, unit = f.chosen()
        case_acts.change_coordinator(request.actor, pk, user, unit, f.cleaned_data["reason"])

    return act(request, pk, form, run, _("The coordinator is changed."), "coordinator_form")


@unit_required()
@require_http_methods(["GET", "POST"])
@folded("close")
def close(request: UnitRequest, pk: int) -> HttpResponse:
    form = CloseForm(request.POST)
    return act(
        request,
        pk,
        form,
        lambda f: case_acts.close_case(
            request.actor, pk, f.cleaned_data["reason"], f.cleaned_data["comment"]
        ),
        _("The SIP is closed."),
        "close_form",
    )


@unit_required()
@require_POST
def link_stay(request: UnitRequest, pk: int) -> HttpResponse:
    """SIP-17: the individual's existing SIP follows the stay (seed 002 line 156)."""
    case_ = case_acts.get(request.actor, pk)
    stay = request.POST.get("stay", "")
    if not stay.isdigit() or len(stay) > 18:
        messages.error(request, _("Choose a stay."))
        return render_case(request, case_, status=400)
    try:
        stay_link.link_stay(request.actor, pk, int(stay))
    except ServiceError as error:
        messages.error(request, error.message)
        return render_case(request, case_acts.get(request.actor, pk), status=error.status)
    messages.success(request, _("The SIP now follows the stay."))
    return redirect("sip:case", pk=pk)


@unit_required()
@require_http_methods(["GET", "POST"])
@folded("coordinator-wish")
def coordinator_wish(request: UnitRequest, pk: int) -> HttpResponse:
    """SIP-21: any unit that sees the case records the individual's wish (seed 004 l. 208-210)."""
    case_acts.get(request.actor, pk)
    form = CoordinatorWishForm(request.POST)
    return act(
        request,
        pk,
        form,
        lambda f: case_acts.record_coordinator_wish(request.actor, pk, f.cleaned_data["wish"]),
        _("The individual's wish is recorded."),
        "wish_form",
    )
