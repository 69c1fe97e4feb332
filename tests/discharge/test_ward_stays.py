"""The ward's list of its active stays in pages of O(page) (issue 11 item 3): the soonest
expected discharge first, only the ward's own active stays, how many deliveries of each are
still unacknowledged, its own pager beside the notices' pager, and a number of queries that
stays the same as the ward's stays grow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samordna.cases.models import Case
from samordna.discharge.services import notices as notices_acts
from samordna.discharge.services import stays as stays_acts
from samordna.organisations.models import Membership, Unit, User
from samordna.people.models import Person
from tests.conftest import World, make_user, valid_identity_number
from tests.discharge.conftest import stay_data, version, ward

Login = Callable[..., Client]


def patient(world: World, serial: int) -> Person:
    return Person.objects.create(
        identity_number=valid_identity_number("19350505", serial),
        first_name=f"Patient{serial}",
        last_name="Testsson",
        municipality=world.lulea,
        listed_primary_care=world.owner_unit,
        registered_by=world.alice,
        registered_by_unit=world.owner_unit,
    )


def admit(world: World, nurse: User, serial: int, days: int, unit: Unit | None = None) -> Case:
    expected = timezone.localdate() + dt.timedelta(days=days)
    return stays_acts.register_stay(
        world.actor(nurse, unit or world.ward),
        patient(world, serial).identity_number,
        stay_data(expected_discharge_on=expected),
    )


def listed(world: World, nurse: User, number: int | str = 1) -> list[int]:
    return [c.pk for c in stays_acts.ward_stays(ward(world, nurse), number)]


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stays_acts, "STAYS_PER_PAGE", 2)


@pytest.mark.usefixtures("small_pages")
def test_the_soonest_expected_discharge_first_page_by_page(world: World, nurse: User) -> None:
    later, soonest, latest = (admit(world, nurse, i, days) for i, days in ((1, 5), (3, 2), (5, 9)))
    same_day = admit(world, nurse, 7, 5)
    expected = [soonest.pk, later.pk, same_day.pk, latest.pk]
    assert [listed(world, nurse, n) for n in (1, 2, 3)] == [expected[:2], expected[2:], []]
    first, second = (stays_acts.ward_stays(ward(world, nurse), n) for n in (1, 2))
    assert (first.has_previous, first.has_next, second.has_previous, second.has_next) == (
        False,
        True,
        True,
        False,
    )
    assert listed(world, nurse, "x") == expected[:2]


def test_only_the_wards_own_active_stays(world: World, nurse: User) -> None:
    kept = admit(world, nurse, 1, 3)
    discharged = admit(world, nurse, 3, 1)
    notices_acts.send_discharge_notice(
        ward(world, nurse), discharged.pk, version(discharged), timezone.now(), False
    )
    other_ward = Unit.objects.create(
        principal=world.region,
        code="sunderby-ger",
        name="Sunderby geriatrik",
        kind="inpatient_ward",
    )
    elsewhere = make_user("otto", other_ward, Membership.Role.NURSE)
    admit(world, elsewhere, 5, 2, other_ward)
    assert listed(world, nurse) == [kept.pk]
    # Another kind of unit has no such list.
    assert list(stays_acts.ward_stays(world.actor(world.bob))) == []


def test_counts_the_deliveries_not_yet_acknowledged(world: World, nurse: User) -> None:
    case = admit(world, nurse, 1, 3)
    quiet = admit(world, nurse, 3, 4)
    units = notices_acts.default_recipients(case.person)
    notices_acts.send_admission_notice(ward(world, nurse), case.pk, units)
    counts = {c.pk: c.unacknowledged for c in stays_acts.ward_stays(ward(world, nurse))}
    assert counts == {case.pk: len(units), quiet.pk: 0}
    delivery = case.notices.get().deliveries.get(unit=world.participant_unit)
    notices_acts.acknowledge(world.actor(world.bob), case.pk, delivery.pk)
    shown = stays_acts.ward_stays(ward(world, nurse))
    assert {c.pk: c.unacknowledged for c in shown}[case.pk] == len(units) - 1


@pytest.mark.usefixtures("small_pages")
def test_the_page_has_a_pager_for_each_list(world: World, nurse: User, login: Login) -> None:
    made = [admit(world, nurse, i, i) for i in (1, 3, 5)]
    client = login(nurse, world.ward)
    html = client.get(reverse("discharge:notices") + "?stays=2").content.decode()
    assert reverse("discharge:stay", args=[made[2].pk]) in html
    assert reverse("discharge:stay", args=[made[0].pk]) not in html
    assert "?page=1&amp;stays=1" in html  # back to the first page of stays, notices kept
    assert 'aria-label="Sidor med avdelningens pågående vårdtillfällen"' in html


def count(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("discharge:notices"))
    assert response.status_code == 200
    return len(captured)


def test_the_queries_of_the_page_are_the_same_for_5_and_50_stays(
    world: World, nurse: User, login: Login
) -> None:
    client = login(nurse, world.ward)
    client.get(reverse("discharge:notices"))  # the session is renewed at most once a minute
    for i in range(5):
        admit(world, nurse, 2 * i + 1, i % 7)
    few = count(client)
    for i in range(5, 50):
        admit(world, nurse, 2 * i + 1, i % 7)
    assert len(stays_acts.ward_stays(ward(world, nurse))) == 50
    assert count(client) == few
