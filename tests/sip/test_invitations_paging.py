"""The invitation list in pages of O(page) (BOX-1, issue 11 item 3): the order (to acknowledge
first, most urgent first, then the newest delivered), every page of it, the access log of a
page, and a number of queries that does not grow with the unit's history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samordna.audit.models import AccessLog
from samordna.cases.models import Delivery
from samordna.sip.services import invitation_answers as invitation_answers_acts
from tests.conftest import World
from tests.sip.test_invitations_inbox import another_invitation
from tests.sip.test_meetings import bobs

PER_PAGE = 2


@pytest.fixture(autouse=True)
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(invitation_answers_acts, "INVITATIONS_PER_PAGE", PER_PAGE)


def deliveries(world: World, n: int, first: int = 1) -> list[Delivery]:
    return [bobs(another_invitation(world, serial), world) for serial in range(first, first + n)]


def page_of(world: World, number: int | str | None) -> list[int]:
    return [d.pk for d in invitation_answers_acts.invitations_page(world.actor(world.bob), number)]


def test_open_ones_by_due_time_first_then_the_newest_acknowledged(world: World) -> None:
    made = deliveries(world, 5)
    now = timezone.now()
    for delivery, days in zip(made[:3], (3, 1, 2), strict=True):
        Delivery.objects.filter(pk=delivery.pk).update(due_at=now + dt.timedelta(days=days))
    for delivery in made[3:]:
        invitation_answers_acts.acknowledge(world.actor(world.bob), delivery.pk)
    expected = [made[1].pk, made[2].pk, made[0].pk, made[4].pk, made[3].pk]

    pages = [invitation_answers_acts.invitations_page(world.actor(world.bob), n) for n in (1, 2, 3)]
    assert [[d.pk for d in p] for p in pages] == [expected[0:2], expected[2:4], expected[4:5]]
    assert [(p.has_previous, p.has_next) for p in pages] == [
        (False, True),
        (True, True),
        (True, False),
    ]
    assert page_of(world, 4) == []  # past the end: empty, not an error
    assert page_of(world, "x") == expected[0:2]  # nonsense is the first page
    assert page_of(world, -3) == expected[0:2]


def test_a_page_past_all_open_ones_starts_at_the_right_acknowledged_one(world: World) -> None:
    made = deliveries(world, 6)
    for delivery in made[:4]:
        invitation_answers_acts.acknowledge(world.actor(world.bob), delivery.pk)
    # Open: 5th and 6th (page 1); acknowledged, newest first: 4th..1st (pages 2 and 3).
    assert page_of(world, 2) == [made[3].pk, made[2].pk]
    assert page_of(world, 3) == [made[1].pk, made[0].pk]


def test_an_empty_list(world: World) -> None:
    page = invitation_answers_acts.invitations_page(world.actor(world.bob), 1)
    assert list(page) == [] and not page.has_next and not page.has_previous


def test_a_page_logs_exactly_the_individuals_it_shows_in_one_insert(world: World) -> None:
    made = deliveries(world, 3)
    # The log is append-only (a trigger refuses DELETE on PostgreSQL): look only past this row.
    before = AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with CaptureQueriesContext(connection) as queries:
        page = invitation_answers_acts.invitations_page(world.actor(world.bob), 2)
    shown = {d.notice.case.person_id for d in page}
    assert shown == {made[0].notice.case.person_id}
    logged = AccessLog.objects.filter(pk__gt=before, user=world.bob, what="sip.invitations.read")
    assert set(logged.values_list("person_id", flat=True)) == shown
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1


def test_the_queries_of_a_page_do_not_grow_with_the_history(world: World) -> None:
    def queries(number: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            invitation_answers_acts.invitations_page(world.actor(world.bob), number)
        return len(captured)

    # A page reads each part it reaches as an index range and a lookup of the keys read from
    # it, then the page's rows: a handful of queries whatever the history.
    for delivery in deliveries(world, 3):
        invitation_answers_acts.acknowledge(world.actor(world.bob), delivery.pk)
    deliveries(world, 1, first=10)
    few = [queries(n) for n in (1, 2, 3)]
    for delivery in deliveries(world, 6, first=20):
        invitation_answers_acts.acknowledge(world.actor(world.bob), delivery.pk)
    deliveries(world, 2, first=40)
    many = [queries(n) for n in (1, 2, 3, 7)]
    assert max(many) <= max(few)
