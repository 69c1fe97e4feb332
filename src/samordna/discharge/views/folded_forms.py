"""The stay page's folded forms, each also on a page of its own (``cases.lazy_forms``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from samordna.accounts.actor import UnitRequest
from samordna.cases.lazy_forms import LazyForm, form_page
from samordna.cases.models import Case, Notice
from samordna.discharge.services import stays as stays_acts
from samordna.discharge.views.stay_page import FOLDED, folded_form

SUMMARIES = {
    "planning-basis": gettext_lazy("Fill in or update the planning basis"),
    "care-contact": gettext_lazy("Name the designated care contact"),
    "reply": gettext_lazy("Reply to the ward"),
    "sip-declined": gettext_lazy("The patient declined a SIP"),
    "death": gettext_lazy("The patient died during the stay"),
    "expected": gettext_lazy("Change the expected discharge date"),
    "edit": gettext_lazy("Correct the stay's details"),
    "unavailable": gettext_lazy("Record a period"),
}
BODIES = {
    "planning-basis": "planning_basis",
    "care-contact": "care_contact",
    "sip-declined": "sip_declined",
}


def _build(context_name: str) -> Any:
    def build(request: UnitRequest, case: Case) -> dict[str, Any] | None:
        context = folded_form(request.actor, case, context_name)
        if context is None:
            return None
        if context_name == "planning_form" and not context["is_ward"]:
            context["summary"] = gettext_lazy("Answer your unit's questions")
        if context_name == "care_contact_form" and case.stay.care_contact_name:
            context["summary"] = gettext_lazy("Change the designated care contact")
        if context_name == "expected_form":
            context["admission_sent"] = case.notices.filter(kind=Notice.Kind.ADMISSION).exists()
        return context

    return build


FORMS = {
    url: LazyForm(
        SUMMARIES[url], f"discharge/forms/{BODIES.get(url, url)}.html", _build(context_name)
    )
    for context_name, url in FOLDED.items()
}


def _get(request: UnitRequest, pk: int) -> Case:
    return stays_acts.get(request.actor, pk)


def folded(name: str) -> Any:
    """The decorator of the POST view ``name``: its URL also shows its form (GET)."""
    return form_page(FORMS, name, _get, "discharge:stay")
