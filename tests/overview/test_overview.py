"""BOX-1: the overview's order, filters, counts, visibility and access log."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from samordna.audit.models import AccessLog
from samordna.cases.acts import touch
from samordna.cases.models import Participation
from samordna.overview import services
from samordna.overview.services import (
    AWAITING,
    DEADLINE,
    DISCHARGE,
    DUE,
    FOLLOW_UP,
    INVITATION,
    MEETING,
    MESSAGE,
    NOTICE,
    OVERDUE,
    TODAY,
    UPCOMING,
)
from tests.conftest import World
from tests.overview.conftest import NOW, Day

ALL = [DEADLINE, AWAITING, NOTICE, MEETING, INVITATION, DISCHARGE, FOLLOW_UP, MESSAGE]


@pytest.mark.parametrize(
    ("kind", "when", "expected"),
    [
        (None, None, ALL),
        (None, OVERDUE, [DEADLINE, AWAITING]),
        (None, TODAY, [NOTICE, MEETING]),
        (None, DUE, [DEADLINE, AWAITING, NOTICE, MEETING]),
        (None, UPCOMING, [INVITATION, DISCHARGE, FOLLOW_UP, MESSAGE]),
        (INVITATION, None, [INVITATION]),
        (NOTICE, None, [NOTICE]),
        (MESSAGE, None, [MESSAGE]),
        (DEADLINE, None, [DEADLINE]),
        (FOLLOW_UP, None, [FOLLOW_UP]),
        (AWAITING, None, [AWAITING]),
        (MEETING, None, [MEETING]),
        (DISCHARGE, None, [DISCHARGE]),
        (INVITATION, OVERDUE, []),
        (DEADLINE, OVERDUE, [DEADLINE]),
        (DISCHARGE, UPCOMING, [DISCHARGE]),
        (MEETING, TODAY, [MEETING]),
    ],
)
def test_most_urgent_first_and_filtered(
    world: World, day: Day, kind: str | None, when: str | None, expected: list[str]
) -> None:
    actor = world.actor(world.alice)
    items = services.collect(actor, timezone.now(), kind, when)
    assert [i.kind for i in items] == expected
    counts = services.counts(actor, timezone.now())
    assert counts.of(kind, when) == len(expected)


def test_statuses_links_and_what_each_item_says(world: World, day: Day) -> None:
    items = {i.kind: i for i in services.collect(world.actor(world.alice), timezone.now())}
    assert {k: i.status for k, i in items.items()} == {
        DEADLINE: OVERDUE,
        AWAITING: OVERDUE,
        NOTICE: TODAY,
        MEETING: TODAY,
        INVITATION: UPCOMING,
        DISCHARGE: UPCOMING,
        FOLLOW_UP: UPCOMING,
        MESSAGE: UPCOMING,
    }
    assert items[INVITATION].url == (
        reverse("sip:invitations") + f"#invitation-{day.invitation.pk}"
    )
    assert items[NOTICE].url == (
        reverse("discharge:stay", args=[day.stay_case.pk]) + f"#notice-{day.admission.notice_id}"
    )
    assert items[AWAITING].url == (
        reverse("sip:case", args=[world.case.pk]) + f"#meeting-{day.meeting_today.pk}"
    )
    assert world.participant_unit.name in items[AWAITING].party
    assert items[MESSAGE].detail == "Hemtjänsten startar"
    assert items[DISCHARGE].due == dt.datetime(2026, 11, 26, tzinfo=NOW.tzinfo)
    assert items[DISCHARGE].case.pk == day.stay_case.pk


def test_the_individual_leads_to_the_case_the_item_belongs_to(
    login: Any, world: World, day: Day
) -> None:
    """Issue 18 item 12: the Individ column had no links."""
    items = {i.kind: i for i in services.collect(world.actor(world.alice), timezone.now())}
    assert items[AWAITING].case_page == reverse("sip:case", args=[world.case.pk])
    assert items[DISCHARGE].case_page == reverse("discharge:stay", args=[day.stay_case.pk])
    html = login(world.alice).get(reverse("overview:overview")).content.decode()
    for item in items.values():
        assert f'"><a href="{item.case_page}">{item.case.person.full_name}</a>' in html


def test_a_message_links_to_its_page_once_messaging_has_one(world: World, day: Day) -> None:
    item = services.collect(world.actor(world.alice), timezone.now(), MESSAGE)[0]
    assert item.url == services.message_url(day.message.notice_id)


def test_what_is_done_leaves_the_overview(world: World, day: Day) -> None:
    day.admission.acknowledged_at = timezone.now()
    day.admission.save()
    day.overdue_deadline.met_at = timezone.now()
    day.overdue_deadline.save()
    day.late_ack.acknowledged_at = timezone.now()
    day.late_ack.save()
    touch(world.case.pk, day.stay_case.pk)  # facts changed by hand, outside an act
    kinds = [i.kind for i in services.collect(world.actor(world.alice), timezone.now())]
    assert NOTICE not in kinds and DEADLINE not in kinds and AWAITING not in kinds


def test_a_missed_acknowledgement_leaves_the_senders_overview_after_the_look_back(
    world: World, day: Day
) -> None:
    """After the deviation job's look-back it is a suggestion in the deviation register."""
    from samordna.deviations.jobs import LOOKBACK

    alice, now = world.actor(world.alice), timezone.now()
    for age, listed in [(LOOKBACK - dt.timedelta(minutes=1), True), (LOOKBACK, False)]:
        day.late_ack.due_at = now - age
        day.late_ack.save()
        touch(world.case.pk)  # a fact changed by hand, outside an act
        kinds = [i.kind for i in services.collect(alice, now)]
        assert (AWAITING in kinds) is listed
        assert services.counts(alice, now).of(AWAITING) == int(listed)


def test_the_recipient_of_a_late_acknowledgement_sees_it_as_its_own_overdue_item(
    world: World, day: Day
) -> None:
    items = services.collect(world.actor(world.bob), timezone.now())
    assert [(i.kind, i.status) for i in items][:1] == [(INVITATION, OVERDUE)]


def test_counts_and_active_cases(world: World, day: Day) -> None:
    counts = services.counts(world.actor(world.alice), timezone.now())
    assert (counts.of(when=OVERDUE), counts.of(when=TODAY), counts.of(when=UPCOMING)) == (2, 2, 4)
    assert counts.urgent == 4
    assert (counts.active_sip, counts.active_stays) == (1, 1)


@pytest.mark.parametrize("who", ["charlie", "admin_elsewhere"])
def test_an_unrelated_unit_sees_nothing(world: World, day: Day, who: str) -> None:
    actor = world.actor(world.charlie)
    if who == "admin_elsewhere":  # alice's own unit, after it stopped taking part in both cases
        Participation.objects.filter(unit=world.owner_unit).update(until=timezone.now())
        touch(world.case.pk, day.stay_case.pk)
        actor = world.actor(world.alice)
    assert services.collect(actor, timezone.now()) == []
    counts = services.counts(actor, timezone.now())
    assert counts.of() == 0 and counts.active_sip == 0 and counts.active_stays == 0


def test_the_page_shows_the_items_and_logs_each_individual_once(
    login: Any, world: World, day: Day
) -> None:
    response = login(world.alice).get(reverse("overview:overview"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Sture Lundberg") < html.index("Greta Holmström")
    assert 'data-testid="overview-count">4<' in html
    logged = AccessLog.objects.filter(user=world.alice, what="overview.read")
    assert sorted(logged.values_list("person__last_name", flat=True)) == [
        "Holmström",
        "Lundberg",
    ]
    # Written in one plain INSERT (audit.services.log_many): every column as log() writes it.
    unit = world.actor(world.alice).unit
    assert {(e.unit_id, e.action, e.via, e.reader, e.at) for e in logged} == {
        (unit.pk, AccessLog.Action.READ, "web", "", timezone.now())
    }
    assert all(e.ip for e in logged)


def test_charlie_gets_an_empty_page_and_nothing_logged(login: Any, world: World, day: Day) -> None:
    html = login(world.charlie).get(reverse("overview:overview")).content.decode()
    assert "Lundberg" not in html and "Holmström" not in html
    assert not AccessLog.objects.filter(user=world.charlie).exists()


def test_the_page_filters_and_refuses_unknown_filters(login: Any, world: World, day: Day) -> None:
    client = login(world.alice)
    html = client.get(reverse("overview:overview"), {"kind": DISCHARGE}).content.decode()
    assert "Holmström" in html and "Sture Lundberg" not in html
    response = client.get(reverse("overview:overview"), {"when": "yesterday"})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_htmx_gets_only_the_list(login: Any, world: World, day: Day) -> None:
    html = (
        login(world.alice)
        .get(reverse("overview:overview"), headers={"HX-Request": "true"})
        .content.decode()
    )
    assert "<html" not in html and "Sture Lundberg" in html


def test_home_is_the_overview(login: Any, world: World) -> None:
    response = login(world.alice).get("/")
    assert response.status_code == 302 and response.url == reverse("overview:overview")


def test_the_polled_count_tells_an_open_overview_to_reload_when_it_changed(
    login: Any, world: World, day: Day
) -> None:
    client = login(world.alice)
    seen = services.counts(world.actor(world.alice), timezone.now()).signature
    url = reverse("overview:counts")
    unchanged = client.get(url, {"seen": seen}, headers={"HX-Request": "true"})
    assert "HX-Trigger" not in unchanged
    assert f'"seen": "{seen}"' in unchanged.content.decode()
    day.admission.acknowledged_at = timezone.now()
    day.admission.save()
    touch(day.stay_case.pk)
    changed = client.get(url, {"seen": seen}, headers={"HX-Request": "true"})
    assert changed["HX-Trigger"] == "overviewChanged"
    assert 'data-testid="overview-count">3<' in changed.content.decode()


def test_polling_alone_does_not_keep_an_idle_session_alive(
    login: Any, world: World, day: Day, settings: Any
) -> None:
    client = login(world.alice)
    url = reverse("overview:counts")
    htmx = {"HX-Request": "true"}
    fresh = int(timezone.now().timestamp())
    assert client.get(url, {"since": fresh}, headers=htmx).status_code == 200
    stale = fresh - settings.SESSION_COOKIE_AGE - 1
    assert (
        client.get(reverse("overview:overview"), {"since": stale}, headers=htmx).status_code == 286
    )
    assert client.get(url, {"since": fresh}, headers=htmx).status_code == 286  # logged out
    assert client.get(reverse("overview:overview")).status_code == 302
