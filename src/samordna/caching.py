"""No copies of personal data in caches (issue 17): every page and API answer is ``no-store``.

Pages and API answers carry personal data (names, identity numbers, case contents), and a
browser's history cache or a shared proxy must not keep them. Every response the application
itself makes gets ``Cache-Control: no-store, private`` unless its view chose a header of its own
(a public page that may be cached says so itself). Static files never reach this middleware:
WhiteNoise, before it in ``MIDDLEWARE``, answers them with their immutable caching.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

NO_STORE = "no-store, private"


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = NO_STORE
        return response
