"""The log review page for unit and county administrators (SEC-2)."""

from __future__ import annotations

from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from samordna.accounts.actor import UnitRequest
from samordna.accounts.decorators import unit_required
from samordna.audit.models import AccessLog
from samordna.audit.review import REVIEWERS, LogFilterForm, csv_rows, filtered, scope
from samordna.audit.services import log
from samordna.core.paging import window


@unit_required(*REVIEWERS)
def review(request: UnitRequest) -> HttpResponse:
    actor = request.actor
    form = LogFilterForm(request.GET or None)
    entries = filtered(actor, form) if request.GET else scope(actor)
    # Newest first from an index range with LIMIT (accesslog_unit_at_idx for a unit, the index
    # on the time for a county): the log is the largest table of all, so it is never counted.
    page = window(entries, request.GET.get("page"), 50)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/review.html",
        {"form": form, "page": page, "query": query.urlencode()},
        status=400 if request.GET and not form.is_valid() else 200,
    )


@unit_required(*REVIEWERS)
def export(request: UnitRequest) -> StreamingHttpResponse:
    actor = request.actor
    form = LogFilterForm(request.GET or None)
    entries = filtered(actor, form) if request.GET else scope(actor)
    log(actor, AccessLog.Action.EXPORT, "accesslog.export", purpose=request.GET.urlencode())
    response = StreamingHttpResponse(csv_rows(entries), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="loggutdrag.csv"'
    return response
