"""`samordna worker`: runs every job in ``settings.WORKER_JOBS`` once a minute, until SIGTERM.

Each job is ``run(now) -> int`` and idempotent, so a missed minute, a re-run or a second worker
does no harm. Deadlines live in indexed columns, not in timers: a job looks at the clock and the
data each time. A job that fails is logged and the others still run.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

Job = Callable[[dt.datetime], int]


def jobs(paths: list[str] | None = None) -> list[tuple[str, Job]]:
    return [(path, import_string(path)) for path in (paths or settings.WORKER_JOBS)]


def run_once(
    now: dt.datetime, paths: list[str] | None = None, stop: threading.Event | None = None
) -> dict[str, int]:
    """Run every job once (or those named); returns what each handled (failed jobs are left
    out). With ``stop`` set, no further job starts."""
    handled = {}
    for path, job in jobs(paths):
        if stop is not None and stop.is_set():
            break
        try:
            handled[path] = job(now)
        except Exception:
            logger.exception("worker job %s failed", path)
    return handled


def heartbeat() -> None:
    """Record that this worker process starts a round (readiness, metrics)."""
    from samordna.operations.models import WorkerHeartbeat

    try:
        WorkerHeartbeat.beat(f"{socket.gethostname()}:{os.getpid()}")
    except Exception:
        logger.exception("worker heartbeat not recorded")


def stop_on_sigterm() -> threading.Event:
    """SIGTERM (a deploy, systemd, ``scripts/reliability``'s end) lets the job running finish
    and starts no other: a digest being mailed is marked sent before the process exits. A kill
    -9 needs no such help (the leases run out), it only costs the wait."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    return stop


def run_forever(interval: float = 60) -> None:  # pragma: no cover - an endless loop
    """Every job each ``interval``; between those rounds, ``WORKER_FREQUENT_JOBS`` (webhook
    delivery) every ``WORKER_FREQUENT_SECONDS``; until SIGTERM, between jobs."""
    frequent = list(getattr(settings, "WORKER_FREQUENT_JOBS", []))
    every = float(getattr(settings, "WORKER_FREQUENT_SECONDS", interval))
    stop = stop_on_sigterm()
    next_round = time.monotonic()
    while not stop.is_set():
        close_old_connections()
        paths = None if time.monotonic() >= next_round else frequent
        if paths is None:
            next_round = time.monotonic() + interval
            heartbeat()  # a whole round starts
        if paths is None or paths:
            for path, count in run_once(timezone.now(), paths, stop).items():
                if count:
                    logger.info("worker job %s handled %d", path, count)
        stop.wait(max(1.0, min(every, next_round - time.monotonic())))
