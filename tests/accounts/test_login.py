"""Login, the active unit and the idle timeout."""

from __future__ import annotations

from typing import Any

import time_machine
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from samordna.accounts.middleware import client_ip
from tests.conftest import PASSWORD, World


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
def test_passwords_are_hashed_with_argon2(world: World) -> None:
    world.alice.set_password("a long enough passphrase")
    world.alice.save()
    assert identify_hasher(world.alice.password).algorithm == "argon2"


def test_wrong_password_gives_a_message(client: Client, world: World) -> None:
    response = client.post(reverse("accounts:login"), {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_single_unit_user_goes_straight_to_work(client: Client, world: World) -> None:
    response = client.post(
        reverse("accounts:login"), {"username": "bob", "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert world.participant_unit.name in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("overview:overview")


def test_idle_session_expires(client: Client, world: World) -> None:
    with time_machine.travel("2026-11-23 09:00 +01:00", tick=False) as clock:
        client.post(reverse("accounts:login"), {"username": "bob", "password": PASSWORD})
        client.get(reverse("accounts:choose-unit"))
        clock.shift(settings.SESSION_COOKIE_AGE - 60)
        assert client.get(reverse("people:search")).status_code == 200  # activity renews
        clock.shift(settings.SESSION_COOKIE_AGE + 1)
        response = client.get(reverse("people:search"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_logout_requires_post_and_ends_the_session(login, world: World) -> None:  # type: ignore[no-untyped-def]
    client = login(world.alice)
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("people:search")).status_code == 302


def test_swedish_whatever_the_browser_asks_english_only_when_chosen(client: Client) -> None:
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Logga in i Samordna" in page.content.decode()
    assert page["Content-Language"] == "sv"
    client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    assert "Log in to Samordna" in client.get(reverse("accounts:login")).content.decode()
    client.cookies["django_language"] = "xx"  # unknown: back to Swedish
    assert "Logga in i Samordna" in client.get(reverse("accounts:login")).content.decode()


def test_the_access_log_names_the_client_behind_a_trusted_proxy(settings: Any) -> None:
    factory = RequestFactory()
    direct = factory.get("/", REMOTE_ADDR="10.0.0.7", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(direct) == "10.0.0.7"  # not a proxy: the header is anyone's to forge
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    proxied = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.10")
    assert client_ip(proxied) == "192.0.2.10"  # what the proxy wrote, not what came before
    garbled = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="not-an-address")
    assert client_ip(garbled) == "127.0.0.1"
    assert client_ip(factory.get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"
