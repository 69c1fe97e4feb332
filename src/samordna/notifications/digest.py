"""BOX-3: one digest e-mail per user at the county's reading times, never one mail per event.

The reading times are the county's (``RuleSet.reading_times`` and ``reading_days``: Norrbotten
12:00 every day, seed 001_118551e475ece215.txt lines 689-690; Gävleborg 09:00 and 13:00 on
working days, seed 002_ca8314ba67d4fca6.txt line 116). At the latest reading time that has come,
each user who wants the digest gets one mail listing, for each of their units in the county,
what arrived since their previous digest and what is overdue or due today: the overview's own
item query (``overview.services.collect``). Nothing to say, no mail.

Idempotent and durable (issue 16 item 4): before sending, the job claims (user, reading time) by
inserting a ``Digest`` row, the mail's outbox row, ``pending`` with a lease, in its own
transaction; the unique constraint lets only one run, or one of two workers running at once,
insert it. Each mail is marked ``sent`` as soon as the mail server has taken it, and a reading
time with nothing to say is marked ``nothing``. A worker killed between claim and send leaves a
``pending`` row whose lease runs out (``settings.DIGEST_LEASE_SECONDS``); the next run takes it
over, one run only, and sends it then. Before the lease is out, another run sends nothing: the
first worker may still be sending. Every try of one digest has the same Message-ID.

Case contents are official documents under secrecy (seed 000_106b8acbeb42519c.txt, SEC-2) and
e-mail leaves the system: the mail names no individual, only what kind of item, which other unit
and when; the link leads to the logged overview.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Prefetch, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from samordna.accounts.actor import Actor
from samordna.core.calendar import STOCKHOLM
from samordna.core.deadlines import is_reading_day
from samordna.core.rules import RuleSet
from samordna.notifications.models import Digest, DigestState, Preference
from samordna.notifications.services import address_of
from samordna.operations import metrics
from samordna.organisations.models import County, Membership, Unit, User
from samordna.overview import services as overview

logger = logging.getLogger(__name__)

# Lines per list in one mail; the rest are counted ("and N more").
LINES = 20
# Far enough back to find the latest reading time across any run of holidays.
LOOKBACK = dt.timedelta(days=14)


def latest_reading_time(now: dt.datetime, rules: RuleSet) -> dt.datetime | None:
    """The last reading time at or before ``now``: the latest of the reading times of the
    nearest reading day back from today that has one by ``now`` (compared in UTC, as
    ``core.deadlines`` does, for the repeated hour when summer time ends). One pass per day,
    so a county that reads every few minutes costs no more than one that reads twice a day."""
    now_utc = now.astimezone(dt.UTC)
    day = now.astimezone(STOCKHOLM).date()
    for _ in range(LOOKBACK.days + 1):
        if is_reading_day(day, rules):
            moments = [dt.datetime.combine(day, t, tzinfo=STOCKHOLM) for t in rules.reading_times]
            passed = [m for m in moments if m.astimezone(dt.UTC) <= now_utc]
            if passed:
                return max(passed, key=lambda m: m.astimezone(dt.UTC))
        day -= dt.timedelta(days=1)
    return None


def base_url() -> str:
    """Where the service is reached, for the links in the mail."""
    return os.environ.get("SAMORDNA_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


def run(now: dt.datetime) -> int:
    """Send the digest of each county's latest reading time to every user who has not had it;
    returns the number of mails sent. A constant number of queries per county, whatever the
    number of users: the users come with their preference, previous digest and units in one
    query each, the claims are one INSERT and one UPDATE (the take-overs), each unit's items
    are read once for all its users (per distinct "since"), and the digests with nothing to say
    are marked in one UPDATE. Writing is one UPDATE per mail sent, right after the mail server
    took it, so that a worker killed in the middle of a run resends at most the one mail it
    was sending when it died, and one UPDATE just before each mail that checks the row is
    still this run's (its lease not taken over) and renews the lease."""
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


def _recipients(county: County, slot: dt.datetime, now: dt.datetime) -> list[_Recipient]:
    """The users of the county's units who want the digest of ``slot`` and have not had it: no
    row for it yet, or a ``pending`` one whose lease ran out (its worker died)."""
    claimed = Digest.objects.filter(user=OuterRef("pk"), slot=slot).exclude(
        state=DigestState.PENDING, lease_until__lte=now
    )
    # What the previous digest covered: one sent, or one that had nothing to say. A row never
    # sent (superseded) covered nothing, so its items are new in this one.
    previous = Digest.objects.filter(
        user=OuterRef("pk"), slot__lt=slot, state__in=[DigestState.SENT, DigestState.NOTHING]
    ).order_by("-slot")
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


def lease_until(now: dt.datetime) -> dt.datetime:
    return now + dt.timedelta(seconds=settings.DIGEST_LEASE_SECONDS)


def _claim(recipients: list[_Recipient], slot: dt.datetime, now: dt.datetime) -> dict[int, int]:
    """Claim the digests of ``slot`` for ``recipients`` in one transaction; returns user pk ->
    digest pk for the rows this run holds. New rows are inserted in one statement, skipped by
    the unique constraint when another run (or a worker running at the same moment) inserted
    first; a ``pending`` row whose lease ran out is taken over by one UPDATE, which PostgreSQL
    re-checks after a concurrent run's commit, so only one of two workers takes it. Older
    digests of these users never sent are superseded: this one covers their items."""
    if not recipients:
        return {}
    table = connection.ops.quote_name(Digest._meta.db_table)
    when = connection.ops.adapt_datetimefield_value
    rows = ", ".join(["(%s, %s, %s, %s, 0, %s, %s, 1)"] * len(recipients))
    params: list[Any] = []
    for r in recipients:
        params += [r.user.pk, when(slot), when(now), r.address, DigestState.PENDING]
        params.append(when(lease_until(now)))
    users = [r.user.pk for r in recipients]
    marks = ", ".join(["%s"] * len(users))
    # The ORM has no INSERT ... ON CONFLICT DO NOTHING RETURNING, nor UPDATE ... RETURNING;
    # both PostgreSQL and SQLite (3.35+) have them.
    insert = (
        f"INSERT INTO {table} (user_id, slot, claimed_at, address, items, state, lease_until,"
        f" attempts) VALUES {rows} ON CONFLICT (user_id, slot) DO NOTHING RETURNING user_id, id"
    )
    take_over = (
        f"UPDATE {table} SET lease_until = %s, attempts = attempts + 1 WHERE slot = %s"
        f" AND state = %s AND lease_until <= %s AND user_id IN ({marks}) RETURNING user_id, id"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(insert, params)
        mine = dict(cursor.fetchall())
        cursor.execute(
            take_over,
            [when(lease_until(now)), when(slot), DigestState.PENDING, when(now), *users],
        )
        taken = dict(cursor.fetchall())
        mine.update(taken)
        if mine:
            Digest.objects.filter(
                user_id__in=list(mine), slot__lt=slot, state=DigestState.PENDING
            ).update(state=DigestState.SUPERSEDED, lease_until=None)
    if taken:
        logger.warning("took over %d digests at %s whose worker did not finish", len(taken), slot)
        metrics.count("digest", "taken_over", len(taken))
    return mine


def _run_county(county: County, slot: dt.datetime, now: dt.datetime) -> int:
    recipients = _recipients(county, slot, now)
    mine = _claim(recipients, slot, now)
    lease = lease_until(now)  # what this run's claims hold until: the mark of its ownership
    sections: dict[tuple[int, dt.datetime], dict[str, Any]] = {}
    due: dict[int, list[overview.Item]] = {}
    sent = 0
    nothing: list[int] = []  # digest pks with nothing to say
    with translation.override(settings.LANGUAGE_CODE):
        for r in recipients:
            if r.user.pk not in mine:
                continue
            pk = mine[r.user.pk]
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
            if not found:
                nothing.append(pk)
                continue
            # Still ours? A run slower than the lease may have lost the row to another worker,
            # which then sends it: this one must not. Holding it renews the lease.
            held = lease_until(timezone.now())
            if not Digest.objects.filter(
                pk=pk, state=DigestState.PENDING, lease_until=lease
            ).update(lease_until=held):
                logger.warning("digest %s was taken over by another run; not sent here", pk)
                continue
            if _mail(r, pk, found, slot):
                Digest.objects.filter(pk=pk, state=DigestState.PENDING).update(
                    state=DigestState.SENT,
                    sent_at=timezone.now(),
                    items=sum(s["count"] for s in found),
                    lease_until=None,
                )
                sent += 1
    if nothing:
        Digest.objects.filter(pk__in=nothing, state=DigestState.PENDING, lease_until=lease).update(
            state=DigestState.NOTHING, lease_until=None
        )
    return sent


def message_id(digest_pk: int) -> str:
    """The Message-ID of one digest (RFC 5322), the same on every try, in the sender's domain."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "samordna.invalid"
    return f"<digest-{digest_pk}@{domain}>"


def _mail(r: _Recipient, pk: int, sections: list[dict[str, Any]], slot: dt.datetime) -> bool:
    context = {
        "user": r.user,
        "slot": timezone.localtime(slot),
        "sections": sections,
        "overview_url": base_url() + reverse("overview:overview"),
        "settings_url": base_url() + reverse("notifications:settings"),
    }
    subject = render_to_string("notifications/digest_subject.txt", context).strip()
    body = render_to_string("notifications/digest.txt", context)
    message = EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [r.address],
        headers={"Message-ID": message_id(pk)},
    )
    try:
        message.send()
    except OSError:
        # The mail server did not take it: end the lease so the next run tries again.
        logger.exception("digest %s for user %s at %s not sent", pk, r.user.pk, slot)
        metrics.count("digest", "failed")
        Digest.objects.filter(pk=pk, state=DigestState.PENDING).update(lease_until=timezone.now())
        return False
    metrics.count("digest", "sent")
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
