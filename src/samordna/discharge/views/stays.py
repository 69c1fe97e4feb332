"""Views of a stay itself: register, show, edit, death, discharge information."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from samordna.accounts.actor import UnitRequest
from samordna.accounts.decorators import unit_required
from samordna.discharge.forms.stays import DeathForm, EditForm, RegisterForm
from samordna.discharge.information import discharge_information
from samordna.discharge.services import stays as stays_acts
from samordna.discharge.views.folded_forms import folded
from samordna.discharge.views.stay_page import act, render_stay
from samordna.errors import ServiceError
from samordna.organisations.models import Unit
from samordna.people.views import start_from_number


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
                case = stays_acts.register_stay(
                    request.actor, person.identity_number, form.cleaned_data
                )
            except ServiceError as error:
                status = error.status
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("The stay is registered."))
                return redirect("discharge:stay", pk=case.pk)
    return render(
        request,
        "discharge/register.html",
        {"form": form, "person": person, "visible": found.visible},
        status=status,
    )


@unit_required()
def stay(request: UnitRequest, pk: int) -> HttpResponse:
    return render_stay(request, stays_acts.get(request.actor, pk))


@unit_required()
@require_http_methods(["GET", "POST"])
@folded("edit")
def edit(request: UnitRequest, pk: int) -> HttpResponse:
    form = EditForm(request.POST, prefix="edit")
    return act(
        request,
        pk,
        form,
        lambda f: stays_acts.update_stay(
            request.actor, pk, f.cleaned_data["version"], f.cleaned_data
        ),
        _("The stay is saved."),
        "edit_form",
    )


@unit_required()
@require_http_methods(["GET", "POST"])
@folded("death")
def death(request: UnitRequest, pk: int) -> HttpResponse:
    form = DeathForm(request.POST, prefix="death")
    return act(
        request,
        pk,
        form,
        lambda f: stays_acts.register_death(request.actor, pk, f.cleaned_data["died_on"]),
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
