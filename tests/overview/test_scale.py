"""Scale (issue 5 item 6): the generated county is valid, and the overview's number of queries
does not grow with it. Timing is the benchmark's business (benchmarks/overview.py), not a test's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from samordna.accounts.actor import Actor
from samordna.cases.models import Case, Delivery, Notice, Participation
from samordna.core.identity import parse_identity_number
from samordna.organisations.models import Unit, User
from samordna.overview import services
from samordna.overview.dataset import generate
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
    session.save()
    url = reverse("overview:overview")
    with django_assert_max_num_queries(25) as small:
        assert client.get(url).status_code == 200
    generate(400, seed=2)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        html = client.get(url).content.decode()
    assert html.count("<tr data-kind=") > 20
    assert len(large.captured_queries) == len(small.captured_queries)
