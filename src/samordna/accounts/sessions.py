"""The 30-minute sliding idle timeout, written to the database at most once a minute.

Django's ``SESSION_SAVE_EVERY_REQUEST`` would renew the session's expiry on every request, which
makes every page view and every htmx poll an ``UPDATE`` of the session row. Instead the session
remembers when its expiry was last renewed (``REFRESHED_KEY``, seconds since the epoch) and is
saved again only when that is ``REFRESH_SECONDS`` or more ago; any other change to the session
(login, choosing a unit) is saved by Django as usual and counts as a renewal too.

The session row expires ``SESSION_COOKIE_AGE`` after the last renewal, so an idle user is logged
out at the latest 30 minutes after their last request (and at the earliest 29, when that request
came just before a renewal was due): the timeout never grows beyond what the settings say.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

REFRESHED_KEY = "_refreshed_at"
REFRESH_SECONDS = 60


def renewal_due(refreshed_at: object, now: int) -> bool:
    """A session never renewed, renewed a minute ago or more, or (clock set back) in the future."""
    if not isinstance(refreshed_at, int):
        return True
    return not 0 <= now - refreshed_at < REFRESH_SECONDS


class SlidingSessionMiddleware:
    """Goes right after Django's ``SessionMiddleware``, which saves the session when this marks
    it modified. Visitors without a session are left alone: no session is ever created here."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        now = int(time.time())
        # Reading loads the session; a missing or expired one leaves ``session_key`` None.
        refreshed_at = session.get(REFRESHED_KEY)
        if session.session_key is not None and renewal_due(refreshed_at, now):
            session[REFRESHED_KEY] = now
        response = self.get_response(request)
        # The view saved the session anyway (login, a chosen unit): that save renews the expiry,
        # so record it. After a logout the session is empty and must stay so.
        if session.modified and not session.is_empty() and session.get(REFRESHED_KEY) != now:
            session[REFRESHED_KEY] = now
        return response
