"""Operations (OPS-2): the health endpoint for monitoring and the downtime page."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from samordna.documents import blank
from samordna.operations.models import Banner


def samordna_version() -> str:
    try:
        return version("samordna")
    except PackageNotFoundError:  # run from a source tree that is not installed
        return "unknown"


def database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def health(request: HttpRequest) -> HttpResponse:
    """For monitoring: 200 with ``status: ok`` when the database answers, else 503, so a load
    balancer takes the instance out and an alarm goes off. Open to all: it says nothing about
    the data."""
    database = database_reachable()
    return JsonResponse(
        {
            "status": "ok" if database else "unavailable",
            "version": samordna_version(),
            "database": "ok" if database else "unreachable",
        },
        status=200 if database else 503,
    )


def downtime(request: HttpRequest) -> HttpResponse:
    """The operating status and every blank paper form, one click from any page. Open before
    login, like the forms themselves, and working without the database: during an outage,
    logging in may be what fails."""
    try:
        status: list[Banner] | None = list(Banner.objects.current())
    except DatabaseError:
        status = None
    return render(
        request,
        "operations/downtime.html",
        {"status": status, "forms": blank.FORMS, "all": blank.ALL},
    )
