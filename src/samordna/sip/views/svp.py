"""The acts of the coordinated care plan for ÖPT/ÖRV on the SIP case page (SIP-16)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samordna.accounts.actor import UnitRequest
from samordna.accounts.decorators import unit_required
from samordna.sip.forms.svp import ExchangeForm, ObjectionForm, SvpDetailsForm
from samordna.sip.services import case as case_acts
from samordna.sip.services import svp as svp_acts
from samordna.sip.views.case_page import act
from samordna.sip.views.meetings_section import county_units


@unit_required()
@require_POST
def details(request: UnitRequest, pk: int) -> HttpResponse:
    case_acts.get(request.actor, pk)
    form = SvpDetailsForm(request.POST)
    return act(
        request,
        pk,
        form,
        lambda f: svp_acts.record_details(
            request.actor,
            pk,
            f.cleaned_data["care_form"],
            f.cleaned_data["exchange_routine"],
            f.cleaned_data["extension_application_by"],
            f.cleaned_data["version"],
        ),
        _("The care plan's details are saved."),
        "svp_details_form",
    )


@unit_required()
@require_POST
def objection(request: UnitRequest, pk: int) -> HttpResponse:
    case_acts.get(request.actor, pk)
    form = ObjectionForm(request.POST)
    return act(
        request,
        pk,
        form,
        lambda f: svp_acts.record_objection(
            request.actor,
            pk,
            f.cleaned_data["objection"],
            f.cleaned_data["objection_at"],
            f.cleaned_data["version"],
        ),
        _("The objection is recorded. It is respected except for what the planning needs."),
        "objection_form",
    )


@unit_required()
@require_POST
def exchange(request: UnitRequest, pk: int) -> HttpResponse:
    case_acts.get(request.actor, pk)
    form = ExchangeForm(request.POST, county_units=county_units(request.actor))
    return act(
        request,
        pk,
        form,
        lambda f: svp_acts.record_exchange(
            request.actor,
            pk,
            f.cleaned_data["unit"],
            f.cleaned_data["recipient"],
            f.cleaned_data["what"],
            f.cleaned_data["why"],
            f.cleaned_data["shared_at"],
        ),
        _("The exchange is recorded: what was shared, with whom and why."),
        "exchange_form",
    )
