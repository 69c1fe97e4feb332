"""Webhook subscriptions through the REST API (API-3, issue 12 item 3): a system subscribes with
its token, a real receiver on 127.0.0.1 verifies the deliveries with the secret the API gave
(``standardwebhooks``), a new secret takes over from the next delivery, and a system sees and
changes only its own subscriptions."""

from __future__ import annotations

import json
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from samordna.api.models import ApiToken
from samordna.cases.models import Case
from samordna.discharge.services import notices as notices_acts
from samordna.organisations.models import User
from samordna.webhooks.models import OutboxDelivery, Subscription
from tests.conftest import World
from tests.discharge.conftest import nurse, stay, ward  # noqa: F401 - fixtures
from tests.webhooks.receiver import Receiver, running, types
from tests.webhooks.test_delivery import drain, version

BASE = "/api/v1/webhooks/subscriptions"


def token(world: World, name: str = "Journalsystem", other_unit: bool = False) -> dict[str, str]:
    user, unit = (
        (world.alice, world.owner_unit) if other_unit else (world.bob, world.participant_unit)
    )
    _row, secret = ApiToken.issue(name, user, unit)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def call(client: Client, method: str, path: str, auth: dict[str, str], data: Any = None) -> Any:
    body = json.dumps(data) if data is not None else None
    kwargs: dict[str, Any] = {"content_type": "application/json"} if body is not None else {}
    return getattr(client, method)(BASE + path, body, **kwargs, **auth)


def test_a_system_subscribes_receives_signed_events_and_rotates_its_secret(
    client: Client,
    world: World,
    nurse: User,  # noqa: F811
    stay: Case,  # noqa: F811
) -> None:
    auth = token(world)
    with (
        time_machine.travel(timezone.now(), tick=False) as traveller,
        running(Receiver(secret="")) as receiver,
    ):
        made = call(
            client,
            "post",
            "",
            auth,
            {"url": receiver.url, "event_types": ["admission_notice.sent", "ready_notice.sent"]},
        )
        assert made.status_code == 201, made.content
        sub = made.json()
        assert sub["secret"].startswith("whsec_") and sub["system"] == "Journalsystem"
        receiver.secret = sub["secret"]
        wanda = ward(world, nurse)
        notices_acts.send_admission_notice(
            wanda, stay.pk, notices_acts.default_recipients(world.person)
        )
        drain(traveller)
        assert types(receiver) == ["admission_notice.sent"] and receiver.bad_signatures == 0

        rotated = call(client, "post", f"/{sub['id']}/secret", auth, {"version": 1})
        assert rotated.status_code == 200, rotated.content
        assert rotated.json()["secret"] != sub["secret"] and rotated.json()["version"] == 2
        from samordna.discharge.services import notices

        data = {
            "ready_at": timezone.now(),
            "ready_physician": "Erik Berg",
            "ready_nurse": "Anna Lind",
            "medical_responsibility_to": "Johan Ek, Hertsöns hälsocentral",
        }
        notices.send_ready_notice(wanda, stay.pk, version(stay), data)
        # the old secret no longer verifies; the receiver takes the new one and it does
        delivery = OutboxDelivery.objects.get(event__type="ready_notice.sent")
        from samordna.webhooks import delivery as worker

        worker.run(timezone.now())
        assert receiver.bad_signatures == 1
        receiver.secret = rotated.json()["secret"]
        drain(traveller)
        delivery.refresh_from_db()
        assert delivery.state == OutboxDelivery.State.SENT
        assert types(receiver) == ["admission_notice.sent", "ready_notice.sent"]

        listed = call(client, "get", "", auth).json()
        assert [s["id"] for s in listed] == [sub["id"]] and "secret" not in listed[0]
        assert call(client, "delete", f"/{sub['id']}", auth).status_code == 204
        assert not Subscription.objects.exists() and not OutboxDelivery.objects.exists()


def test_a_system_sees_and_changes_only_its_own(client: Client, world: World) -> None:
    mine, other_name, other_unit = (
        token(world),
        token(world, "Annat system"),
        token(world, other_unit=True),
    )
    body = {"url": "https://ehr.example.se/hooks", "event_types": ["case.closed"]}
    sub = call(client, "post", "", mine, body).json()
    for auth in (other_name, other_unit):
        assert call(client, "get", "", auth).json() == []
        assert call(client, "get", f"/{sub['id']}", auth).status_code == 404
        changed = call(client, "put", f"/{sub['id']}", auth, body | {"version": 1})
        assert changed.status_code == 404
        assert call(client, "delete", f"/{sub['id']}", auth).status_code == 404
        assert call(client, "post", f"/{sub['id']}/secret", auth, {"version": 1}).status_code == 404
    # A change names the version it read: the second with the same version is refused.
    paused = body | {"version": 1, "active": False, "event_types": ["case.closed", "case.opened"]}
    first = call(client, "put", f"/{sub['id']}", mine, paused)
    assert first.status_code == 200 and first.json()["active"] is False
    assert first.json()["event_types"] == ["case.closed", "case.opened"]
    again = call(client, "put", f"/{sub['id']}", mine, paused)
    assert (again.status_code, again.json()["code"]) == (409, "edit_conflict")
    assert Subscription.objects.get().version == 2
    assert call(client, "get", "", {}).status_code == 401


@pytest.mark.parametrize(
    ("url", "accepted"),
    [
        ("https://ehr.example.se/hooks", True),
        ("https://10.1.2.3:8443/in", True),
        ("http://127.0.0.1:8080/hooks", True),  # a receiver on this machine
        ("http://localhost/hooks", True),
        ("http://ehr.example.se/hooks", False),  # plain http elsewhere
        ("ftp://ehr.example.se/hooks", False),
        ("https://user:pw@ehr.example.se/hooks", False),  # credentials in the address
        ("https://ehr.example.se/hooks#x", False),
        ("https:///hooks", False),
        ("ehr.example.se/hooks", False),
        ("https://ehr.example.se/\x00", False),
        (" https://ehr.example.se/", True),  # the boundary trims surrounding spaces
        ("https://ehr.example.se/" + "a" * 480, False),  # over 500 characters
        ("javascript:alert(1)", False),
    ],
)
def test_the_url_is_checked(client: Client, world: World, url: str, accepted: bool) -> None:
    answer = call(client, "post", "", token(world), {"url": url, "event_types": ["case.closed"]})
    if accepted:
        assert answer.status_code == 201, answer.content
    else:
        assert answer.status_code in (400, 422), answer.content
        assert answer.json()["code"] in (
            "invalid_url",
            "validation_error",
            "nul_character",
            "too_long",
        )
        assert not Subscription.objects.exists()


@pytest.mark.parametrize(
    "event_types", [[], ["case.deleted"], ["case.closed", 3], "case.closed", None]
)
def test_the_event_types_are_checked(client: Client, world: World, event_types: Any) -> None:
    body = {"url": "https://ehr.example.se/hooks", "event_types": event_types}
    answer = call(client, "post", "", token(world), body)
    assert answer.status_code in (400, 422), answer.content
    assert not Subscription.objects.exists()
