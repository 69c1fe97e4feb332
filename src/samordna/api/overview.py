"""BOX-1 over REST: the token's unit's overview, most urgent first, with every count. Same
query, visibility (SEC-1) and access log (SEC-2) as the screen."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from samordna.api.common import ERRORS, actor_of, auth
from samordna.overview import services

router = Router(tags=["overview"], auth=auth)

Kind = Literal[
    "invitation",
    "notice",
    "message",
    "deadline",
    "follow_up",
    "awaiting",
    "meeting",
    "discharge",
]
When = Literal["overdue", "today", "due", "upcoming"]


class PersonRef(Schema):
    id: int
    identity_number: str
    name: str


class ItemOut(Schema):
    kind: Kind
    status: Literal["overdue", "today", "upcoming"]
    due: dt.datetime | None
    title: str
    party: str = Field(..., description="The other unit concerned, and what to do")
    detail: str
    case_id: int
    case_kind: str
    person: PersonRef
    url: str | None = Field(None, description="The screen where it is done")


class CountsOut(Schema):
    overdue: int
    today: int
    upcoming: int
    by_kind: dict[str, int]
    active_sip: int
    active_stays: int
    signature: str = Field(..., description="Changes whenever any count changes")


class OverviewOut(Schema):
    total: int = Field(..., description="Items matching the filter; at most `limit` are listed")
    limit: int
    counts: CountsOut
    items: list[ItemOut]


def counts_out(counts: services.Counts) -> dict[str, Any]:
    return {
        **{b: n for b, _label, n in counts.by_bucket},
        "by_kind": {k: n for k, _label, n in counts.by_kind},
        "active_sip": counts.active_sip,
        "active_stays": counts.active_stays,
        "signature": counts.signature,
    }


def item_out(item: services.Item) -> dict[str, Any]:
    person = item.case.person
    return {
        "kind": item.kind,
        "status": item.status,
        "due": item.due,
        "title": item.title,
        "party": item.party,
        "detail": item.detail,
        "case_id": item.case.pk,
        "case_kind": item.case.kind,
        "person": {
            "id": person.pk,
            "identity_number": person.identity_number,
            "name": person.full_name,
        },
        "url": item.url,
    }


@router.get("", response={200: OverviewOut, **ERRORS})
def overview(request: HttpRequest, kind: Kind | None = None, when: When | None = None) -> Any:
    """Everything the unit must act on: overdue first, then by due time. Every individual
    listed is logged."""
    data = services.show(actor_of(request), timezone.now(), kind, when)
    return {
        "total": data.total,
        "limit": services.LIMIT,
        "counts": counts_out(data.counts),
        "items": [item_out(i) for i in data.items],
    }


@router.get("/counts", response={200: CountsOut, **ERRORS})
def counts(request: HttpRequest) -> Any:
    """Only the counts (no individual): cheap to poll."""
    return counts_out(services.counts(actor_of(request), timezone.now()))
