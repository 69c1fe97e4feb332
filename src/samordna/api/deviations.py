"""The deviation register over REST (DEV-1, API-1): the same acts, visibility and access log as
the screens; errors are the API's ``{"code", "message", "field"}``. A deviation's case and the
individual are given only to a unit that takes part in the case (SEC-1)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema
from ninja.responses import Status

from samordna.api.common import ERRORS, actor_of, auth, file
from samordna.deviations import services
from samordna.deviations.export import csv_response
from samordna.deviations.models import Deviation
from samordna.errors import ServiceError
from samordna.organisations.models import Unit, User
from samordna.validation import Code, Limit, Moment

router = Router(tags=["deviations"], auth=auth)


class StepOut(Schema):
    at: dt.datetime
    by: str | None


class DeviationOut(Schema):
    id: int
    status: str
    source: str
    occurred_at: dt.datetime
    reporting_unit: str
    concerned_unit: str | None
    mas_unit: str | None = Field(
        None, description="DEV-2: the unit of the concerned municipality's MAS it was sent to"
    )
    paper_route: bool = Field(
        False,
        description="DEV-2: the county sends deviations from the region to a municipality on "
        "paper; print /api/v1/documents/deviations/{id}.pdf",
    )
    case_id: int | None = Field(None, description="Only to units taking part in the case")
    identity_number: str | None = Field(None, description="Only to units taking part in the case")
    event: str
    consequence: str
    risk: str
    action: str
    improvement: str
    handled_comment: str
    created: StepOut
    confirmed: StepOut | None
    dismissed: StepOut | None
    sent: StepOut | None
    handled: StepOut | None
    version: int


class DeviationPageOut(Schema):
    count: int
    page: int
    pages: int
    counts: dict[str, int] = Field(..., description="Per status for the side filter, and all")
    items: list[DeviationOut]


DeviationText = Annotated[str, Limit(services.MAX_TEXT)]


class DeviationIn(Schema):
    occurred_at: Moment
    event: DeviationText
    consequence: DeviationText = ""
    risk: DeviationText = ""
    action: DeviationText = ""
    improvement: DeviationText = ""
    concerned_unit: Code | None = Field(None, description="Unit code")
    case_id: int | None = None


class UpdateIn(DeviationIn):
    version: int


class VersionIn(Schema):
    version: int


class HandleIn(VersionIn):
    comment: DeviationText = ""


def _step(at: dt.datetime | None, by: User | None) -> dict[str, Any] | None:
    return None if at is None else {"at": at, "by": by.username if by else None}


def deviation_out(d: Deviation) -> dict[str, Any]:
    shown = services.shows_case(d) and d.case is not None
    return {
        "id": d.pk,
        "status": d.status,
        "source": d.source,
        "occurred_at": d.occurred_at,
        "reporting_unit": d.reporting_unit.code,
        "concerned_unit": d.concerned_unit.code if d.concerned_unit else None,
        "mas_unit": d.mas_unit.code if d.mas_unit else None,
        "paper_route": services.paper_route(d),
        "case_id": d.case_id if shown else None,
        "identity_number": d.case.person.identity_number if shown and d.case else None,
        **{name: getattr(d, name) for name in (*services.TEXTS, "handled_comment", "version")},
        "created": _step(d.created_at, d.created_by),
        "confirmed": _step(d.confirmed_at, d.confirmed_by),
        "dismissed": _step(d.dismissed_at, d.dismissed_by),
        "sent": _step(d.sent_at, d.sent_by),
        "handled": _step(d.handled_at, d.handled_by),
    }


def _content(payload: DeviationIn) -> services.Content:
    unit = None
    if payload.concerned_unit:
        unit = Unit.objects.select_related("principal").filter(code=payload.concerned_unit).first()
        if unit is None:
            raise ServiceError("invalid_unit", "Okänd enhet.", "concerned_unit")
    return services.Content(
        occurred_at=payload.occurred_at,
        concerned_unit=unit,
        case=payload.case_id,
        **{name: getattr(payload, name) for name in services.TEXTS},
    )


def _reread(request: HttpRequest, pk: int) -> dict[str, Any]:
    return deviation_out(services.get(actor_of(request), pk))


@router.get("", response={200: DeviationPageOut, **ERRORS})
def list_deviations(request: HttpRequest, status: str = "", side: str = "", page: int = 1) -> Any:
    """The token's unit's deviations, newest event first. ``status``: suggested, draft, sent,
    handled or dismissed; ``side``: reported (by the unit) or concerning (sent to it)."""
    actor = actor_of(request)
    filters = services.Filters.of(status, side)
    counts = services.counts(actor, filters)
    found = services.page(actor, filters, page, counts[filters.status or "all"])
    return {
        "count": found.total,
        "page": found.number,
        "pages": found.num_pages,
        "counts": counts,
        "items": [deviation_out(d) for d in found],
    }


@router.get("/export.csv", response=ERRORS, openapi_extra=file("text/csv"))
def export_csv(request: HttpRequest, status: str = "", side: str = "") -> HttpResponse:
    """The same selection as CSV for the organisation's deviation system: semicolon-separated
    UTF-8 with a BOM; formula-like cells are prefixed with an apostrophe."""
    actor = actor_of(request)
    return csv_response(services.export(actor, services.Filters.of(status, side)), actor.unit.code)


@router.post("", response={201: DeviationOut, **ERRORS})
def create_deviation(request: HttpRequest, payload: DeviationIn) -> Any:
    """Write a deviation as the token's unit; it is a draft until sent."""
    deviation = services.create(actor_of(request), _content(payload))
    return Status(201, _reread(request, deviation.pk))


@router.get("/{deviation_id}", response={200: DeviationOut, **ERRORS})
def get_deviation(request: HttpRequest, deviation_id: int) -> Any:
    return _reread(request, deviation_id)


@router.put("/{deviation_id}", response={200: DeviationOut, **ERRORS})
def update_deviation(request: HttpRequest, deviation_id: int, payload: UpdateIn) -> Any:
    """Edit a draft; 409 ``edit_conflict`` when ``version`` is not the current one."""
    services.update(actor_of(request), deviation_id, payload.version, _content(payload))
    return _reread(request, deviation_id)


@router.post("/{deviation_id}/confirm", response={200: DeviationOut, **ERRORS})
def confirm_suggestion(request: HttpRequest, deviation_id: int, payload: VersionIn) -> Any:
    """A suggestion becomes the reporting unit's draft."""
    services.confirm(actor_of(request), deviation_id, payload.version)
    return _reread(request, deviation_id)


@router.post("/{deviation_id}/dismiss", response={200: DeviationOut, **ERRORS})
def dismiss_suggestion(request: HttpRequest, deviation_id: int, payload: VersionIn) -> Any:
    services.dismiss(actor_of(request), deviation_id, payload.version)
    return _reread(request, deviation_id)


@router.post("/{deviation_id}/send", response={200: DeviationOut, **ERRORS})
def send_deviation(request: HttpRequest, deviation_id: int, payload: VersionIn) -> Any:
    """Send a complete draft to the concerned unit (400 ``incomplete`` names the empty field)."""
    services.send(actor_of(request), deviation_id, payload.version)
    return _reread(request, deviation_id)


@router.post("/{deviation_id}/handle", response={200: DeviationOut, **ERRORS})
def handle_deviation(request: HttpRequest, deviation_id: int, payload: HandleIn) -> Any:
    """The concerned unit marks a sent deviation handled."""
    services.handle(actor_of(request), deviation_id, payload.version, payload.comment)
    return _reread(request, deviation_id)
