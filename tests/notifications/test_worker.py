"""`samordna worker`: every WORKER_JOBS entry each run; a failing job does not stop the
others."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
from django.conf import settings

from samordna.cli import main
from samordna.notifications import worker

calls: list[dt.datetime] = []


def counting(now: dt.datetime) -> int:
    calls.append(now)
    return 3


def failing(now: dt.datetime) -> int:
    raise RuntimeError("broken job")


def test_runs_every_job_even_when_one_fails(settings: Any, caplog: Any) -> None:
    calls.clear()
    settings.WORKER_JOBS = [
        "tests.notifications.test_worker.failing",
        "tests.notifications.test_worker.counting",
    ]
    now = dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)
    with caplog.at_level(logging.WARNING, logger="samordna.notifications.worker"):
        handled = worker.run_once(now)
    assert handled == {"tests.notifications.test_worker.counting": 3}
    assert calls == [now]
    messages = [r.getMessage() for r in caplog.records]
    assert any("tests.notifications.test_worker.failing failed" in m for m in messages)


@pytest.mark.django_db
def test_the_command_runs_the_jobs_once(settings: Any, capsys: Any) -> None:
    calls.clear()
    settings.WORKER_JOBS = ["tests.notifications.test_worker.counting"]
    assert main(["worker", "--once"]) == 0
    assert len(calls) == 1
    assert "'tests.notifications.test_worker.counting': 3" in capsys.readouterr().out


def test_the_configured_jobs_exist(db: None) -> None:
    paths = [path for path, _job in worker.jobs()]
    assert paths == [
        "samordna.notifications.digest.run",
        "samordna.deviations.jobs.run",
        "samordna.operations.maintenance.run",
        "samordna.accounts.throttle.prune",  # old failed-guess rows (issue 17 item 3)
        "samordna.webhooks.outbox.announce_overdue",  # acknowledgement.overdue (issue 12)
        "samordna.webhooks.delivery.run",  # the webhooks' outbox (issue 12 item 3)
        "samordna.api.idempotency.prune",  # Idempotency-Key answers after 24 h (item 4)
        "samordna.notifications.individual.run",  # notices to individuals (issue 15 item 5)
    ]
    assert [path for path, _job in worker.jobs(settings.WORKER_FREQUENT_JOBS)] == [
        "samordna.webhooks.delivery.run"
    ]
