"""Keeping the overview's read model (``WorkItem``, ``WorkCount``) equal to the facts.

``rows(cases)`` is the definition: what each unit taking part in those cases has to act on,
computed from the source tables (deliveries, obligations, meetings, stays, cases and
participations). ``update(case_ids)`` runs at the end of every act for the cases it touched
(``samordna.cases.acts``): it computes the rows again for those cases, writes the difference
and moves the counters by it. ``rebuild()`` throws everything away and computes it for the
whole county in chunks (the ``rebuild_overview`` command, and after a bulk load).

What an item is follows the overview as it was first built (BOX-1): deliveries to the unit not
yet acknowledged; deliveries to acknowledge that the unit sent and others have not; the unit's
open deadlines; meetings not held or cancelled that the unit is invited to or holds; expected
discharges of active stays it takes part in; and, only counted, the active SIP cases and stays
it takes part in. Rows are time-independent (a meeting stays a row until it is held or
cancelled): the queries in ``overview.services`` apply "upcoming" and the look-back window.
A unit takes part while its ``Participation`` has no end (``until``) and, in a SIP, the consent
in force covers it: an act that ends one, or records or withdraws consent, touches the case, and
the rows go.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Max, Min, Q
from django.utils import timezone

from samordna.cases.acts import count_later
from samordna.cases.models import Case, Delivery, Notice, Obligation, Participation
from samordna.cases.sees import COVERED_SQL
from samordna.core.calendar import STOCKHOLM
from samordna.core.deadlines import end_of_day
from samordna.core.planner import analyze
from samordna.core.sql import (
    CaseFilter,
    every_case,
    execute_prepared,
    replace_rows,
    rows_of_cases,
    these_cases,
    wanted_and_stored,
)
from samordna.discharge.models import Stay
from samordna.overview.models import NO_DAY, WorkCount, WorkItem
from samordna.sip import phase as sip_phase
from samordna.sip.models import Consent, Meeting, Participant, SipCase

# The overview's kinds (``overview.services.KINDS``) as stored.
INVITATION, NOTICE, MESSAGE = "invitation", "notice", "message"
DEADLINE, FOLLOW_UP, AWAITING = "deadline", "follow_up", "awaiting"
MEETING, DISCHARGE = "meeting", "discharge"
ACTIVE_SIP, ACTIVE_STAY = "active_sip", "active_stay"
ACTIVE: dict[str, str] = {Case.Kind.SIP: ACTIVE_SIP, Case.Kind.DISCHARGE: ACTIVE_STAY}
# An active SIP also has, for each unit that sees it, a row of its phase (SIP-19, not listed on
# the overview): the SIP list filtered by phase is then an index range, and its counts the
# counters' sums.
PHASE_KINDS = sip_phase.ROW_KINDS
DELIVERY_KINDS: dict[str, str] = {
    Notice.Kind.INVITATION: INVITATION,
    Notice.Kind.MESSAGE: MESSAGE,
}

S = WorkItem.Source
CHUNK = 5000  # cases per step of a rebuild
_EPSILON = dt.timedelta(microseconds=1)


def day_of(due: dt.datetime | None) -> dt.date:
    """The local day a due time falls in, counting local midnight as the end of the day before
    (a deadline "within N days" is stored as the midnight after the last day)."""
    if due is None:
        return NO_DAY
    return timezone.localtime(due - _EPSILON, STOCKHOLM).date()


class Row(NamedTuple):
    unit_id: int
    case_id: int
    kind: str
    source: str
    ref: int
    due_at: dt.datetime | None
    sent_at: dt.datetime | None
    listed: bool

    @property
    def key(self) -> tuple[int, str, str, int]:
        return (self.unit_id, self.kind, self.source, self.ref)

    @property
    def counter(self) -> tuple[int, str, dt.date]:
        return (self.unit_id, self.kind, day_of(self.due_at))


def rows(cases: dict[str, Any], kinds: set[str] | None = None) -> Iterator[Row]:
    """Every row of the cases chosen by ``cases``: lookups on the case's primary key, such as
    ``{"pk__in": ids}`` or ``{"pk__gte": first, "pk__lt": end}``. ``kinds``, when known, are
    the kinds of those cases: meetings are looked for only in SIP cases, stays only in
    discharge processes."""
    kinds = kinds if kinds is not None else set(Case.Kind.values)

    def on(prefix: str) -> Q:
        return Q(**{f"{prefix}{lookup}": value for lookup, value in cases.items()})

    # The units that see the case (SEC-1): taking part and, in a SIP, covered by the consent in
    # force, the choke point's own definition (``ParticipationQuerySet.covered``). A consent
    # act touches its case, so a withdrawal takes the rows of the units it covered away.
    taking_part = set(
        Participation.objects.covered()
        .filter(on("case__"), until__isnull=True)
        .values_list("case_id", "unit_id")
    )

    deliveries = Delivery.objects.filter(on("notice__case__"), acknowledged_at__isnull=True)
    for pk, unit, mode, due, case, kind, sender, sent in deliveries.values_list(
        "pk",
        "unit_id",
        "mode",
        "due_at",
        "notice__case_id",
        "notice__kind",
        "notice__sender_unit_id",
        "notice__sent_at",
    ):
        if (case, unit) in taking_part:
            yield Row(unit, case, DELIVERY_KINDS.get(kind, NOTICE), S.DELIVERY, pk, due, sent, True)
        awaited = mode == Delivery.Mode.ACK and due is not None and sender != unit
        if awaited and (case, sender) in taking_part:
            yield Row(sender, case, AWAITING, S.DELIVERY, pk, due, None, True)

    obligations = Obligation.objects.filter(
        on("case__"), met_at__isnull=True, cancelled_at__isnull=True
    )
    for pk, unit, case, kind, due in obligations.values_list(
        "pk", "unit_id", "case_id", "kind", "due_at"
    ):
        if (case, unit) in taking_part:
            item_kind = FOLLOW_UP if kind == Obligation.Kind.FOLLOW_UP else DEADLINE
            yield Row(unit, case, item_kind, S.OBLIGATION, pk, due, None, True)

    meetings = Meeting.objects.filter(on("case__"), cancelled_at__isnull=True, held=False)
    invited: dict[int, set[int]] = {}
    if Case.Kind.SIP not in kinds:
        meetings = meetings.none()
    for meeting, unit in (
        Participant.objects.filter(
            on("meeting__case__"),
            meeting__cancelled_at__isnull=True,
            meeting__held=False,
            unit__isnull=False,
        ).values_list("meeting_id", "unit_id")
        if Case.Kind.SIP in kinds
        else []
    ):
        invited.setdefault(meeting, set()).add(unit)
    for pk, case, starts, owner in meetings.values_list(
        "pk", "case_id", "starts_at", "case__owner_unit_id"
    ):
        for unit in sorted(invited.get(pk, set()) | {owner}):
            if (case, unit) in taking_part:
                yield Row(unit, case, MEETING, S.MEETING, pk, starts, None, True)

    stays = Stay.objects.filter(
        on("case__"), case__closed_at__isnull=True, discharged_at__isnull=True
    )
    expected = (
        dict(stays.values_list("case_id", "expected_discharge_on"))
        if Case.Kind.DISCHARGE in kinds
        else {}
    )
    active = dict(
        Case.objects.filter(on(""), closed_at__isnull=True, kind__in=list(ACTIVE)).values_list(
            "pk", "kind"
        )
    )
    phases = (
        dict(
            SipCase.objects.filter(on("case__"), case__closed_at__isnull=True).values_list(
                "case_id", "phase"
            )
        )
        if Case.Kind.SIP in kinds
        else {}
    )
    for case, unit in sorted(taking_part):
        if case in expected:
            due = end_of_day(expected[case])
            yield Row(unit, case, DISCHARGE, S.STAY, case, due, None, True)
        if case in active:
            yield Row(unit, case, ACTIVE[active[case]], S.CASE, case, None, None, False)
        if case in phases:
            yield Row(unit, case, PHASE_KINDS[phases[case]], S.CASE, case, None, None, False)


def _stored(case_ids: set[int]) -> dict[tuple[int, str, str, int], tuple[int, Row]]:
    found = WorkItem.objects.filter(case_id__in=case_ids).values_list(
        "pk", "unit_id", "case_id", "kind", "source", "ref", "due_at", "sent_at", "listed"
    )
    return {
        (unit, kind, source, ref): (pk, Row(unit, case, kind, source, ref, due, sent, listed))
        for pk, unit, case, kind, source, ref, due, sent, listed in found
    }


WINDOWED = {AWAITING, MEETING}


def _item(row: Row) -> WorkItem:
    return WorkItem(
        unit_id=row.unit_id,
        case_id=row.case_id,
        kind=row.kind,
        source=row.source,
        ref=row.ref,
        due_at=row.due_at,
        day=day_of(row.due_at),
        sent_at=row.sent_at,
        listed=row.listed,
        windowed=row.kind in WINDOWED,
    )


def update(case_ids: set[int]) -> None:
    """Bring the rows of these cases up to date and move the counters by the difference.

    The cases are locked first (in primary-key order), so two acts on one case do not compute
    its rows from each other's half; the counters are changed last, in key order, in one
    statement, so concurrent acts never wait on each other in a circle."""
    ids = sorted(case_ids)
    if connection.vendor == "postgresql":
        wanted, stored = _compared_in_sql(ids)
    else:
        kinds = set(
            Case.objects.select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("kind", flat=True)
        )
        wanted = {row.key: row for row in rows({"pk__in": ids}, kinds)}
        stored = _stored(set(ids))
    gone = [pk for key, (pk, row) in stored.items() if wanted.get(key) != row]
    new = [row for key, row in wanted.items() if key not in stored or stored[key][1] != row]
    if not gone and not new:
        return
    delta: Counter[tuple[int, str, dt.date]] = Counter()
    for key, (_pk, row) in stored.items():
        if wanted.get(key) != row:
            delta[row.counter] -= 1
    for row in new:
        delta[row.counter] += 1
    if connection.vendor == "postgresql":
        _written_in_sql(gone, new)
    else:
        if gone:
            WorkItem.objects.filter(pk__in=gone).delete()
        if new:
            WorkItem.objects.bulk_create(_item(row) for row in new)
    count_later(_count, delta)  # last, just before the commit (cases.acts)


def _count(delta: Counter[tuple[int, str, dt.date]]) -> None:
    changes = sorted((key, n) for key, n in delta.items() if n)
    if not changes:
        return
    table = WorkCount._meta.db_table
    values = ", ".join(["(%s, %s, %s, %s)"] * len(changes))
    params: list[Any] = []
    for (unit, kind, day), n in changes:
        params += [unit, kind, day, n]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (unit_id, kind, day, n) VALUES {values} "
            f"ON CONFLICT (unit_id, kind, day) DO UPDATE SET n = {table}.n + excluded.n",
            params,
        )
        keys = ", ".join(["(%s, %s, %s)"] * len(changes))
        cursor.execute(
            f"DELETE FROM {table} WHERE n = 0 AND (unit_id, kind, day) IN (VALUES {keys})",
            [part for key, _n in changes for part in key],
        )


def rebuild(chunk: int = CHUNK) -> int:
    """Compute the whole read model again from the facts; returns the number of rows.

    On PostgreSQL one INSERT ... SELECT per kind of source row (the same definition as
    ``rows``, in SQL: a county of a million cases takes seconds, not the Python loop's
    minutes); elsewhere ``rows`` in chunks of cases."""
    with transaction.atomic():
        sip_phase.rebuild()  # the phase rows read the stored phase
        if connection.vendor == "postgresql":
            total = _rebuild_in_sql()
        else:
            WorkItem.objects.all().delete()
            WorkCount.objects.all().delete()
            total = _rebuild_in_chunks(chunk)
    return total


def _rebuild_in_chunks(chunk: int) -> int:
    total = 0
    bounds = Case.objects.aggregate(lo=Min("pk"), hi=Max("pk"))
    lo, hi = bounds["lo"], bounds["hi"]
    counts: Counter[tuple[int, str, dt.date]] = Counter()
    if lo is not None and hi is not None:
        for start in range(lo, hi + 1, chunk):
            found = list(rows({"pk__gte": start, "pk__lt": start + chunk}))
            WorkItem.objects.bulk_create((_item(row) for row in found), batch_size=2000)
            counts.update(row.counter for row in found)
            total += len(found)
    WorkCount.objects.bulk_create(
        (WorkCount(unit_id=u, kind=k, day=d, n=n) for (u, k, d), n in counts.items()),
        batch_size=2000,
    )
    return total


# ``rows`` in SQL (PostgreSQL). A unit takes part while its participation has no end; a due
# time's day is the local day of the instant just before it (see ``day_of``).
# Covered as ``ParticipationQuerySet.covered`` says (SEC-1), for a participation ``p``: any case
# but a SIP, the coordinator's unit, or a unit the SIP's consent in force names (or a consent
# naming none). Without it a rebuild gave rows to a unit that handed over coordination and that
# the consent does not name, which the acts' own rows never did.
_COVERED = COVERED_SQL
_TAKES_PART = (
    "EXISTS (SELECT 1 FROM cases_participation p WHERE p.case_id = {case} "
    "AND p.unit_id = {unit} AND p.until IS NULL AND " + _COVERED + ")"
)
_DAY = (
    "COALESCE(((({due}) - interval '1 microsecond') AT TIME ZONE 'Europe/Stockholm')::date, "
    "DATE '9999-12-31')"
)
_COLUMNS = "unit_id, case_id, kind, source, ref, due_at, day, sent_at, listed, windowed"


def _sources(cases: CaseFilter) -> list[str]:
    """``rows`` in SQL for the cases ``cases`` chooses (every case in a rebuild)."""
    return [
        # Deliveries to the unit not yet acknowledged.
        f"""SELECT d.unit_id, n.case_id,
            CASE n.kind WHEN 'invitation' THEN 'invitation' WHEN 'message' THEN 'message'
            ELSE 'notice' END, 'delivery', d.id, d.due_at, {_DAY.format(due="d.due_at")},
            n.sent_at, TRUE, FALSE
        FROM cases_delivery d JOIN cases_notice n ON n.id = d.notice_id
        WHERE d.acknowledged_at IS NULL AND {cases("n.case_id")}
            AND {_TAKES_PART.format(case="n.case_id", unit="d.unit_id")}""",
        # Acknowledgements the sending unit awaits from others.
        f"""SELECT n.sender_unit_id, n.case_id, 'awaiting', 'delivery', d.id, d.due_at,
            {_DAY.format(due="d.due_at")}, NULL, TRUE, TRUE
        FROM cases_delivery d JOIN cases_notice n ON n.id = d.notice_id
        WHERE d.acknowledged_at IS NULL AND d.mode = 'ack' AND d.due_at IS NOT NULL
            AND n.sender_unit_id <> d.unit_id AND {cases("n.case_id")}
            AND {_TAKES_PART.format(case="n.case_id", unit="n.sender_unit_id")}""",
        # Open deadlines.
        f"""SELECT o.unit_id, o.case_id,
            CASE o.kind WHEN 'follow_up' THEN 'follow_up' ELSE 'deadline' END, 'obligation',
            o.id, o.due_at, {_DAY.format(due="o.due_at")}, NULL, TRUE, FALSE
        FROM cases_obligation o
        WHERE o.met_at IS NULL AND o.cancelled_at IS NULL AND {cases("o.case_id")}
            AND {_TAKES_PART.format(case="o.case_id", unit="o.unit_id")}""",
        # Meetings not held or cancelled, for the units invited and the one that holds them.
        f"""SELECT u.unit_id, m.case_id, 'meeting', 'meeting', m.id, m.starts_at,
            {_DAY.format(due="m.starts_at")}, NULL, TRUE, TRUE
        FROM sip_meeting m JOIN (
            SELECT pa.meeting_id, pa.unit_id FROM sip_participant pa
            JOIN sip_meeting pm ON pm.id = pa.meeting_id
            WHERE pa.unit_id IS NOT NULL AND {cases("pm.case_id")}
            UNION SELECT mm.id, c.owner_unit_id
            FROM sip_meeting mm JOIN cases_case c ON c.id = mm.case_id
            WHERE {cases("mm.case_id")}
        ) u ON u.meeting_id = m.id
        WHERE m.cancelled_at IS NULL AND NOT m.held AND {cases("m.case_id")}
            AND {_TAKES_PART.format(case="m.case_id", unit="u.unit_id")}""",
        # Expected discharges of active stays, for every unit taking part.
        f"""SELECT p.unit_id, s.case_id, 'discharge', 'stay', s.case_id,
            ((s.expected_discharge_on + 1)::timestamp AT TIME ZONE 'Europe/Stockholm'),
            s.expected_discharge_on, NULL, TRUE, FALSE
        FROM discharge_stay s JOIN cases_case c ON c.id = s.case_id
            JOIN cases_participation p ON p.case_id = s.case_id AND p.until IS NULL
        WHERE c.closed_at IS NULL AND s.discharged_at IS NULL AND {cases("s.case_id")}
            AND {_COVERED}""",
        # Active cases, counted per unit taking part.
        f"""SELECT p.unit_id, c.id,
            CASE c.kind WHEN 'sip' THEN 'active_sip' ELSE 'active_stay' END, 'case', c.id, NULL,
            DATE '9999-12-31', NULL, FALSE, FALSE
        FROM cases_case c JOIN cases_participation p ON p.case_id = c.id AND p.until IS NULL
        WHERE c.closed_at IS NULL AND c.kind IN ('sip', 'discharge') AND {cases("c.id")}
            AND {_COVERED}""",
        # The phase of active SIPs, per unit taking part (``PHASE_KINDS``).
        f"""SELECT p.unit_id, c.id, 'sip_' || s.phase, 'case', c.id, NULL,
            DATE '9999-12-31', NULL, FALSE, FALSE
        FROM cases_case c JOIN sip_sipcase s ON s.case_id = c.id
            JOIN cases_participation p ON p.case_id = c.id AND p.until IS NULL
        WHERE c.closed_at IS NULL AND c.kind = 'sip' AND {cases("c.id")} AND {_COVERED}""",
    ]


# An act's update (PostgreSQL): the cases locked in key order, then, in a new statement (so it
# reads what a transaction it waited for committed), the rows they should have beside the rows
# stored, both in one prepared statement (``core.sql``).
_LOCK = "SELECT id FROM cases_case WHERE id = ANY($1) ORDER BY id FOR UPDATE"
_ROW = "unit_id, case_id, kind, source, ref, due_at, sent_at, listed"
_ROWS_OF_CASES = rows_of_cases(_sources(these_cases), _COLUMNS, _ROW, "overview_workitem")


def _compared_in_sql(
    ids: list[int],
) -> tuple[dict[tuple[int, str, str, int], Row], dict[tuple[int, str, str, int], tuple[int, Row]]]:
    with connection.cursor() as cursor:
        execute_prepared(cursor, "overview_lock", _LOCK, ids)
        found = execute_prepared(cursor, "overview_rows", _ROWS_OF_CASES, ids)
    return wanted_and_stored(found, Row, lambda row: row.key)


def _written_in_sql(gone: list[int], new: list[Row]) -> None:
    values = [(*r[:6], day_of(r.due_at), r.sent_at, r.listed, r.kind in WINDOWED) for r in new]
    with connection.cursor() as cursor:
        replace_rows(cursor, WorkItem._meta.db_table, gone, _COLUMNS, values)


def _rebuild_in_sql() -> int:
    items, counts = WorkItem._meta.db_table, WorkCount._meta.db_table
    total = 0
    analyze(Case, Participation, Delivery, Notice, Obligation, Meeting, Participant, Stay, SipCase,
            Consent, Consent.units.through)  # fmt: skip
    with connection.cursor() as cursor:
        # Foreign keys are checked at commit: fire what is pending, or TRUNCATE is refused.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {items}, {counts}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for select in _sources(every_case):
            cursor.execute(f"INSERT INTO {items} ({_COLUMNS}) {select}")
            total += cursor.rowcount
        cursor.execute(
            f"INSERT INTO {counts} (unit_id, kind, day, n) "
            f"SELECT unit_id, kind, day, COUNT(*) FROM {items} GROUP BY unit_id, kind, day"
        )
        cursor.execute(f"ANALYZE {items}")
        cursor.execute(f"ANALYZE {counts}")
    return total


def snapshot() -> tuple[set[Row], dict[tuple[int, str, dt.date], int]]:
    """The stored read model, to compare with a rebuild (tests, and the command's --check)."""
    items = {row for _pk, row in _stored_all()}
    counts = {
        (u, k, d): n
        for u, k, d, n in WorkCount.objects.values_list("unit_id", "kind", "day", "n")
        if n
    }
    return items, counts


def _stored_all() -> Iterable[tuple[int, Row]]:
    for pk, unit, case, kind, source, ref, due, sent, listed in WorkItem.objects.values_list(
        "pk", "unit_id", "case_id", "kind", "source", "ref", "due_at", "sent_at", "listed"
    ):
        yield pk, Row(unit, case, kind, source, ref, due, sent, listed)
