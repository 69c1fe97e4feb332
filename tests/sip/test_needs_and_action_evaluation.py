"""The plan records described needs and the individual's own resources, and the evaluation
covers the actions too (issue 14 item 10, SPEC SIP-22 extending SIP-9 and SIP-12).

Seed 001_118551e475ece215.txt lines 524-526 (and 1140-1142 for ÖPT/ÖRV): "Samordnad individuell
plan ska innehålla uppgifter om den enskildes egna mål, beskrivna behov och egna resurser."
Seed 000_106b8acbeb42519c.txt line 235: "Utvärdering av delmål och insatser görs tillsammans med
den enskilde och de parter som ansvarar för respektive delmål och insats."
"""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from samordna.cases.models import Case
from samordna.errors import ServiceError
from samordna.organisations.models import County
from samordna.sip.models import Evaluation
from samordna.sip.services import plan_follow_up as acts
from tests.api.test_persons import bearer
from tests.conftest import World
from tests.sip.plans import documented, give_consent, written
from tests.sip.test_plan import contents

R = acts.Rating


@pytest.mark.parametrize(
    ("county", "needs", "resources", "codes"),
    [
        # Norrbotten (seed 001 lines 524-526): both are part of the plan.
        ("norrbotten", "Hjälp på morgonen", "Dottern bor nära", set()),
        ("norrbotten", "", "Dottern bor nära", {"needs_required"}),
        ("norrbotten", "Hjälp på morgonen", " ", {"own_resources_required"}),
        ("norrbotten", "", "", {"needs_required", "own_resources_required"}),
        # Gävleborg's plan contents (seed 002 lines 228-243) do not name them: a county setting.
        ("gavleborg", "", "", set()),
    ],
)
def test_needs_and_own_resources_before_the_plan_is_documented(
    world: World, sip: Case, county: str, needs: str, resources: str, codes: set[str]
) -> None:
    world.county.rules = County.default_rules_for(county)
    world.county.save()
    give_consent(world, sip)
    plan = written(world, sip, needs=needs, own_resources=resources)
    sip.refresh_from_db()
    found = {e.code for e in acts.blockers(sip, contents(sip, plan.number))}
    assert found & {"needs_required", "own_resources_required"} == codes
    if not codes:
        done = acts.mark_documented(world.actor(world.alice), sip.pk, plan.number, plan.version)
        assert done.documented_at is not None


def ratings(sip: Case) -> tuple[dict[int, acts.Rating], dict[int, acts.Rating]]:
    plan = contents(sip, 1)
    goals = {g.pk: R("met") for g in plan.goals.all()}
    actions = {a.pk: R("partly", f"Om {a.text}") for a in plan.actions.all()}
    return goals, actions


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ("none", None),
        ("one action left out", "rating_required"),
        ("an action of another plan", "invalid_action"),
        ("a bad rating", "rating_required"),
    ],
)
def test_every_action_is_evaluated_with_the_goals(
    world: World, sip: Case, change: str, code: str | None
) -> None:
    documented(world, sip)
    goals, actions = ratings(sip)
    first = next(iter(actions))
    if change == "one action left out":
        del actions[first]
    elif change == "an action of another plan":
        actions[999_999] = R("met")
    elif change == "a bad rating":
        actions[first] = R("excellent")
    alice = world.actor(world.alice)
    if code is not None:
        with pytest.raises(ServiceError) as caught:
            acts.evaluate(alice, sip.pk, 1, R("met"), goals, True, actions)
        assert caught.value.code == code
        if code == "rating_required":
            assert caught.value.field == f"action_{first}_rating"
        assert not Evaluation.objects.exists()
        return
    acts.evaluate(alice, sip.pk, 1, R("met", "Bor kvar"), goals, True, actions)
    stored = {(e.goal_id, e.action_id): e.rating for e in Evaluation.objects.all()}
    assert stored == {
        (None, None): "met",
        **{(g, None): "met" for g in goals},
        **{(None, a): "partly" for a in actions},
    }
    event = sip.events.get(kind="plan_evaluated").data
    assert event["actions"] == {str(a): "partly" for a in actions}


def test_in_the_browser_sense(login, world: World, sip: Case) -> None:  # type: ignore[no-untyped-def]
    documented(world, sip)
    client = login(world.alice)
    plan_page = client.get(reverse("sip:plan-version", args=[sip.pk, 1])).content.decode()
    assert "Behöver hjälp med dusch" in plan_page and "dottern Anna bor nära" in plan_page
    url = reverse("sip:evaluate", args=[sip.pk, 1])
    page = client.get(url).content.decode()
    plan = contents(sip, 1)
    actions = list(plan.actions.all())
    for a in actions:
        assert f'name="action_{a.pk}_rating"' in page
    assert "Luleå biståndshandläggning" in page  # the responsible party is named
    form = {"main_rating": "met", "with_individual": "on"}
    form |= {f"goal_{g.pk}_rating": "met" for g in plan.goals.all()}
    form |= {f"action_{a.pk}_rating": "not_met" for a in actions[1:]}
    refused = client.post(url, form)
    assert refused.status_code == 400 and not Evaluation.objects.exists()
    form[f"action_{actions[0].pk}_rating"] = "partly"
    assert client.post(url, form).status_code == 302
    result = client.get(url).content.decode()
    assert Evaluation.objects.filter(action__isnull=False).count() == len(actions)
    assert "Delvis uppfyllt" in result and actions[0].text in result


def test_through_the_api(client: Client, world: World, sip: Case) -> None:
    documented(world, sip)
    auth = bearer(world, "alice")
    base = f"/api/v1/sip/{sip.pk}/plans"
    plan = client.get(f"{base}/1", **auth).json()
    assert plan["needs"].startswith("Behöver") and plan["own_resources"]
    body = {
        "main": {"rating": "met"},
        "goals": [{"goal": g["id"], "rating": "met"} for g in plan["goals"]],
        "actions": [{"action": a["id"], "rating": "partly"} for a in plan["actions"][1:]],
        "with_individual": True,
    }

    def post(b: object) -> object:
        return client.post(
            f"{base}/1/evaluation", json.dumps(b), content_type="application/json", **auth
        )

    missing = post(body)
    assert missing.status_code == 400 and missing.json()["code"] == "rating_required"  # type: ignore[attr-defined]
    body["actions"] = [{"action": a["id"], "rating": "partly"} for a in plan["actions"]]
    done = post(body)
    assert done.status_code == 200, done.content  # type: ignore[attr-defined]
    rated = {e["action"] for e in done.json()["evaluations"] if e["action"]}  # type: ignore[attr-defined]
    assert rated == {a["id"] for a in plan["actions"]}
