"""BOX-1: everything a unit needs to act on, most urgent first, in a bounded number of queries.

The items come from five sources, each one indexed query over the unit's open rows, restricted to
the cases the unit takes part in (``Case.objects.visible_to``, the one choke point, SEC-1) and
limited to one page: deliveries to the unit not yet acknowledged (invitations, notices about
stays, messages), deliveries the unit sent that are past their acknowledgement time ("late and
missing acknowledgements are visible to the sender"), the unit's open deadlines (``Obligation``,
follow-ups among them), upcoming SIP meetings it is invited to or holds, and expected discharge
dates of the active stays it takes part in. Every count, for the header, the filters and the poll
that updates the page, comes from one UNION query over the same sources.

Urgency: an item is overdue when its time has come (as ``Obligation.status``), due today when
it falls before the end of the local day, upcoming otherwise; items without a due time (for
information) are upcoming and come last.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samordna.accounts.actor import Actor
from samordna.audit.models import AccessLog
from samordna.audit.services import log_many
from samordna.cases.models import Case, Delivery, Notice, Obligation
from samordna.core.deadlines import end_of_day
from samordna.deviations.jobs import LOOKBACK
from samordna.discharge.models import Stay
from samordna.sip.models import Meeting, Participant

INVITATION, NOTICE, MESSAGE = "invitation", "notice", "message"
DEADLINE, FOLLOW_UP, AWAITING = "deadline", "follow_up", "awaiting"
MEETING, DISCHARGE = "meeting", "discharge"
KINDS = {
    INVITATION: gettext_lazy("Invitations to acknowledge"),
    NOTICE: gettext_lazy("Notices about stays to acknowledge"),
    MESSAGE: gettext_lazy("Messages"),
    DEADLINE: gettext_lazy("Deadlines"),
    FOLLOW_UP: gettext_lazy("Follow-ups"),
    AWAITING: gettext_lazy("Acknowledgements awaited from others"),
    MEETING: gettext_lazy("Meetings"),
    DISCHARGE: gettext_lazy("Expected discharges"),
}
INCOMING = (INVITATION, NOTICE, MESSAGE)

OVERDUE, TODAY, UPCOMING, DUE = "overdue", "today", "upcoming", "due"
BUCKETS = (OVERDUE, TODAY, UPCOMING)
WHEN = {
    OVERDUE: gettext_lazy("Overdue"),
    TODAY: gettext_lazy("Due today"),
    DUE: gettext_lazy("Overdue or due today"),
    UPCOMING: gettext_lazy("Upcoming"),
}

# One page of the most urgent items; the filters reach the rest (and the counts say how many).
LIMIT = 100


@dataclass(frozen=True)
class Moment:
    """When the overview is computed, and the end of that local day."""

    now: dt.datetime
    today: dt.date
    end_of_today: dt.datetime

    @classmethod
    def at(cls, now: dt.datetime) -> Moment:
        today = timezone.localdate(now)
        return cls(now, today, end_of_day(today))

    def bucket(self, due: dt.datetime | None) -> str:
        if due is None or due > self.end_of_today:
            return UPCOMING
        return OVERDUE if due <= self.now else TODAY


@dataclass(frozen=True)
class Item:
    """One thing to act on. ``title`` and ``party`` (what and which other unit) never name the
    individual, so the digest e-mail can carry them; ``detail`` (meeting time, subject, note)
    is shown only on screen."""

    kind: str
    due: dt.datetime | None
    status: str
    title: str
    party: str
    detail: str
    case: Case
    url: str | None
    pk: int

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind])

    @property
    def status_label(self) -> str:
        return str(WHEN[self.status])


@dataclass(frozen=True)
class Counts:
    """How many items of each kind fall in each bucket, and the unit's active cases."""

    cells: dict[tuple[str, str], int]
    active_sip: int
    active_stays: int

    def of(self, kind: str | None = None, when: str | None = None) -> int:
        buckets = (OVERDUE, TODAY) if when == DUE else (when,) if when else BUCKETS
        return sum(
            n for (k, b), n in self.cells.items() if (kind is None or k == kind) and b in buckets
        )

    @property
    def by_bucket(self) -> list[tuple[str, str, int]]:
        return [(b, str(WHEN[b]), self.of(when=b)) for b in BUCKETS]

    @property
    def by_kind(self) -> list[tuple[str, str, int]]:
        return [(k, str(label), self.of(kind=k)) for k, label in KINDS.items()]

    @property
    def urgent(self) -> int:
        """Overdue or due today: the number in the header."""
        return self.of(when=DUE)

    @property
    def signature(self) -> str:
        """Changes when any count changes: the page reloads its list only then."""
        text = repr(sorted(self.cells.items()))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Overview:
    items: list[Item]
    counts: Counts
    kind: str | None
    when: str | None

    @property
    def total(self) -> int:
        """How many items the filter matches (the page shows at most ``LIMIT``)."""
        return self.counts.of(self.kind, self.when)


# Links -------------------------------------------------------------------------------------------


def message_url(notice_pk: int) -> str:
    """The message page (MSG-1) of the messaging app."""
    return reverse("messaging:message", args=[notice_pk])


def case_url(case: Case) -> str | None:
    if case.kind == Case.Kind.SIP:
        return reverse("sip:case", args=[case.pk])
    if case.kind == Case.Kind.DISCHARGE:
        return reverse("discharge:stay", args=[case.pk])
    return None


def _notice_url(delivery: Delivery, incoming: bool) -> str | None:
    notice = delivery.notice
    if notice.kind == Notice.Kind.MESSAGE:
        return message_url(notice.pk)
    if notice.kind == Notice.Kind.INVITATION:
        if incoming:
            return reverse("sip:invitations") + f"#invitation-{delivery.pk}"
        meeting = getattr(notice, "meeting", None)
        url = case_url(notice.case)
        return f"{url}#meeting-{meeting.pk}" if url and meeting else url
    return reverse("discharge:stay", args=[notice.case_id]) + f"#notice-{notice.pk}"


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


# Sources -----------------------------------------------------------------------------------------


def _visible(actor: Actor, case: str = "case") -> Exists:
    """The row's case is one the unit takes part in: the choke point (SEC-1), correlated to
    each row, so the cost follows the unit's open rows and not the county's cases."""
    return Exists(Case.objects.visible_to(actor).filter(pk=OuterRef(case)))


def _incoming(actor: Actor, m: Moment) -> QuerySet[Any]:
    return Delivery.objects.filter(
        _visible(actor, "notice__case"), unit=actor.unit, acknowledged_at__isnull=True
    )


def _incoming_item(d: Delivery, m: Moment) -> Item:
    notice = d.notice
    sender = {"unit": notice.sender_unit.name}
    if d.mode == Delivery.Mode.ACK:
        party = _("To acknowledge, from %(unit)s") % sender
    else:
        party = _("For information, from %(unit)s") % sender
    meeting = getattr(notice, "meeting", None)
    if meeting is not None:
        detail = _("Meeting %(time)s") % {"time": _local(meeting.starts_at)}
    else:
        detail = notice.subject
    kinds: dict[str, str] = {Notice.Kind.INVITATION: INVITATION, Notice.Kind.MESSAGE: MESSAGE}
    kind = kinds.get(notice.kind, NOTICE)
    return Item(
        kind,
        d.due_at,
        m.bucket(d.due_at),
        notice.get_kind_display(),
        party,
        detail,
        notice.case,
        _notice_url(d, incoming=True),
        d.pk,
    )


def _awaiting(actor: Actor, m: Moment) -> QuerySet[Any]:
    """Acknowledgements missed within the deviation job's look-back: older ones are in the
    deviation register as suggestions, and listing them here for ever would bury the rest."""
    return Delivery.objects.filter(
        _visible(actor, "notice__case"),
        notice__sender_unit=actor.unit,
        mode=Delivery.Mode.ACK,
        acknowledged_at__isnull=True,
        due_at__lte=m.now,
        due_at__gt=m.now - LOOKBACK,
    ).exclude(unit=actor.unit)


def _awaiting_item(d: Delivery, m: Moment) -> Item:
    return Item(
        AWAITING,
        d.due_at,
        m.bucket(d.due_at),
        d.notice.get_kind_display(),
        _("Not acknowledged by %(unit)s") % {"unit": d.unit.name},
        "",
        d.notice.case,
        _notice_url(d, incoming=False),
        d.pk,
    )


def _obligations(actor: Actor, m: Moment) -> QuerySet[Any]:
    return Obligation.objects.filter(
        _visible(actor), unit=actor.unit, met_at__isnull=True, cancelled_at__isnull=True
    )


def _obligation_item(o: Obligation, m: Moment) -> Item:
    kind = FOLLOW_UP if o.kind == Obligation.Kind.FOLLOW_UP else DEADLINE
    return Item(
        kind,
        o.due_at,
        m.bucket(o.due_at),
        o.get_kind_display(),
        "",
        o.note,
        o.case,
        case_url(o.case),
        o.pk,
    )


def _meetings(actor: Actor, m: Moment) -> QuerySet[Any]:
    # Driven by the unit's own rows (both indexed), not by a scan of every meeting.
    invited = Participant.objects.filter(unit=actor.unit).values("meeting_id")
    owned = Case.objects.filter(owner_unit=actor.unit).values("pk")
    return Meeting.objects.filter(
        Q(pk__in=invited) | Q(case_id__in=owned),
        _visible(actor),
        cancelled_at__isnull=True,
        held=False,
        starts_at__gt=m.now,
    )


def _meeting_item(meeting: Meeting, m: Moment) -> Item:
    url = case_url(meeting.case)
    return Item(
        MEETING,
        meeting.starts_at,
        m.bucket(meeting.starts_at),
        _("SIP meeting: %(purpose)s") % {"purpose": meeting.get_purpose_display()},
        meeting.case.owner_unit.name,
        ", ".join(filter(None, [meeting.get_form_display(), meeting.place])),
        meeting.case,
        f"{url}#meeting-{meeting.pk}" if url else None,
        meeting.pk,
    )


def _stays(actor: Actor, m: Moment) -> QuerySet[Any]:
    return Stay.objects.filter(
        _visible(actor), case__closed_at__isnull=True, discharged_at__isnull=True
    )


def _stay_item(stay: Stay, m: Moment) -> Item:
    due = end_of_day(stay.expected_discharge_on)
    return Item(
        DISCHARGE,
        due,
        m.bucket(due),
        _("Expected discharge"),
        stay.case.owner_unit.name,
        "",
        stay.case,
        case_url(stay.case),
        stay.pk,
    )


@dataclass(frozen=True)
class _Source:
    kinds: tuple[str, ...]
    rows: Callable[[Actor, Moment], QuerySet[Any]]
    due: str  # the field that says when
    kind_of: Callable[[], Any]  # expression giving each row's kind
    kind_filter: Callable[[str], Q]
    item: Callable[[Any, Moment], Item]
    related: tuple[str, ...]
    is_date: bool = False

    def when(self, when: str | None, m: Moment) -> Q:
        """Rows in a bucket: a date (expected discharge) is due at the end of its day."""
        if when is None:
            return Q()
        now = (f"{self.due}__lt", m.today) if self.is_date else (f"{self.due}__lte", m.now)
        eod = (f"{self.due}__lte", m.today if self.is_date else m.end_of_today)
        if when == OVERDUE:
            return Q(now)
        if when == TODAY:
            return ~Q(now) & Q(eod)
        if when == DUE:
            return Q(eod)
        return ~Q(eod) | Q(**{f"{self.due}__isnull": True})

    def bucket(self, m: Moment) -> models.Case:
        return models.Case(
            models.When(self.when(OVERDUE, m), then=models.Value(OVERDUE)),
            models.When(self.when(TODAY, m), then=models.Value(TODAY)),
            default=models.Value(UPCOMING),
        )


def _delivery_kind() -> models.Case:
    return models.Case(
        models.When(notice__kind=Notice.Kind.INVITATION, then=models.Value(INVITATION)),
        models.When(notice__kind=Notice.Kind.MESSAGE, then=models.Value(MESSAGE)),
        default=models.Value(NOTICE),
    )


def _delivery_filter(kind: str) -> Q:
    if kind == INVITATION:
        return Q(notice__kind=Notice.Kind.INVITATION)
    if kind == MESSAGE:
        return Q(notice__kind=Notice.Kind.MESSAGE)
    return ~Q(notice__kind__in=[Notice.Kind.INVITATION, Notice.Kind.MESSAGE])


def _obligation_kind() -> models.Case:
    return models.Case(
        models.When(kind=Obligation.Kind.FOLLOW_UP, then=models.Value(FOLLOW_UP)),
        default=models.Value(DEADLINE),
    )


def _obligation_filter(kind: str) -> Q:
    follow_up = Q(kind=Obligation.Kind.FOLLOW_UP)
    return follow_up if kind == FOLLOW_UP else ~follow_up


SOURCES = (
    _Source(
        INCOMING,
        _incoming,
        "due_at",
        _delivery_kind,
        _delivery_filter,
        _incoming_item,
        ("notice__case__person", "notice__sender_unit", "notice__meeting"),
    ),
    _Source(
        (AWAITING,),
        _awaiting,
        "due_at",
        lambda: models.Value(AWAITING),
        lambda kind: Q(),
        _awaiting_item,
        ("notice__case__person", "notice__meeting", "unit"),
    ),
    _Source(
        (DEADLINE, FOLLOW_UP),
        _obligations,
        "due_at",
        _obligation_kind,
        _obligation_filter,
        _obligation_item,
        ("case__person",),
    ),
    _Source(
        (MEETING,),
        _meetings,
        "starts_at",
        lambda: models.Value(MEETING),
        lambda kind: Q(),
        _meeting_item,
        ("case__person", "case__owner_unit"),
    ),
    _Source(
        (DISCHARGE,),
        _stays,
        "expected_discharge_on",
        lambda: models.Value(DISCHARGE),
        lambda kind: Q(),
        _stay_item,
        ("case__person", "case__owner_unit"),
        is_date=True,
    ),
)


# Queries -----------------------------------------------------------------------------------------


def counts(actor: Actor, now: dt.datetime) -> Counts:
    """Every count of the overview in one query: a UNION of one GROUP BY per source, and the
    unit's active SIP cases and stays."""
    m = Moment.at(now)
    parts = [
        s.rows(actor, m)
        .order_by()
        .annotate(k=s.kind_of(), b=s.bucket(m))
        .values("k", "b")
        .annotate(n=models.Count("pk"))
        for s in SOURCES
    ]
    active = (
        Case.objects.visible_to(actor)
        .active()
        .filter(kind__in=[Case.Kind.SIP, Case.Kind.DISCHARGE])
        .order_by()
        .annotate(k=models.F("kind"), b=models.Value("active"))
        .values("k", "b")
        .annotate(n=models.Count("pk"))
    )
    union = parts[0].union(*parts[1:], active, all=True)
    rows = {(row["k"], row["b"]): row["n"] for row in union}
    return Counts(
        {key: n for key, n in rows.items() if key[1] != "active"},
        rows.get((Case.Kind.SIP, "active"), 0),
        rows.get((Case.Kind.DISCHARGE, "active"), 0),
    )


def collect(
    actor: Actor,
    now: dt.datetime,
    kind: str | None = None,
    when: str | None = None,
    limit: int = LIMIT,
    sent_after: dt.datetime | None = None,
) -> list[Item]:
    """The most urgent items (at most ``limit``) of the unit, optionally of one kind and in one
    bucket; ``sent_after`` keeps only deliveries to the unit sent after that time (what is new,
    for the digest). One query per source that can match, whatever the volume. Not logged:
    callers that show individuals log them (``show``)."""
    m = Moment.at(now)
    items: list[Item] = []
    for source in SOURCES:
        if kind is not None and kind not in source.kinds:
            continue
        if sent_after is not None and source.kinds != INCOMING:
            continue
        rows = source.rows(actor, m).filter(source.when(when, m))
        if kind is not None:
            rows = rows.filter(source.kind_filter(kind))
        if sent_after is not None:
            rows = rows.filter(notice__sent_at__gt=sent_after)
        rows = rows.select_related(*source.related).order_by(
            models.F(source.due).asc(nulls_last=True), "pk"
        )
        items.extend(source.item(row, m) for row in rows[:limit])
    items.sort(key=lambda i: (i.due is None, i.due or m.now, list(KINDS).index(i.kind), i.pk))
    return items[:limit]


def show(
    actor: Actor, now: dt.datetime, kind: str | None = None, when: str | None = None
) -> Overview:
    """The overview page (and the API): items and counts; every individual shown is logged in
    one INSERT (SEC-2)."""
    items = collect(actor, now, kind, when)
    persons = {item.case.person_id: item.case.person for item in items}
    log_many(actor, AccessLog.Action.READ, "overview.read", list(persons.values()))
    return Overview(items, counts(actor, now), kind, when)
