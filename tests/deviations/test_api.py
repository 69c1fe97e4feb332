"""DEV-1 over REST: the same acts, visibility and errors as the screens (API-1)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from samordna.audit.models import AccessLog
from samordna.deviations import jobs
from samordna.deviations.models import Deviation
from tests.api.test_persons import bearer
from tests.conftest import World
from tests.deviations.conftest import COMPLETE, overdue_delivery, sent

BASE = "/api/v1/deviations"


def body(world: World, **extra: Any) -> dict[str, Any]:
    return {
        "occurred_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
        "concerned_unit": world.participant_unit.code,
        "case_id": world.case.pk,
        **COMPLETE,
        **extra,
    }


def call(client: Client, method: str, url: str, auth: dict[str, str], data: Any = None) -> Any:
    return getattr(client, method)(
        url, json.dumps(data) if data is not None else None, "application/json", **auth
    )


def test_write_edit_send_and_handle(client: Client, world: World) -> None:
    alice, bob = bearer(world, "alice"), bearer(world, "bob")
    created = call(client, "post", BASE, alice, body(world, risk=""))
    assert created.status_code == 201, created.json()
    d = created.json()
    assert (d["status"], d["reporting_unit"], d["concerned_unit"], d["case_id"]) == (
        "draft",
        world.owner_unit.code,
        world.participant_unit.code,
        world.case.pk,
    )
    assert d["identity_number"] == world.person.identity_number
    url = f"{BASE}/{d['id']}"
    incomplete = call(client, "post", f"{url}/send", alice, {"version": 1})
    assert (incomplete.status_code, incomplete.json()["code"], incomplete.json()["field"]) == (
        400,
        "incomplete",
        "risk",
    )
    updated = call(client, "put", url, alice, body(world, version=1))
    assert updated.status_code == 200 and updated.json()["version"] == 2
    stale = call(client, "put", url, alice, body(world, version=1))
    assert (stale.status_code, stale.json()["code"]) == (409, "edit_conflict")
    assert call(client, "get", url, bob, None).status_code == 404  # not sent yet
    done = call(client, "post", f"{url}/send", alice, {"version": 2})
    assert done.json()["status"] == "sent" and done.json()["sent"]["by"] == "alice"
    listed = call(client, "get", f"{BASE}?side=concerning", bob).json()
    assert [x["id"] for x in listed["items"]] == [d["id"]] and listed["counts"]["sent"] == 1
    refused = call(client, "post", f"{url}/handle", alice, {"version": 3})
    assert (refused.status_code, refused.json()["code"]) == (403, "not_concerned_unit")
    handled = call(client, "post", f"{url}/handle", bob, {"version": 3, "comment": "Klart."})
    assert handled.status_code == 200
    assert (
        handled.json()["handled"]["by"] == "bob" and handled.json()["handled_comment"] == "Klart."
    )
    again = call(client, "post", f"{url}/handle", bob, {"version": 4})
    assert (again.status_code, again.json()["code"]) == (400, "wrong_status")
    assert AccessLog.objects.filter(via="api", what="deviation.send").exists()


@pytest.mark.parametrize("act", ["confirm", "dismiss"])
def test_suggestions_are_confirmed_or_dismissed(client: Client, world: World, act: str) -> None:
    overdue_delivery(world)
    jobs.run(timezone.now())
    pk = Deviation.objects.get().pk
    alice = bearer(world, "alice")
    listed = call(client, "get", f"{BASE}?status=suggested", alice).json()
    assert listed["count"] == 1 and listed["items"][0]["source"] == "missed_ack"
    assert listed["items"][0]["created"]["by"] is None  # made by the system
    done = call(client, "post", f"{BASE}/{pk}/{act}", alice, {"version": 1})
    assert done.json()["status"] == {"confirm": "draft", "dismiss": "dismissed"}[act]
    assert done.json()[f"{act}ed"]["by"] == "alice"
    twice = call(client, "post", f"{BASE}/{pk}/{act}", alice, {"version": 2})
    assert (twice.status_code, twice.json()["code"]) == (400, "wrong_status")


@pytest.mark.parametrize(
    ("extra", "status", "code", "field"),
    [
        ({"event": ""}, 400, "required", "event"),
        ({"concerned_unit": "nonexistent"}, 400, "invalid_unit", "concerned_unit"),
        ({"case_id": 999_999}, 400, "invalid_case", "case"),
        ({"occurred_at": "not a time"}, 422, "invalid_input", "occurred_at"),
        ({"event": "x" * 4001}, 422, "too_long", "event"),
    ],
)
def test_bad_input_gets_a_structured_error(
    client: Client, world: World, extra: dict[str, Any], status: int, code: str, field: str
) -> None:
    response = call(client, "post", BASE, bearer(world, "alice"), body(world, **extra))
    assert response.status_code == status
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    assert response.json()["message"]
    assert not Deviation.objects.exists()


def test_charlie_sees_nothing(client: Client, world: World) -> None:
    d = sent(world)
    charlie = bearer(world, "charlie")
    listed = call(client, "get", BASE, charlie).json()
    assert (listed["count"], listed["items"], listed["counts"]["all"]) == (0, [], 0)
    assert call(client, "get", f"{BASE}/{d.pk}", charlie).status_code == 404
    refused = call(client, "post", f"{BASE}/{d.pk}/handle", charlie, {"version": d.version})
    assert refused.status_code == 404
    exported = call(client, "get", f"{BASE}/export.csv", charlie).content.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(exported), delimiter=";"))) == 1


def test_csv_export(client: Client, world: World) -> None:
    sent(world, improvement="=cmd|' /C calc'!A0")
    response = call(client, "get", f"{BASE}/export.csv?status=sent", bearer(world, "alice"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    header, row = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert dict(zip(header, row, strict=True))["förbättringsförslag"] == "'=cmd|' /C calc'!A0"


def test_the_endpoints_are_in_the_openapi_schema(client: Client) -> None:
    paths = client.get("/api/v1/schema").json()["paths"]
    for path in (
        BASE,
        f"{BASE}/export.csv",
        f"{BASE}/{{deviation_id}}",
        f"{BASE}/{{deviation_id}}/confirm",
        f"{BASE}/{{deviation_id}}/dismiss",
        f"{BASE}/{{deviation_id}}/send",
        f"{BASE}/{{deviation_id}}/handle",
    ):
        assert path in paths, path
