"""The REST API (API-1): token auth, structured errors, the same visibility as the screens."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from samordna.api.models import ApiToken
from samordna.audit.models import AccessLog
from samordna.people.models import Person
from tests.conftest import World
from tests.people.test_services import PROTECTED_ADULT, UNREGISTERED_ADULT


def bearer(world: World, user: str) -> dict[str, str]:
    u = getattr(world, user)
    _token, secret = ApiToken.issue("EHR", u, u.memberships.first().unit)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def new_person(**extra: object) -> str:
    return json.dumps(
        {
            "identity_number": "19920918-2394",
            "first_name": "Erik",
            "last_name": "Sundström",
            "municipality": "lulea",
            **extra,
        }
    )


def test_no_or_revoked_token_is_401_with_a_code(client: Client, world: World) -> None:
    response = client.get("/api/v1/units")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    headers = bearer(world, "alice")
    ApiToken.objects.update(revoked_at="2026-01-01T00:00:00Z")
    assert client.get("/api/v1/units", **headers).status_code == 401


def test_a_token_of_a_user_no_longer_a_member_of_its_unit_is_401(
    client: Client, world: World
) -> None:
    headers = bearer(world, "alice")
    assert client.get("/api/v1/units", **headers).status_code == 200
    world.alice.memberships.all().delete()
    response = client.get("/api/v1/units", **headers)
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"


def test_a_token_of_a_deactivated_unit_is_401(client: Client, world: World) -> None:
    # as a session whose active unit was deactivated (``Actor.member``)
    headers = bearer(world, "alice")
    assert client.get("/api/v1/units", **headers).status_code == 200
    unit = world.alice.memberships.first().unit
    unit.active = False
    unit.save(update_fields=["active"])
    response = client.get("/api/v1/units", **headers)
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"


def test_units_of_the_county(client: Client, world: World) -> None:
    response = client.get("/api/v1/units?kind=primary_care", **bearer(world, "bob"))
    assert response.status_code == 200
    assert [u["code"] for u in response.json()] == ["hc-hertson"]


@pytest.mark.parametrize(("user", "status"), [("alice", 200), ("bob", 200), ("charlie", 404)])
def test_person_detail_follows_visibility(
    client: Client, world: World, user: str, status: int
) -> None:
    response = client.get(f"/api/v1/persons/{world.person.pk}", **bearer(world, user))
    assert response.status_code == status
    if status == 200:
        assert response.json()["identity_number"] == world.person.identity_number
        assert AccessLog.objects.filter(via="api", person=world.person).exists()
    else:
        assert response.json()["code"] == "not_found"
        assert "Lundberg" not in response.content.decode()


def test_lookup_tells_an_unrelated_unit_only_that_the_person_exists(
    client: Client, world: World
) -> None:
    response = client.get(
        "/api/v1/persons",
        {"identity_number": world.person.identity_number},
        **bearer(world, "charlie"),
    )
    assert response.json() == {
        "identity_number": world.person.identity_number,
        "registered": True,
        "visible": False,
        "person": None,
    }


def test_register_person(client: Client, world: World) -> None:
    response = client.post(
        "/api/v1/persons", new_person(), content_type="application/json", **bearer(world, "alice")
    )
    assert response.status_code == 201, response.content
    assert response.json()["identity_number"] == UNREGISTERED_ADULT
    assert Person.objects.filter(identity_number=UNREGISTERED_ADULT).exists()


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (new_person(identity_number="19920918-2395"), 400, "invalid_identity_number"),
        (new_person(identity_number="19920918-R123"), 400, "reserve_number"),
        # PER-5: Region Stockholm and Halland, digits only (core/identity.py RESERVE_FORMATS)
        (new_person(identity_number="990123456789"), 400, "reserve_number"),
        (new_person(identity_number="19920938-2394"), 400, "reserve_number"),
        (new_person(identity_number=PROTECTED_ADULT), 400, "protected_identity"),
        (new_person(municipality="stockholm"), 400, "invalid_municipality"),
        (new_person(listed_primary_care="sunderby-med5"), 400, "invalid_primary_care"),
        (new_person(first_name=""), 422, "invalid_input"),
        (new_person(preferred_plan_format="fax"), 422, "invalid_input"),
        ("{not json", 400, "invalid_json"),
        (new_person(identity_number="193603239090"), 409, "already_registered"),
    ],
)
def test_bad_input_is_a_structured_4xx_and_stores_nothing(
    client: Client, world: World, body: str, status: int, code: str
) -> None:
    before = Person.objects.count()
    response = client.post(
        "/api/v1/persons", body, content_type="application/json", **bearer(world, "alice")
    )
    assert response.status_code == status, response.content
    payload = response.json()
    assert payload["code"] == code
    assert payload["message"]
    assert Person.objects.count() == before


def test_openapi_schema_lists_the_endpoints(client: Client) -> None:
    schema = client.get("/api/v1/schema").json()
    assert {"/api/v1/persons", "/api/v1/persons/{person_id}", "/api/v1/units"} <= set(
        schema["paths"]
    )
    assert schema["components"]["securitySchemes"]
