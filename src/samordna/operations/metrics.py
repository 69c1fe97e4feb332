"""Prometheus metrics (issue 16 item 5): request latency and database time by view, outgoing
mail and webhook calls by outcome, and the worker's lag and last round read from the database.

Every process of one machine (gunicorn's workers, ``samordna worker``) writes its samples into
one folder (``PROMETHEUS_MULTIPROC_DIR``, set in settings to ``$SAMORDNA_DATA_DIR/metrics``),
prometheus_client's multiprocess mode, and ``/metrics`` of any web process of that machine
sums them. The worker's lag and last round are read from the database at each scrape, so they
are the same on every machine. Label values are bounded: a view's URL name, never a path.
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import re
from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

# Latency buckets (seconds) around what the pages cost (README, figures: 8 ms to ~1 s).
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUEST_SECONDS = Histogram(
    "samordna_request_duration_seconds",
    "Time from request to response, by view (URL name) and method.",
    ["view", "method"],
    buckets=BUCKETS,
)
DATABASE_SECONDS = Histogram(
    "samordna_request_database_seconds",
    "Time a request spent in database queries, by view.",
    ["view"],
    buckets=BUCKETS,
)
QUERIES = Counter(
    "samordna_request_queries", "Database queries made by requests, by view.", ["view"]
)
RESPONSES = Counter("samordna_responses", "Responses by view and status code.", ["view", "status"])
OUTGOING = Counter(
    "samordna_outgoing",
    "Mail and webhook calls leaving Samordna, by channel and outcome: sent, failed (the "
    "receiver did not take it; tried again later), taken_over (a row whose worker died, "
    "claimed again after its lease).",
    ["channel", "outcome"],
)

CHANNELS = frozenset({"digest", "webhook"})
OUTCOMES = frozenset({"sent", "failed", "taken_over"})


def count(channel: str, outcome: str, n: int = 1) -> None:
    """Count ``n`` mails or webhook calls of ``channel`` (``digest``, ``webhook``) with
    ``outcome`` (``sent``, ``failed``, ``taken_over``). The names are fixed so the number of
    series stays bounded; anything else is a programming error."""
    if channel not in CHANNELS or outcome not in OUTCOMES:
        raise ValueError(f"unknown metric {channel}/{outcome}")
    OUTGOING.labels(channel, outcome).inc(n)


# Queues whose oldest due item the worker must still handle: name -> a function returning the
# due time of the oldest item not handled yet, or None. Webhooks add theirs with `backlog`.
_BACKLOGS: dict[str, Callable[[dt.datetime], dt.datetime | None]] = {}


def backlog(name: str, oldest_due: Callable[[dt.datetime], dt.datetime | None]) -> None:
    """Report a queue in ``samordna_worker_lag_seconds{queue=name}``: ``oldest_due(now)`` gives
    the due time of its oldest unhandled item (one indexed query), or None when it is empty."""
    _BACKLOGS[name] = oldest_due


class DatabaseCollector(Collector):
    """Read at each scrape: how far behind the worker is, and when it last ran a round."""

    def collect(self) -> Iterator[Metric]:
        from django.utils import timezone

        from samordna.operations.models import WorkerHeartbeat

        now = timezone.now()
        lag = GaugeMetricFamily(
            "samordna_worker_lag_seconds",
            "Age of the oldest due item the worker has not handled yet, per queue (0: none).",
            labels=["queue"],
        )
        for name, oldest_due in sorted(_BACKLOGS.items()):
            due = oldest_due(now)
            lag.add_metric([name], max(0.0, (now - due).total_seconds()) if due else 0.0)
        yield lag
        seen = WorkerHeartbeat.last_seen()
        last = GaugeMetricFamily(
            "samordna_worker_last_round_age_seconds",
            "Seconds since any worker last started a round of its jobs (-1: never).",
        )
        last.add_metric([], (now - seen).total_seconds() if seen else -1.0)
        yield last


def folder() -> str:
    return os.environ["PROMETHEUS_MULTIPROC_DIR"]


def exposition() -> bytes:
    """The text exposition of every process's samples on this machine and the database's."""
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=folder())
    registry.register(DatabaseCollector())
    return generate_latest(registry)


_PID = re.compile(r"_(\d+)\.db$")


def forget_dead_processes() -> int:
    """Delete the sample files of processes that are gone (`serve` calls it at start), so the
    folder does not grow with every restart; their counters leave the sums, which Prometheus
    reads as a counter reset. Returns the files deleted."""
    deleted = 0
    for path in glob.glob(os.path.join(folder(), "*.db")):
        match = _PID.search(path)
        if not match:
            continue
        try:
            os.kill(int(match.group(1)), 0)
        except ProcessLookupError:
            os.unlink(path)
            deleted += 1
        except PermissionError:  # alive, another user's
            pass
    return deleted
