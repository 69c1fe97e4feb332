"""The SIP case page's folded forms, each also on a page of its own (``cases.lazy_forms``):
what each needs, and who is offered it (the same conditions as the case page's template)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from samordna.accounts.actor import UnitRequest
from samordna.cases.lazy_forms import LazyForm, form_page
from samordna.cases.models import Case
from samordna.sip import checklist
from samordna.sip.forms.assessment import AssessmentForm
from samordna.sip.forms.case import CloseForm, CoordinatorForm, CoordinatorWishForm
from samordna.sip.forms.consent import AmendConsentForm
from samordna.sip.forms.invitations import ExternalFormSet, InvitationForm
from samordna.sip.models import SipCase
from samordna.sip.services import assessment as assessment_acts
from samordna.sip.services import case as case_acts
from samordna.sip.services import consent as consent_acts
from samordna.sip.views.meetings_section import county_units


def _coordinating(request: UnitRequest, case: Case) -> bool:
    return case.is_active and case.owner_unit_id == request.actor.unit.pk


def _amend_consent(request: UnitRequest, case: Case) -> dict[str, Any] | None:
    consent = consent_acts.consent_in_force(case) if _coordinating(request, case) else None
    if consent is None:
        return None
    return {
        "amend_consent_form": AmendConsentForm(
            county_units=county_units(request.actor), child=case.person.is_child(), consent=consent
        )
    }


def _wish(request: UnitRequest, case: Case) -> dict[str, Any] | None:
    if not case.is_active:
        return None
    return {"wish_form": CoordinatorWishForm(initial={"wish": case.sip.coordinator_wish})}


def _coordinator(request: UnitRequest, case: Case) -> dict[str, Any] | None:
    return {"coordinator_form": CoordinatorForm(case=case)} if case.is_active else None


def _close(request: UnitRequest, case: Case) -> dict[str, Any] | None:
    return {"close_form": CloseForm()} if _coordinating(request, case) else None


def _assessment(request: UnitRequest, case: Case) -> dict[str, Any] | None:
    if not case.is_active or not assessment_acts.assessment_open(case):
        return None
    return {"assessment_form": AssessmentForm()}


def invitation_extras(case: Case) -> dict[str, Any]:
    """What the invitation form shows besides its fields (SIP-23: the chair's checklist)."""
    return {
        "good_meeting": checklist.GOOD_MEETING,
        "good_meeting_introduction": checklist.INTRODUCTION,
        "weekday_rule": case.sip.type in (SipCase.Type.OUTPATIENT, SipCase.Type.ACTOR_MEETING),
    }


def _invite(request: UnitRequest, case: Case) -> dict[str, Any] | None:
    if not _coordinating(request, case):
        return None
    return {
        "invitation_form": InvitationForm(case=case, units=county_units(request.actor)),
        "external_formset": ExternalFormSet(prefix="external"),
        "consent": consent_acts.consent_in_force(case),
        **invitation_extras(case),
    }


FORMS = {
    "amend-consent": LazyForm(
        gettext_lazy("Amend the consent (correct who, how or when; add or remove units)"),
        "sip/forms/amend_consent.html",
        _amend_consent,
    ),
    "coordinator-wish": LazyForm(
        gettext_lazy("Record the individual's wish"), "sip/forms/coordinator_wish.html", _wish
    ),
    "coordinator": LazyForm(
        gettext_lazy("Change coordinator"), "sip/forms/coordinator.html", _coordinator
    ),
    "close": LazyForm(gettext_lazy("Close the SIP"), "sip/forms/close.html", _close),
    "assessment": LazyForm(
        gettext_lazy("Add to the assessment"), "sip/forms/assessment.html", _assessment
    ),
    "invite": LazyForm(
        gettext_lazy("New invitation to a SIP meeting"), "sip/forms/invite.html", _invite
    ),
}


def _get(request: UnitRequest, pk: int) -> Case:
    return case_acts.get(request.actor, pk)


def folded(name: str) -> Any:
    """The decorator of the POST view ``name``: its URL also shows its form (GET)."""
    return form_page(FORMS, name, _get, "sip:case")
