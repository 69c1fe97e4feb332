"""Messages over REST (API-1; MSG-1 to MSG-3): send, list, read a thread, reply, acknowledge,
forward. The same acts as the screens (``messaging.services``); units are named by their code,
errors are the API's ``{"code", "message", "field"}``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from samordna.accounts.actor import Actor
from samordna.api.common import ERRORS, actor_of, auth
from samordna.cases.models import Delivery
from samordna.errors import ServiceError
from samordna.messaging import content
from samordna.messaging.models import Message, Template
from samordna.messaging.services import reading as message_reading
from samordna.messaging.services import sending as message_sending
from samordna.organisations.models import Unit
from samordna.validation import Code, Limit, LongText, NoNul, Text

router = Router(tags=["messages"], auth=auth)


class RecipientIn(Schema):
    unit: Code = Field(..., description="Unit code")
    mode: Delivery.Mode = Delivery.Mode.ACK


class MessageIn(Schema):
    case: int | None = Field(None, description="A stay or SIP case the message belongs to")
    person: int | None = Field(
        None,
        description="Otherwise the individual: the active SIP the unit takes part in, or a new "
        "message case",
    )
    recipients: list[RecipientIn]
    subject: Text = ""
    body: LongText = ""
    template: Template = Template.GENERAL
    fields: Annotated[dict[str, Any], NoNul] = Field(
        default_factory=dict,
        description="The template's fields (MSG-3; the SIP initiative and request, SIP-20); empty "
        "for general",
    )
    consent_confirmed: bool = Field(
        False, description="Required when the message opens a message case"
    )


class MessageReplyIn(Schema):
    body: LongText
    mode: Delivery.Mode = Delivery.Mode.ACK


class MessageForwardIn(Schema):
    unit: Code = Field(..., description="Code of the unit to forward to")
    note: Annotated[str, Limit(1000)]


class MessageDeliveryOut(Schema):
    id: int
    unit: str
    mode: str
    due_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None
    forwarded_to: str | None = Field(None, description="Unit code the message was forwarded to")
    forward_note: str | None
    status: str = Field(
        ..., description="due, overdue, acknowledged, late, for_information or read"
    )


class MessageOut(Schema):
    id: int
    thread: int
    in_reply_to: int | None
    case: int
    case_kind: str
    person: int
    subject: str
    template: str
    fields: dict[str, Any]
    body: str
    sent_at: dt.datetime
    sender: str
    sender_unit: str
    suggests_home_care: bool = Field(
        ..., description="A single home visit over 14 days: consider home health care"
    )
    suggests_sip: bool = Field(
        ...,
        description='A home-care referral with "SIP needed" ticked, or the municipality\'s '
        "request for a SIP (SIP-20): the recipient is asked to open a SIP for the individual",
    )
    deliveries: list[MessageDeliveryOut]


class ThreadOut(Schema):
    subject: str
    messages: list[MessageOut]


def _delivery(d: Delivery, now: dt.datetime) -> dict[str, Any]:
    forwarding = getattr(d, "message_forwarding", None)
    return {
        "id": d.pk,
        "unit": d.unit.code,
        "mode": d.mode,
        "due_at": d.due_at,
        "acknowledged_at": d.acknowledged_at,
        "acknowledged_by": d.acknowledged_by.username if d.acknowledged_by else None,
        "forwarded_to": d.forwarded_to.unit.code if d.forwarded_to else None,
        "forward_note": forwarding.note if forwarding else None,
        "status": message_reading.status(d, now),
    }


def message_out(m: Message) -> dict[str, Any]:
    """A message with its deliveries prefetched (``services._with_deliveries``)."""
    notice = m.notice
    now = timezone.now()
    return {
        "id": m.pk,
        "thread": m.thread_id,
        "in_reply_to": m.in_reply_to_id,
        "case": notice.case_id,
        "case_kind": notice.case.kind,
        "person": notice.case.person_id,
        "subject": notice.subject,
        "template": m.template,
        "fields": m.fields,
        "body": m.body,
        "sent_at": notice.sent_at,
        "sender": notice.sender.username,
        "sender_unit": notice.sender_unit.code,
        "suggests_home_care": content.suggests_home_care(m.template, m.fields),
        "suggests_sip": content.suggests_sip(m.template, m.fields),
        "deliveries": [_delivery(d, now) for d in notice.deliveries.all()],
    }


def _thread(actor: Actor, pk: int) -> dict[str, Any]:
    found = message_reading.thread(actor, pk)
    return {"subject": found.subject, "messages": [message_out(m) for m in found.messages]}


def _unit(code: str, field: str) -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise ServiceError("invalid_unit", _("Unknown unit: %(code)s") % {"code": code}, field)
    return unit


@router.post("", response={201: ThreadOut, **ERRORS})
def send(request: HttpRequest, payload: MessageIn) -> Any:
    """Send a message within a case (`case`) or about an individual (`person`)."""
    actor = actor_of(request)
    message = message_sending.send(
        actor,
        [(_unit(r.unit, "recipients"), r.mode) for r in payload.recipients],
        case_pk=payload.case,
        person_pk=payload.person,
        subject=payload.subject,
        body=payload.body,
        template=payload.template,
        fields=payload.fields,
        consent_confirmed=payload.consent_confirmed,
    )
    return Status(201, _thread(actor, message.pk))


@router.get("", response={200: list[MessageOut], **ERRORS})
def list_messages(request: HttpRequest, page: int = 1) -> Any:
    """The unit's messages, sent and received: to acknowledge or unread first, the most urgent
    first, then the newest; 25 a page."""
    page_ = message_reading.inbox_page(actor_of(request), page, everything=True)
    return [message_out(m) for m in page_]


@router.get("/{message_id}", response={200: ThreadOut, **ERRORS})
def get_thread(request: HttpRequest, message_id: int) -> Any:
    """The whole thread of a message. Reading it records that messages for information to the
    unit are read."""
    return _thread(actor_of(request), message_id)


@router.post("/{message_id}/reply", response={201: ThreadOut, **ERRORS})
def reply(request: HttpRequest, message_id: int, payload: MessageReplyIn) -> Any:
    """Reply to the other party of the message."""
    actor = actor_of(request)
    answer = message_sending.reply(actor, message_id, payload.body, payload.mode)
    return Status(201, _thread(actor, answer.pk))


@router.post("/deliveries/{delivery_id}/acknowledge", response={200: ThreadOut, **ERRORS})
def acknowledge(request: HttpRequest, delivery_id: int) -> Any:
    actor = actor_of(request)
    delivery = message_sending.acknowledge(actor, delivery_id)
    return _thread(actor, delivery.notice_id)


@router.post("/deliveries/{delivery_id}/forward", response={200: ThreadOut, **ERRORS})
def forward(request: HttpRequest, delivery_id: int, payload: MessageForwardIn) -> Any:
    """Forward a wrongly addressed message; the new unit gets its own delivery."""
    actor = actor_of(request)
    new = message_sending.forward(actor, delivery_id, _unit(payload.unit, "unit").pk, payload.note)
    return _thread(actor, new.notice_id)
