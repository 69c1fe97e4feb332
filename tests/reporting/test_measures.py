"""The plain measures (issue 13, RPT-1, RPT-3): waiting days after ready for discharge, the
municipalities' liable days and amounts, and the counts. Hand-computed expectations, the
liability rules of seed 001_118551e475ece215.txt lines 1550-1562; the pages' suppression, scope,
logging and a flat number of queries."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samordna.api.models import ApiToken
from samordna.audit.models import AccessLog
from samordna.core.calendar import STOCKHOLM
from samordna.discharge.models import DailyAmount
from samordna.organisations.models import Membership, Unit, User
from samordna.reporting import rollup, stats
from samordna.reporting.measures import Waiting
from samordna.reporting.models import StatCount, StatFact
from tests.conftest import World, make_user
from tests.overview.test_read_model import START
from tests.overview.test_read_model import home_care as home_care
from tests.reporting.test_stats_property import StatsPlay


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=STOCKHOLM)


# (what, ready notice sent, discharged, waiting days, liable days by year). The stay needs only
# social services, so no SIP invitation is required (seed 001 lines 1541-1544).
STAYS = [
    # Sent at 12:00 exactly: "senast klockan 12.00" (lines 1550-1553), liable from the third day,
    # 12-31; across New Year's Day (a holiday does not matter, every day counts), the day of
    # discharge not counted (a vårddygn, line 1560): 12-31 (2026) and 01-01 (2027).
    ("12:00 exactly, across the year", "2026-12-28 12:00", "2027-01-02 09:00", 5,
     {2026: 1, 2027: 1}),
    # Sent at 12:01: "efter klockan 12.00", the fourth day (lines 1555-1557): from 01-01.
    ("12:01, the fourth day", "2026-12-28 12:01", "2027-01-02 09:00", 5, {2027: 1}),
    # Discharged on the day liability would start: nothing to pay.
    ("discharged before liability", "2026-12-28 08:00", "2026-12-31 09:00", 3, {}),
    # Discharged the day the notice was sent: 0 waiting days.
    ("same day", "2026-12-28 08:00", "2026-12-28 15:00", 0, {}),
]  # fmt: skip


@pytest.mark.parametrize(("what", "ready", "left", "waiting", "liable"), STAYS)
def test_waiting_and_liable_days_of_a_stay(
    world: World, home_care: Unit, what: str, ready: str, left: str, waiting: int,
    liable: dict[int, int],
) -> None:  # fmt: skip
    rollup.rebuild()
    with time_machine.travel(at("2026-12-27 09:00"), tick=False) as traveller:
        play = StatsPlay(world, traveller)
        play.register_social_stay()
        play.admission()
        traveller.move_to(at(ready))  # the notice is sent now (ready_at 5 minutes before)
        play.ready()
        traveller.move_to(at(left))
        play.leave()
    found = {(f.stat, f.key): f.value for f in StatFact.objects.filter(case=play.stay)}
    assert found.pop(("waiting_days", str(waiting))) == waiting, what
    assert found.pop(("stays", "")) == 1
    if liable:
        assert found.pop(("liable_stays", "")) == sum(liable.values())
    assert {int(k): v for (s, k), v in found.items() if s == "liable_days"} == liable, what
    assert stats.snapshot() == stats.recomputed()


# (waiting days → stays, median, buckets "0".."3", "4–7"). Seed-free arithmetic.
MEDIANS = [
    ({3: 1}, 3.0),
    ({1: 1, 4: 1}, 2.5),  # even: the mean of the two middle values
    ({0: 2, 2: 1, 10: 2}, 2.0),
    ({5: 4, 40: 1}, 5.0),
]


@pytest.mark.parametrize(("days", "median"), MEDIANS)
def test_the_median_from_the_counters(days: dict[int, int], median: float) -> None:
    assert Waiting(False, Counter(days)).median == median


def test_suppression_and_the_amount() -> None:
    w = Waiting(True, Counter({2: 3}), liable_stays=3, liable_by_year=Counter({2026: 7}))
    assert w.hidden and w.median is None and w.liable_days is None
    assert w.amount({2026: 5000}) == (None, [])
    own = Waiting(False, Counter({2: 3}), liable_stays=3, liable_by_year=Counter({2026: 7}))
    assert own.median == 2.0 and own.liable_days == 7
    # Priced with each year's national amount; a year without one is missing, never guessed.
    both = Waiting(False, Counter({5: 6}), 6, Counter({2026: 7, 2027: 2}))
    assert both.amount({2026: 5000, 2027: 6000}) == (7 * 5000 + 2 * 6000, [])
    assert both.amount({2026: 5000}) == (None, [2027])
    counts = dict(Waiting(True, Counter({0: 6, 2: 1, 5: 7})).buckets())
    assert counts["0"] == 6 and counts["2"] == 1 and counts["4–7"] == 7 and counts["1"] == 0


@pytest.fixture
def statistician(world: World) -> User:
    office = Unit.objects.create(
        principal=world.region, code="office", name="Samverkanskansliet", kind="external"
    )
    return make_user("stina", office, Membership.Role.STATISTICS)


def _api(client: Client, user: User, path: str) -> dict[str, Any]:
    _row, token = ApiToken.issue("bi", user, user.memberships.get().unit)
    found: dict[str, Any] = client.get(path, headers={"Authorization": f"Bearer {token}"}).json()
    return found


def _counter(world: World, stat: str, key: str, n: int, total: int, month: dt.date,
             unit: Unit | None = None) -> None:  # fmt: skip
    StatCount.objects.create(
        stat=stat, month=month, county=world.county, unit=unit or world.ward,
        municipality=world.lulea, key=key, n=n, total=total,
    )  # fmt: skip


LAST = dt.date(2028, 1, 1)  # the clock's month is 2028-02 (``--start-at``) or the default one


def _month() -> dt.date:
    from django.utils import timezone

    return (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def test_the_waiting_page_suppresses_and_the_unit_sees_its_own(
    login: Callable[..., Client], world: World, statistician: User
) -> None:
    month = _month()
    DailyAmount.objects.update_or_create(year=month.year, defaults={"amount_sek": 6000})
    _counter(world, "waiting_days", "2", 6, 12, month)
    _counter(world, "waiting_days", "9", 1, 9, month)
    _counter(world, "liable_stays", "", 3, 10, month)
    _counter(world, "liable_days", str(month.year), 3, 10, month)
    client = login(statistician)
    text = client.get(reverse("reporting:waiting")).content.decode()
    assert 'role="img"' in text and "<table" in text
    assert "2,0" in text  # the median of 7 stays: six of 2 days, one of 9
    assert "&lt;5" in text  # the 3 liable stays, and the one stay of 8-14 days
    assert "60 000 kr" not in text  # 10 liable days of 3 stays: left out
    body = client.get(reverse("reporting:waiting-csv") + "?table=months").content
    assert f"{month:%Y-%m};7;2,0;<5;;".encode() in body
    api = _api(client, statistician, "/api/v1/reports/waiting")
    row = next(r for r in api["months"] if r["key"] == f"{month:%Y-%m}")
    assert row["discharged"] == 7 and row["liable_stays"] is None and row["amount_sek"] is None
    assert AccessLog.objects.filter(user=statistician, what__startswith="reports.").count() == 3

    head = make_user("wendy", world.ward, Membership.Role.UNIT_ADMIN)
    own = login(head).get(reverse("reporting:waiting-csv") + "?table=months").content
    assert f"{month:%Y-%m};7;2,0;3;10;60000".encode() in own
    assert login(head).get(reverse("reporting:waiting-csv") + "?table=units").status_code == 400


def test_active_sips_are_the_sum_of_opened_less_closed_since_the_start(
    login: Callable[..., Client], world: World, statistician: User
) -> None:
    month = _month()
    long_ago = dt.date(month.year - 2, month.month, 1)
    _counter(world, "sip_opened", "outpatient", 9, 9, long_ago, world.owner_unit)
    _counter(world, "sip_closed", "goals_met", 2, 2, long_ago, world.owner_unit)
    _counter(world, "sip_opened", "after_discharge", 6, 6, month, world.owner_unit)
    _counter(world, "sip_closed", "deceased", 1, 1, month, world.owner_unit)
    _counter(world, "deviations", "no_show", 5, 5, month, world.owner_unit)
    client = login(statistician)
    api = _api(client, statistician, "/api/v1/reports/counts")
    row = next(r for r in api["months"] if r["month"] == f"{month:%Y-%m}")
    # 9 − 2 before the period, + 6 − 1 in the month = 12; the one closed is "<5": null.
    assert (row["active_sips"], row["sips_opened"], row["sips_closed"]) == (12, 6, None)
    assert row["deviations_sent"] == 5
    text = client.get(reverse("reporting:counts")).content.decode()
    assert "SIP efter utskrivning" in text or "SIP after discharge" in text
    csv = client.get(reverse("reporting:counts-csv") + "?table=kinds").content.decode("utf-8-sig")
    assert "sip_closed;" in csv and ";deceased;<5" in csv


@pytest.mark.parametrize("route", ["reporting:waiting", "reporting:counts"])
def test_the_pages_read_a_flat_number_of_queries(
    login: Callable[..., Client], world: World, statistician: User, route: str
) -> None:
    client = login(statistician)
    month = _month()
    _counter(world, "waiting_days", "1", 6, 6, month)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(route)).status_code == 200
    units = [
        Unit.objects.create(
            principal=world.region, code=f"w{i}", name=f"Avd {i}", kind="inpatient_ward"
        )
        for i in range(8)
    ]
    for i, unit in enumerate(units):
        for days in range(10):
            _counter(world, "waiting_days", str(days), 5 + i, days * (5 + i), month, unit)
            _counter(world, "sip_opened", "outpatient", 5 + days, 5 + days,
                     month - dt.timedelta(days=31 * days), unit)  # fmt: skip
        _counter(world, "liable_stays", "", 5, 20, month, unit)
        _counter(world, "liable_days", str(month.year), 5, 20, month, unit)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse(route)).status_code == 200
    assert len(many) == len(few)


def test_a_bad_table_is_refused_and_nothing_is_logged(
    login: Callable[..., Client], world: World, statistician: User
) -> None:
    client = login(statistician)
    assert client.get(reverse("reporting:waiting-csv") + "?table=x\x00").status_code == 400
    assert client.get(reverse("reporting:counts-csv") + "?table=units").status_code == 400
    assert client.get(reverse("reporting:waiting") + "?from=2026-13").status_code == 400
    assert not AccessLog.objects.filter(user=statistician, what__startswith="reports.").exists()
    assert START.tzinfo is not None
