"""What the case page and every plan page show of the role-bound decisions (ORG-6, SIP-24):
the home health care decisions and the self-care assessments. No import of the case page, so
that the plan pages (``plan_section``) can use it."""

from __future__ import annotations

from typing import Any

from django import forms

from samordna.accounts.actor import UnitRequest
from samordna.cases.models import Case
from samordna.sip.forms.home_care import HomeCareContactForm, HomeCareDecisionForm, SelfCareForm
from samordna.sip.models import Action, PlanVersion
from samordna.sip.services import home_care as home_care_acts
from samordna.sip.services import self_care as self_care_acts


def home_care_context(request: UnitRequest, case: Case) -> dict[str, Any]:
    """The home health care section of the case page."""
    actor = request.actor
    decisions = list(
        case.home_care_decisions.select_related(
            "decided_by", "unit", "physician", "municipal_contact_unit"
        ).order_by("-decided_at", "-pk")
    )
    latest = decisions[0] if decisions else None
    in_force = latest if latest and latest.decision == home_care_acts.Decision.ENROLLED else None
    active = case.is_active
    return {
        "home_care_section": "sip/_home_care.html",
        "home_care_decisions": decisions,
        "home_care": in_force,
        "home_care_missing": home_care_acts.missing_contacts(in_force),
        "home_care_form": HomeCareDecisionForm(
            physicians=home_care_acts.unit_physicians(actor.unit),
            municipal=home_care_acts.municipal_units(case),
        )
        if active and home_care_acts.may_decide(actor)
        else None,
        "home_care_contact_form": HomeCareContactForm(
            municipal=home_care_acts.municipal_units(case)
        )
        if active and in_force is not None and home_care_acts.may_name_contact(actor)
        else None,
    }


def plan_decisions(case: Case, plan: PlanVersion, actions: list[Action]) -> dict[str, Any]:
    """The decisions as the plan shows them (``sip/_plan_body.html``): the home health care
    decision in force and what it lacks, and each self-care action's assessment in force."""
    latest = home_care_acts.latest(case)
    current = self_care_acts.current(case)
    return {
        "home_care_latest": latest,
        "home_care_missing": home_care_acts.missing_contacts(latest),
        "self_care_rows": [
            (a, current.get(a.uid)) for a in actions if a.care_type == Action.CareType.SELF_CARE
        ],
    }


def self_care_forms(
    request: UnitRequest,
    case: Case,
    rows: list[tuple[Action, Any]],
    bound: tuple[int, forms.Form] | None = None,
) -> dict[str, Any]:
    """A form per self-care action for a licensed professional (a new one supersedes)."""
    if not case.is_active or not self_care_acts.may_assess(request.actor):
        return {"self_care_forms": []}
    found = []
    for action, assessment in rows:
        if bound is not None and bound[0] == action.pk:
            form = bound[1]
        else:
            form = SelfCareForm(
                auto_id=f"self_care_{action.pk}_%s",
                initial={
                    "action": action.pk,
                    "supersedes": assessment.pk if assessment else None,
                    "measure": assessment.measure if assessment else action.text,
                },
            )
        found.append((action, assessment, form))
    return {
        "self_care_forms": found,
        "self_care_during_stay": self_care_acts.during_stay(request.actor),
    }
