"""Worker job: deliver the outbox (API-3), at least once, in order per subscription and case.

1. *Claim* (a short transaction): the due pending deliveries of active subscriptions that no
   earlier unsent delivery of the same subscription and case waits before (so a case's events
   arrive in the order they happened, a failing one holding back the later ones), locked with
   ``SKIP LOCKED`` and given a lease (``lease_until``, ``lease_token``).
2. *Post* outside any transaction: the payload, signed per Standard Webhooks, with short
   timeouts; redirects are not followed.
3. *Finish* (a short transaction): only while the lease is still this worker's, mark the
   delivery sent (a 2xx answer) or schedule the next attempt with exponential backoff, and log
   the attempt.

A worker killed between 1 and 3 leaves a lease that runs out after ``LEASE``; the delivery is
then claimed again. A kill after the receiver answered and before 3 committed makes the one
possible repetition, with the same ``webhook-id``, which is why receivers de-duplicate on it.
Acts never wait for any of this: they only write rows.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
import time
from dataclasses import dataclass

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from samordna.operations import metrics
from samordna.webhooks import signing
from samordna.webhooks.models import Attempt, OutboxDelivery

logger = logging.getLogger(__name__)

# The request timeouts, the lease margin and the batch come from settings (WEBHOOK_*: 3 s
# connect, 10 s read, 30 s margin, 20 per claim in production). A lease covers every request of
# the batch at its slowest (connect + read + SLACK) and the margin, so it never runs out while
# its worker may still post; a worker that finds too little of it left stops and lets it run
# out instead.
SLACK = 2.0


def timeouts() -> tuple[float, float]:
    return settings.WEBHOOK_CONNECT_TIMEOUT, settings.WEBHOOK_READ_TIMEOUT


def per_request() -> dt.timedelta:
    return dt.timedelta(seconds=sum(timeouts()) + SLACK)


# One run stops claiming after this long, so the worker's other jobs get their turn.
RUN_SECONDS = 45.0
# Backoff: 30 s, 1 min, 2 min, ... doubling, at most 12 h between attempts; after
# MAX_ATTEMPTS (about 36 hours in all) the delivery is failed and shown to the administrators.
FIRST_DELAY = dt.timedelta(seconds=30)
MAX_DELAY = dt.timedelta(hours=12)
MAX_ATTEMPTS = 14


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed attempt."""
    return min(FIRST_DELAY * 2 ** (attempts - 1), MAX_DELAY)


@dataclass
class Claimed:
    pk: int
    token: str
    url: str
    secret: str
    message_id: str
    body: bytes
    attempts: int
    lease_until: dt.datetime


def due(now: dt.datetime) -> Q:
    """Pending deliveries to send now: of active subscriptions of open units (what was queued
    before a unit closed waits for it to open again). The worker's lag is measured on these
    (``apps.oldest_due_webhook``), so a closed unit's held deliveries raise no alarm."""
    return Q(
        state=OutboxDelivery.State.PENDING,
        next_attempt_at__lte=now,
        subscription__active=True,
        subscription__unit__active=True,
    )


def claim(now: dt.datetime, limit: int | None = None) -> list[Claimed]:
    earlier = OutboxDelivery.objects.filter(
        subscription=OuterRef("subscription"),
        case=OuterRef("case"),
        state=OutboxDelivery.State.PENDING,
        pk__lt=OuterRef("pk"),
    )
    with transaction.atomic():
        rows = list(
            OutboxDelivery.objects.select_for_update(of=("self",), skip_locked=True)
            .filter(due(now))
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .filter(~Exists(earlier))
            .select_related("subscription", "event")
            .order_by("pk")[: limit or settings.WEBHOOK_BATCH]
        )
        if not rows:
            return []
        token = secrets.token_hex(16)
        taken_over = sum(1 for r in rows if r.lease_until is not None)  # a dead worker's
        if taken_over:
            metrics.count("webhook", "taken_over", taken_over)
        margin = dt.timedelta(seconds=settings.WEBHOOK_LEASE_MARGIN_SECONDS)
        lease_until = now + margin + per_request() * len(rows)
        OutboxDelivery.objects.filter(pk__in=[r.pk for r in rows]).update(
            lease_until=lease_until, lease_token=token
        )
    return [
        Claimed(
            pk=r.pk,
            token=token,
            url=r.subscription.url,
            secret=r.subscription.secret,
            message_id=r.event.message_id,
            body=json.dumps(r.event.payload, separators=(",", ":"), ensure_ascii=False).encode(),
            attempts=r.attempts,
            lease_until=lease_until,
        )
        for r in rows
    ]


def post(item: Claimed, now: dt.datetime) -> tuple[int | None, str]:
    """Send one delivery; returns the HTTP status (None when there was no answer) and an
    error text without the body (a receiver's answer may echo what we sent)."""
    headers = signing.headers(item.secret, item.message_id, int(now.timestamp()), item.body)
    try:
        with requests.post(
            item.url,
            data=item.body,
            headers=headers,
            timeout=timeouts(),
            allow_redirects=False,
            stream=True,  # the answer's body is not read: the status decides
        ) as response:
            status = response.status_code
    except requests.RequestException as error:
        return None, type(error).__name__
    return status, "" if 200 <= status < 300 else f"HTTP {status}"


def finish(item: Claimed, status: int | None, error: str, duration_ms: int) -> bool:
    """Record the outcome while the lease is ours; False when another worker took it over."""
    now = timezone.now()
    mine = OutboxDelivery.objects.filter(
        pk=item.pk, lease_token=item.token, state=OutboxDelivery.State.PENDING
    )
    attempts = item.attempts + 1
    with transaction.atomic():
        if status is not None and 200 <= status < 300:
            changes = {"state": OutboxDelivery.State.SENT, "sent_at": now, "last_error": ""}
        elif attempts >= MAX_ATTEMPTS:
            changes = {"state": OutboxDelivery.State.FAILED, "last_error": error}
        else:
            changes = {"next_attempt_at": now + backoff(attempts), "last_error": error}
        updated = mine.update(
            attempts=F("attempts") + 1,
            last_status=status,
            lease_until=None,
            lease_token="",
            **changes,
        )
        if updated:
            Attempt.objects.create(
                delivery_id=item.pk, at=now, status=status, error=error, duration_ms=duration_ms
            )
    if updated:
        metrics.count("webhook", "failed" if error else "sent")
    return bool(updated)


def run(now: dt.datetime) -> int:
    """Deliver what is due; returns how many deliveries were sent successfully. Reads the
    clock itself after ``now`` (a run may post for many seconds)."""
    sent = 0
    started = time.monotonic()
    while time.monotonic() - started < RUN_SECONDS:
        batch = claim(now)
        if not batch:
            break
        for item in batch:
            if timezone.now() + per_request() > item.lease_until:
                break  # the rest of the batch is left to its lease running out
            begun = time.monotonic()
            status, error = post(item, timezone.now())
            ms = int((time.monotonic() - begun) * 1000)
            if finish(item, status, error, ms) and not error:
                sent += 1
            elif error:
                logger.info("webhook delivery %s failed: %s", item.pk, error)
        now = timezone.now()
    return sent
