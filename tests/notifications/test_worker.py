"""`samordna worker`: every WORKER_JOBS entry each run; a missing module is skipped with a
warning, a failing job does not stop the others."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest

from samordna.cli import main
from samordna.notifications import worker

calls: list[dt.datetime] = []


def counting(now: dt.datetime) -> int:
    calls.append(now)
    return 3


def failing(now: dt.datetime) -> int:
    raise RuntimeError("broken job")


def test_runs_every_job_and_skips_what_is_not_there(settings: Any, caplog: Any) -> None:
    calls.clear()
    settings.WORKER_JOBS = [
        "tests.notifications.test_worker.failing",
        "samordna.not_yet_written.jobs.run",
        "tests.notifications.test_worker.counting",
    ]
    now = dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)
    with caplog.at_level(logging.WARNING, logger="samordna.notifications.worker"):
        handled = worker.run_once(now)
    assert handled == {"tests.notifications.test_worker.counting": 3}
    assert calls == [now]
    messages = [r.getMessage() for r in caplog.records]
    assert any("samordna.not_yet_written.jobs.run skipped" in m for m in messages)
    assert any("tests.notifications.test_worker.failing failed" in m for m in messages)


def test_a_job_module_with_a_broken_import_is_an_error(settings: Any, tmp_path: Any) -> None:
    settings.WORKER_JOBS = ["tests.notifications.broken_job.run"]
    with pytest.raises(ModuleNotFoundError):
        worker.jobs()


@pytest.mark.django_db
def test_the_command_runs_the_jobs_once(settings: Any, capsys: Any) -> None:
    calls.clear()
    settings.WORKER_JOBS = ["tests.notifications.test_worker.counting"]
    assert main(["worker", "--once"]) == 0
    assert len(calls) == 1
    assert "'tests.notifications.test_worker.counting': 3" in capsys.readouterr().out


def test_the_configured_jobs_exist_or_are_skipped(db: None) -> None:
    """The digest job is there; deviations' may not be yet."""
    paths = [path for path, _job in worker.jobs()]
    assert "samordna.notifications.digest.run" in paths
