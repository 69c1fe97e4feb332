"""Writing the outbox (API-3): in the act's transaction, one ``OutboxEvent`` per timeline event
someone subscribed to and one ``OutboxDelivery`` per subscription that wants it.

Who hears of an event is decided as the act commits, by the rule the screens use: the
subscription's unit takes part in the case and (in a SIP) the consent covers it
(``cases.sees.Sees``, the choke point's definition). A unit that lost
the case with a withdrawn consent hears nothing more of it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import F, Value

from samordna.cases.models import Case, Delivery, Event
from samordna.cases.sees import Sees
from samordna.webhooks.models import (
    TYPE_OF_KIND,
    EventType,
    OutboxDelivery,
    OutboxEvent,
    Subscription,
)

# The keys of a timeline event's data that are ids (or a plan's number), and so may go out;
# everything else (comments, reasons, names) stays in Samordna.
ID_KEYS = ("delivery", "meeting", "message", "reply_to", "entry", "to_unit", "units", "number")

PATHS: dict[str, str] = {
    Case.Kind.SIP: "/api/v1/sip/{id}",
    Case.Kind.DISCHARGE: "/api/v1/stays/{id}",
}


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _ids(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ID_KEYS:
        value = data.get(name)
        if _is_id(value) or (isinstance(value, list) and all(_is_id(v) for v in value)):
            out[name] = value
    return out


def _case_data(case_id: int, kind: str) -> dict[str, Any]:
    data: dict[str, Any] = {"case_id": case_id, "case_kind": kind}
    if kind in PATHS:
        data["case_url"] = PATHS[kind].format(id=case_id)
    return data


def payload(type_: str, at: dt.datetime, data: dict[str, Any]) -> dict[str, Any]:
    """The Standard Webhooks envelope: type, timestamp, data (ids only)."""
    return {"type": type_, "timestamp": at.isoformat().replace("+00:00", "Z"), "data": data}


def listeners(case_id: int) -> list[Subscription]:
    """Active subscriptions of open units that see the case now: one query. A closed unit
    hears of nothing, as its tokens and certificates are refused (``api/common.py``)."""
    sees = Sees(Value(case_id), F("unit_id"))
    subscriptions = Subscription.objects.filter(active=True, unit__active=True)
    return list(subscriptions.filter(sees).order_by("pk"))


def write(events: list[Event]) -> None:
    """The acts' listener (``cases.acts.listen``): events of one act, in order."""
    by_case: dict[int, list[Event]] = defaultdict(list)
    for event in events:
        if event.kind in TYPE_OF_KIND:
            by_case[event.case_id].append(event)
    for case_id, case_events in by_case.items():
        subscriptions = listeners(case_id)
        if not subscriptions:
            continue
        kind = Case.objects.filter(pk=case_id).values_list("kind", flat=True).get()
        for event in case_events:
            type_ = TYPE_OF_KIND[event.kind]
            data = {
                **_case_data(case_id, kind),
                "timeline_event_id": event.pk,
                "timeline_kind": event.kind,
                "unit_id": event.unit_id,
                "occurred_at": event.occurred_at.isoformat(),
                **_ids(event.data),
            }
            _put(type_, case_id, subscriptions, payload(type_, event.recorded_at, data), event)


def _put(
    type_: EventType,
    case_id: int,
    subscriptions: list[Subscription],
    body: dict[str, Any],
    event: Event | None = None,
    overdue: Delivery | None = None,
) -> OutboxEvent | None:
    wanting = [s for s in subscriptions if type_.value in (s.event_types or [])]
    if not wanting and overdue is None:
        return None
    outbox = OutboxEvent.objects.create(
        type=type_, case_id=case_id, timeline_event=event, overdue_delivery=overdue, payload=body
    )
    OutboxDelivery.objects.bulk_create(
        [OutboxDelivery(event=outbox, subscription=s, case_id=case_id) for s in wanting]
    )
    return outbox


# Deadlines missed longer ago than this are not announced: a subscription that starts today
# should not receive a flood of old news.
OVERDUE_LOOKBACK = dt.timedelta(days=1)


@transaction.atomic
def announce_overdue(now: dt.datetime) -> int:
    """Worker job: one ``acknowledgement.overdue`` event per notice delivery whose deadline to
    acknowledge passed unacknowledged (the deadline is data, seed 000_106b8acbeb42519c.txt
    lines 254, 262). The event row itself marks it announced (``overdue_delivery`` is unique);
    returns how many were written."""
    if not Subscription.objects.filter(
        active=True, event_types__icontains=EventType.ACKNOWLEDGEMENT_OVERDUE.value
    ).exists():
        return 0
    overdue = list(
        Delivery.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(
            mode=Delivery.Mode.ACK,
            due_at__lt=now,
            due_at__gte=now - OVERDUE_LOOKBACK,
            acknowledged_at__isnull=True,
            webhook_overdue__isnull=True,
        )
        .select_related("notice__case")
        .order_by("due_at", "pk")
    )
    for delivery in overdue:
        case = delivery.notice.case
        data = {
            **_case_data(case.pk, case.kind),
            "notice_id": delivery.notice_id,
            "notice_kind": delivery.notice.kind,
            "delivery_id": delivery.pk,
            "unit_id": delivery.unit_id,
            "sender_unit_id": delivery.notice.sender_unit_id,
            "due_at": delivery.due_at.isoformat() if delivery.due_at else None,
        }
        type_ = EventType.ACKNOWLEDGEMENT_OVERDUE
        at = delivery.due_at or now
        _put(type_, case.pk, listeners(case.pk), payload(type_, at, data), overdue=delivery)
    return len(overdue)
