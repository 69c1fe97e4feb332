"""Views sending and acknowledging notices, and the unit's notices."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from samordna.accounts.actor import UnitRequest
from samordna.accounts.decorators import unit_required
from samordna.discharge import planning
from samordna.discharge.forms.collaboration import (
    PlanningBasisForm,
)
from samordna.discharge.forms.notices import (
    DischargeForm,
    ExpectedDischargeForm,
    ReadyForm,
    RecipientsForm,
)
from samordna.discharge.forms.stays import AfterRegistrationForm
from samordna.discharge.services import liability_export
from samordna.discharge.services import notices as notices_acts
from samordna.discharge.services import stays as stays_acts
from samordna.discharge.views.folded_forms import folded
from samordna.discharge.views.stay_page import act
from samordna.errors import ServiceError


@unit_required()
@require_POST
def admission(request: UnitRequest, pk: int) -> HttpResponse:
    form = RecipientsForm(request.POST, choices=notices_acts.recipient_choices(request.actor))
    return act(
        request,
        pk,
        form,
        lambda f: notices_acts.send_admission_notice(
            request.actor, pk, list(f.cleaned_data["recipients"]), f.cleaned_data["occurred_at"]
        ),
        _("The admission notice is sent."),
        "recipients_form",
    )


@unit_required()
@require_http_methods(["GET", "POST"])
@folded("expected")
def expected(request: UnitRequest, pk: int) -> HttpResponse:
    form = ExpectedDischargeForm(request.POST)
    return act(
        request,
        pk,
        form,
        lambda f: notices_acts.change_expected_discharge(
            request.actor, pk, f.cleaned_data["version"], f.cleaned_data["expected_discharge_on"]
        ),
        _("The expected discharge date is changed."),
        "expected_form",
    )


@unit_required()
@require_POST
def ready(request: UnitRequest, pk: int) -> HttpResponse:
    form = ReadyForm(request.POST, physicians=stays_acts.ward_physicians(request.actor.unit))
    return act(
        request,
        pk,
        form,
        lambda f: notices_acts.send_ready_notice(
            request.actor,
            pk,
            f.cleaned_data["version"],
            f.cleaned_data,
            f.cleaned_data["occurred_at"],
        ),
        _("The ready-for-discharge notice is sent."),
        "ready_form",
    )


@unit_required()
@require_POST
def discharge(request: UnitRequest, pk: int) -> HttpResponse:
    form = DischargeForm(request.POST)
    return act(
        request,
        pk,
        form,
        lambda f: notices_acts.send_discharge_notice(
            request.actor,
            pk,
            f.cleaned_data["version"],
            f.cleaned_data["discharged_at"],
            f.cleaned_data["self_discharge"],
            f.cleaned_data["occurred_at"],
        ),
        _("The discharge notice is sent and the stay is closed."),
        "discharge_form",
    )


@unit_required()
@require_POST
def acknowledge(request: UnitRequest, pk: int, delivery_pk: int) -> HttpResponse:
    """From the stay page or the notices list (``back``); a refusal is shown as a message. An
    admission notice may come with the recipient's answers to the planning basis."""
    answers, occurred_at = None, None
    if "after_registration" in request.POST:
        late = AfterRegistrationForm(request.POST, prefix=f"late{delivery_pk}")
        if not late.is_valid():
            messages.error(request, _("Give when the notice was acknowledged on paper."))
            return redirect(reverse("discharge:stay", args=[pk]) + "#notices-h")
        occurred_at = late.cleaned_data["occurred_at"]
    if "with_answers" in request.POST:
        form = PlanningBasisForm(request.POST, questions=planning.RECIPIENT_QUESTIONS, prefix="ack")
        if not form.is_valid():
            messages.error(request, _("Check the answers: %(errors)s") % {"errors": form.errors})
            return redirect(reverse("discharge:stay", args=[pk]) + "#notices-h")
        answers = form.answers()
    try:
        notices_acts.acknowledge(request.actor, pk, delivery_pk, answers, occurred_at)
    except ServiceError as error:
        if error.status == 404:
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, _("The notice is acknowledged."))
    if request.POST.get("back") == "notices":
        return redirect("discharge:notices")
    return redirect(reverse("discharge:stay", args=[pk]) + "#notices-h")


@unit_required()
def notices(request: UnitRequest) -> HttpResponse:
    """SVU-8: the unit's notices about stays, unacknowledged first, overdue marked."""
    page = notices_acts.notices_page(request.actor, request.GET.get("page"))
    now = timezone.now()
    rows = [(d, notices_acts.delivery_status(d, now)) for d in page]
    stays = stays_acts.ward_stays(request.actor, request.GET.get("stays"))
    stays_acts.log_shown(
        request.actor, [d.notice.case.person for d, _s in rows] + [c.person for c in stays]
    )
    # Each list's pager keeps the other's page.
    context = {
        "page": page,
        "rows": rows,
        "stays": stays,
        "stays_query": f"page={page.number}",
        "notices_query": f"stays={stays.number}" if stays.number > 1 else "",
        "may_export_liability": liability_export.may_export_any(request.actor),
    }
    return render(request, "discharge/notices.html", context)
