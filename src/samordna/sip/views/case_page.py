"""The SIP case page, assembled from its sections, and helpers showing it again after a refusal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from samordna.accounts.actor import UnitRequest
from samordna.cases.models import Case
from samordna.cases.views import run_act
from samordna.errors import ServiceError
from samordna.sip.forms.consent import ConsentForm
from samordna.sip.models import SipCase
from samordna.sip.services import case as case_acts
from samordna.sip.views.home_care_section import home_care_context
from samordna.sip.views.meetings_section import county_units, meetings_context
from samordna.sip.views.plan_section import plan_context
from samordna.sip.views.svp_section import svp_context


def case_context(request: UnitRequest, case: Case) -> dict[str, Any]:
    """Everything the case page shows; the meetings and plan sections add their own part."""
    actor = request.actor
    now = timezone.now()
    obligations = list(case.obligations.select_related("unit").order_by("due_at"))
    # Each list read once, and what the page names from it taken from it: the consent in force
    # (``consent_acts.consent_in_force``'s rule) and the current coordinator (the one row not
    # renounced, a database constraint), not read again (issue 11).
    consents = list(case.consents.prefetch_related("units").select_related("recorded_by"))
    consent = next((c for c in consents if c.in_force), None)
    coordinators = list(case.coordinators.select_related("user", "unit", "assigned_by"))
    context: dict[str, Any] = {
        "case": case,
        "sip": case.sip,
        "person": case.person,
        "is_coordinator_unit": case.owner_unit_id == actor.unit.pk,
        "coordinator": next((c for c in coordinators if c.renounced_at is None), None),
        "coordinators": coordinators,
        "consents": consents,
        "consent": consent,
        "deadlines": [(o, o.status(now)) for o in obligations],
        "participants": case.participations.filter(until__isnull=True).select_related("unit"),
        "timeline": list(
            case.events.select_related("actor", "unit").order_by("-occurred_at", "-pk")
        ),
        # Shown open while no consent is recorded; the folded forms are rendered when opened
        # (``folded_forms``), or here when one comes back with its errors.
        "consent_form": ConsentForm(county_units=county_units(actor), child=case.person.is_child())
        if case.is_active and consent is None
        else None,
        "phases": SipCase.Phase.choices,
        "followed_stay": (
            Case.objects.filter(pk=case.sip.origin_id).select_related("owner_unit").first()
            if case.sip.origin_id
            else None
        ),
    }
    context.update(meetings_context(request, case, consent))
    context.update(plan_context(request, case, [r.meeting for r in context["meeting_rows"]]))
    context.update(svp_context(request, case))
    context.update(home_care_context(request, case))  # ORG-6, SIP-24
    context.update(_summary(context["deadlines"], context["meeting_rows"], now))
    return context


def _summary(deadlines: list[Any], meeting_rows: list[Any], now: Any) -> dict[str, Any]:
    """The summary at the top of the case page (issue 18 item 11), from what the sections
    already loaded: no query of its own."""
    pending = [(o, status) for o, status in deadlines if status in ("due", "overdue")]
    upcoming = [
        row.meeting
        for row in meeting_rows
        if row.meeting.cancelled_at is None and not row.meeting.held and row.meeting.ends_at > now
    ]
    return {
        "next_deadline": pending[0] if pending else None,
        "next_meeting": min(upcoming, key=lambda m: m.starts_at) if upcoming else None,
    }


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
            request, case_acts.get(request.actor, pk), status=status, **{form_name: form}
        ),
    )


# The acts' field names where the forms split or name them differently.
FORM_FIELDS = {"starts_at": "date", "ends_at": "ends"}


def _run(form: forms.Form, act: Callable[[], Any]) -> int:
    """Run the act if the form is valid; the status to answer with (0: done). A 404 stays one.

    An error for a single checkbox is shown above the form: the field partial shows none there.
    """
    if not form.is_valid():
        return 400
    try:
        act()
    except ServiceError as error:
        if error.status == 404:
            raise
        field = FORM_FIELDS.get(error.field or "", error.field)
        field = field if field in form.fields else None
        if field and form[field].widget_type == "checkbox":
            field = None
        form.add_error(field, error.message)
        return error.status
    return 0


def _case_page(
    request: UnitRequest, pk: int, status: int, place: Callable[[dict[str, Any]], None]
) -> HttpResponse:
    context = case_context(request, case_acts.get(request.actor, pk))
    place(context)
    return render(request, "sip/case.html", context, status=status)


def _on_meeting(meeting_pk: int, name: str, form: forms.Form) -> Callable[[dict[str, Any]], None]:
    """Puts a form with its errors back on its meeting's row of the case page."""

    def place(context: dict[str, Any]) -> None:
        for row in context["meeting_rows"]:
            if row.meeting.pk == meeting_pk:
                setattr(row, name, form)

    return place


def _to_meeting(pk: int, meeting_pk: int) -> HttpResponse:
    return redirect(reverse("sip:case", args=[pk]) + f"#meeting-{meeting_pk}")
