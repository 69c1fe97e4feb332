"""Views of collaboration during a stay."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from samordna.accounts.actor import UnitRequest
from samordna.accounts.decorators import unit_required
from samordna.discharge import planning
from samordna.discharge.forms.collaboration import (
    CareContactForm,
    PlanningBasisForm,
    ReplyForm,
    SipDeclinedForm,
    UnavailableForm,
)
from samordna.discharge.services import collaboration as svu_collaboration_acts
from samordna.discharge.services import stays as stays_acts
from samordna.discharge.views.folded_forms import folded
from samordna.discharge.views.stay_page import act


@unit_required()
@require_http_methods(["GET", "POST"])
@folded("unavailable")
def unavailable(request: UnitRequest, pk: int) -> HttpResponse:
    form = UnavailableForm(request.POST, prefix="unavailable")
    return act(
        request,
        pk,
        form,
        lambda f: svu_collaboration_acts.add_unavailable_period(
            request.actor,
            pk,
            f.cleaned_data["starts_on"],
            f.cleaned_data["ends_on"],
            f.cleaned_data["reason"],
        ),
        _("The period is recorded."),
        "unavailable_form",
    )


@unit_required()
@require_http_methods(["GET", "POST"])
@folded("planning-basis")
def planning_basis(request: UnitRequest, pk: int) -> HttpResponse:
    actor = request.actor
    case = stays_acts.get(actor, pk)
    questions = (
        planning.WARD_QUESTIONS if stays_acts.is_ward(actor, case) else planning.RECIPIENT_QUESTIONS
    )
    form = PlanningBasisForm(request.POST, questions=questions, prefix="pb")
    return act(
        request,
        pk,
        form,
        lambda f: svu_collaboration_acts.answer_planning_basis(actor, pk, form.answers()),
        _("The planning basis is saved."),
        "planning_form",
    )


@unit_required()
@require_http_methods(["GET", "POST"])
@folded("care-contact")
def care_contact(request: UnitRequest, pk: int) -> HttpResponse:
    form = CareContactForm(request.POST, prefix="cc")
    return act(
        request,
        pk,
        form,
        lambda f: svu_collaboration_acts.designate_care_contact(
            request.actor, pk, f.cleaned_data["version"], f.cleaned_data
        ),
        _("The designated care contact is saved."),
        "care_contact_form",
    )


@unit_required()
@require_http_methods(["GET", "POST"])
@folded("reply")
def reply(request: UnitRequest, pk: int) -> HttpResponse:
    form = ReplyForm(request.POST, prefix="reply")
    return act(
        request,
        pk,
        form,
        lambda f: svu_collaboration_acts.reply_to_ready(
            request.actor, pk, f.cleaned_data["can_receive_at"], f.cleaned_data["interventions"]
        ),
        _("Your reply is sent to the ward."),
        "reply_form",
    )


@unit_required()
@require_http_methods(["GET", "POST"])
@folded("sip-declined")
def sip_declined(request: UnitRequest, pk: int) -> HttpResponse:
    form = SipDeclinedForm(request.POST, prefix="declined")
    return act(
        request,
        pk,
        form,
        lambda f: svu_collaboration_acts.record_sip_declined(
            request.actor, pk, f.cleaned_data["version"], f.cleaned_data["sip_declined_at"]
        ),
        _("It is recorded that the patient declined a SIP."),
        "sip_declined_form",
    )
