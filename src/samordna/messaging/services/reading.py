"""Reading messages: a thread, the inbox, a case's messages, delivery status."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from samordna.accounts.actor import Actor
from samordna.audit.models import AccessLog
from samordna.audit.services import log_many
from samordna.cases.acts import act, touch
from samordna.cases.models import Case, Delivery, Notice
from samordna.core.paging import Merged, Segment, Window, segmented
from samordna.core.sql import aware
from samordna.messaging.models import Message
from samordna.messaging.services.sending import _message
from samordna.organisations.models import Unit

MESSAGES_PER_PAGE = 25


def _with_deliveries(messages: QuerySet[Message]) -> QuerySet[Message]:
    return messages.select_related(
        "notice__sender", "notice__sender_unit", "notice__case__person"
    ).prefetch_related(
        Prefetch(
            "notice__deliveries",
            Delivery.objects.select_related(
                "unit", "acknowledged_by", "forwarded_to__unit", "message_forwarding"
            ).order_by("unit__name"),
        )
    )


@dataclass
class Thread:
    case: Case
    message: Message
    messages: list[Message]

    @property
    def subject(self) -> str:
        return self.messages[0].notice.subject


@act
def thread(actor: Actor, message_pk: int) -> Thread:
    """A message with its whole thread, oldest first. Opening it records that the unit has read
    what was sent to it for information ("tar bara del av meddelande om det är för kännedom",
    seed 004_2b6a4bde1435f963.txt line 64)."""
    case, message = _message(actor, message_pk, "message.read")
    messages = list(
        _with_deliveries(Message.objects.filter(thread_id=message.thread_id)).order_by(
            "notice__sent_at", "pk"
        )
    )
    unread = [
        d
        for m in messages
        for d in m.notice.deliveries.all()
        if d.unit_id == actor.unit.pk and d.mode == Delivery.Mode.FYI and d.acknowledged_at is None
    ]
    if unread:
        # Written only when there is something to mark (most reads have none), and the case
        # touched: the unit's overview lists an unread delivery until then.
        now = timezone.now()
        keys = [d.pk for d in unread]
        marked = Delivery.objects.filter(pk__in=keys, acknowledged_at__isnull=True).update(
            acknowledged_at=now, acknowledged_by=actor.user
        )
        if marked:
            touch(case.pk)
        if marked == len(unread):
            for d in unread:
                d.acknowledged_at, d.acknowledged_by = now, actor.user
        else:  # another reader of the unit marked some first: show who, as stored
            stored = {
                d.pk: d
                for d in Delivery.objects.filter(pk__in=keys).select_related("acknowledged_by")
            }
            for d in unread:
                d.acknowledged_at = stored[d.pk].acknowledged_at
                d.acknowledged_by = stored[d.pk].acknowledged_by
    return Thread(case, message, messages)


def reply_to(actor: Actor, messages: list[Message]) -> Message | None:
    """Which message a reply at the end of a thread answers: the latest the unit sent or
    received (and did not forward)."""
    for message in reversed(messages):
        notice = message.notice
        if notice.sender_unit_id == actor.unit.pk or any(
            d.unit_id == actor.unit.pk and d.forwarded_to_id is None
            for d in notice.deliveries.all()
        ):
            return message
    return None


def _visible(actor: Actor, case: str) -> Exists:
    """The case at ``case`` is one the unit may read: the choke point, as an indexed EXISTS."""
    return Exists(Case.objects.visible_to(actor).filter(pk=OuterRef(case)))


def inbox_segments(actor: Actor) -> list[Segment[Any] | Merged]:
    """The messages the unit sent or received, in cases it may read (BOX-1): those it has not
    acknowledged or read first, the most urgent first (its open message deliveries, index
    ``delivery_open_by_kind_idx``); then the rest, the newest first (its acknowledged ones,
    ``delivery_done_by_kind_idx``, merged with what it sent, ``notice_message_by_sender_idx``).
    Each part is an index range of messages alone, read without joins; only the keys read from
    it are asked whether the unit may read their case (the choke point)."""
    unit = actor.unit
    messages = Delivery.objects.filter(unit=unit, kind=Notice.Kind.MESSAGE)
    readable = _visible(actor, "notice__case_id")
    still_open = Delivery.objects.filter(
        notice=OuterRef("pk"), unit=unit, acknowledged_at__isnull=True
    )
    return [
        Segment(
            messages.filter(acknowledged_at__isnull=True).order_by(
                F("due_at").asc(nulls_last=True), "-pk"
            ),
            readable,
            key="notice_id",
        ),
        Merged(
            Segment(
                messages.filter(acknowledged_at__isnull=False).order_by("-notice_id"),
                readable,
                key="notice_id",
            ),
            # A message the unit sent and still has open (sent to itself) is listed above.
            Segment(
                Notice.objects.filter(sender_unit=unit, kind=Notice.Kind.MESSAGE).order_by("-pk"),
                _visible(actor, "case_id") & ~Exists(still_open),
            ),
        ),
    ]


# What a row of the inbox shows on the screen (``messaging/inbox.html``); the API shows all.
SHOWN = (
    "in_reply_to",
    "notice__subject",
    "notice__sent_at",
    "notice__sender_unit__name",
    "notice__case__person__first_name",
    "notice__case__person__last_name",
    "notice__case__person__identity_number",
)


def _shown(messages: QuerySet[Message]) -> QuerySet[Message]:
    return (
        messages.select_related("notice__sender_unit", "notice__case__person")
        .only(*SHOWN)
        .prefetch_related(
            Prefetch(
                "notice__deliveries",
                Delivery.objects.select_related("unit")
                .only("notice", "unit__name", "mode", "due_at", "acknowledged_at", "forwarded_to")
                .order_by("unit__name"),
            )
        )
    )


def inbox_page(
    actor: Actor, number: int | str | None = 1, everything: bool = False
) -> Window[Message]:
    """One page of the inbox (``inbox_segments``) in O(page): no COUNT, a handful of queries
    whatever the unit's history; only what a row shows is read (``everything``: what the API
    returns). The individuals shown are logged in one INSERT (SEC-2)."""
    read = _with_deliveries if everything else _shown

    def load(keys: list[int]) -> QuerySet[Message]:
        return read(Message.objects.filter(pk__in=keys))

    page = segmented(inbox_segments(actor), load, number, MESSAGES_PER_PAGE)
    log_many(
        actor,
        AccessLog.Action.READ,
        "messages.read",
        list({m.notice.case.person_id: m.notice.case.person for m in page}.values()),
    )
    return page


@dataclass(frozen=True)
class ThreadRow:
    """A thread as the stay and SIP pages list it: its first message, and how many replied."""

    pk: int
    subject: str
    sender_unit_name: str
    sent_at: dt.datetime
    replies_count: int


def _t(model: type[models.Model]) -> str:
    return model._meta.db_table


# The first message of each thread of the case with a message the unit sent or received (a
# forwarded one too: the new unit's delivery is of the same notice), newest first. One
# statement over the case's notices (``notice_case_sent_idx``) and each thread's messages: the
# ORM read every message of the unit in the county for the party check and built each thread's
# deliveries the list never shows (issue 11: 16 ms of the SIP page's ~50).
_OF_CASE = f"""
SELECT m.notice_id, n.subject, u.name, n.sent_at,
       (SELECT COUNT(*) FROM {_t(Message)} r WHERE r.thread_id = m.notice_id) - 1
FROM {_t(Message)} m
JOIN {_t(Notice)} n ON n.id = m.notice_id
JOIN {_t(Unit)} u ON u.id = n.sender_unit_id
WHERE n.case_id = %(case)s AND m.in_reply_to_id IS NULL AND EXISTS (
    SELECT 1 FROM {_t(Message)} p JOIN {_t(Notice)} pn ON pn.id = p.notice_id
    WHERE p.thread_id = m.notice_id AND (
        pn.sender_unit_id = %(unit)s OR EXISTS (
            SELECT 1 FROM {_t(Delivery)} d WHERE d.notice_id = pn.id AND d.unit_id = %(unit)s
        )
    )
)
ORDER BY n.sent_at DESC, m.notice_id DESC
"""


def of_case(actor: Actor, case: Case) -> list[ThreadRow]:
    """The threads of the case the unit is party to, newest first, for the stay and SIP pages
    (the case itself is read by the page, through the choke point)."""
    with connection.cursor() as cursor:
        cursor.execute(_OF_CASE, {"case": case.pk, "unit": actor.unit.pk})
        return [
            ThreadRow(pk, subject, unit, aware(sent_at), replies)
            for pk, subject, unit, sent_at, replies in cursor.fetchall()
        ]


def own_delivery(actor: Actor, message: Message) -> Delivery | None:
    """The unit's delivery of a message, from the prefetched deliveries."""
    return next((d for d in message.notice.deliveries.all() if d.unit_id == actor.unit.pk), None)


def status(delivery: Delivery, now: dt.datetime) -> str:
    """forwarded, for_information, read, acknowledged, late, overdue or due."""
    if delivery.forwarded_to_id is not None:
        return "forwarded"
    if delivery.mode == Delivery.Mode.FYI:
        return "read" if delivery.acknowledged_at else "for_information"
    if delivery.acknowledged_at is not None:
        late = delivery.due_at is not None and delivery.acknowledged_at >= delivery.due_at
        return "late" if late else "acknowledged"
    if delivery.due_at is not None and now >= delivery.due_at:
        return "overdue"
    return "due"
