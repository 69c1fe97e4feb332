"""The view adding to the needs assessment."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from samordna.accounts.actor import UnitRequest
from samordna.accounts.decorators import unit_required
from samordna.sip.forms.assessment import AssessmentForm
from samordna.sip.services import assessment as assessment_acts
from samordna.sip.views.case_page import _case_page, _run
from samordna.sip.views.folded_forms import folded


@unit_required()
@require_http_methods(["GET", "POST"])
@folded("assessment")
def assessment(request: UnitRequest, pk: int) -> HttpResponse:
    form = AssessmentForm(request.POST)
    status = _run(
        form,
        lambda: assessment_acts.add_assessment(
            request.actor, pk, form.cleaned_data["area"], form.cleaned_data["text"]
        ),
    )
    if not status:
        messages.success(request, _("Your contribution to the assessment is saved."))
        return redirect(reverse("sip:case", args=[pk]) + "#assessment-h")
    return _case_page(request, pk, status, lambda c: c.update(assessment_form=form))
