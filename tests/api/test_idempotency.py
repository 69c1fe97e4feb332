"""``Idempotency-Key`` on the API's writes (API-4, issue 12 item 4; IETF draft
draft-ietf-httpapi-idempotency-key-header): a retry never does an act twice."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from samordna.api import idempotency
from samordna.api.models import IdempotencyKey
from samordna.people.models import Person
from tests.api.test_persons import bearer, new_person
from tests.conftest import World

KEY = "8e03978e-40d5-43e8-bc93-6894a57f9324"


def register(client: Client, headers: dict[str, str], key: str | None = KEY, **extra: object):  # type: ignore[no-untyped-def]
    more = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    return client.post(
        "/api/v1/persons",
        new_person(**extra),
        content_type="application/json",
        **headers,
        **more,
    )


def test_the_same_key_and_body_replays_the_answer_and_acts_once(
    client: Client, world: World
) -> None:
    alice = bearer(world, "alice")
    first = register(client, alice)
    assert first.status_code == 201, first.content
    again = register(client, alice)
    assert again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Person.objects.filter(identity_number="199209182394").count() == 1
    # The quoted form of a structured-header string is the same key.
    quoted = register(client, alice, key=f'"{KEY}"')
    assert quoted.status_code == 201 and quoted.content == first.content


def test_the_same_key_with_another_body_is_refused(client: Client, world: World) -> None:
    alice = bearer(world, "alice")
    assert register(client, alice).status_code == 201
    other = register(client, alice, first_name="Annan")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert other.json()["field"] == "Idempotency-Key"
    assert not Person.objects.filter(first_name="Annan").exists()


def test_keys_are_per_client(client: Client, world: World) -> None:
    assert register(client, bearer(world, "alice")).status_code == 201
    # Another token with the same key is another request: it runs (and is refused on its own
    # merits: the individual is registered already).
    second = register(client, bearer(world, "alice"))
    assert second.status_code == 409
    assert second.json()["code"] != "idempotency_key_in_flight"


def test_a_request_in_flight_answers_409_until_it_has_died(client: Client, world: World) -> None:
    alice = bearer(world, "alice")
    token = alice["HTTP_AUTHORIZATION"].removeprefix("Bearer ")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        # What a concurrent request with the key has written before its act committed.
        request = client.post(
            "/api/v1/persons", new_person(), content_type="application/json"
        ).wsgi_request
        IdempotencyKey.objects.create(
            client=idempotency.hash_token(token),
            key=KEY,
            fingerprint=idempotency.fingerprint(request),
        )
        busy = register(client, alice)
        assert busy.status_code == 409
        assert busy.json()["code"] == "idempotency_key_in_flight"
        assert not Person.objects.filter(identity_number="199209182394").exists()
        traveller.shift(idempotency.IN_FLIGHT_TIMEOUT + dt.timedelta(seconds=1))
        taken_over = register(client, alice)
        assert taken_over.status_code == 201
    assert IdempotencyKey.objects.get().status == 201


def test_a_refusal_is_not_kept_so_the_corrected_retry_runs(client: Client, world: World) -> None:
    alice = bearer(world, "alice")
    refused = register(client, alice, municipality="atlantis")
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_municipality"
    assert not IdempotencyKey.objects.exists()
    assert register(client, alice).status_code == 201


@pytest.mark.parametrize("bad", ["", " ", "a b", " abc", "abc ", '"abc', 'a"b', "x" * 256, "ä"])
def test_a_malformed_key_is_refused_before_anything(client: Client, world: World, bad: str) -> None:
    response = register(client, bearer(world, "alice"), key=bad)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_idempotency_key"
    assert not Person.objects.filter(identity_number="199209182394").exists()
    assert not IdempotencyKey.objects.exists()


def test_without_a_token_nothing_is_kept(client: Client, world: World) -> None:
    assert register(client, {}).status_code == 401
    assert not IdempotencyKey.objects.exists()


def test_keys_are_forgotten_after_a_day(client: Client, world: World) -> None:
    assert register(client, bearer(world, "alice")).status_code == 201
    assert idempotency.prune(timezone.now()) == 0
    assert idempotency.prune(timezone.now() + idempotency.KEEP + dt.timedelta(seconds=1)) == 1


def test_the_openapi_document_names_the_header_on_every_write(client: Client) -> None:
    schema = client.get("/api/v1/schema").json()
    writes = [
        (path, method, op)
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
        if method in ("post", "put", "delete", "patch")
    ]
    assert writes
    for path, method, op in writes:
        names = [p["name"] for p in op.get("parameters", []) if p["in"] == "header"]
        assert names == ["Idempotency-Key"], (method, path)
