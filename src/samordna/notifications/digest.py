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
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Case, Exists, OuterRef, Prefetch, Subquery, Value, When
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from samordna.accounts.actor import Actor
from samordna.core.deadlines import next_reading_time
from samordna.core.rules import RuleSet
from samordna.notifications.models import Digest, Preference
from samordna.notifications.services import address_of
from samordna.organisations.models import County, Membership, Unit, User
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
    returns the number of mails sent. A constant number of queries per county, whatever the
    number of users: the users come with their preference, previous digest and units in one
    query each, the claims are one INSERT, each unit's items are read once for all its users
    (per distinct "since"), and the sent digests are marked in one UPDATE."""
    sent = 0
    for county in County.objects.all():
        slot = latest_reading_time(now, county.rule_set)
        if slot is not None:
            sent += _run_county(county, slot, now)
    return sent


@dataclass
class _Recipient:
    user: User
    address: str
    since: dt.datetime
    memberships: list[Membership]


def _recipients(county: County, slot: dt.datetime) -> list[_Recipient]:
    """The users of the county's units who want the digest of ``slot`` and have not had it."""
    claimed = Digest.objects.filter(user=OuterRef("pk"), slot=slot)
    previous = Digest.objects.filter(user=OuterRef("pk"), slot__lt=slot).order_by("-slot")
    in_county = Membership.objects.filter(
        unit__active=True, unit__principal__county=county
    ).select_related("unit")
    users = (
        User.objects.filter(
            is_active=True,
            memberships__unit__active=True,
            memberships__unit__principal__county=county,
        )
        .exclude(Exists(claimed))
        .exclude(notification_preference__digest=False)
        .select_related("notification_preference")
        .annotate(previous_claimed_at=Subquery(previous.values("claimed_at")[:1]))
        .prefetch_related(Prefetch("memberships", queryset=in_county, to_attr="county_memberships"))
        .distinct()
        .order_by("pk")
    )
    first = None  # the previous reading time: what counts as new for a first digest
    found = []
    for user in users:
        try:
            pref = user.notification_preference
        except Preference.DoesNotExist:
            pref = Preference(user=user)
        address = address_of(pref)
        if not pref.digest or not address:
            continue
        since = user.previous_claimed_at
        if since is None:
            if first is None:
                first = latest_reading_time(slot - dt.timedelta(microseconds=1), county.rule_set)
            since = first or slot
        found.append(_Recipient(user, address, since, user.county_memberships))
    return found


def _claim(recipients: list[_Recipient], slot: dt.datetime, now: dt.datetime) -> set[int]:
    """Insert the claim rows of ``slot`` in one statement; returns the users whose row this run
    inserted. A row another run (or a worker running at the same moment) inserted first is
    skipped by the unique constraint, and that user is not returned: only one run sends."""
    if not recipients:
        return set()
    table = connection.ops.quote_name(Digest._meta.db_table)
    rows = ", ".join(["(%s, %s, %s, %s, 0)"] * len(recipients))
    params: list[Any] = []
    when = connection.ops.adapt_datetimefield_value
    for r in recipients:
        params += [r.user.pk, when(slot), when(now), r.address]
    # The ORM has no INSERT ... ON CONFLICT DO NOTHING RETURNING; both PostgreSQL and SQLite
    # (3.35+) have it.
    sql = (
        f"INSERT INTO {table} (user_id, slot, claimed_at, address, items) VALUES {rows} "
        "ON CONFLICT (user_id, slot) DO NOTHING RETURNING user_id"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


def _run_county(county: County, slot: dt.datetime, now: dt.datetime) -> int:
    recipients = _recipients(county, slot)
    mine = _claim(recipients, slot, now)
    sections: dict[tuple[int, dt.datetime], dict[str, Any]] = {}
    due: dict[int, list[overview.Item]] = {}
    done: dict[int, int] = {}  # user pk -> items in the mail sent
    with translation.override(settings.LANGUAGE_CODE):
        for r in recipients:
            if r.user.pk not in mine:
                continue
            roles: dict[Unit, set[str]] = {}
            for membership in r.memberships:
                roles.setdefault(membership.unit, set()).add(membership.role)
            found = []
            for unit, unit_roles in roles.items():
                key = (unit.pk, r.since)
                if key not in sections:
                    actor = Actor(r.user, unit, frozenset(unit_roles), via="worker")
                    sections[key] = _section(actor, r.since, now, due)
                if sections[key]["count"]:
                    found.append(sections[key])
            if found and _mail(r, found, slot):
                done[r.user.pk] = sum(s["count"] for s in found)
    if done:
        Digest.objects.filter(slot=slot, user_id__in=done).update(
            sent_at=timezone.now(),
            items=Case(*(When(user_id=pk, then=Value(n)) for pk, n in done.items())),
        )
    return len(done)


def _mail(r: _Recipient, sections: list[dict[str, Any]], slot: dt.datetime) -> bool:
    context = {
        "user": r.user,
        "slot": timezone.localtime(slot),
        "sections": sections,
        "overview_url": base_url() + reverse("overview:overview"),
        "settings_url": base_url() + reverse("notifications:settings"),
    }
    subject = render_to_string("notifications/digest_subject.txt", context).strip()
    body = render_to_string("notifications/digest.txt", context)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [r.address])
    except OSError:
        # The mail server did not take it: give the slot back so the next run tries again.
        logger.exception("digest for user %s at %s not sent", r.user.pk, slot)
        Digest.objects.filter(user=r.user, slot=slot).delete()
        return False
    return True


def _section(
    actor: Actor, since: dt.datetime, now: dt.datetime, due_of: dict[int, list[overview.Item]]
) -> dict[str, Any]:
    """What is new for one unit and what it must do today; no individual is named, so nothing
    is read into the access log. The items depend on the unit only (the overview reads what
    is the unit's), so ``due_of`` keeps each unit's due list for its other users."""
    unit = actor.unit
    new = overview.collect(actor, now, sent_after=since, limit=LINES + 1)
    if unit.pk not in due_of:
        due_of[unit.pk] = overview.collect(actor, now, when=overview.DUE, limit=2 * LINES + 1)
    shown = {(i.kind, i.pk) for i in new}
    due = [i for i in due_of[unit.pk] if (i.kind, i.pk) not in shown]
    return {
        "unit": unit,
        "new": new[:LINES],
        "new_more": len(new) > LINES,
        "due": due[:LINES],
        "due_more": len(due) > LINES,
        "count": len(new) + len(due),
    }
