"""Deviation screens (DEV-1). Thin: each POST runs one act of ``deviations.services``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from samordna.accounts.actor import UnitRequest
from samordna.accounts.decorators import unit_required
from samordna.cases.views import run_act
from samordna.deviations import services
from samordna.deviations.export import csv_response
from samordna.deviations.forms import DeviationForm, HandleForm, VersionForm
from samordna.deviations.models import Deviation
from samordna.errors import ServiceError

SIDES = [
    ("", gettext_lazy("Reported by or sent to your unit")),
    ("reported", gettext_lazy("Reported by your unit")),
    ("concerning", gettext_lazy("Sent to your unit")),
]


def _filters(request: UnitRequest) -> services.Filters:
    return services.Filters.of(request.GET.get("status"), request.GET.get("side"))


@unit_required()
def register(request: UnitRequest) -> HttpResponse:
    """The active unit's deviations with counts per status for the chosen side."""
    filters = _filters(request)
    counts = services.counts(request.actor, filters)
    statuses = [("", _("All"), counts["all"])] + [
        (value, label, counts[value]) for value, label in Deviation.Status.choices
    ]
    query = urlencode({"status": filters.status, "side": filters.side})
    return render(
        request,
        "deviations/list.html",
        {
            "page": services.page(
                request.actor, filters, request.GET.get("page"), counts[filters.status or "all"]
            ),
            "filters": filters,
            "statuses": statuses,
            "sides": SIDES,
            "query": query,
        },
    )


@unit_required()
def export(request: UnitRequest) -> HttpResponse:
    found = services.export(request.actor, _filters(request))
    return csv_response(found, request.actor.unit.code)


@unit_required()
@require_http_methods(["GET", "POST"])
def new(request: UnitRequest) -> HttpResponse:
    """Write a deviation; it is saved as a draft to complete and send."""
    unit = request.actor.unit
    form = DeviationForm(request.POST or None, unit=unit, initial={"case": request.GET.get("case")})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                deviation = services.create(request.actor, form.content())
            except ServiceError as error:
                status = error.status
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("The deviation is saved as a draft."))
                return redirect("deviations:detail", pk=deviation.pk)
    return render(request, "deviations/new.html", {"form": form}, status=status)


def _context(request: UnitRequest, deviation: Deviation) -> dict[str, Any]:
    """The page and the forms the unit has for the deviation in its status."""
    actor = request.actor
    reporter = deviation.reporting_unit_id == actor.unit.pk
    handler = (deviation.concerned_unit_id or deviation.reporting_unit_id) == actor.unit.pk
    status = deviation.status
    version = {"version": deviation.version}
    Status = Deviation.Status
    return {
        "deviation": deviation,
        "is_reporter": reporter,
        "suggestion_form": VersionForm(initial=version)
        if reporter and status == Status.SUGGESTED
        else None,
        "edit_form": DeviationForm.of(deviation, actor.unit)
        if reporter and status == Status.DRAFT
        else None,
        "handle_form": HandleForm(initial=version) if handler and status == Status.SENT else None,
        # DEV-2: the reporting unit posts a region-to-municipality deviation (seed 000 273-275).
        "paper_route": reporter and services.paper_route(deviation),
    }


def _render(request: UnitRequest, pk: int, status: int = 200, **bound: Any) -> HttpResponse:
    context = _context(request, services.get(request.actor, pk))
    context.update({name: form for name, form in bound.items() if context.get(name)})
    return render(request, "deviations/detail.html", context, status=status)


@unit_required()
def detail(request: UnitRequest, pk: int) -> HttpResponse:
    return _render(request, pk)


def _act(
    request: UnitRequest,
    pk: int,
    form: forms.Form,
    run: Callable[[Any], Any],
    done: str,
    form_name: str,
) -> HttpResponse:
    return run_act(
        request,
        form,
        run,
        done,
        reverse("deviations:detail", args=[pk]),
        lambda status: _render(request, pk, status, **{form_name: form}),
    )


@unit_required()
@require_POST
def edit(request: UnitRequest, pk: int) -> HttpResponse:
    """Save the draft, or save and send it ("send" button) in one act."""
    sending = "send" in request.POST
    form = DeviationForm(request.POST, unit=request.actor.unit)
    return _act(
        request,
        pk,
        form,
        lambda f: services.update(
            request.actor, pk, f.cleaned_data["version"] or 0, f.content(), send=sending
        ),
        _("The deviation is sent.") if sending else _("The deviation is saved."),
        "edit_form",
    )


def _version_act(
    act: Callable[..., Any], done: Any, form_class: type[VersionForm] = VersionForm
) -> Callable[..., HttpResponseBase]:
    """A button that runs one act on the version the user saw (confirm, dismiss, handle)."""

    @unit_required()
    @require_POST
    def view(request: UnitRequest, pk: int) -> HttpResponse:
        form = form_class(request.POST)
        return _act(
            request,
            pk,
            form,
            lambda f: act(request.actor, pk, **f.cleaned_data),
            str(done),
            "handle_form" if form_class is HandleForm else "suggestion_form",
        )

    return view


confirm = _version_act(
    services.confirm, gettext_lazy("The suggestion is confirmed; complete it and send it.")
)
dismiss = _version_act(services.dismiss, gettext_lazy("The suggestion is dismissed."))
handle = _version_act(
    services.handle, gettext_lazy("The deviation is marked as handled."), HandleForm
)
