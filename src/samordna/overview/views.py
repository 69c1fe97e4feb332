"""The overview screen (BOX-1) and the small fragment the header polls to stay current."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from samordna.accounts.actor import UnitRequest
from samordna.accounts.decorators import unit_required
from samordna.overview import services
from samordna.overview.forms import FilterForm

CHANGED = "overviewChanged"  # the event that makes an open overview reload its list


def header_counts(request: HttpRequest) -> services.Counts | None:
    """The acting unit's counts, computed once per request for the header and the page."""
    actor = getattr(request, "actor", None)
    if actor is None:
        return None
    if not hasattr(request, "_overview_counts"):
        request._overview_counts = services.counts(actor, timezone.now())  # type: ignore[attr-defined]
    counts: services.Counts = request._overview_counts  # type: ignore[attr-defined]
    return counts


@unit_required()
@require_GET
def overview(request: UnitRequest) -> HttpResponse:
    form = FilterForm(request.GET)
    valid = form.is_valid()
    chosen = form.cleaned_data if valid else {}
    data = services.show(
        request.actor, timezone.now(), chosen.get("kind") or None, chosen.get("when") or None
    )
    request._overview_counts = data.counts  # type: ignore[attr-defined]
    template = "overview/_items.html" if request.htmx else "overview/overview.html"
    context = {"form": form, "overview": data, "counts": data.counts, "changed_event": CHANGED}
    return render(request, template, context, status=200 if valid else 400)


@unit_required()
@require_GET
def counts(request: UnitRequest) -> HttpResponse:
    """The header's count; when it differs from what the page last saw, an open overview is
    told to reload its list (``HX-Trigger``)."""
    response = render(request, "overview/_count.html")
    current = header_counts(request)
    seen = request.GET.get("seen")
    if current is not None and seen and seen != current.signature:
        response["HX-Trigger"] = CHANGED
    return response
