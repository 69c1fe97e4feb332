"""Operations (OPS-2, issue 16 item 5): health for monitoring and load balancers (``/health``,
its liveness and readiness), the Prometheus metrics, and the downtime page."""

from __future__ import annotations

import datetime as dt
import hmac
from importlib.metadata import PackageNotFoundError, version

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from samordna.documents import blank
from samordna.operations import metrics
from samordna.operations.models import Banner, WorkerHeartbeat


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


def live(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers requests. Asks nothing of the database, so an outage of
    the database does not make an orchestrator restart every web process (which would not
    help, and the downtime page is served by them)."""
    return JsonResponse({"status": "ok", "version": samordna_version()})


_migrated = False  # once every migration is applied, it stays so for this process's release


def migrations_applied() -> bool:
    global _migrated
    if not _migrated:
        executor = MigrationExecutor(connection)
        _migrated = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return _migrated


def ready(request: HttpRequest) -> HttpResponse:
    """Readiness: this instance can do its work. The database answers, every migration of this
    release is applied, and a worker started a round within ``WORKER_STALE_SECONDS`` (the
    digest, the deviation suggestions). 200, or 503 with what is wrong."""
    checks = {"database": "ok", "migrations": "unknown", "worker": "unknown"}
    if not database_reachable():
        checks["database"] = "unreachable"
    else:
        try:
            checks["migrations"] = "ok" if migrations_applied() else "pending"
            seen = WorkerHeartbeat.last_seen()
            stale = dt.timedelta(seconds=settings.WORKER_STALE_SECONDS)
            if seen is None:
                checks["worker"] = "never seen"
            else:
                checks["worker"] = "ok" if timezone.now() - seen <= stale else "not seen recently"
        except DatabaseError:
            checks["database"] = "unreachable"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "version": samordna_version(), **checks},
        status=200 if healthy else 503,
    )


_LOOPBACK = {"127.0.0.1", "::1"}


def may_scrape(request: HttpRequest) -> bool:
    """With ``SAMORDNA_METRICS_TOKEN`` set: the bearer token, nothing else. Without: a request
    from this machine that did not pass the reverse proxy (which sets X-Forwarded-For), i.e. a
    Prometheus on the same host or a node exporter's sidecar."""
    if settings.METRICS_TOKEN:
        given = request.headers.get("Authorization", "")
        expected = f"Bearer {settings.METRICS_TOKEN}"
        return hmac.compare_digest(given.encode(), expected.encode())
    return request.META.get("REMOTE_ADDR") in _LOOPBACK and "X-Forwarded-For" not in request.headers


@require_GET
def scrape(request: HttpRequest) -> HttpResponse:
    """The Prometheus metrics; 404 to anyone who may not scrape them."""
    if not may_scrape(request):
        raise Http404
    return HttpResponse(metrics.exposition(), content_type=CONTENT_TYPE_LATEST)


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
