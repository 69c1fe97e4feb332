"""Notices to the individual and their representatives (PAT-1, issue 15 item 5).

Opt-in, by e-mail or text message, and with no personal data in the message: "Du har en ny
kallelse i Samordna", nothing about whom or what. Two acts make one: an invitation sent
(``invitation_sent``) and a plan documented (``plan_documented``, a new version of the plan).

The outbox pattern: the acts' listener (``write``, registered in the app's ``ready``) writes one
``IndividualNotice`` per holder who opted in and channel, in the act's own transaction; the
worker (``run``) sends them afterwards. Should the listener itself fail (the population
register down, say), it gives up the notices in a savepoint and the act still commits; a mail
server or gateway that is down leaves the notice pending, tried again later, up to
``MAX_ATTEMPTS`` times. Who is told is ``people.subjects.holders_of``: whoever may see the
individual's pages now.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samordna.errors import Conflict, ServiceError
from samordna.notifications import sms
from samordna.notifications.models import IndividualNotice, IndividualPreference

logger = logging.getLogger(__name__)

KIND_OF_EVENT = {
    "invitation_sent": IndividualNotice.Kind.INVITATION,
    "plan_documented": IndividualNotice.Kind.PLAN,
}
TEXTS = {
    IndividualNotice.Kind.INVITATION: gettext_lazy(
        "You have a new invitation in Samordna. Log in to Samordna to read it."
    ),
    IndividualNotice.Kind.PLAN: gettext_lazy(
        "There is a new version of a plan in Samordna. Log in to Samordna to read it."
    ),
}
SUBJECT = gettext_lazy("News in Samordna")
BATCH = 50
MAX_ATTEMPTS = 6
LEASE = dt.timedelta(minutes=5)
_MOBILE = re.compile(r"(?:\+46|0046|0)(7[02369][0-9]{7})")


def text_of(kind: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(TEXTS[IndividualNotice.Kind(kind)])


# The holder's settings ------------------------------------------------------------------------


def preference(holder: str) -> IndividualPreference:
    """The holder's settings; the defaults (nothing sent, unsaved) when never changed."""
    return IndividualPreference.objects.filter(holder=holder).first() or IndividualPreference(
        holder=holder
    )


def mobile_number(raw: str) -> str:
    """A Swedish mobile number as +467XXXXXXXX; ServiceError for anything else."""
    compact = re.sub(r"[\s\-()]", "", raw)
    match = _MOBILE.fullmatch(compact) if len(compact) <= 20 else None
    if match is None:
        raise ServiceError(
            "invalid_phone", _("Enter a Swedish mobile number, e.g. 070-123 45 67."), "phone"
        )
    return f"+46{match[1]}"


@transaction.atomic
def update(
    holder: str, by_email: bool, email: str, by_sms: bool, phone: str, version: int
) -> IndividualPreference:
    """Save the holder's choices. An address is needed for a channel chosen; one given without
    the channel is kept (to switch on later)."""
    email, phone = email.strip(), phone.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ServiceError(
                "invalid_address", _("Enter a valid e-mail address."), "email"
            ) from None
    if by_email and not email:
        raise ServiceError(
            "address_required", _("Enter the e-mail address to be told at."), "email"
        )
    if phone:
        phone = mobile_number(phone)
    if by_sms and not sms.available():
        raise ServiceError(
            "sms_unavailable", _("Text messages are not available in this county."), "by_sms"
        )
    if by_sms and not phone:
        raise ServiceError("phone_required", _("Enter the mobile number to be told at."), "phone")
    pref, _created = IndividualPreference.objects.select_for_update().get_or_create(holder=holder)
    if pref.version != version:
        raise Conflict(
            "edit_conflict",
            _("Your settings were changed elsewhere in the meantime. Check them and save again."),
        )
    pref.by_email, pref.email, pref.by_sms, pref.phone = by_email, email, by_sms, phone
    pref.version = version + 1
    pref.save()
    return pref


# The acts' listener ---------------------------------------------------------------------------


def write(events: list[Any]) -> None:
    """``cases.acts.listen``: the notices of one act's invitations and new plan versions. In a
    savepoint of its own: whatever goes wrong here costs the notices, never the act."""
    wanted = [e for e in events if e.kind in KIND_OF_EVENT]
    if not wanted:
        return
    try:
        with transaction.atomic():
            _write(wanted)
    except Exception:
        logger.exception("notices to individuals not written for events %s", [e.pk for e in wanted])


def _write(events: list[Any]) -> None:
    from samordna.cases.models import Case  # cases' models are not needed at import
    from samordna.people.subjects import holders_of

    by_case: dict[int, list[Any]] = defaultdict(list)
    for event in events:
        by_case[event.case_id].append(event)
    cases = Case.objects.select_related("person__municipality__county").in_bulk(list(by_case))
    notices: list[IndividualNotice] = []
    for case_id, case_events in by_case.items():
        case = cases.get(case_id)
        if case is None or case.person is None:
            continue
        holders = [number for number, _relation in holders_of(case.person)]
        prefs = IndividualPreference.objects.filter(holder__in=holders)
        for pref in prefs:
            for event in case_events:
                kind = KIND_OF_EVENT[event.kind]
                if pref.by_email and pref.email:
                    notices.append(_notice(pref, event, kind, "email", pref.email))
                if pref.by_sms and pref.phone:
                    notices.append(_notice(pref, event, kind, "sms", pref.phone))
    IndividualNotice.objects.bulk_create(notices, ignore_conflicts=True)


def _notice(
    pref: IndividualPreference, event: Any, kind: str, channel: str, address: str
) -> IndividualNotice:
    return IndividualNotice(
        holder=pref.holder, event_id=event.pk, kind=kind, channel=channel, address=address
    )


# The worker -----------------------------------------------------------------------------------


def backoff(attempts: int) -> dt.timedelta:
    """1, 4, 16, 64 minutes ... after each failed try."""
    return dt.timedelta(minutes=4 ** max(0, attempts - 1))


def claim(now: dt.datetime, limit: int = BATCH) -> list[IndividualNotice]:
    """The notices due, each leased to this run (another worker skips them meanwhile)."""
    with transaction.atomic():
        due = IndividualNotice.objects.filter(
            state=IndividualNotice.State.PENDING, due_at__lte=now
        ).order_by("due_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        rows = list(due[:limit])
        if rows:
            IndividualNotice.objects.filter(pk__in=[r.pk for r in rows]).update(due_at=now + LEASE)
    return rows


def send(notice: IndividualNotice) -> None:
    """Hand the notice to the mail server or the SMS gateway; raises when they do not take it."""
    text = text_of(notice.kind)
    if notice.channel == IndividualNotice.Channel.SMS:
        sms.gateway().send(notice.address, text)
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = str(SUBJECT)
    EmailMessage(subject, text, to=[notice.address]).send()


def run(now: dt.datetime) -> int:
    """Worker job: send the notices due; returns how many were sent."""
    sent = 0
    for notice in claim(now):
        attempts = notice.attempts + 1
        try:
            send(notice)
        except Exception as error:  # a gateway's or mail server's failure, whatever it is
            given_up = attempts >= MAX_ATTEMPTS
            IndividualNotice.objects.filter(pk=notice.pk).update(
                attempts=attempts,
                state=IndividualNotice.State.FAILED if given_up else IndividualNotice.State.PENDING,
                due_at=now + backoff(attempts),
                last_error=f"{type(error).__name__}: {error}"[:200],
            )
            logger.warning("notice %s to an individual not sent: %s", notice.pk, error)
            continue
        IndividualNotice.objects.filter(pk=notice.pk).update(
            attempts=attempts,
            state=IndividualNotice.State.SENT,
            sent_at=timezone.now(),
            last_error="",
        )
        sent += 1
    return sent
