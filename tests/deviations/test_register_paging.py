"""The deviation register in pages of O(page) (issue 11 item 3): newest event first, every
page, the total from the status counts, the access log of a page and flat query counts."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from samordna.audit.models import AccessLog
from samordna.core.paging import Window
from samordna.deviations import services
from samordna.deviations.models import Deviation
from tests.conftest import World

START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def drafts(world: World, first: int, n: int) -> list[Deviation]:
    return Deviation.objects.bulk_create(
        Deviation(
            status=Deviation.Status.DRAFT,
            reporting_unit=world.owner_unit,
            concerned_unit=world.participant_unit,
            case=world.case,
            occurred_at=START + dt.timedelta(minutes=serial),
            event=f"event {serial}",
            created_by=world.alice,
        )
        for serial in range(first, first + n)
    )


def events(page: Window[Deviation]) -> list[str]:
    return [d.event for d in page]


def test_pages_newest_first_with_the_total_from_the_counts(world: World) -> None:
    drafts(world, 1, services.PER_PAGE * 2 + 5)
    actor, none = world.actor(world.alice), services.Filters()
    total = services.counts(actor, none)["all"]
    pages = [services.page(actor, none, n, total) for n in (1, 2, 3, 4)]
    newest = [f"event {n}" for n in range(services.PER_PAGE * 2 + 5, 0, -1)]
    assert [events(p) for p in pages] == [newest[:50], newest[50:100], newest[100:], []]
    assert [(p.has_previous, p.has_next) for p in pages[:3]] == [
        (False, True),
        (True, True),
        (True, False),
    ]
    assert (pages[0].total, pages[0].num_pages) == (105, 3)


def test_a_page_logs_its_individual_once_in_one_insert(world: World) -> None:
    drafts(world, 1, 3)
    # The log is append-only (a trigger refuses DELETE on PostgreSQL): look only past this row.
    before = AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with CaptureQueriesContext(connection) as queries:
        services.page(world.actor(world.alice), services.Filters(), 1)
    logged = AccessLog.objects.filter(pk__gt=before, what="deviations.list")
    assert list(logged.values_list("person_id", flat=True)) == [world.case.person_id]
    assert len([q for q in queries.captured_queries if q["sql"].startswith("INSERT")]) == 1


def test_the_queries_of_a_page_do_not_grow_with_the_register(world: World) -> None:
    actor, none = world.actor(world.alice), services.Filters()

    def queries(number: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            services.page(actor, none, number)
        return len(captured)

    drafts(world, 1, 120)
    few = [queries(n) for n in (1, 2, 3)]
    drafts(world, 1000, 360)
    assert [queries(n) for n in (1, 2, 3)] == few


def test_the_counts_equal_the_rows_shown_and_are_a_few_grouped_reads(world: World) -> None:
    statuses = list(Deviation.Status.values)
    units = [world.owner_unit, world.participant_unit, world.unrelated_unit]
    Deviation.objects.bulk_create(
        Deviation(
            status=statuses[serial % len(statuses)],
            reporting_unit=units[serial % 3],
            # Now and then a unit's report about itself: seen once, though on both sides.
            concerned_unit=units[(serial // 3) % 3],
            # DEV-2: now and then also sent to a unit as its municipality's MAS (set when sent).
            mas_unit=units[(serial // 5) % 3]
            if serial % 4 == 0 and statuses[serial % len(statuses)] in Deviation.SENT_STATUSES
            else None,
            occurred_at=START + dt.timedelta(minutes=serial),
            event=f"event {serial}",
        )
        for serial in range(90)
    )
    for user in (world.alice, world.bob, world.charlie):
        actor = world.actor(user)
        for side in ("", *services.SIDES):
            filters = services.Filters(side=side)
            shown = list(services._filtered(actor, filters))
            with CaptureQueriesContext(connection) as captured:
                found = services.counts(actor, filters)
            assert found["all"] == len(shown)
            for status in statuses:
                assert found[status] == sum(1 for d in shown if d.status == status)
            assert len(captured) == {"": 3, "reported": 1, "concerning": 2}[side]
