"""Scale (issue 5 item 6): the generated county is valid, and the overview's number of queries
does not grow with it. Timing is the benchmark's business (benchmarks/overview.py), not a test's."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samordna.accounts.actor import Actor
from samordna.accounts.sessions import REFRESHED_KEY
from samordna.cases.models import Case, Delivery, Notice, Participation
from samordna.core import deadlines
from samordna.core.identity import parse_identity_number
from samordna.core.rules import DEFAULT_RULE_SETS
from samordna.operations.context_processors import forget as forget_banners
from samordna.organisations.models import Unit, User
from samordna.overview import services
from samordna.overview.dataset import Deadlines, generate
from samordna.people.models import Person
from tests.conftest import World
from tests.overview.conftest import NOW


@pytest.fixture
def county(db: None) -> Iterator[None]:
    """Generated at a fixed moment, so the same seed gives the same county."""
    with time_machine.travel(NOW, tick=False):
        call_command("generate_county", cases=200)
        yield


def test_the_generated_county_is_valid_and_has_every_kind_of_item(county: None) -> None:
    assert Case.objects.filter(opened_by__isnull=False).count() >= 200
    generated = Person.objects.exclude(cases=None)
    for person in generated:
        parse_identity_number(person.identity_number, dt.date(2026, 1, 1))  # raises if invalid
    assert not Case.objects.exclude(participations__role=Participation.Role.OWNER).exists()
    assert Notice.objects.filter(kind=Notice.Kind.MESSAGE).exists()
    # Every message notice says something, so the message lists and threads show it.
    assert not Notice.objects.filter(kind=Notice.Kind.MESSAGE, message=None).exists()
    assert Delivery.objects.filter(acknowledged_at__isnull=True).exists()
    kinds: set[str] = set()
    user = User.objects.get(username="karin")
    for unit in Unit.objects.all():
        counts = services.counts(Actor(user, unit), timezone.now())
        kinds |= {k for (k, _b), n in counts.cells.items() if n}
    assert kinds == set(services.KINDS)


def test_the_overview_takes_the_same_number_of_queries_whatever_the_size(
    county: None, client: Any, django_assert_max_num_queries: Any
) -> None:
    client.force_login(User.objects.get(username="lena"))
    session = client.session
    session["active_unit_id"] = Unit.objects.get(code="lulea-bistand").pk
    session[REFRESHED_KEY] = int(time.time())  # as a login does: no renewal due in this test
    session.save()
    url = reverse("overview:overview")
    forget_banners()  # each request reads the banners (a process reads them every few seconds)
    with django_assert_max_num_queries(25) as small:
        assert client.get(url).status_code == 200
    generate(400, seed=2)
    forget_banners()
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        html = client.get(url).content.decode()
    assert html.count("<tr data-kind=") > 20
    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.parametrize("county_code", ["norrbotten", "gavleborg"])
def test_the_generators_deadlines_are_the_routines_deadlines(county_code: str) -> None:
    """The generator looks deadlines up instead of computing each (dataset.Deadlines); the
    answers are those of core.deadlines, including across summer time and the holidays, and
    for moments exactly at a reading time (due at the next one)."""
    rules = DEFAULT_RULE_SETS[county_code]
    now = dt.datetime(2026, 3, 30, 9, 17, 23, 511, tzinfo=dt.UTC)
    looked_up = Deadlines(rules, now)
    rng = random.Random(county_code)
    moments = [now - dt.timedelta(minutes=rng.randrange(2 * 365 * 24 * 60)) for _ in range(3000)]
    at_reading = deadlines.reading_times_after(now - dt.timedelta(days=400), rules, count=50)
    moments += [m.astimezone(dt.UTC) for m in at_reading] + at_reading
    for moment in moments:
        assert looked_up.acknowledgement(moment) == deadlines.acknowledgement_due(moment, rules)
        assert looked_up.outpatient_invitation(moment) == deadlines.outpatient_invitation_due(
            moment, rules
        )
        assert looked_up.plan_documented(moment) == deadlines.plan_documented_due(moment, rules)


def test_the_polled_count_and_every_page_header_take_the_same_queries_whatever_the_size(
    county: None, client: Any, django_assert_max_num_queries: Any
) -> None:
    """The header's counts come from the unit's counters (issue 11): the same number of queries
    for a county twice the size, on the poll and on a page that only shows the header. What
    every logged-in page pays is four queries: the session, the user, the user's memberships of
    the active unit (with the unit) and the counts in one statement; the banners, read by each
    process once every few seconds, a fifth (read here every time, the worst case)."""
    client.force_login(User.objects.get(username="lena"))
    session = client.session
    session["active_unit_id"] = Unit.objects.get(code="lulea-bistand").pk
    session[REFRESHED_KEY] = int(time.time())  # as a login does: no renewal due in this test
    session.save()
    # The poll shows no banner; the notification settings add the user's preference.
    floor = ["django_session", "organisations_user", "organisations_membership", "overview_"]
    urls = {
        reverse("overview:counts"): floor,
        reverse("notifications:settings"): [*floor, "notifications_preference", "banner"],
    }
    for grown in (False, True):
        if grown:
            generate(400, seed=3)
        for url, expected in urls.items():
            forget_banners()
            with django_assert_max_num_queries(len(expected)) as captured:
                assert client.get(url).status_code == 200
            tables = [q["sql"] for q in captured.captured_queries]
            assert len(tables) == len(expected), (url, tables)
            for table in expected:
                assert any(table in sql for sql in tables), (url, table, tables)
            assert not any(sql.lstrip().upper().startswith(("INSERT", "UPDATE")) for sql in tables)


def test_a_fragment_without_the_header_reads_neither_counts_nor_banners(
    world: World, login: Callable[..., Client]
) -> None:
    """The header's counts and the banners are read only when a page shows them: an htmx
    answer (the name search's results) pays for neither."""
    client = login(world.bob)
    url = reverse("people:search")
    with CaptureQueriesContext(connection) as fragment:
        assert client.get(url, {"q": "Zz"}, HTTP_HX_REQUEST="true").status_code == 200
    with CaptureQueriesContext(connection) as page:
        assert client.get(url, {"q": "Zz"}).status_code == 200

    def reads(captured: CaptureQueriesContext, table: str) -> int:
        return sum(table in q["sql"] for q in captured.captured_queries)

    assert (reads(fragment, "overview_workcount"), reads(fragment, "operations_banner")) == (0, 0)
    assert reads(page, "overview_workcount") == 1
