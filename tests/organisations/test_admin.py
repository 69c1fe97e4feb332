"""Organisation data in the admin (ORG-5), and the county rule set as validated data."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from samordna.core.rules import RuleSet
from samordna.organisations.models import County, User
from tests.conftest import World, force_full_login


@pytest.fixture
def admin_client_(client: Client, world: World) -> Client:
    superuser = User.objects.create_superuser("root", password="x")
    force_full_login(client, superuser)
    return client


@pytest.mark.parametrize("model", ["county", "principal", "unit", "user"])
def test_admin_pages_open(admin_client_: Client, model: str) -> None:
    response = admin_client_.get(reverse(f"admin:organisations_{model}_changelist"))
    assert response.status_code == 200


def test_individuals_are_not_in_the_admin(admin_client_: Client) -> None:
    """SEC-1: administrators do not read individuals or case contents through the admin."""
    assert admin_client_.get("/admin/people/person/").status_code == 404


def test_rule_set_table_shows_values_with_their_sources(
    admin_client_: Client, world: World
) -> None:
    page = admin_client_.get(reverse("admin:organisations_county_change", args=[world.county.pk]))
    html = page.content.decode()
    assert "payment_cutoff" in html and "001_118551e475ece215.txt" in html


def post_rules(client: Client, county: County, rules: object) -> str:
    url = reverse("admin:organisations_county_change", args=[county.pk])
    data = {"code": county.code, "name": county.name, "rules": json.dumps(rules)}
    return client.post(url, data).content.decode()


@pytest.mark.parametrize(
    "change",
    [
        {"reading_times": ["25:00"]},
        {"meeting_min_days": 30},
        {"unknown_rule": 1},
        {"payment_days_by_cutoff": -1},
    ],
)
def test_bad_rule_set_is_refused_and_nothing_changes(
    admin_client_: Client, world: World, change: dict[str, object]
) -> None:
    before = world.county.rules
    html = post_rules(admin_client_, world.county, {**before, **change})
    assert "errorlist" in html
    world.county.refresh_from_db()
    assert world.county.rules == before


def test_good_rule_set_is_saved(admin_client_: Client, world: World) -> None:
    rules = {**world.county.rules, "reading_times": ["09:00", "13:00"], "reading_days": "working"}
    post_rules(admin_client_, world.county, rules)
    world.county.refresh_from_db()
    assert world.county.rule_set.reading_days == "working"
    assert len(world.county.rule_set.reading_times) == 2
    assert RuleSet.from_json(world.county.rules) == world.county.rule_set
