"""The downtime page and its blank forms must answer when the database does not (OPS-2)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse


class WithoutSessionMiddleware:
    """Serves the downtime pages as to a visitor who is not logged in.

    Staff are usually still logged in when an outage starts, and reading or saving their session
    needs the database. These pages need no user, so the session cookie is set aside before the
    session middleware sees it (and kept in the browser: the response does not touch it).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.prefixes = (
            reverse("operations:downtime"),
            reverse("documents:blank", args=["x"]).rsplit("/", 1)[0] + "/",
            reverse("health"),
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(self.prefixes):
            request.COOKIES.pop(settings.SESSION_COOKIE_NAME, None)
        return self.get_response(request)
