"""The overview's page read as plain rows: the unit's most urgent work items with their case and
individual in one statement, then the deliveries, deadlines and meetings they stand for, one
statement each (issue 11).

Why not the ORM: building the page through querysets cost some 17 ms of CPU per request at
any county size, of which PostgreSQL's share was under 2 ms; the rest was compiling five
querysets (the urgency rank a ``CASE`` in each key range) and some 450 model instances (work
items, cases, persons, units, deliveries, notices, meetings). The statements here are written
once per process and give tuples, made into the few values an item shows
(``items.CaseRow``, ``items.DeliveryRow`` ...).

The conditions are those of the partial indexes of ``WorkItem`` and of the header's count
(``services._COUNTS_SQL``), and the page is the same as the querysets gave (the overview's
tests, and a test that holds it equal to the ORM's definition on random read models).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, router

from samordna.cases.models import Case, Delivery, Notice, Obligation
from samordna.core.sql import aware
from samordna.deviations.jobs import LOOKBACK
from samordna.organisations.models import Unit
from samordna.overview.items import (
    AWAITING,
    INCOMING,
    KINDS,
    MEETING,
    CaseRow,
    DeliveryRow,
    MeetingRow,
    Moment,
    ObligationRow,
    PersonRow,
)
from samordna.overview.models import WorkItem
from samordna.people.models import Person
from samordna.sip.models import Meeting

RANK = {kind: rank for rank, kind in enumerate(KINDS)}
# The kinds are this code's own constants, written into the statement as literals.
assert all(kind.replace("_", "").isalpha() for kind in RANK)
_RANK_SQL = (
    "CASE wi.kind "
    + " ".join(f"WHEN '{kind}' THEN {rank}" for kind, rank in RANK.items())
    + f" ELSE {len(RANK)} END"
)
# Due time first, as the indexes hold it (ASC NULLS LAST is a B-tree's own order, so each range is
# read in index order and stopped by its LIMIT), then the kind's rank, then the source's key.
_ORDER = "due_at ASC NULLS LAST, rank, ref, id"

# The unit's rows that are items now, as three index ranges (``services._parts``): everything
# that is an item while it is a row; acknowledgements awaited within the deviation job's
# look-back; meetings still to come.
ALWAYS = "wi.listed AND NOT wi.windowed"
AWAITED = (
    f"wi.listed AND wi.kind = '{AWAITING}' AND wi.due_at > %(lookback)s AND wi.due_at <= %(now)s"
)
COMING = f"wi.listed AND wi.kind = '{MEETING}' AND wi.due_at > %(now)s"
WHEN_SQL = {
    None: "",
    "overdue": " AND wi.due_at <= %(now)s",
    "today": " AND wi.due_at > %(now)s AND wi.due_at <= %(end_today)s",
    "due": " AND wi.due_at <= %(end_today)s",
    "upcoming": " AND (wi.due_at > %(end_today)s OR wi.due_at IS NULL)",
}


def _t(model: Any) -> str:
    return str(model._meta.db_table)


def _part(condition: str) -> str:
    return (
        f"SELECT * FROM (SELECT wi.id, wi.due_at, wi.kind, wi.ref, wi.source, wi.case_id, "
        f"{_RANK_SQL} AS rank FROM {_t(WorkItem)} wi WHERE wi.unit_id = %(unit)s AND "
        f"{condition} ORDER BY {_ORDER} LIMIT %(limit)s) AS part"
    )


@cache
def page_sql(parts: tuple[str, ...], when: str | None, kind: bool, sent: bool) -> str:
    """The page: the first ``limit`` rows of each range (each an index range stopped by its
    LIMIT), merged in urgency order with their case, individual and owner unit."""
    extra = WHEN_SQL[when]
    if kind:
        extra += " AND wi.kind = %(kind)s"
    if sent:
        incoming = ", ".join(f"'{k}'" for k in INCOMING)
        extra += f" AND wi.kind IN ({incoming}) AND wi.sent_at > %(sent_after)s"
    ranges = " UNION ALL ".join(_part(part + extra) for part in parts)
    return (
        f"SELECT k.id, k.due_at, k.kind, k.ref, k.source, c.id, c.kind, ou.name, "
        f"p.id, p.first_name, p.last_name, p.identity_number "
        f"FROM ({ranges}) AS k JOIN {_t(Case)} c ON c.id = k.case_id "
        f"JOIN {_t(Person)} p ON p.id = c.person_id JOIN {_t(Unit)} ou ON ou.id = c.owner_unit_id "
        f"ORDER BY k.due_at ASC NULLS LAST, k.rank, k.ref, k.id LIMIT %(limit)s"
    )


def _in(ids: Sequence[int]) -> str:
    return "(" + ", ".join(["%s"] * len(ids)) + ")"


_DELIVERIES = (
    f"SELECT d.id, d.mode, d.due_at, n.id, n.kind, n.subject, su.name, m.id, m.starts_at, "
    f"u.name FROM {_t(Delivery)} d JOIN {_t(Notice)} n ON n.id = d.notice_id "
    f"JOIN {_t(Unit)} su ON su.id = n.sender_unit_id JOIN {_t(Unit)} u ON u.id = d.unit_id "
    f"LEFT JOIN {_t(Meeting)} m ON m.notice_id = n.id WHERE d.id IN "
)
_OBLIGATIONS = f"SELECT id, kind, due_at, note FROM {_t(Obligation)} WHERE id IN "
_MEETINGS = f"SELECT id, starts_at, purpose, form, place FROM {_t(Meeting)} WHERE id IN "


class Rows:
    """The statements on the database the overview reads from (the replica when routed)."""

    def __init__(self) -> None:
        self.alias = router.db_for_read(WorkItem) or DEFAULT_DB_ALIAS
        ops = connections[self.alias].ops
        self.at = ops.adapt_datetimefield_value

    def _fetch(self, sql: str, params: Any) -> list[tuple[Any, ...]]:
        with connections[self.alias].cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())

    def page(
        self,
        unit: Unit,
        m: Moment,
        parts: tuple[str, ...],
        when: str | None,
        kind: str | None,
        sent_after: dt.datetime | None,
        limit: int,
    ) -> list[tuple[int, str, str, int, dt.datetime | None, CaseRow]]:
        """(pk, kind, source, ref, due_at, case) of the page's rows, most urgent first."""
        params = {
            "unit": unit.pk,
            "now": self.at(m.now),
            "lookback": self.at(m.now - LOOKBACK),
            "end_today": self.at(m.end_of_today),
            "kind": kind,
            "sent_after": self.at(sent_after) if sent_after else None,
            "limit": limit,
        }
        sql = page_sql(parts, when, kind is not None, sent_after is not None)
        found = []
        for pk, due, k, ref, source, case_pk, case_kind, owner, *person in self._fetch(sql, params):
            case = CaseRow(case_pk, case_kind, owner, PersonRow(*person))
            found.append((pk, k, source, ref, aware(due), case))
        return found

    def deliveries(self, ids: Sequence[int]) -> dict[int, DeliveryRow]:
        if not ids:
            return {}
        rows = self._fetch(_DELIVERIES + _in(ids), list(ids))
        return {
            r[0]: DeliveryRow(
                r[0], r[1], aware(r[2]), r[3], r[4], r[5], r[6], r[7], aware(r[8]), r[9]
            )
            for r in rows
        }

    def obligations(self, ids: Sequence[int]) -> dict[int, ObligationRow]:
        if not ids:
            return {}
        rows = self._fetch(_OBLIGATIONS + _in(ids), list(ids))
        return {r[0]: ObligationRow(r[0], r[1], aware(r[2]), r[3]) for r in rows}

    def meetings(self, ids: Sequence[int]) -> dict[int, MeetingRow]:
        if not ids:
            return {}
        rows = self._fetch(_MEETINGS + _in(ids), list(ids))
        return {r[0]: MeetingRow(r[0], aware(r[1]), r[2], r[3], r[4]) for r in rows}
