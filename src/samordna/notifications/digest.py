"""BOX-3: one digest e-mail per user at the county's reading times, never one mail per event.

The reading times are the county's (``RuleSet.reading_times`` and ``reading_days``: Norrbotten
12:00 every day, seed 001_118551e475ece215.txt lines 689-690; Gävleborg 09:00 and 13:00 on
working days, seed 002_ca8314ba67d4fca6.txt line 116). At the latest reading time that has come,
each user who wants the digest gets one mail listing, for each of their units in the county,
what arrived since their previous digest and what is overdue or due today: the overview's own
item query (``overview.services.collect``). Nothing to say, no mail.

Idempotent: before sending, the job claims (user, reading time) by inserting a ``Digest`` row in
its own transaction; the unique constraint lets only one run, or one of two workers running at
once, insert it. A run that loses the race, or comes later, sends nothing.

Case contents are official documents under secrecy (seed 000_106b8acbeb42519c.txt, SEC-2) and
e-mail leaves the system: the mail names no individual, only what kind of item, which other unit
and when; the link leads to the logged overview.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from samordna.accounts.actor import Actor
from samordna.core.deadlines import next_reading_time
from samordna.core.rules import RuleSet
from samordna.notifications.models import Digest, Preference
from samordna.notifications.services import address_of
from samordna.organisations.models import County, Unit, User
from samordna.overview import services as overview

logger = logging.getLogger(__name__)

# Lines per list in one mail; the rest are counted ("and N more").
LINES = 20
# Far enough back to find the latest reading time across any run of holidays.
LOOKBACK = dt.timedelta(days=14)


def latest_reading_time(now: dt.datetime, rules: RuleSet) -> dt.datetime | None:
    """The last reading time at or before ``now``."""
    latest, moment = None, now - LOOKBACK
    while (found := next_reading_time(moment, rules)) <= now:
        latest = moment = found
    return latest


def base_url() -> str:
    """Where the service is reached, for the links in the mail."""
    return os.environ.get("SAMORDNA_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


def run(now: dt.datetime) -> int:
    """Send the digest of each county's latest reading time to every user who has not had it;
    returns the number of mails sent."""
    sent = 0
    for county in County.objects.all():
        slot = latest_reading_time(now, county.rule_set)
        if slot is None:
            continue
        claimed = Digest.objects.filter(user=OuterRef("pk"), slot=slot)
        users = (
            User.objects.filter(
                is_active=True,
                memberships__unit__active=True,
                memberships__unit__principal__county=county,
            )
            .exclude(Exists(claimed))
            .exclude(notification_preference__digest=False)
            .distinct()
            .order_by("pk")
        )
        for user in users:
            sent += _send(user, county, slot, now)
    return sent


def _since(user: User, slot: dt.datetime, rules: RuleSet) -> dt.datetime:
    """What counts as new: what came after the user's previous digest was put together, or
    after the previous reading time for the first one."""
    previous = Digest.objects.filter(user=user, slot__lt=slot).order_by("-slot").first()
    if previous is not None:
        return previous.claimed_at
    return latest_reading_time(slot - dt.timedelta(microseconds=1), rules) or slot


def _claim(user: User, slot: dt.datetime, address: str, now: dt.datetime) -> Digest | None:
    try:
        with transaction.atomic():
            return Digest.objects.create(user=user, slot=slot, address=address, claimed_at=now)
    except IntegrityError:
        return None  # another run has it


def _send(user: User, county: County, slot: dt.datetime, now: dt.datetime) -> int:
    pref = Preference.objects.filter(user=user).first() or Preference(user=user)
    address = address_of(pref)
    if not pref.digest or not address:
        return 0
    since = _since(user, slot, county.rule_set)
    digest = _claim(user, slot, address, now)
    if digest is None:
        return 0
    units = Unit.objects.filter(
        active=True, principal__county=county, memberships__user=user
    ).distinct()
    with translation.override(settings.LANGUAGE_CODE):
        sections = [s for s in (_section(user, unit, since, now) for unit in units) if s["count"]]
        if not sections:
            return 0
        context = {
            "user": user,
            "slot": timezone.localtime(slot),
            "sections": sections,
            "overview_url": base_url() + reverse("overview:overview"),
            "settings_url": base_url() + reverse("notifications:settings"),
        }
        subject = render_to_string("notifications/digest_subject.txt", context).strip()
        body = render_to_string("notifications/digest.txt", context)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    except OSError:
        # The mail server did not take it: give the slot back so the next run tries again.
        logger.exception("digest for user %s at %s not sent", user.pk, slot)
        digest.delete()
        return 0
    count = sum(s["count"] for s in sections)
    Digest.objects.filter(pk=digest.pk).update(sent_at=timezone.now(), items=count)
    return 1


def _section(user: User, unit: Unit, since: dt.datetime, now: dt.datetime) -> dict[str, Any]:
    """What is new for one unit and what it must do today; no individual is named, so nothing
    is read into the access log."""
    actor = Actor.for_unit(user, unit, via="worker")
    new = overview.collect(actor, now, sent_after=since, limit=LINES + 1)
    shown = {(i.kind, i.pk) for i in new}
    due = [
        i
        for i in overview.collect(actor, now, when=overview.DUE, limit=2 * LINES + 1)
        if (i.kind, i.pk) not in shown
    ]
    return {
        "unit": unit,
        "new": new[:LINES],
        "new_more": len(new) > LINES,
        "due": due[:LINES],
        "due_more": len(due) > LINES,
        "count": len(new) + len(due),
    }
