"""Scale (issue 5 item 6): the generated county is valid, and the overview's number of queries
does not grow with it. Timing is the benchmark's business (benchmarks/overview.py), not a test's."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from samordna.accounts.actor import Actor
from samordna.accounts.sessions import REFRESHED_KEY
from samordna.cases.models import Case, Delivery, Notice, Participation
from samordna.core import deadlines
from samordna.core.identity import parse_identity_number
from samordna.core.rules import DEFAULT_RULE_SETS
from samordna.organisations.models import Unit, User
from samordna.overview import services
from samordna.overview.dataset import Deadlines, generate
from samordna.people.models import Person
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
    with django_assert_max_num_queries(25) as small:
        assert client.get(url).status_code == 200
    generate(400, seed=2)
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
    for a county twice the size, on the poll and on a page that only shows the header."""
    client.force_login(User.objects.get(username="lena"))
    session = client.session
    session["active_unit_id"] = Unit.objects.get(code="lulea-bistand").pk
    session[REFRESHED_KEY] = int(time.time())  # as a login does: no renewal due in this test
    session.save()
    urls = [reverse("overview:counts"), reverse("notifications:settings")]
    small = {}
    for url in urls:
        with django_assert_max_num_queries(12) as captured:
            assert client.get(url).status_code == 200
        small[url] = len(captured.captured_queries)
    generate(400, seed=3)
    for url in urls:
        with django_assert_max_num_queries(small[url]) as captured:
            client.get(url)
        assert len(captured.captured_queries) == small[url], url
