"""SIP case acts over the API: same rules, same visibility, structured errors."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from samordna.cases.acts import touch
from samordna.cases.models import Case
from tests.api.test_persons import bearer
from tests.conftest import STOCKHOLM, World


def post(client: Client, url: str, body: object, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def no_active_sip(world: World) -> None:
    world.case.closed_at = timezone.now()
    world.case.close_reason = "other"
    world.case.save()
    touch(world.case.pk)  # closed by hand: the read model follows


def open_sip(client: Client, world: World, user: str = "alice"):  # type: ignore[no-untyped-def]
    return post(
        client,
        "/api/v1/sip",
        {
            "identity_number": world.person.identity_number,
            "type": "outpatient",
            "need_known_at": timezone.now().isoformat(),
        },
        bearer(world, user),
    )


def test_open_read_consent_coordinator_close(
    client: Client, world: World, no_active_sip: None
) -> None:
    alice = bearer(world, "alice")
    opened = open_sip(client, world)
    assert opened.status_code == 201, opened.content
    body = opened.json()
    case_id = body["id"]
    assert body["coordinators"][0]["user"] == "alice"
    assert {d["kind"] for d in body["deadlines"]} == {"sip_invitation", "sip_meeting"}
    consent = post(
        client,
        f"/api/v1/sip/{case_id}/consent",
        {
            "decision": "given",
            "giver": "individual",
            "giver_name": "Sture Lundberg",
            "form": "written",
            "given_at": timezone.now().isoformat(),
            "units": ["hc-hertson"],
        },
        alice,
    )
    assert consent.status_code == 200, consent.content
    assert consent.json()["consents"][0]["units"] == ["hc-hertson"]
    Case.objects.get(pk=case_id).participations.create(
        unit=world.participant_unit, role="participant"
    )
    changed = post(
        client,
        f"/api/v1/sip/{case_id}/coordinator",
        {"username": "bob", "unit": "lulea-bistand", "reason": "Vid mötet"},
        alice,
    )
    assert changed.status_code == 200 and changed.json()["owner_unit"] == "lulea-bistand"
    # Alice's unit is no longer the coordinator's: it may not close.
    assert (
        post(client, f"/api/v1/sip/{case_id}/close", {"reason": "goals_met"}, alice).status_code
        == 403
    )
    closed = post(
        client, f"/api/v1/sip/{case_id}/close", {"reason": "goals_met"}, bearer(world, "bob")
    )
    assert closed.status_code == 200 and closed.json()["close_reason"] == "goals_met"


def test_second_active_sip_is_409(client: Client, world: World, no_active_sip: None) -> None:
    open_sip(client, world)
    again = open_sip(client, world, "bob")
    assert again.status_code == 409 and again.json()["code"] == "active_sip_exists"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"type": "weekly"}, 422, "invalid_input"),
        ({"identity_number": "19920918-2394"}, 404, "not_registered"),
        ({"identity_number": "19920918-R123"}, 400, "reserve_number"),
    ],
)
def test_bad_open_requests(
    client: Client, world: World, no_active_sip: None, body: dict[str, str], status: int, code: str
) -> None:
    payload = {
        "identity_number": world.person.identity_number,
        "type": "outpatient",
        "need_known_at": timezone.now().isoformat(),
        **body,
    }
    response = post(client, "/api/v1/sip", payload, bearer(world, "alice"))
    assert response.status_code == status and response.json()["code"] == code
    assert not Case.objects.filter(closed_at__isnull=True).exists()


def test_unrelated_unit_gets_404_for_every_act(
    client: Client, world: World, no_active_sip: None
) -> None:
    case_id = open_sip(client, world).json()["id"]
    charlie = bearer(world, "charlie")
    assert client.get(f"/api/v1/sip/{case_id}", **charlie).status_code == 404
    for path, body in [
        (
            "consent",
            {
                "decision": "given",
                "giver": "individual",
                "giver_name": "X",
                "form": "oral",
                "given_at": timezone.now().isoformat(),
            },
        ),
        ("consent/withdraw", {}),
        ("coordinator", {"username": "charlie", "unit": "pitea-lss", "reason": "x"}),
        ("close", {"reason": "goals_met"}),
    ]:
        response = post(client, f"/api/v1/sip/{case_id}/{path}", body, charlie)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"
    assert (
        post(
            client, f"/api/v1/persons/{world.person.pk}/death", {"died_on": "2026-11-01"}, charlie
        ).status_code
        == 404
    )
    assert Case.objects.get(pk=case_id).is_active


# Dead on 1 November, registered on 23 November: the death date must not be in the future.
@time_machine.travel(dt.datetime(2026, 11, 23, 9, tzinfo=STOCKHOLM), tick=True)
def test_death_over_the_api(client: Client, world: World, no_active_sip: None) -> None:
    open_sip(client, world)
    response = post(
        client,
        f"/api/v1/persons/{world.person.pk}/death",
        {"died_on": "2026-11-01"},
        bearer(world, "alice"),
    )
    assert response.json() == {"closed_cases": 1}
    future = post(
        client,
        f"/api/v1/persons/{world.person.pk}/death",
        {"died_on": "2099-01-01"},
        bearer(world, "alice"),
    )
    assert future.status_code == 400 and future.json()["code"] == "future_date"
