"""The sliding idle timeout renews the session row at most once a minute (issue 11 item 3)."""

from __future__ import annotations

import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samordna.accounts.sessions import REFRESH_SECONDS, renewal_due
from tests.conftest import PASSWORD, World


def session_writes(client: Client, url: str) -> tuple[int, int]:
    """(status, number of INSERT/UPDATE statements on the session table) of one GET."""
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    writes = [
        sql
        for sql in (q["sql"] for q in queries.captured_queries)
        if "django_session" in sql and sql.lstrip().upper().startswith(("UPDATE", "INSERT"))
    ]
    return status, len(writes)


def log_in(client: Client) -> None:
    response = client.post(reverse("accounts:login"), {"username": "bob", "password": PASSWORD})
    assert response.status_code == 302
    client.get(reverse("accounts:choose-unit"))  # bob's one unit becomes the active unit


def expiry(client: Client) -> float:
    return Session.objects.get(session_key=client.session.session_key).expire_date.timestamp()


def test_gets_within_a_minute_write_no_session_row_and_the_next_minute_writes_one(
    client: Client, world: World
) -> None:
    url = reverse("people:search")
    with time_machine.travel("2026-11-23 09:00 +01:00", tick=False) as clock:
        log_in(client)
        renewed = expiry(client)
        for _ in range(10):
            clock.shift(5)
            assert session_writes(client, url) == (200, 0)
        clock.shift(REFRESH_SECONDS + 1 - 50)  # 61 s after the login saved the session
        assert session_writes(client, url) == (200, 1)
        assert expiry(client) == renewed + REFRESH_SECONDS + 1
        clock.shift(1)
        assert session_writes(client, url) == (200, 0)


def test_a_user_at_work_stays_logged_in_though_most_requests_write_nothing(
    client: Client, world: World
) -> None:
    url = reverse("people:search")
    with time_machine.travel("2026-11-23 09:00 +01:00", tick=False) as clock:
        log_in(client)
        writes = 0
        for _ in range(3 * settings.SESSION_COOKIE_AGE // 25):  # 90 minutes, a page every 25 s
            clock.shift(25)
            status, wrote = session_writes(client, url)
            assert status == 200
            writes += wrote
        assert writes <= 3 * settings.SESSION_COOKIE_AGE // REFRESH_SECONDS


def test_idle_for_the_timeout_logs_out_counted_from_the_last_request(
    client: Client, world: World
) -> None:
    url = reverse("people:search")
    with time_machine.travel("2026-11-23 09:00 +01:00", tick=False) as clock:
        log_in(client)
        clock.shift(REFRESH_SECONDS + 1)
        assert session_writes(client, url) == (200, 1)  # renewed here
        clock.shift(REFRESH_SECONDS - 2)
        assert session_writes(client, url) == (200, 0)  # the last request, not written
        clock.shift(settings.SESSION_COOKIE_AGE - REFRESH_SECONDS + 3)  # < 30 min after it
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_visitors_without_a_session_get_none(client: Client, world: World) -> None:
    assert client.get(reverse("accounts:login")).status_code == 200
    assert client.get(reverse("health")).status_code == 200
    assert not Session.objects.exists()
    assert settings.SESSION_COOKIE_NAME not in client.cookies


def test_logout_leaves_no_session_behind(client: Client, world: World) -> None:
    with time_machine.travel("2026-11-23 09:00 +01:00", tick=False) as clock:
        log_in(client)
        clock.shift(REFRESH_SECONDS + 1)  # a renewal is due when the logout comes
        client.post(reverse("accounts:logout"))
    assert not Session.objects.exists()


def test_renewal_is_due_after_a_minute_or_when_the_clock_went_back() -> None:
    assert renewal_due(None, 1000)
    assert not renewal_due(1000, 1000)
    assert not renewal_due(1000, 1000 + REFRESH_SECONDS - 1)
    assert renewal_due(1000, 1000 + REFRESH_SECONDS)
    assert renewal_due(1000, 999)
    assert renewal_due("1000", 1000)
