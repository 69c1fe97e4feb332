"""Issue 16 item 5: Prometheus metrics scraped over real HTTP and parsed with prometheus_client's
own parser; who may scrape; liveness and readiness; the JSON request log without personal data."""

from __future__ import annotations

import datetime as dt
import json
import logging
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from samordna.notifications.models import Digest, DigestState
from samordna.operations import logs, metrics
from samordna.operations.models import WorkerHeartbeat
from samordna.organisations.models import User
from tests.conftest import World


def scrape(base: str, **headers: str) -> dict[str, Any]:
    request = urllib.request.Request(base + "/metrics", headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain; version=")
        text = response.read().decode()
    return {family.name: family for family in text_string_to_metric_families(text)}


def value(families: dict[str, Any], sample: str, **labels: str) -> float:
    name = sample.removesuffix("_total").removesuffix("_count").removesuffix("_sum")
    for s in families[name].samples if name in families else []:
        if s.name == sample and all(s.labels.get(k) == v for k, v in labels.items()):
            return float(s.value)
    return 0.0


def get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=30) as response:
        return int(response.status)


@pytest.mark.django_db(transaction=True)
def test_the_metrics_are_scraped_over_http_and_parse(live_server: Any, world: World) -> None:
    base = live_server.url
    before = scrape(base)
    for _ in range(3):
        assert get(base + "/health") == 200
    assert get(base + "/login/") == 200
    metrics.count("digest", "sent", 2)
    metrics.count("webhook", "failed")
    # A digest owed since five minutes: the worker's lag.
    Digest.objects.create(
        user=world.alice,
        slot=timezone.now() - dt.timedelta(minutes=5),
        state=DigestState.PENDING,
        lease_until=timezone.now(),
    )
    WorkerHeartbeat.beat("test:1")
    after = scrape(base)

    requests = "samordna_request_duration_seconds_count"
    assert (
        value(after, requests, view="health", method="GET")
        - value(before, requests, view="health", method="GET")
        == 3
    )
    assert value(after, requests, view="accounts:login", method="GET") >= 1
    # The login page reads nothing from the database, /health does: its time is counted.
    db = "samordna_request_database_seconds_count"
    assert value(after, db, view="health") - value(before, db, view="health") == 3
    assert (
        value(after, "samordna_request_queries_total", view="health")
        - value(before, "samordna_request_queries_total", view="health")
        >= 3
    )
    assert value(after, "samordna_responses_total", view="health", status="200") >= 3
    sent = "samordna_outgoing_total"
    assert (
        value(after, sent, channel="digest", outcome="sent")
        - value(before, sent, channel="digest", outcome="sent")
        == 2
    )
    assert (
        value(after, sent, channel="webhook", outcome="failed")
        - value(before, sent, channel="webhook", outcome="failed")
        == 1
    )
    lag = value(after, "samordna_worker_lag_seconds", queue="digest")
    assert 300 <= lag < 400
    assert 0 <= value(after, "samordna_worker_last_round_age_seconds") < 60
    # Buckets are cumulative and end with +Inf equal to the count.
    buckets = [
        s
        for s in after["samordna_request_duration_seconds"].samples
        if s.name.endswith("_bucket")
        and s.labels["view"] == "health"
        and s.labels["method"] == "GET"
    ]
    assert buckets[-1].labels["le"] == "+Inf"
    assert buckets[-1].value == value(after, requests, view="health", method="GET")


def test_an_unknown_channel_or_outcome_is_refused() -> None:
    with pytest.raises(ValueError):
        metrics.count("sms", "sent")
    with pytest.raises(ValueError):
        metrics.count("digest", "bounced")


def test_only_this_machine_without_the_proxy_or_the_token_may_scrape(
    client: Client, db: None, settings: Any
) -> None:
    assert client.get("/metrics").status_code == 200
    # Through the reverse proxy (which sets X-Forwarded-For), or from elsewhere: not found.
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="10.1.2.3").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 404
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    good = client.get(
        "/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token", REMOTE_ADDR="10.1.2.3"
    )
    assert good.status_code == 200
    assert b"samordna_worker_lag_seconds" in good.content
    assert client.post("/metrics").status_code == 405


def test_liveness_asks_nothing_of_the_database(client: Client) -> None:
    """No database for this test: any query would raise."""
    response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_readiness_wants_the_database_the_migrations_and_a_recent_worker(
    client: Client, db: None, settings: Any
) -> None:
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json() | {"version": ""} == {
        "status": "unavailable",
        "version": "",
        "database": "ok",
        "migrations": "ok",
        "worker": "never seen",
    }
    WorkerHeartbeat.beat("host:123")
    assert client.get("/health/ready").status_code == 200
    WorkerHeartbeat.objects.update(
        seen_at=timezone.now() - dt.timedelta(seconds=settings.WORKER_STALE_SECONDS + 1)
    )
    response = client.get("/health/ready")
    assert (response.status_code, response.json()["worker"]) == (503, "not seen recently")
    # The old endpoint keeps its answer: the database alone (load balancers use it).
    assert client.get("/health").status_code == 200


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logs.JsonFormatter())
        self.addFilter(logs.RequestIdFilter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def request_log() -> Iterator[_Lines]:
    handler = _Lines()
    logger = logging.getLogger("samordna.request")
    old = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(old)


def test_each_request_is_one_json_line_with_its_id_and_no_personal_data(
    world: World, login: Callable[[User], Client], request_log: _Lines
) -> None:
    client = login(world.alice)
    number = world.person.identity_number
    response = client.get("/persons/", {"q": number})
    assert response.status_code == 200
    rid = response["X-Request-ID"]
    assert len(rid) == 32
    [line] = request_log.lines
    entry = json.loads(line)
    assert entry["request_id"] == rid
    assert entry["view"] == "people:search"
    assert entry["route"] == "persons/"
    assert entry["method"] == "GET" and entry["status"] == 200
    assert entry["queries"] > 0 and entry["duration_ms"] >= entry["db_ms"] >= 0
    for personal in [
        number,
        number[2:8],
        world.person.last_name,
        world.alice.username,
        "127.0.0.1",
    ]:
        assert personal not in line
    # The proxy's id is kept when it is a plain token, replaced when it is not.
    assert client.get("/health", HTTP_X_REQUEST_ID="abc123def456")["X-Request-ID"] == (
        "abc123def456"
    )
    assert client.get("/health", HTTP_X_REQUEST_ID="bad id\n{}")["X-Request-ID"] != "bad id\n{}"


def test_serve_forgets_the_samples_of_processes_that_are_gone(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import subprocess
    import sys

    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = tmp_path / f"counter_{int(gone.stdout)}.db"
    alive = tmp_path / f"histogram_{os.getpid()}.db"
    other = tmp_path / "notes.txt"
    for path in (dead, alive, other):
        path.write_bytes(b"")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    assert metrics.forget_dead_processes() == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, other.name])
