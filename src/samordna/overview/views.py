"""The overview screen (BOX-1) and the small fragment the header polls to stay current."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from samordna.accounts.actor import UnitRequest
from samordna.accounts.decorators import unit_required
from samordna.overview import services
from samordna.overview.forms import FilterForm
from samordna.replicas import reads_from_replica

CHANGED = "overviewChanged"  # the event that makes an open overview reload its list
STOP_POLLING = 286  # htmx stops polling on this status


def header_counts(request: HttpRequest) -> services.Counts | None:
    """The acting unit's counts, computed once per request for the header and the page."""
    actor = getattr(request, "actor", None)
    if actor is None:
        return None
    if not hasattr(request, "_overview_counts"):
        request._overview_counts = services.counts(actor, timezone.now())  # type: ignore[attr-defined]
    counts: services.Counts = request._overview_counts  # type: ignore[attr-defined]
    return counts


@reads_from_replica
@unit_required()
@require_GET
def overview(request: UnitRequest) -> HttpResponse:
    if request.htmx and idle(request):
        return HttpResponse(status=STOP_POLLING)
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


def poll_since(request: HttpRequest) -> int:
    """When the page that polls was shown (seconds since the epoch): carried along by each
    request htmx makes by itself, so those alone never keep a session alive."""
    now = int(time.time())
    if not getattr(request, "htmx", False):
        return now
    try:
        return min(int(request.GET.get("since", now)), now)
    except ValueError:
        return now


def idle(request: HttpRequest) -> bool:
    """Every request renews the 30-minute idle session (settings), a poll included: so once no
    page has been shown for that long, a poll logs the user out as the idle timeout would."""
    if time.time() - poll_since(request) <= settings.SESSION_COOKIE_AGE:
        return False
    logout(request)
    return True


@reads_from_replica
@require_GET
def counts(request: HttpRequest) -> HttpResponse:
    """The header's count; when it differs from what the page last saw, an open overview is
    told to reload its list (``HX-Trigger``). Idle or logged out, it answers 286, which stops
    htmx polling, instead of a redirect to the login page that htmx would swap in."""
    if getattr(request, "actor", None) is None or idle(request):
        return HttpResponse(status=STOP_POLLING)
    response = render(request, "overview/_count.html")
    current = header_counts(request)
    seen = request.GET.get("seen")
    if current is not None and seen and seen != current.signature:
        response["HX-Trigger"] = CHANGED
    return response
