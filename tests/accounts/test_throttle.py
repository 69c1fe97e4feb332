"""Throttled guesses (issue 17 item 3): passwords per account and per address, API tokens.

The outside tester's finding (issue 17 item 7): "30 wrong passwords for one account in 4 seconds
all answered 200, and the right one then logged in; 30 bad API tokens likewise"."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samordna.accounts import throttle
from samordna.accounts.models import Failure
from samordna.api.models import ApiToken
from samordna.audit.models import AccessLog
from tests.conftest import PASSWORD, World

LOGIN = reverse("accounts:login")


def attempt(client: Client, username: str, password: str, ip: str = "192.0.2.1") -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_thirty_wrong_passwords_lock_the_account_and_the_right_one_does_not_log_in(
    client: Client, world: World
) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        statuses = []
        for _ in range(30):
            statuses.append(attempt(client, "alice", "wrong").status_code)
            clock.shift(4 / 30)
        assert statuses[:4] == [200] * 4  # the wrong-password message
        assert set(statuses[4:]) == {429}  # the fifth failure locks
        assert Failure.objects.filter(username="alice").count() == 5  # refused ones not counted

        locked = attempt(client, "alice", PASSWORD)
        assert locked.status_code == 429
        assert not logged_in(client)
        html = locked.content.decode()
        assert "För många misslyckade försök" in html and 'data-testid="lockout"' in html
        wait = int(locked["Retry-After"])
        assert 14 * 60 < wait <= 15 * 60

        # A case-changed user name is the same account; the admin's login is locked too.
        assert attempt(client, "ALICE", PASSWORD).status_code == 429
        admin_login = client.post(
            "/admin/login/", {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="192.0.2.9"
        )
        assert admin_login.status_code == 200 and not logged_in(client)

        clock.shift(wait)  # the wait is over: the right password works
        assert attempt(client, "alice", PASSWORD).status_code == 302
        assert logged_in(client)


def test_the_account_lock_holds_from_every_address_the_address_lock_only_there(
    client: Client, world: World
) -> None:
    for n in range(5):
        attempt(client, "alice", "wrong", ip=f"198.51.100.{n}")  # spread over addresses
    assert attempt(client, "alice", PASSWORD, ip="203.0.113.50").status_code == 429

    for n in range(settings.THROTTLE_ADDRESS_FAILURES):
        attempt(client, f"nobody{n}", "guess", ip="203.0.113.66")  # one address, many names
    assert attempt(client, "bob", PASSWORD, ip="203.0.113.66").status_code == 429
    assert not logged_in(client)
    assert attempt(client, "bob", PASSWORD, ip="203.0.113.67").status_code == 302


def test_a_success_forgives_the_accounts_failures(client: Client, world: World) -> None:
    for _ in range(4):
        attempt(client, "bob", "wrong")
    assert attempt(client, "bob", PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(4):
        assert attempt(client, "bob", "wrong").status_code == 200
    assert attempt(client, "bob", PASSWORD).status_code == 302


def test_the_lock_is_in_the_access_log_and_the_security_log(
    client: Client, world: World, caplog: Any
) -> None:
    for _ in range(5):
        attempt(client, "alice", "wrong", ip="192.0.2.44")
    entry = AccessLog.objects.get(what__startswith="account.locked")
    assert entry.user == world.alice and entry.ip == "192.0.2.44"
    assert entry.action == AccessLog.Action.REFUSE
    assert "account.locked: password, account" in entry.what
    assert any("locked by account" in r.getMessage() for r in caplog.records)
    for _ in range(5):
        attempt(client, "alice", "wrong", ip="192.0.2.44")  # refused, not logged again
    assert AccessLog.objects.filter(what__startswith="account.locked").count() == 1


def test_behind_the_proxy_the_client_address_is_counted(
    client: Client, world: World, settings: Any
) -> None:
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    for n in range(settings.THROTTLE_ADDRESS_FAILURES):
        client.post(
            LOGIN,
            {"username": f"x{n}", "password": "y"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="192.0.2.200",
        )
    assert set(Failure.objects.values_list("ip", flat=True)) == {"192.0.2.200"}
    other = client.post(
        LOGIN,
        {"username": "bob", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.201",
    )
    assert other.status_code == 302  # another client behind the same proxy


def test_thirty_bad_api_tokens_get_429_with_retry_after(client: Client, world: World) -> None:
    _token, good = ApiToken.issue("EHR", world.alice, world.owner_unit)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        answers = [
            client.get(
                "/api/v1/units", HTTP_AUTHORIZATION=f"Bearer bad-{n}", REMOTE_ADDR="192.0.2.7"
            )
            for n in range(30)
        ]
        limit = settings.THROTTLE_ADDRESS_FAILURES
        assert [a.status_code for a in answers[: limit - 1]] == [401] * (limit - 1)
        assert {a.status_code for a in answers[limit - 1 :]} == {429}
        body = answers[-1].json()
        assert set(body) == {"code", "message", "field"}
        assert body["code"] == "too_many_attempts" and "Vänta" in body["message"]
        wait = int(answers[-1]["Retry-After"])
        assert 0 < wait <= settings.THROTTLE_WINDOW_SECONDS

        # Locked means locked: a good token from that address waits too; elsewhere it works.
        headers = {"HTTP_AUTHORIZATION": f"Bearer {good}"}
        assert client.get("/api/v1/units", REMOTE_ADDR="192.0.2.7", **headers).status_code == 429
        assert client.get("/api/v1/units", REMOTE_ADDR="192.0.2.8", **headers).status_code == 200
        clock.shift(wait)
        assert client.get("/api/v1/units", REMOTE_ADDR="192.0.2.7", **headers).status_code == 200


def test_tokens_that_were_issued_but_no_longer_hold_are_refused_uncounted(
    client: Client, world: World
) -> None:
    """A revoked token, a closed unit's, or one whose user left the unit is no guess: 401, and
    an integration engine still sending one does not lock out the other units' systems at the
    same address. A token that matches none issued is counted as before."""
    _r, revoked = ApiToken.issue("EHR", world.alice, world.owner_unit)
    ApiToken.objects.filter(key_hash=_r.key_hash).update(revoked_at=timezone.now())
    _c, closed = ApiToken.issue("EHR", world.bob, world.participant_unit)
    world.participant_unit.active = False
    world.participant_unit.save(update_fields=["active"])
    _l, left = ApiToken.issue("EHR", world.charlie, world.unrelated_unit)
    world.charlie.memberships.all().delete()
    _g, good = ApiToken.issue("EHR", world.alice, world.owner_unit)
    ip = {"REMOTE_ADDR": "192.0.2.9"}
    limit = settings.THROTTLE_ADDRESS_FAILURES
    for token in [revoked, closed, left] * limit:
        answer = client.get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {token}", **ip)
        assert answer.status_code == 401 and answer.json()["code"] == "unauthenticated"
    assert not Failure.objects.exists()
    assert client.get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {good}", **ip).status_code == 200
    client.get("/api/v1/units", HTTP_AUTHORIZATION="Bearer guessed", **ip)
    assert Failure.objects.count() == 1


def test_the_worker_forgets_failures_older_than_the_window(world: World) -> None:
    now = timezone.now()
    Failure.objects.create(kind="password", username="a", at=now - dt.timedelta(minutes=16))
    Failure.objects.create(kind="password", username="a", at=now - dt.timedelta(minutes=14))
    assert throttle.prune(now) == 1
    assert Failure.objects.count() == 1


def test_an_ipv6_client_is_counted_by_its_64(db: None) -> None:
    """Breaker F4: any IPv6 client has a /64, i.e. 2^64 addresses to spray user names from;
    the address limit counts the /64, another /64 is not locked by it."""
    limit = settings.THROTTLE_ADDRESS_FAILURES
    statuses = [
        Client()
        .post(LOGIN, {"username": f"user{n}", "password": "x"}, REMOTE_ADDR=f"2001:db8::{n + 1:x}")
        .status_code
        for n in range(limit + 1)
    ]
    assert statuses[: limit - 1] == [200] * (limit - 1) and statuses[-1] == 429, statuses
    assert set(Failure.objects.values_list("ip", flat=True)) == {"2001:db8::"}
    other = Client().post(
        LOGIN, {"username": "someone", "password": "x"}, REMOTE_ADDR="2001:db8:0:1::1"
    )
    assert other.status_code == 200
    assert throttle.address_key("192.0.2.7") == "192.0.2.7"
    assert throttle.address_key("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::"
