"""The access-log review and export (SEC-2) and the payment liability export (SVU-10) over the
API (issue 12 item 4): the same rows, rules and logging as the review page and the liability
CSV, for a token of a unit or county administrator (the liability also for invoicing staff)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from ninja import Field, Query, Router, Schema

from samordna.accounts.actor import Actor
from samordna.api.common import ERRORS, actor_of, auth, file
from samordna.audit.models import AccessLog
from samordna.audit.review import REVIEWERS, LogFilterForm, csv_rows, filtered
from samordna.audit.services import log
from samordna.core.paging import window
from samordna.discharge.services import liability_export as liability_acts
from samordna.errors import Forbidden, ServiceError
from samordna.validation import Code, Limit

access_log_router = Router(auth=auth, tags=["access log"])
liability_router = Router(auth=auth, tags=["discharge"])
CSV = file("text/csv")


class LogQuery(Schema):
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    user: Annotated[str, Limit(150)] = Field("", description="User name")
    identity_number: Annotated[str, Limit(20)] = ""
    action: AccessLog.Action | None = None
    page: int = Field(1, ge=1, le=10_000)


class EntryOut(Schema):
    at: dt.datetime
    user: str = Field(..., alias="user.username")
    unit: str | None = Field(None, alias="unit.name")
    identity_number: str | None = Field(None, alias="person.identity_number")
    action: str
    what: str = Field(..., alias="what_display")
    purpose: str
    via: str
    ip: str | None


class LogPageOut(Schema):
    entries: list[EntryOut]
    page: int
    has_next: bool


def _entries(actor: Actor, query: LogQuery) -> Any:
    if not actor.has_role(*REVIEWERS):
        raise Forbidden(
            "not_permitted", "Bara enhetens och länets administratörer granskar loggen."
        )
    data = {k: v for k, v in query.dict(exclude={"page"}).items() if v not in (None, "")}
    form = LogFilterForm({k: str(v) for k, v in data.items()})
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise ServiceError("invalid_filter", str(errors[0]), None if field == "__all__" else field)
    return filtered(actor, form)


@access_log_router.get("", response={200: LogPageOut, **ERRORS})
def review(request: HttpRequest, query: Query[LogQuery]) -> Any:
    """The access log of the token's unit (a county administrator: the county), newest first,
    50 a page, filtered as on the review page."""
    found = window(_entries(actor_of(request), query), query.page, 50)
    return {"entries": found.object_list, "page": found.number, "has_next": found.has_next}


@access_log_router.get("/export.csv", response=ERRORS, openapi_extra=CSV)
def export(request: HttpRequest, query: Query[LogQuery]) -> StreamingHttpResponse:
    """The filtered log as CSV (`;`, UTF-8 with a BOM); the export itself is logged."""
    actor = actor_of(request)
    entries = _entries(actor, query)
    log(actor, AccessLog.Action.EXPORT, "accesslog.export", purpose=request.GET.urlencode())
    response = StreamingHttpResponse(csv_rows(entries), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="loggutdrag.csv"'
    return response


class LiabilityQuery(Schema):
    municipality: Code = Field(..., description="The municipality's code or municipality number")
    month: Annotated[str, Limit(7)] = Field(..., examples=["2028-02"], pattern=r"^\d{4}-\d{2}$")


@liability_router.get("/export.csv", response=ERRORS, openapi_extra=CSV)
def liability_csv(request: HttpRequest, query: Query[LiabilityQuery]) -> HttpResponse:
    """SVU-10: the liable days of a month for the patients registered in one municipality, the
    basis of the invoice (the same CSV as the screen's); every individual in it is logged."""
    municipality, rows = liability_acts.liability_export(
        actor_of(request), query.municipality, query.month
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"betalningsansvar-{municipality.code}-{query.month}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    liability_acts.write_csv(response, query.month, rows)
    return response
