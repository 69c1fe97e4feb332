"""The role-bound decisions' views (ORG-6, SIP-24): home health care on the case page,
self-care on the plan version page. Thin: each POST runs one act; a refusal shows the page
again with the form and the reason."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samordna.accounts.actor import UnitRequest
from samordna.accounts.decorators import unit_required
from samordna.sip.forms.home_care import HomeCareContactForm, HomeCareDecisionForm, SelfCareForm
from samordna.sip.services import case as case_acts
from samordna.sip.services import home_care as home_care_acts
from samordna.sip.services import self_care as self_care_acts
from samordna.sip.views.case_page import _case_page, _run
from samordna.sip.views.home_care_section import self_care_forms
from samordna.sip.views.plan import _version_context
from samordna.sip.views.plan_section import READ


@unit_required()
@require_POST
def decide(request: UnitRequest, pk: int) -> HttpResponse:
    """A physician at the primary care centre enrols or discharges (seed 000 line 132)."""
    case = case_acts.get(request.actor, pk)
    form = HomeCareDecisionForm(
        request.POST,
        physicians=home_care_acts.unit_physicians(request.actor.unit),
        municipal=home_care_acts.municipal_units(case),
    )

    def run() -> Any:
        data = form.cleaned_data
        return home_care_acts.decide(
            request.actor,
            pk,
            data["decision"],
            data["decided_at"],
            data["reason"],
            data["physician"],
            home_care_acts.MunicipalContact(
                data["contact_name"], data["contact_unit"], data["contact_phone"]
            ),
        )

    status = _run(form, run)
    if not status:
        messages.success(request, _("The decision on home health care is recorded."))
        return redirect(reverse("sip:case", args=[pk]) + "#home-care-h")
    return _case_page(request, pk, status, lambda c: c.update(home_care_form=form))


@unit_required()
@require_POST
def name_contact(request: UnitRequest, pk: int) -> HttpResponse:
    """The municipality names its care contact with coordination responsibility."""
    case = case_acts.get(request.actor, pk)
    form = HomeCareContactForm(request.POST, municipal=home_care_acts.municipal_units(case))

    def run() -> Any:
        data = form.cleaned_data
        return home_care_acts.name_contact(
            request.actor,
            pk,
            home_care_acts.MunicipalContact(
                data["contact_name"], data["contact_unit"], data["contact_phone"]
            ),
        )

    status = _run(form, run)
    if not status:
        messages.success(request, _("The municipal care contact is named."))
        return redirect(reverse("sip:case", args=[pk]) + "#home-care-h")
    return _case_page(request, pk, status, lambda c: c.update(home_care_contact_form=form))


@unit_required()
@require_POST
def assess_self_care(request: UnitRequest, pk: int, number: int) -> HttpResponse:
    """A licensed professional's self-care assessment on an action of plan version ``number``
    (seed 001 lines 1372-1381: during a stay only the treating physician)."""
    form = SelfCareForm(request.POST, auto_id="self_care_%s")

    def run() -> Any:
        data = form.cleaned_data
        return self_care_acts.assess(
            request.actor,
            pk,
            data["action"],
            data["assessed_at"],
            self_care_acts.SelfCarePlan(
                data["measure"],
                data["performer"],
                data["helper"],
                data["instructions"],
                data["on_harm"],
                data["on_change"],
                data["follow_up"],
                data["reassess_on"],
            ),
            data["supersedes"],
        )

    status = _run(form, run)
    if not status:
        messages.success(request, _("The self-care assessment is recorded."))
        return redirect(reverse("sip:plan-version", args=[pk, number]) + "#self-care-h")
    case = case_acts.get(request.actor, pk, READ)
    context = _version_context(request, case, number)
    action = form.cleaned_data.get("action") if hasattr(form, "cleaned_data") else None
    bound = (action, form) if isinstance(action, int) else None
    context.update(self_care_forms(request, case, context["self_care_rows"], bound))
    shown = any(f is form for _a, _s, f in context["self_care_forms"])
    # What the form on the page cannot show: a refusal of the act, or of a hidden field.
    unseen = [str(e) for e in form.non_field_errors()] if not shown else []
    unseen += [str(e) for name in ("action", "supersedes") for e in form.errors.get(name, [])]
    if unseen or not shown:
        context["error"] = (unseen or [_("Check the self-care assessment and try again.")])[0]
    return render(request, "sip/plan_version.html", context, status=status)
