"""Organisation data in the admin (ORG-5), and the county rule set as validated data."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from samordna.audit.models import AccessLog
from samordna.core.rules import RuleSet
from samordna.organisations.models import County, User
from samordna.organisations.rules_form import RULES, TEXTS, source_text
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


def test_the_rule_set_is_a_swedish_form_with_meaning_unit_and_source(
    admin_client_: Client, world: World
) -> None:
    """Issue 18 item 13: it was raw JSON with English keys and file names as sources."""
    page = admin_client_.get(reverse("admin:organisations_county_change", args=[world.county.pk]))
    html = page.content.decode()
    assert 'for="id_payment_cutoff">Brytpunkt för betalningsansvaret:</label>' in html
    assert "Anges i klockslag." in html and "Anges i arbetsdagar." in html
    assert "Länsgemensam riktlinje för samverkan, Norrbottens län" in html
    assert "001_118551e475ece215.txt" not in html
    assert 'name="rules"' not in html  # no JSON box any more
    assert 'value="12:00"' in html  # the current values are filled in


def test_every_rule_has_a_label_a_meaning_and_a_known_routine() -> None:
    for name in RULES:
        assert name in TEXTS, name
        assert "«" in source_text(name) and ".txt" not in source_text(name), name


def test_every_rule_is_on_the_admin_form(admin_client_: Client, world: World) -> None:
    """A rule missing from the admin's fieldsets was not shown but still part of the form: an
    integer rule made every save fail with an error no one could see, and a yes/no rule was
    silently reset to no on every save (deviations to MAS, the paper route)."""
    from samordna.organisations.admin import CountyAdmin

    listed = [name for _title, options in CountyAdmin.fieldsets for name in options["fields"]]
    assert sorted(set(RULES) - set(listed)) == []
    html = admin_client_.get(
        reverse("admin:organisations_county_change", args=[world.county.pk])
    ).content.decode()
    assert all(f'name="{name}"' in html for name in RULES)


def form_data(county: County, **change: object) -> dict[str, object]:
    values = county.rule_set.to_json()
    values["reading_times"] = ", ".join(values["reading_times"])
    values.update(change)
    data = {"code": county.code, "name": county.name}
    data.update({k: v for k, v in values.items() if v is not False})  # unchecked boxes send nothing
    return {k: ("on" if v is True else v) for k, v in data.items()}


def post_rules(client: Client, county: County, **change: object) -> tuple[int, str]:
    url = reverse("admin:organisations_county_change", args=[county.pk])
    response = client.post(url, form_data(county, **change))
    return response.status_code, response.content.decode()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"reading_times": "25:00"}, "reading_times", "klocktid"),
        ({"reading_times": ""}, "reading_times", ""),
        ({"meeting_min_days": 30}, "meeting_min_days", "får inte vara större än"),
        ({"payment_days_by_cutoff": -1}, "payment_days_by_cutoff", ""),
        ({"payment_days_by_cutoff": 5}, "payment_days_by_cutoff", "får inte vara större än"),
        ({"payment_cutoff": "12.00"}, "payment_cutoff", ""),
        ({"reading_days": "sometimes"}, "reading_days", ""),
        ({"follow_up_max_days": "ett år"}, "follow_up_max_days", ""),
    ],
)
def test_bad_rule_set_is_refused_on_its_field_and_nothing_changes(
    admin_client_: Client, world: World, change: dict[str, object], field: str, message: str
) -> None:
    before = world.county.rules
    logged = AccessLog.objects.count()
    status, html = post_rules(admin_client_, world.county, **change)
    assert status == 200 and "errorlist" in html
    row = html[html.index(f'id="id_{field}"') - 1500 : html.index(f'id="id_{field}"')]
    assert "errorlist" in row, field  # the message sits on the rule's own field
    assert message in html
    world.county.refresh_from_db()
    assert world.county.rules == before
    assert AccessLog.objects.count() == logged


def test_a_change_is_saved_logged_and_dated_and_computed_deadlines_keep_their_values(
    admin_client_: Client, world: World
) -> None:
    from tests.sip.test_meetings import bobs, invite

    meeting = invite(world, world.case)  # world.case carries the consent naming bob's unit
    due = bobs(meeting, world).due_at
    status, _html = post_rules(
        admin_client_,
        world.county,
        reading_times="13:00, 09:00",
        reading_days="working",
        read_on_day_3_of_long_holidays=True,
    )
    assert status == 302
    world.county.refresh_from_db()
    rules = world.county.rule_set
    assert rules.reading_days == "working" and len(rules.reading_times) == 2
    assert rules.read_on_day_3_of_long_holidays is True
    assert RuleSet.from_json(world.county.rules) == rules
    log = AccessLog.objects.filter(what__startswith="county.rules: ").order_by("pk")
    assert [e.what for e in log] == [
        "county.rules: norrbotten: reading_times: 12:00 → 09:00, 13:00",
        "county.rules: norrbotten: reading_days: all → working",
        "county.rules: norrbotten: read_on_day_3_of_long_holidays: False → True",
    ]
    assert all(e.action == AccessLog.Action.UPDATE and e.user.username == "root" for e in log)
    assert bobs(meeting, world).due_at == due  # stored when sent; the new rules are for new acts
