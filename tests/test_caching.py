"""Issue 17 item 7: pages and API answers with personal data are never kept by a cache."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from samordna.api.models import ApiToken
from samordna.caching import NO_STORE
from tests.conftest import World


def test_pages_with_personal_data_are_no_store(login: Any, world: World) -> None:
    client = login(world.alice)
    for url in [
        reverse("people:detail", args=[world.person.pk]),
        reverse("sip:case", args=[world.case.pk]),
        reverse("people:search") + "?q=Lundberg",
        reverse("people:search") + f"?q={world.person.identity_number}",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == NO_STORE, url


def test_api_answers_and_errors_are_no_store(client: Client, world: World) -> None:
    _token, secret = ApiToken.issue("EHR", world.alice, world.owner_unit)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    for url, status in [
        (f"/api/v1/persons/{world.person.pk}", 200),
        (f"/api/v1/sip/{world.case.pk}", 200),
        ("/api/v1/persons/999999", 404),
    ]:
        response = client.get(url, **auth)
        assert response.status_code == status, url
        assert response["Cache-Control"] == NO_STORE, url
    assert client.get(f"/api/v1/persons/{world.person.pk}")["Cache-Control"] == NO_STORE


def test_a_view_that_chooses_its_own_caching_keeps_it(login: Any, world: World) -> None:
    """The documents set their own ``no-store``; the middleware leaves a chosen header alone."""
    response = login(world.alice).get(reverse("documents:consent", args=[world.case.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_the_login_page_is_not_stored_either(client: Client) -> None:
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
