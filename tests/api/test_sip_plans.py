"""The plan over the API (API-1): same acts, same visibility, 409 on a stale draft."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from samordna.cases.acts import touch
from samordna.cases.models import Case
from samordna.sip.models import Evaluation, FollowUpComment
from samordna.sip.services import case as case_acts
from tests.api.test_persons import bearer
from tests.conftest import World
from tests.sip.plans import documented, give_consent


@pytest.fixture
def sip(world: World) -> Case:
    """An outpatient SIP opened by alice with bob's unit taking part."""
    world.case.closed_at = timezone.now()
    world.case.close_reason = "other"
    world.case.save()
    touch(world.case.pk)  # closed by hand: the read model follows
    case = case_acts.open_case(
        world.actor(world.alice),
        world.person.identity_number,
        "outpatient",
        timezone.now() - dt.timedelta(hours=1),
    )
    case.participations.create(unit=world.participant_unit, role="participant")
    return case


def send(client: Client, method: str, url: str, body: object, headers: dict[str, str]) -> Any:
    return getattr(client, method)(
        url, json.dumps(body), content_type="application/json", **headers
    )


def draft_body(version: int, **changes: object) -> dict[str, object]:
    return {
        "version": version,
        "main_goal": "Att kunna bo kvar hemma.",
        "needs": "Hjälp på morgonen.",
        "own_resources": "Klarar medicinen själv.",
        "initiated_by": "Sture själv",
        "follow_up_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        "follow_up_caller": "Karin Holm",
        "plan_format": "digital",
        "goals": [{"text": "Klara morgonrutinerna"}],
        "actions": [
            {
                "text": "Hemtjänst på morgonen",
                "goal_index": 0,
                "responsible": "unit",
                "unit": "lulea-bistand",
                "care_type": "social_care",
            },
            {"text": "Tar sitt insulin", "responsible": "individual", "care_type": "self_care"},
            {
                "text": "Ansöker om bostadstillägg",
                "responsible": "external",
                "name": "Pensionsmyndigheten",
                "care_type": "other",
            },
        ],
        "care_contacts": [{"name": "Karin Holm", "workplace": "Hertsön", "phone": "0920-1"}],
        **changes,
    }


def test_write_document_comment_and_evaluate(client: Client, world: World, sip: Case) -> None:
    alice, bob = bearer(world, "alice"), bearer(world, "bob")
    base = f"/api/v1/sip/{sip.pk}/plans"
    # Before consent bob's unit does not see the case (SEC-1); the consent names it.
    assert send(client, "post", base, {}, bob).status_code == 404
    give_consent(world, sip)
    started = send(client, "post", base, {}, bob)
    assert started.status_code == 201, started.content
    assert started.json()["number"] == 1
    saved = send(client, "put", f"{base}/1", draft_body(started.json()["version"]), bob)
    assert saved.status_code == 200, saved.content
    body = saved.json()
    assert [a["goal_index"] for a in body["actions"]] == [0, None, None]
    assert [a["by_others"] for a in body["actions"]] == [False, False, True]
    assert body["actions"][0]["unit"] == "lulea-bistand"
    # A stale version: 409 and nothing written.
    stale = send(
        client, "put", f"{base}/1", draft_body(started.json()["version"], main_goal="X"), alice
    )
    assert stale.status_code == 409 and stale.json()["code"] == "edit_conflict"
    # Bob's unit is not the coordinator's.
    refused = send(client, "post", f"{base}/1/documented", {"version": body["version"]}, bob)
    assert refused.status_code == 403
    done = send(client, "post", f"{base}/1/documented", {"version": body["version"]}, alice)
    assert done.status_code == 200 and done.json()["documented_at"]
    read_only = send(client, "put", f"{base}/1", draft_body(done.json()["version"]), alice)
    assert read_only.status_code == 409 and read_only.json()["code"] == "plan_documented"
    handed = send(client, "post", f"{base}/1/handed-over", {}, alice)
    assert handed.status_code == 200 and handed.json()["handed_over_at"]
    units_action, own_action = body["actions"][0]["id"], body["actions"][1]["id"]
    other = send(
        client, "post", f"{base}/1/follow-up-comments", {"action": own_action, "text": "X"}, bob
    )
    assert other.status_code == 403 and other.json()["code"] == "not_responsible"
    comment = send(
        client, "post", f"{base}/1/follow-up-comments", {"action": units_action, "text": "Bra"}, bob
    )
    assert comment.status_code == 201 and comment.json()["unit"] == "lulea-bistand"
    goal = body["goals"][0]["id"]
    evaluation = {
        "main": {"rating": "met", "comment": "Bor kvar"},
        "goals": [{"goal": goal, "rating": "partly"}],
        "actions": [{"action": a["id"], "rating": "met"} for a in body["actions"]],
        "with_individual": True,
    }
    evaluated = send(client, "post", f"{base}/1/evaluation", evaluation, alice)
    assert evaluated.status_code == 200, evaluated.content
    assert {
        (e["goal"], e["rating"]) for e in evaluated.json()["evaluations"] if not e["action"]
    } == {(None, "met"), (goal, "partly")}
    versions = client.get(base, **alice)
    assert [v["number"] for v in versions.json()] == [1]


@pytest.mark.parametrize(
    ("changes", "status", "code", "field"),
    [
        (
            {
                "actions": [
                    {"text": "X", "responsible": "unit", "unit": "nope", "care_type": "other"}
                ]
            },
            400,
            "invalid_unit",
            "actions.0.unit",
        ),
        (
            {
                "actions": [
                    {"text": "X", "responsible": "unit", "unit": "pitea-lss", "care_type": "other"}
                ]
            },
            400,
            "unit_not_participating",
            "actions.0.unit",
        ),
        (
            {"actions": [{"text": "X", "responsible": "neighbour", "care_type": "other"}]},
            422,
            "invalid_input",
            None,
        ),
    ],
)
def test_bad_drafts_are_refused(
    client: Client,
    world: World,
    sip: Case,
    changes: dict[str, object],
    status: int,
    code: str,
    field: str | None,
) -> None:
    alice = bearer(world, "alice")
    started = send(client, "post", f"/api/v1/sip/{sip.pk}/plans", {}, alice).json()
    response = send(
        client,
        "put",
        f"/api/v1/sip/{sip.pk}/plans/1",
        draft_body(started["version"], **changes),
        alice,
    )
    assert response.status_code == status
    assert response.json()["code"] == code
    if field:
        assert response.json()["field"] == field
    assert sip.plans.get().version == started["version"]


def test_the_unrelated_unit_gets_404_everywhere(client: Client, world: World, sip: Case) -> None:
    plan = documented(world, sip)
    charlie = bearer(world, "charlie")
    base = f"/api/v1/sip/{sip.pk}/plans"
    assert client.get(base, **charlie).status_code == 404
    assert client.get(f"{base}/1", **charlie).status_code == 404
    for method, url, body in [
        ("post", base, {}),
        ("put", f"{base}/1", draft_body(plan.version)),
        ("post", f"{base}/1/documented", {"version": plan.version}),
        ("post", f"{base}/1/handed-over", {}),
        ("post", f"{base}/1/follow-up-comments", {"goal": plan.goals.first().pk, "text": "X"}),  # type: ignore[union-attr]
        (
            "post",
            f"{base}/1/evaluation",
            {"main": {"rating": "met"}, "goals": [], "with_individual": True},
        ),
    ]:
        response = send(client, method, url, body, charlie)
        assert response.status_code == 404, url
        assert "Lundberg" not in response.content.decode()
    assert sip.plans.count() == 1
    assert not FollowUpComment.objects.exists() and not Evaluation.objects.exists()
