"""A system's webhook subscriptions over REST (API-3): the calling token's system (its name)
at its unit keeps its own; ``webhooks.services`` holds the rules. The signing secret is in the
answers of the create and of a new secret only."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from samordna.api.common import ERRORS, actor_of, auth
from samordna.validation import Limit
from samordna.webhooks import services
from samordna.webhooks.models import EventType, Subscription

router = Router(tags=["webhooks"], auth=auth)

Url = Annotated[str, Limit(services.MAX_URL, min_length=1)]
TYPES = Field(
    ...,
    min_length=1,
    max_length=len(EventType.values),
    description="The kinds of events to receive (README, Webhooks).",
)


class SubscriptionOut(Schema):
    id: int
    system: str = Field(..., description="The API token's name the subscription belongs to")
    url: str
    event_types: list[EventType]
    active: bool
    created_at: dt.datetime
    version: int


class SubscriptionSecretOut(SubscriptionOut):
    secret: str = Field(..., description="The Standard Webhooks signing secret (whsec_...)")


class SubscriptionIn(Schema):
    url: Url = Field(..., description="https://..., or http:// to this machine only")
    event_types: list[EventType] = TYPES
    active: bool = True


class SubscriptionUpdateIn(SubscriptionIn):
    version: int = Field(..., ge=1, le=2**31 - 1)


class SubscriptionVersionIn(Schema):
    version: int = Field(..., ge=1, le=2**31 - 1)


def out(row: Subscription, secret: bool = False) -> dict[str, Any]:
    found = {
        "id": row.pk,
        "system": row.name,
        "url": row.url,
        "event_types": [t for t in row.event_types if t in EventType.values],
        "active": row.active,
        "created_at": row.created_at,
        "version": row.version,
    }
    return found | {"secret": row.secret} if secret else found


def _types(values: list[EventType]) -> list[str]:
    return [str(v.value) for v in values]


@router.get("/subscriptions", response={200: list[SubscriptionOut], **ERRORS})
def list_subscriptions(request: HttpRequest) -> Any:
    """The calling system's subscriptions at its unit, the oldest first."""
    rows = services.mine(actor_of(request)).order_by("created_at", "pk")
    return [out(r) for r in rows[: services.MAX_SUBSCRIPTIONS]]


@router.post("/subscriptions", response={201: SubscriptionSecretOut, **ERRORS})
def create_subscription(request: HttpRequest, payload: SubscriptionIn) -> Any:
    """Subscribe: events of the cases the token's unit sees go to ``url``, signed with the
    secret in the answer (keep it: it is shown again only as a new one)."""
    actor = actor_of(request)
    row = services.subscribe(actor, payload.url, _types(payload.event_types), payload.active)
    return Status(201, out(row, secret=True))


@router.get("/subscriptions/{int:subscription_id}", response={200: SubscriptionOut, **ERRORS})
def get_subscription(request: HttpRequest, subscription_id: int) -> Any:
    return out(services.get(actor_of(request), subscription_id))


@router.put("/subscriptions/{int:subscription_id}", response={200: SubscriptionOut, **ERRORS})
def update_subscription(
    request: HttpRequest, subscription_id: int, payload: SubscriptionUpdateIn
) -> Any:
    """Change the URL, the event types or pause it (``active``); 409 ``edit_conflict`` when
    ``version`` is not the current one."""
    row = services.change_subscription(
        actor_of(request),
        subscription_id,
        payload.version,
        url=payload.url,
        event_types=_types(payload.event_types),
        active=payload.active,
    )
    return out(row)


@router.post(
    "/subscriptions/{int:subscription_id}/secret", response={200: SubscriptionSecretOut, **ERRORS}
)
def rotate_secret(
    request: HttpRequest, subscription_id: int, payload: SubscriptionVersionIn
) -> Any:
    """A new signing secret, in force from the next delivery attempt."""
    row = services.rotate_secret(actor_of(request), subscription_id, payload.version)
    return out(row, secret=True)


@router.delete("/subscriptions/{int:subscription_id}", response={204: None, **ERRORS})
def delete_subscription(request: HttpRequest, subscription_id: int) -> Any:
    """Unsubscribe; its deliveries, waiting or done, go with it."""
    services.unsubscribe(actor_of(request), subscription_id)
    return Status(204, None)
