"""The overview's page statement (``overview.page``) against a plain Python reading of the same
rows: random read models, every filter of the page and the digest, on SQLite and PostgreSQL.

The reference is what ``overview.services`` promises (BOX-1): the unit's rows that are items now
(every listed row that is not windowed; acknowledgements awaited within the deviation job's
look-back; meetings still to come), in the bucket and of the kind asked for, most urgent first
(due time, rows without one last, then the kind's place in the list), at most ``limit``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samordna.cases.models import Case
from samordna.core.calendar import STOCKHOLM
from samordna.deviations.jobs import LOOKBACK
from samordna.overview import page
from samordna.overview.items import AWAITING, INCOMING, KINDS, MEETING, Moment
from samordna.overview.models import NO_DAY, WorkItem
from samordna.overview.readmodel import WINDOWED, day_of
from tests.conftest import World

NOW = dt.datetime(2026, 3, 10, 9, 30, tzinfo=STOCKHOLM)  # a fixed moment: no test reads the clock
RANK = {kind: rank for rank, kind in enumerate(KINDS)}
DAY = 24 * 3600 * 10**6  # microseconds
END_OF_TODAY_US = (Moment.at(NOW).end_of_today - NOW) / dt.timedelta(microseconds=1)

row = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(list(KINDS)),
        # microseconds from NOW, within and beyond today, the look-back and the meetings'
        # window, and exactly at the edges: NOW, the end of today, the look-back's start
        "due": st.one_of(
            st.none(),
            st.integers(-30 * DAY, 30 * DAY),
            st.sampled_from(
                [0, int(END_OF_TODAY_US), -int(LOOKBACK / dt.timedelta(microseconds=1))]
            ),
        ),
        "sent": st.one_of(st.none(), st.integers(-3 * 24 * 60, 0)),
        "listed": st.booleans(),
        "case": st.integers(0, 1),
    }
)


@pytest.fixture
def cases(world: World) -> list[Case]:
    other = Case.objects.create(
        person=world.person,
        kind=Case.Kind.DISCHARGE,
        owner_unit=world.participant_unit,
        opened_by=world.bob,
    )
    return [world.case, other]


def _store(world: World, cases: list[Case], rows: list[dict[str, Any]]) -> list[WorkItem]:
    stored = []
    for ref, r in enumerate(rows):
        due = None if r["due"] is None else NOW + dt.timedelta(microseconds=r["due"])
        stored.append(
            WorkItem(
                unit=world.owner_unit,
                case=cases[r["case"]],
                kind=r["kind"],
                source=WorkItem.Source.DELIVERY,
                ref=ref % 7,  # ties of due time and kind are broken by ref, then by key
                due_at=due,
                day=day_of(due) if due else NO_DAY,
                sent_at=None if r["sent"] is None else NOW + dt.timedelta(minutes=r["sent"]),
                listed=r["listed"],
                windowed=r["kind"] in WINDOWED,
            )
        )
    # the unique (unit, kind, source, ref): keep the first of each
    unique = {(w.kind, w.source, w.ref): w for w in reversed(stored)}
    return WorkItem.objects.bulk_create(unique.values())


def _in_part(w: WorkItem, part: str, m: Moment) -> bool:
    if not w.listed:
        return False
    if part == page.ALWAYS:
        return not w.windowed
    if part == page.AWAITED:
        return w.kind == AWAITING and w.due_at is not None and m.now - LOOKBACK < w.due_at <= m.now
    return w.kind == MEETING and w.due_at is not None and w.due_at > m.now


def _in_bucket(w: WorkItem, when: str | None, m: Moment) -> bool:
    due = w.due_at
    if when is None:
        return True
    if when == "upcoming":
        return due is None or due > m.end_of_today
    if due is None:
        return False
    return {
        "overdue": due <= m.now,
        "today": m.now < due <= m.end_of_today,
        "due": due <= m.end_of_today,
    }[when]


def _order(w: WorkItem) -> tuple[Any, ...]:
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return (w.due_at is None, w.due_at or far, RANK.get(w.kind, len(RANK)), w.ref, w.pk)


def reference(
    rows: list[WorkItem],
    m: Moment,
    parts: tuple[str, ...],
    when: str | None,
    kind: str | None,
    sent_after: dt.datetime | None,
    limit: int,
) -> list[tuple[int, str, int, dt.datetime | None, int]]:
    chosen = [
        w
        for w in rows
        if any(_in_part(w, part, m) for part in parts)
        and _in_bucket(w, when, m)
        and (kind is None or w.kind == kind)
        and (
            sent_after is None
            or (w.kind in INCOMING and w.sent_at is not None and w.sent_at > sent_after)
        )
    ]
    return [(w.pk, w.kind, w.ref, w.due_at, w.case_id) for w in sorted(chosen, key=_order)[:limit]]


FILTERS = [
    # (parts, when, kind, sent_after): as ``services.collect`` asks them
    ((page.ALWAYS, page.AWAITED, page.COMING), None, None, None),
    ((page.ALWAYS, page.AWAITED, page.COMING), "overdue", None, None),
    ((page.ALWAYS, page.AWAITED, page.COMING), "today", None, None),
    ((page.ALWAYS, page.AWAITED, page.COMING), "due", None, None),
    ((page.ALWAYS, page.AWAITED, page.COMING), "upcoming", None, None),
    ((page.ALWAYS,), None, "notice", None),
    ((page.ALWAYS,), "due", "deadline", None),
    ((page.AWAITED,), None, AWAITING, None),
    ((page.COMING,), "today", MEETING, None),
    ((page.ALWAYS,), None, None, NOW - dt.timedelta(days=1)),  # the digest's "new"
]


@pytest.mark.parametrize("limit", [3, 50])
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=st.lists(row, max_size=25))
def test_the_page_statement_reads_what_the_overview_promises(
    world: World, cases: list[Case], rows: list[dict[str, Any]], limit: int
) -> None:
    WorkItem.objects.filter(unit=world.owner_unit).delete()
    stored = _store(world, cases, rows)
    m = Moment.at(NOW)
    for parts, when, kind, sent_after in FILTERS:
        found = page.Rows().page(world.owner_unit, m, parts, when, kind, sent_after, limit)
        got = [(pk, k, ref, due, case.pk) for pk, k, _source, ref, due, case in found]
        assert got == reference(stored, m, parts, when, kind, sent_after, limit), (parts, when)
        for *_key, case in found:
            assert case.person.full_name == world.person.full_name
    WorkItem.objects.filter(unit=world.owner_unit).delete()
