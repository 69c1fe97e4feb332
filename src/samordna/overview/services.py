"""BOX-1: everything a unit needs to act on, most urgent first, in a constant number of queries.

The overview reads the unit's rows of the read model (``overview.models``): deliveries to the
unit not yet acknowledged (invitations, notices about stays, messages), deliveries the unit sent
that are past their acknowledgement time ("late and missing acknowledgements are visible to the
sender"), its open deadlines (follow-ups among them), upcoming SIP meetings it is invited to or
holds, and expected discharge dates of the active stays it takes part in. A row exists only for
a unit taking part in the case (SEC-1), so the page is one index range on (unit, due time) with
LIMIT, and every count is a sum over the unit's counters per kind and day plus one index range
over today's rows: the cost follows the page, not the county (issue 11).

Urgency: an item is overdue when its time has come (as ``Obligation.status``), due today when
it falls before the end of the local day, upcoming otherwise; items without a due time (for
information) are upcoming and come last.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections, router

from samordna.accounts.actor import Actor
from samordna.audit.models import AccessLog
from samordna.audit.services import log_many
from samordna.core.deadlines import end_of_day
from samordna.deviations.jobs import LOOKBACK
from samordna.overview import items as make
from samordna.overview import page
from samordna.overview.items import (
    BUCKETS,
    DUE,
    INCOMING,
    KINDS,
    OVERDUE,
    TODAY,
    UPCOMING,
    WHEN,
    Item,
    Moment,
    case_url,
    message_url,
)
from samordna.overview.models import WorkCount, WorkItem
from samordna.overview.readmodel import (
    ACTIVE_SIP,
    ACTIVE_STAY,
    AWAITING,
    DEADLINE,
    DISCHARGE,
    FOLLOW_UP,
    INVITATION,
    MEETING,
    MESSAGE,
    NOTICE,
    day_of,
)

# One page of the most urgent items; the filters reach the rest (and the counts say how many).
# Fifty, not a hundred: rendering a row costs more than reading it (issue 11, profile).
LIMIT = 50


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
    def invitations(self) -> int:
        """The invitations to acknowledge: the number in the menu."""
        return self.of(INVITATION)

    @property
    def signature(self) -> str:
        """Changes when any count changes: the page reloads its list only then."""
        text = repr(sorted((key, n) for key, n in self.cells.items() if n))
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


# Every count of the overview in one statement of plain SQL, written once: the unit's counters
# summed per kind and span of days, and today's rows (and the look-back's first day) split at
# the current moment. Plain SQL because every page's header runs it: built by the ORM the same
# two queries cost some 10 ms of CPU per request in compiling alone (issue 11 item 3). The
# conditions are those of the page's ranges (``page.ALWAYS`` ...) and the partial indexes of
# ``WorkItem``. Today's rows are
# read as three index ranges joined by UNION ALL, not one scan with an OR: each range is then
# an index-only scan (the indexes hold ``kind`` and ``due_at``), where the OR made PostgreSQL
# fetch every row from the table (at 1 M cases a municipal unit has some 2,000 rows due
# today: 1,979 table pages read, 20 of the query's 23 ms). The three never overlap: a row is
# windowed exactly when its kind is awaiting or meeting (``readmodel.WINDOWED``), and the
# look-back's first day lies before today.
_COUNTS_SQL = f"""
SELECT kind, span, SUM(n), 0 FROM (
  SELECT kind, n, CASE WHEN day < %(first)s THEN 'old' WHEN day = %(first)s THEN 'first'
    WHEN day < %(today)s THEN 'past' WHEN day = %(today)s THEN 'today' ELSE 'future' END AS span
  FROM {WorkCount._meta.db_table} WHERE unit_id = %(unit)s
) spans GROUP BY kind, span
UNION ALL
SELECT kind, 'edges',
  SUM(CASE WHEN due_at > %(start_today)s AND due_at <= %(now)s THEN 1 ELSE 0 END),
  SUM(CASE WHEN due_at <= %(end_first)s AND due_at > %(lookback)s THEN 1 ELSE 0 END)
FROM (
  SELECT kind, due_at FROM {WorkItem._meta.db_table}
  WHERE unit_id = %(unit)s AND listed AND NOT windowed
    AND due_at > %(start_today)s AND due_at <= %(end_today)s
  UNION ALL
  SELECT kind, due_at FROM {WorkItem._meta.db_table}
  WHERE unit_id = %(unit)s AND listed AND kind IN (%(meeting)s, %(awaiting)s)
    AND due_at > %(start_today)s AND due_at <= %(end_today)s
  UNION ALL
  SELECT kind, due_at FROM {WorkItem._meta.db_table}
  WHERE unit_id = %(unit)s AND listed AND kind = %(awaiting)s
    AND due_at > %(end_before_first)s AND due_at <= %(end_first)s
) edges GROUP BY kind
"""


def counts(actor: Actor, now: dt.datetime) -> Counts:
    """Every count of the overview in one query (``_COUNTS_SQL``), whatever the county's size."""
    m = Moment.at(now)
    lookback = now - LOOKBACK
    first = day_of(lookback)
    alias = router.db_for_read(WorkCount) or DEFAULT_DB_ALIAS
    ops = connections[alias].ops
    at, day = ops.adapt_datetimefield_value, ops.adapt_datefield_value
    params = {
        "unit": actor.unit.pk,
        "first": day(first),
        "today": day(m.today),
        "now": at(now),
        "lookback": at(lookback),
        "start_today": at(end_of_day(m.today - dt.timedelta(days=1))),
        "end_today": at(m.end_of_today),
        "end_before_first": at(end_of_day(first - dt.timedelta(days=1))),
        "end_first": at(end_of_day(first)),
        "meeting": MEETING,
        "awaiting": AWAITING,
    }
    summed: Counter[tuple[str, str]] = Counter()
    passed: dict[str, int] = {}
    within: dict[str, int] = {}
    with connections[alias].cursor() as cursor:
        cursor.execute(_COUNTS_SQL, params)
        for kind, span, n, w in cursor.fetchall():
            if span == "edges":
                passed[kind], within[kind] = int(n), int(w)
            else:
                summed[(kind, span)] += int(n)
    cells: dict[tuple[str, str], int] = {}
    for kind in KINDS:
        old, at_first, past, today, future = (
            summed[(kind, s)] for s in ("old", "first", "past", "today", "future")
        )
        gone = passed.get(kind, 0)  # today's rows whose time has come
        if kind == AWAITING:
            cells[(kind, OVERDUE)] = within.get(kind, 0) + past + gone
        elif kind == MEETING:
            cells[(kind, TODAY)] = today - gone
            cells[(kind, UPCOMING)] = future
        else:
            cells[(kind, OVERDUE)] = old + at_first + past + gone
            cells[(kind, TODAY)] = today - gone
            cells[(kind, UPCOMING)] = future
    return Counts(
        {key: n for key, n in cells.items() if n},
        summed[(ACTIVE_SIP, "future")],
        summed[(ACTIVE_STAY, "future")],
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
    for the digest). One statement for the page (each range of the read model an index range
    with LIMIT) and one per kind of source row on it, whatever the volume; plain rows, not model
    instances (``overview.page``). Not logged: callers that show individuals log them
    (``show``)."""
    m = Moment.at(now)
    parts: tuple[str, ...] = {AWAITING: (page.AWAITED,), MEETING: (page.COMING,)}.get(
        kind or "", (page.ALWAYS,)
    )
    if kind is None and sent_after is None:
        parts = (page.ALWAYS, page.AWAITED, page.COMING)
    rows = page.Rows()
    found_rows = rows.page(actor.unit, m, parts, when, kind, sent_after, limit)
    refs: dict[str, list[int]] = {}
    for _pk, _kind, source, ref, _due, _case in found_rows:
        refs.setdefault(source, []).append(ref)
    S = WorkItem.Source
    deliveries = rows.deliveries(refs.get(S.DELIVERY, []))
    obligations = rows.obligations(refs.get(S.OBLIGATION, []))
    meetings = rows.meetings(refs.get(S.MEETING, []))
    found: list[Item] = []
    for _pk, k, _source, ref, due, case in found_rows:
        if k == AWAITING and ref in deliveries:
            found.append(make.awaiting(deliveries[ref], case, m))
        elif k in INCOMING and ref in deliveries:
            found.append(make.incoming(deliveries[ref], case, m))
        elif k in (DEADLINE, FOLLOW_UP) and ref in obligations:
            found.append(make.obligation(obligations[ref], case, m))
        elif k == MEETING and ref in meetings:
            found.append(make.meeting(meetings[ref], case, m))
        elif k == DISCHARGE:
            found.append(make.stay(case, due, m))
    return found


def show(
    actor: Actor, now: dt.datetime, kind: str | None = None, when: str | None = None
) -> Overview:
    """The overview page (and the API): items and counts; every individual shown is logged in
    one INSERT (SEC-2)."""
    found = collect(actor, now, kind, when)
    persons = {item.case.person_id: item.case.person for item in found}
    log_many(actor, AccessLog.Action.READ, "overview.read", list(persons.values()))
    return Overview(found, counts(actor, now), kind, when)


__all__ = [
    "BUCKETS",
    "DEADLINE",
    "DISCHARGE",
    "DUE",
    "FOLLOW_UP",
    "INCOMING",
    "INVITATION",
    "KINDS",
    "LIMIT",
    "MEETING",
    "MESSAGE",
    "NOTICE",
    "OVERDUE",
    "TODAY",
    "UPCOMING",
    "WHEN",
    "Counts",
    "Item",
    "Moment",
    "Overview",
    "case_url",
    "collect",
    "counts",
    "message_url",
    "show",
]
