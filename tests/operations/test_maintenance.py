"""The worker keeps SQLite's planner statistics fresh, once an hour (OPS-1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from samordna.operations import maintenance

ON_THE_HOUR = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_optimize_runs_on_the_hour_on_sqlite() -> None:
    ran = maintenance.run(ON_THE_HOUR)
    assert ran == (1 if connection.vendor == "sqlite" else 0)
    assert maintenance.run(ON_THE_HOUR + dt.timedelta(minutes=1)) == 0
