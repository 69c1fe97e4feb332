"""Every request timed, counted and logged (issue 16 item 5); the downtime page and its blank
forms answer when the database does not (OPS-2)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from samordna.operations import logs, metrics

request_log = logging.getLogger("samordna.request")


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


class _QueryTimer:
    """A database execute wrapper that adds up the time and number of a request's queries."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.queries = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1


def view_label(request: HttpRequest) -> str:
    """The view's URL name (bounded, no ids in it); static files and unknown paths by kind."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name or match._func_path
    if request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return "<static>"
    return "<unmatched>"


class RequestMetricsMiddleware:
    """Outermost: gives the request its id, times it and its database queries, records the
    metrics by view and writes one JSON line to the ``samordna.request`` log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = logs.choose_id(request.headers.get("X-Request-ID"))
        token = logs.request_id.set(rid)
        timer = _QueryTimer()
        started = time.perf_counter()
        try:
            with ExitStack() as stack:
                for alias in connections:
                    stack.enter_context(connections[alias].execute_wrapper(timer))
                response = self.get_response(request)
            elapsed = time.perf_counter() - started
            view = view_label(request)
            metrics.REQUEST_SECONDS.labels(view, request.method or "").observe(elapsed)
            metrics.DATABASE_SECONDS.labels(view).observe(timer.seconds)
            metrics.QUERIES.labels(view).inc(timer.queries)
            metrics.RESPONSES.labels(view, str(response.status_code)).inc()
            response["X-Request-ID"] = rid
            match = getattr(request, "resolver_match", None)
            request_log.info(
                "request",
                extra={
                    "method": request.method,
                    "view": view,
                    "route": match.route if match is not None else None,
                    "status": response.status_code,
                    "duration_ms": round(elapsed * 1000, 1),
                    "db_ms": round(timer.seconds * 1000, 1),
                    "queries": timer.queries,
                },
            )
            return response
        finally:
            logs.request_id.reset(token)
