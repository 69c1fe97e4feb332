"""The unit's invitations and its answers to them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samordna.accounts.actor import UnitRequest
from samordna.accounts.decorators import unit_required
from samordna.cases.models import Case, Delivery, Notice
from samordna.sip.forms.invitation_answers import AckForm, AnswerForm, ForwardForm
from samordna.sip.services import consent as consent_acts
from samordna.sip.services import invitation_answers as invitation_answers_acts
from samordna.sip.views.case_page import _case_page, _run
from samordna.sip.views.meetings_section import (
    DeliveryRow,
    _delivery_forms,
    _forward_units,
)


def _render_invitations(
    request: UnitRequest, status: int = 200, bound: tuple[int, str, forms.Form] | None = None
) -> HttpResponse:
    """The unit's invitation list; ``bound`` puts a form with errors back on its row."""
    page = invitation_answers_acts.invitations_page(request.actor, request.GET.get("page"))
    units = _forward_units(request.actor)
    scopes = consent_acts.consent_scopes({d.notice.case_id for d in page})
    rows = []
    for d in page:
        answer_form, forward_form = _delivery_forms(d, d.notice.case.owner_unit_id, units, scopes)
        row = DeliveryRow(d, answer_form, forward_form)
        if bound is not None and bound[0] == d.pk:
            setattr(row, bound[1], bound[2])
        rows.append(row)
    return render(
        request,
        "sip/invitations.html",
        {"page": page, "rows": rows, "now": timezone.now()},
        status=status,
    )


@unit_required()
def invitations(request: UnitRequest) -> HttpResponse:
    return _render_invitations(request)


def _delivery_act(
    request: UnitRequest,
    delivery_pk: int,
    form: forms.Form,
    form_name: str,
    act: Callable[[], Any],
    done: str,
) -> HttpResponse:
    """Acts on the unit's own invitation, from its list or from the case page (``back``). The
    delivery's case is found only through the choke point: a unit outside it gets a 404 before
    anything else, whatever it posted (SEC-1)."""
    case_pk = (
        Delivery.objects.filter(
            pk=delivery_pk,
            notice__kind=Notice.Kind.INVITATION,
            notice__case__in=Case.objects.visible_to(request.actor),
        )
        .values_list("notice__case_id", flat=True)
        .first()
    )
    if case_pk is None:
        raise Http404
    status = _run(form, act)
    from_case = request.POST.get("back") == "case"
    if not status:
        messages.success(request, done)
        if from_case:
            return redirect(reverse("sip:case", args=[case_pk]) + "#meetings-h")
        return redirect("sip:invitations")
    if from_case:

        def place(context: dict[str, Any]) -> None:
            for row in context["meeting_rows"]:
                if row.own is not None and row.own.pk == delivery_pk:
                    setattr(row, form_name, form)

        return _case_page(request, case_pk, status, place)
    return _render_invitations(request, status, (delivery_pk, form_name, form))


@unit_required()
@require_POST
def ack(request: UnitRequest, delivery_pk: int) -> HttpResponse:
    form = AckForm(request.POST)
    return _delivery_act(
        request,
        delivery_pk,
        form,
        "ack_form",
        lambda: invitation_answers_acts.acknowledge(request.actor, delivery_pk),
        _("The invitation is acknowledged."),
    )


@unit_required()
@require_POST
def answer(request: UnitRequest, delivery_pk: int) -> HttpResponse:
    form = AnswerForm(request.POST, prefix=f"d{delivery_pk}")
    return _delivery_act(
        request,
        delivery_pk,
        form,
        "answer_form",
        lambda: invitation_answers_acts.answer(
            request.actor, delivery_pk, form.cleaned_data["answer"], form.cleaned_data["reason"]
        ),
        _("Your answer is sent to the coordinator."),
    )


@unit_required()
@require_POST
def forward(request: UnitRequest, delivery_pk: int) -> HttpResponse:
    form = ForwardForm(request.POST, prefix=f"d{delivery_pk}", units=_forward_units(request.actor))
    return _delivery_act(
        request,
        delivery_pk,
        form,
        "forward_form",
        lambda: invitation_answers_acts.forward(
            request.actor, delivery_pk, form.cleaned_data["unit"]
        ),
        _("The invitation is forwarded."),
    )
