"""The overview and notification preferences over REST (API-1, BOX-1, BOX-3)."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from samordna.audit.models import AccessLog
from tests.conftest import World
from tests.discharge.test_api import bearer
from tests.overview.conftest import Day

URL = "/api/v1/overview"


def test_the_overview_lists_items_by_urgency_with_counts(
    client: Client, world: World, day: Day
) -> None:
    response = client.get(URL, **bearer(world.alice))
    assert response.status_code == 200
    body = response.json()
    assert [i["kind"] for i in body["items"]][:3] == ["deadline", "awaiting", "notice"]
    assert body["total"] == 8
    assert (body["counts"]["overdue"], body["counts"]["today"], body["counts"]["upcoming"]) == (
        2,
        2,
        4,
    )
    assert body["counts"]["by_kind"]["discharge"] == 1
    assert body["items"][0]["person"]["identity_number"] == world.person.identity_number
    assert AccessLog.objects.filter(user=world.alice, what="overview.read", via="api").count() == 2


def test_filters_and_bad_filters(client: Client, world: World, day: Day) -> None:
    body = client.get(URL, {"kind": "discharge"}, **bearer(world.alice)).json()
    assert [i["kind"] for i in body["items"]] == ["discharge"]
    bad = client.get(URL, {"when": "yesterday"}, **bearer(world.alice))
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid_input" and bad.json()["field"] == "when"


def test_charlie_gets_nothing(client: Client, world: World, day: Day) -> None:
    body = client.get(URL, **bearer(world.charlie)).json()
    assert body["items"] == [] and body["total"] == 0
    counts = client.get(URL + "/counts", **bearer(world.charlie)).json()
    assert counts["overdue"] == counts["active_sip"] == 0


def test_without_a_token_nothing(client: Client, world: World) -> None:
    assert client.get(URL).status_code == 401


def put(client: Client, body: object, headers: dict[str, str]) -> Any:
    return client.put(
        "/api/v1/notifications/preferences",
        json.dumps(body),
        content_type="application/json",
        **headers,
    )


def test_notification_preferences(client: Client, world: World) -> None:
    headers = bearer(world.alice)
    url = "/api/v1/notifications/preferences"
    assert client.get(url, **headers).json() == {
        "digest": True,
        "address": "",
        "sends_to": "",
        "version": 1,
    }
    saved = put(client, {"digest": True, "address": "alice@example.org", "version": 1}, headers)
    assert saved.status_code == 200
    assert saved.json()["sends_to"] == "alice@example.org"
    stale = put(client, {"digest": False, "address": "", "version": 1}, headers)
    assert stale.status_code == 409
    bad = put(client, {"digest": True, "address": "not an address", "version": 2}, headers)
    assert bad.status_code == 400
    assert bad.json()["field"] == "address"
    assert client.get(url, **headers).json()["version"] == 2
