"""Every time a user reads is in Swedish local time (issue 18 item 1).

A meeting at 07:30 in Stockholm is stored as 06:30 UTC in winter; formatting the stored value
directly showed "06:30" on the SIP case page's "Från mötet" choice while everything else said
07:30. The source scan keeps the mistake from coming back anywhere: a datetime formatted with an
hour must go through ``timezone.localtime`` first.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from samordna.sip.forms.plan import StartVersionForm
from samordna.sip.models import Meeting

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "samordna"

# `{expression:...%H...}` in an f-string, and `expression.strftime("...%H...")`.
FORMATTED = re.compile(r"\{([^{}:]+):[^{}]*%H[^{}]*\}")
STRFTIME = re.compile(r"([\w.()]+)\.strftime\([\"'][^\"']*%H")
# Expressions that already are local times, or are a rule set's times of day (`datetime.time`,
# no zone to convert: core/rules.py, discharge/liability.py).
LOCAL = re.compile(r"^(timezone\.localtime\(.*\)|local\w*|at|t|value|rules\.payment_cutoff)$")


@pytest.mark.parametrize(
    ("utc", "shown"),
    [
        (dt.datetime(2026, 11, 23, 6, 30, tzinfo=dt.UTC), "2026-11-23 07:30"),  # winter, +01:00
        (dt.datetime(2027, 6, 24, 5, 30, tzinfo=dt.UTC), "2027-06-24 07:30"),  # summer, +02:00
        (dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC), "2027-01-01 00:30"),  # another day
    ],
)
def test_the_plan_form_shows_a_meeting_in_local_time(utc: dt.datetime, shown: str) -> None:
    meeting = Meeting(pk=7, purpose=Meeting.Purpose.ESTABLISH, starts_at=utc)
    form = StartVersionForm(meetings=[meeting])
    labels = dict(form.fields["meeting"].choices)  # type: ignore[attr-defined]
    assert labels["7"].endswith(shown)


def test_no_datetime_is_formatted_with_an_hour_outside_local_time() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for pattern in (FORMATTED, STRFTIME):
                for match in pattern.finditer(line):
                    if not LOCAL.match(match.group(1).strip()):
                        offenders.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_scan_sees_a_utc_hour() -> None:
    assert FORMATTED.search('f"{m.starts_at:%Y-%m-%d %H:%M}"').group(1) == "m.starts_at"  # type: ignore[union-attr]
    assert not LOCAL.match("m.starts_at")
    assert LOCAL.match("timezone.localtime(m.starts_at)")
