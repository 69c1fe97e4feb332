"""Webhooks (API-3): subscriptions, the transactional outbox and what each delivery did.

A ``Subscription`` is a system at one unit that wants to hear of some kinds of events. It hears
only of cases its unit sees when the event happens (the same ``ParticipationQuerySet`` as the
visibility choke point), and the payload carries ids only: the system reads the rest through the
API with its token, where every read is checked and logged.

The outbox is two tables written in the act's own transaction: ``OutboxEvent`` (what happened,
with the stable ``webhook-id``) and one ``OutboxDelivery`` per subscription that wants it, with
its own state and lease. The worker claims a delivery by setting a lease, posts it outside any
transaction, and marks it sent only while it still holds that lease, so a killed worker's
delivery is taken up again once its lease runs out and never by two workers at once.
"""

from __future__ import annotations

import base64
import secrets
import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samordna.cases.models import Case, Delivery, Event
from samordna.organisations.models import Unit


class EventType(models.TextChoices):
    """What a receiver can subscribe to; the names follow Standard Webhooks' ``noun.verb``."""

    CASE_OPENED = "case.opened", _("Case opened")
    CASE_CLOSED = "case.closed", _("Case closed")
    CONSENT_CHANGED = "consent.changed", _("Consent given, refused or withdrawn")
    INVITATION_SENT = "invitation.sent", _("Invitation sent")
    INVITATION_CHANGED = "invitation.changed", _("Invitation changed or meeting cancelled")
    INVITATION_ANSWERED = "invitation.answered", _("Invitation acknowledged or answered")
    MEETING_RECORDED = "meeting.recorded", _("Meeting recorded")
    PLAN_DOCUMENTED = "plan.documented", _("Plan documented")
    PLAN_FOLLOWED_UP = "plan.followed_up", _("Plan followed up or evaluated")
    STAY_REGISTERED = "stay.registered", _("Stay registered")
    ADMISSION_NOTICE_SENT = "admission_notice.sent", _("Admission notice sent")
    EXPECTED_DISCHARGE_CHANGED = "expected_discharge.changed", _("Expected discharge changed")
    READY_NOTICE_SENT = "ready_notice.sent", _("Ready-for-discharge notice sent")
    DISCHARGE_NOTICE_SENT = "discharge_notice.sent", _("Discharge notice sent (discharge)")
    NOTICE_ACKNOWLEDGED = "notice.acknowledged", _("Notice acknowledged")
    ACKNOWLEDGEMENT_OVERDUE = "acknowledgement.overdue", _("Acknowledgement overdue")
    MESSAGE_SENT = "message.sent", _("Message sent or answered")


# Timeline kinds (``cases.models.EVENT_LABELS``) and the event type a receiver hears them as.
# Kinds not listed (a draft saved, an assessment entry) are work in progress, not news.
TYPE_OF_KIND: dict[str, EventType] = {
    "opened": EventType.CASE_OPENED,
    "closed": EventType.CASE_CLOSED,
    "consent_given": EventType.CONSENT_CHANGED,
    "consent_refused": EventType.CONSENT_CHANGED,
    "consent_withdrawn": EventType.CONSENT_CHANGED,
    "invitation_sent": EventType.INVITATION_SENT,
    "invitation_changed": EventType.INVITATION_CHANGED,
    "invitation_cancelled": EventType.INVITATION_CHANGED,
    "invitation_acknowledged": EventType.INVITATION_ANSWERED,
    "invitation_accepted": EventType.INVITATION_ANSWERED,
    "invitation_declined": EventType.INVITATION_ANSWERED,
    "meeting_recorded": EventType.MEETING_RECORDED,
    "meeting_record_corrected": EventType.MEETING_RECORDED,
    "plan_documented": EventType.PLAN_DOCUMENTED,
    "follow_up_comment": EventType.PLAN_FOLLOWED_UP,
    "plan_evaluated": EventType.PLAN_FOLLOWED_UP,
    "stay_registered": EventType.STAY_REGISTERED,
    "admission_notice_sent": EventType.ADMISSION_NOTICE_SENT,
    "expected_discharge_changed": EventType.EXPECTED_DISCHARGE_CHANGED,
    "ready_notice_sent": EventType.READY_NOTICE_SENT,
    "discharge_notice_sent": EventType.DISCHARGE_NOTICE_SENT,
    "notice_acknowledged": EventType.NOTICE_ACKNOWLEDGED,
    "message_sent": EventType.MESSAGE_SENT,
    "message_replied": EventType.MESSAGE_SENT,
}


def new_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class Subscription(models.Model):
    name = models.CharField(_("system name"), max_length=100)
    unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        related_name="webhook_subscriptions",
        verbose_name=_("unit"),
        help_text=_("Events are sent only about cases this unit sees when they happen."),
    )
    url = models.URLField(
        _("URL"), max_length=500, help_text=_("Where events are posted (https in production).")
    )
    secret = models.CharField(
        _("secret"),
        max_length=100,
        default=new_secret,
        help_text=_("The signing secret (Standard Webhooks, whsec_…); give it to the receiver."),
    )
    event_types = models.JSONField(
        _("event types"), default=list, help_text=_("The kinds of events the system receives.")
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    # Optimistic locking of changes through the API (SEC-4): a change names the version it read.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        indexes = [
            models.Index(
                fields=["unit"], condition=Q(active=True), name="webhook_sub_active_unit_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"


def new_message_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


class OutboxEvent(models.Model):
    """Something that happened, written with the act; its ``message_id`` is the ``webhook-id``
    every delivery and retry of it carries, for the receiver's de-duplication."""

    message_id = models.CharField(
        _("event id"), max_length=40, unique=True, default=new_message_id, editable=False
    )
    type = models.CharField(_("type"), max_length=40, choices=EventType.choices)
    case = models.ForeignKey(Case, models.CASCADE, related_name="+", verbose_name=_("case"))
    timeline_event = models.OneToOneField(
        Event, models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The notice delivery whose acknowledgement is overdue: at most one such event each.
    overdue_delivery = models.OneToOneField(
        Delivery, models.CASCADE, null=True, blank=True, related_name="webhook_overdue"
    )
    payload = models.JSONField(_("payload"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")

    def __str__(self) -> str:
        return f"{self.type} {self.message_id}"


class OutboxDelivery(models.Model):
    """One event to one subscription: pending until the receiver answered 2xx (sent), or until
    every attempt failed (failed). ``case`` is the event's, kept here so that the worker's
    "nothing earlier of this case is still unsent" test is one index probe."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, no more attempts")

    event = models.ForeignKey(
        OutboxEvent, models.CASCADE, related_name="deliveries", verbose_name=_("event")
    )
    subscription = models.ForeignKey(
        Subscription, models.CASCADE, related_name="deliveries", verbose_name=_("subscription")
    )
    case = models.ForeignKey(Case, models.CASCADE, related_name="+", verbose_name=_("case"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # A worker holds the delivery until ``lease_until``: set when claimed, cleared when done.
    lease_until = models.DateTimeField(_("leased until"), null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_status = models.PositiveIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "subscription"], name="one_webhook_delivery_per_subscription"
            )
        ]
        indexes = [
            # The worker's queue, and the earlier-unsent probe per subscription and case.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="pending"),
                name="webhook_delivery_due_idx",
            ),
            models.Index(
                fields=["subscription", "case", "id"],
                condition=Q(state="pending"),
                name="webhook_delivery_order_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription}"


class Attempt(models.Model):
    """One HTTP request of a delivery, for the administrators' view of failures."""

    delivery = models.ForeignKey(
        OutboxDelivery, models.CASCADE, related_name="attempt_log", verbose_name=_("delivery")
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    status = models.PositiveIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        at = timezone.localtime(self.at)
        return f"{self.delivery_id} {at:%Y-%m-%d %H:%M:%S} {self.status or self.error}"
