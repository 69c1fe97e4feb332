"""Puts the acting user and their active unit on every request as ``request.actor``."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from samordna.accounts.actor import Actor

SESSION_KEY = "active_unit_id"


def client_ip(request: HttpRequest) -> str | None:
    """The address the access log records. Behind a reverse proxy every request comes from the
    proxy, so when the peer is one of ``settings.TRUSTED_PROXIES`` the client is the last entry
    of its ``X-Forwarded-For`` (the one that proxy wrote; earlier ones the client may forge)."""
    peer = request.META.get("REMOTE_ADDR")
    if peer and peer in settings.TRUSTED_PROXIES:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(forwarded))
        except ValueError:
            return peer
    return peer


class ActiveUnitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = None  # type: ignore[attr-defined]
        unit_id = request.session.get(SESSION_KEY)
        if unit_id is not None and request.user.is_authenticated:
            actor = Actor.member(request.user, unit_id, ip=client_ip(request))
            if actor is None:  # membership ended since login
                del request.session[SESSION_KEY]
            request.actor = actor  # type: ignore[attr-defined]
        return self.get_response(request)
