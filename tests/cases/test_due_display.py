"""Deadlines read as the routines say them: "within N days" ends with a day, not at midnight."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from samordna.cases.templatetags.deadlines import due

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (dt.datetime(2026, 11, 26, 0, 0, tzinfo=STOCKHOLM), "2026-11-25"),  # end of the 25th
        (
            dt.datetime(2026, 11, 26, 12, 0, tzinfo=STOCKHOLM),
            "2026-11-26 12:00",
        ),  # seed 001: by 12:00
        (dt.datetime(2026, 3, 29, 0, 0, tzinfo=STOCKHOLM), "2026-03-28"),  # DST starts that night
        (dt.datetime(2026, 1, 1, 23, 0, tzinfo=dt.UTC), "2026-01-01"),  # midnight in Stockholm
        (None, ""),
    ],
)
def test_due(moment: dt.datetime | None, shown: str) -> None:
    assert due(moment) == shown
