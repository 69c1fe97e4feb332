"""The indicator pages, CSV and API (RPT-1, RPT-3): who sees which scope, "<5" outside the
unit's own view, the reads logged, a flat number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samordna.audit.models import AccessLog
from samordna.cases.models import Obligation
from samordna.organisations.models import Membership, Unit, User
from samordna.reporting import rollup
from samordna.reporting.models import IndicatorFact
from tests.conftest import World, make_user


@pytest.fixture
def statistician(world: World) -> User:
    office = Unit.objects.create(
        principal=world.region, code="office", name="Samverkanskansliet", kind="external"
    )
    return make_user("stina", office, Membership.Role.STATISTICS)


def deadlines(world: World, on_time: int, late: int, unit: Unit | None = None) -> None:
    """Plan-documented deadlines of last month at ``unit`` (alice's), met on time or late."""
    unit = unit or world.owner_unit
    due = timezone.now().replace(day=1) - dt.timedelta(days=10)
    for i in range(on_time + late):
        met = due - dt.timedelta(hours=1) if i < on_time else due + dt.timedelta(hours=1)
        Obligation.objects.create(
            case=world.case, unit=unit, kind="plan_documented", due_at=due, met_at=met
        )
    rollup.update({world.case.pk})


LAST_MONTH = "table=months"


def test_the_county_view_suppresses_small_counts(
    login: Callable[..., Client], world: World, statistician: User
) -> None:
    deadlines(world, on_time=7, late=3)
    client = login(statistician)
    page = client.get(reverse("reporting:indicator", args=["plan_documented"]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "<svg" in text and 'role="img"' in text and "<title" in text
    assert "&lt;5" in text  # 3 late
    assert "70,0 %" not in text  # the share would give the 3 away
    response = client.get(
        reverse("reporting:indicator-csv", args=["plan_documented"]) + "?" + LAST_MONTH
    )
    body = response.content.decode("utf-8-sig")
    month = f"{timezone.now().replace(day=1) - dt.timedelta(days=10):%Y-%m}"
    # The 3 late: "<5", and the 10 deadlines passed and the share left out, which would give
    # the 3 back.
    assert f"{month};7;<5;0;0;–;\r\n" in body
    assert AccessLog.objects.filter(user=statistician, what__startswith="reports.").count() == 2


def test_the_unit_head_sees_the_unit_own_figures_unsuppressed(
    login: Callable[..., Client], world: World
) -> None:
    deadlines(world, on_time=7, late=3)
    deadlines(world, on_time=2, late=0, unit=world.participant_unit)
    client = login(world.admin)  # unit administrator at alice's unit
    response = client.get(
        reverse("reporting:indicator-csv", args=["plan_documented"]) + "?" + LAST_MONTH
    )
    body = response.content.decode("utf-8-sig")
    month = f"{timezone.now().replace(day=1) - dt.timedelta(days=10):%Y-%m}"
    assert f"{month};7;3;0;0;10;70,0" in body  # not bob's unit's 2
    # Another unit's figures are refused, not shown.
    other = client.get(reverse("reporting:index") + f"?unit={world.participant_unit.code}")
    assert other.status_code == 403


def test_staff_without_the_roles_are_refused(login: Callable[..., Client], world: World) -> None:
    assert login(world.alice).get(reverse("reporting:index")).status_code == 403


@pytest.mark.parametrize(
    "query", ["from=2027-13", "from=x", "from=2028-05&to=2028-01", "from=2020-01&to=2028-01",
              "unit=nope", "municipality=nope"],
)  # fmt: skip
def test_bad_filters_are_a_400(
    login: Callable[..., Client], world: World, statistician: User, query: str
) -> None:
    response = login(statistician).get(reverse("reporting:index") + "?" + query)
    assert response.status_code == 400


def test_pages_cost_the_same_queries_for_more_facts(
    login: Callable[..., Client], world: World, statistician: User
) -> None:
    client = login(statistician)
    url = reverse("reporting:indicator", args=["plan_documented"])
    deadlines(world, on_time=1, late=1)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    deadlines(world, on_time=30, late=20, unit=world.participant_unit)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
    assert IndicatorFact.objects.count() == 52


def test_api_gives_the_same_table(world: World, statistician: User, client: Client) -> None:
    from samordna.api.models import ApiToken

    deadlines(world, on_time=7, late=3)
    _row, token = ApiToken.issue("bi", statistician, statistician.memberships.get().unit)
    headers = {"Authorization": f"Bearer {token}"}
    found = client.get("/api/v1/reports/indicators/plan_documented", headers=headers).json()
    month = f"{timezone.now().replace(day=1) - dt.timedelta(days=10):%Y-%m}"
    row = next(r for r in found["months"] if r["key"] == month)
    assert row == {"key": month, "share_on_time": None, "on_time": 7, "late": None, "missed": 0,
                   "pending": 0, "due": None, "suppressed": True}  # fmt: skip
    bad = client.get("/api/v1/reports/indicators/nope", headers=headers)
    assert bad.status_code == 404 and bad.json()["code"] == "unknown_indicator"


@pytest.mark.parametrize(
    ("cell", "suppress", "share", "texts"),
    [
        # on time, late, not done (open), of them not yet due; suppressed or the unit's own
        ((7, 3, 0, 0), False, "70,0 %", ("7", "3", "0", "0", "10")),
        ((7, 3, 0, 0), True, "–", ("7", "<5", "0", "0", "–")),
        # 2 pending hide only their own cell: they are not in the share.
        ((20, 6, 2, 2), True, "76,9 %", ("20", "6", "0", "<5", "26")),
        ((20, 6, 5, 2), True, "–", ("20", "6", "<5", "<5", "–")),  # 3 missed
        ((0, 0, 0, 0), True, "–", ("0", "0", "0", "0", "0")),
        ((5, 0, 0, 0), True, "100,0 %", ("5", "0", "0", "0", "5")),
    ],
)
def test_small_cells_and_what_would_give_them_back_are_left_out(
    cell: tuple[int, int, int, int], suppress: bool, share: str, texts: tuple[str, ...]
) -> None:
    from samordna.reporting.queries import Cell, Shown

    shown = Shown(Cell(*cell), suppress)
    assert shown.share_text == share
    assert tuple(shown.text(n) for n in ("on_time", "late", "missed", "pending", "due")) == texts


@pytest.mark.parametrize(
    "url",
    [
        reverse("reporting:indicator", args=["plan_documented"]),
        reverse("reporting:waiting"),
        reverse("reporting:counts"),
    ],
)
def test_definitions_name_the_routine_not_its_file(
    login: Callable[..., Client], statistician: User, url: str
) -> None:
    """Staff know «Länsgemensam riktlinje för samverkan, Norrbottens län», not the seed file
    001_118551e475ece215.txt that the definitions cite (as the county's rule form shows them)."""
    text = login(statistician).get(url).content.decode()
    assert "Länsgemensam riktlinje för samverkan, Norrbottens län" in text
    assert ".txt" not in text
