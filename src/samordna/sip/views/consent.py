"""Views recording and withdrawing consent."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from samordna.accounts.actor import UnitRequest
from samordna.accounts.decorators import unit_required
from samordna.cases.models import Case
from samordna.errors import ServiceError
from samordna.sip.forms.consent import AmendConsentForm, ConsentForm
from samordna.sip.services import case as case_acts
from samordna.sip.services import consent as consent_acts
from samordna.sip.views.case_page import act
from samordna.sip.views.folded_forms import folded
from samordna.sip.views.meetings_section import county_units


def _consent_act(
    request: UnitRequest, pk: int, form_class: Any, run: Any, done: str, form_name: str
) -> HttpResponse:
    """Record or amend: the same form fields, checked by the act, the page again on refusal."""
    case_ = case_acts.get(request.actor, pk)
    form = form_class(
        request.POST, county_units=county_units(request.actor), child=case_.person.is_child()
    )
    return act(request, pk, form, lambda f: run(request.actor, pk, f.cleaned_data), done, form_name)


@unit_required()
@require_POST
def consent(request: UnitRequest, pk: int) -> HttpResponse:
    return _consent_act(
        request,
        pk,
        ConsentForm,
        consent_acts.record_consent,
        _("The consent decision is recorded."),
        "consent_form",
    )


@unit_required()
@require_http_methods(["GET", "POST"])
@folded("amend-consent")
def amend_consent(request: UnitRequest, pk: int) -> HttpResponse:
    return _consent_act(
        request,
        pk,
        AmendConsentForm,
        consent_acts.amend_consent,
        _("The consent is amended; the earlier version is kept."),
        "amend_consent_form",
    )


@unit_required()
@require_POST
def withdraw_consent(request: UnitRequest, pk: int) -> HttpResponse:
    try:
        consent_acts.withdraw_consent(request.actor, pk)
    except ServiceError as error:
        if error.status == 404:
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, _("Consent is withdrawn and the plan is closed."))
        if not Case.objects.visible_to(request.actor).filter(pk=pk).exists():
            return redirect("overview:overview")  # only the coordinator's unit still sees it
    return redirect("sip:case", pk=pk)
