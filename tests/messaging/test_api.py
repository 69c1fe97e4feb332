"""Messages over the API: the same acts, visibility and errors as the screens."""

from __future__ import annotations

from typing import Any

from django.test import Client

from samordna.cases.models import Case, Notice
from samordna.organisations.models import Unit
from samordna.people.models import Person
from tests.conftest import World
from tests.discharge.test_api import bearer, post


def test_send_list_read_acknowledge_reply(client: Client, world: World) -> None:
    alice, bob = bearer(world.alice), bearer(world.bob)
    sent = post(
        client,
        "/api/v1/messages",
        {
            "case": world.case.pk,
            "recipients": [{"unit": "lulea-bistand", "mode": "ack"}],
            "template": "medical_planning",
            "fields": {"question": "Andfåddhet?", "contact_needed_by": "2026-12-01", "pulse": 92},
        },
        alice,
    )
    assert sent.status_code == 201, sent.content
    message = sent.json()["messages"][0]
    assert message["fields"]["pulse"] == 92
    assert message["case_kind"] == "sip"
    delivery = message["deliveries"][0]
    assert (delivery["unit"], delivery["mode"], delivery["status"]) == (
        "lulea-bistand",
        "ack",
        "due",
    )

    listed = client.get("/api/v1/messages", **bob).json()
    assert [m["id"] for m in listed] == [message["id"]]

    acked = post(client, f"/api/v1/messages/deliveries/{delivery['id']}/acknowledge", {}, bob)
    assert acked.status_code == 200
    assert acked.json()["messages"][0]["deliveries"][0]["acknowledged_by"] == "bob"

    replied = post(client, f"/api/v1/messages/{message['id']}/reply", {"body": "Ring 12"}, bob)
    assert replied.status_code == 201
    thread = client.get(f"/api/v1/messages/{message['id']}", **alice).json()
    assert [m["body"] for m in thread["messages"]] == ["", "Ring 12"]
    assert thread["messages"][1]["deliveries"][0]["unit"] == "hc-hertson"


def test_bad_input_is_a_structured_error(client: Client, world: World) -> None:
    alice = bearer(world.alice)
    body: dict[str, Any] = {
        "case": world.case.pk,
        "recipients": [{"unit": "lulea-bistand"}],
        "template": "medical_planning",
        "fields": {"question": "?", "contact_needed_by": "2026-12-01", "temperature": 47},
    }
    refused = post(client, "/api/v1/messages", body, alice)
    assert refused.status_code == 400
    assert refused.json()["field"] == "temperature"
    assert refused.json()["code"] == "invalid_field"
    unknown = post(
        client, "/api/v1/messages", {**body, "recipients": [{"unit": "nope"}], "fields": {}}, alice
    )
    assert unknown.status_code == 400
    assert unknown.json()["field"] == "recipients"
    assert not Notice.objects.exists()


def test_message_case_and_forwarding(
    client: Client, world: World, loner: Person, home_care: Unit
) -> None:
    alice, bob = bearer(world.alice), bearer(world.bob)
    body = {
        "person": loner.pk,
        "recipients": [{"unit": "lulea-bistand", "mode": "fyi"}],
        "body": "Hej",
    }
    assert post(client, "/api/v1/messages", body, alice).json()["code"] == "consent_not_confirmed"
    sent = post(client, "/api/v1/messages", {**body, "consent_confirmed": True}, alice).json()
    assert Case.objects.get(pk=sent["messages"][0]["case"]).kind == Case.Kind.CONTACT
    delivery = sent["messages"][0]["deliveries"][0]
    assert delivery["due_at"] is None
    assert delivery["status"] == "for_information"
    ack = post(client, f"/api/v1/messages/deliveries/{delivery['id']}/acknowledge", {}, bob)
    assert ack.json()["code"] == "for_information"
    forwarded = post(
        client,
        f"/api/v1/messages/deliveries/{delivery['id']}/forward",
        {"unit": "lulea-hsl", "note": "Fel enhet"},
        bob,
    )
    assert forwarded.status_code == 200, forwarded.content
    rows = {d["unit"]: d for d in forwarded.json()["messages"][0]["deliveries"]}
    assert rows["lulea-bistand"]["forwarded_to"] == "lulea-hsl"
    assert rows["lulea-bistand"]["forward_note"] == "Fel enhet"
    assert rows["lulea-hsl"]["mode"] == "fyi"


def test_charlie_gets_404_everywhere(client: Client, world: World) -> None:
    alice, charlie = bearer(world.alice), bearer(world.charlie)
    sent = post(
        client,
        "/api/v1/messages",
        {"case": world.case.pk, "recipients": [{"unit": "lulea-bistand"}], "body": "Hej"},
        alice,
    ).json()["messages"][0]
    delivery = sent["deliveries"][0]["id"]
    assert client.get(f"/api/v1/messages/{sent['id']}", **charlie).status_code == 404
    assert client.get("/api/v1/messages", **charlie).json() == []
    ack = post(client, f"/api/v1/messages/deliveries/{delivery}/acknowledge", {}, charlie)
    assert ack.status_code == 404
    reply = post(client, f"/api/v1/messages/{sent['id']}/reply", {"body": "x"}, charlie)
    assert reply.status_code == 404
    forward = post(
        client,
        f"/api/v1/messages/deliveries/{delivery}/forward",
        {"unit": "hc-hertson", "note": "x"},
        charlie,
    )
    assert forward.status_code == 404


def test_endpoints_are_in_the_openapi_schema(client: Client, world: World) -> None:
    paths = client.get("/api/v1/schema").json()["paths"]
    for path in (
        "/api/v1/messages",
        "/api/v1/messages/{message_id}",
        "/api/v1/messages/{message_id}/reply",
        "/api/v1/messages/deliveries/{delivery_id}/acknowledge",
        "/api/v1/messages/deliveries/{delivery_id}/forward",
    ):
        assert path in paths
