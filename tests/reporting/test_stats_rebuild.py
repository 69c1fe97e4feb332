"""The plain measures' set-based rebuild (PostgreSQL: INSERT ... SELECT for what SQL computes,
the liability rules in Python for the stays that ended after a ready notice) gives exactly the
facts and counters of the Python one (``stats.rows``), on a generated county with the edge
cases of local dates and first notices. On SQLite both sides are the Python path."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.core.management import call_command

from samordna.cases.models import Case, Notice
from samordna.core.calendar import STOCKHOLM
from samordna.discharge.models import Stay
from samordna.reporting import stats
from samordna.reporting.models import StatFact
from tests.overview.conftest import NOW


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=STOCKHOLM)


@pytest.fixture
def county(db: None) -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        call_command("generate_county", cases=300)
        yield


def _stays_with_a_ready_notice(n: int) -> list[Case]:
    found = list(
        Case.objects.filter(
            kind=Case.Kind.DISCHARGE,
            stay__discharged_at__isnull=False,
            notices__kind=Notice.Kind.READY,
        )
        .distinct()
        .order_by("pk")[:n]
    )
    assert len(found) == n
    return found


def _move(case: Case, admitted: str, ready: str, discharged: str) -> None:
    Stay.objects.filter(case=case).update(admitted_at=at(admitted), discharged_at=at(discharged))
    Notice.objects.filter(case=case, kind=Notice.Kind.READY).update(sent_at=at(ready))
    Case.objects.filter(pk=case.pk).update(opened_at=at(admitted))


def _facts(case: Case) -> dict[tuple[str, str], tuple[dt.date, int]]:
    return {(f.stat, f.key): (f.month, f.value) for f in StatFact.objects.filter(case=case)}


def test_the_set_based_rebuild_equals_the_python_one(county: None) -> None:
    month_end, summer_time, twice = _stays_with_a_ready_notice(3)
    # Ready at 00:30 on 10-30 (10-29 in UTC), discharged at 23:30 on 10-31, the last day of the
    # month (22:30 UTC): one waiting day, counted in October.
    _move(month_end, "2026-10-20 10:00", "2026-10-30 00:30", "2026-10-31 23:30")
    # Across the change to summer time (03-29): ready 23:30 on 03-28 (CET), discharged 00:15 on
    # 03-30 (CEST, 03-29 in UTC): two days; admitted 00:30 on 03-01 (02-28 in UTC): March.
    _move(summer_time, "2026-03-01 00:30", "2026-03-28 23:30", "2026-03-30 00:15")
    # Two READY notices: the waiting days run from the first.
    _move(twice, "2026-06-01 09:00", "2026-06-10 08:00", "2026-06-15 09:00")
    first = Notice.objects.filter(case=twice, kind=Notice.Kind.READY).first()
    assert first is not None
    Notice.objects.create(
        case=twice, kind=first.kind, sender=first.sender, sender_unit=first.sender_unit,
        sent_at=at("2026-06-12 08:00"), subject=first.subject,
    )  # fmt: skip
    # A SIP closed in the month it was opened.
    sip = Case.objects.filter(kind=Case.Kind.SIP, sip__isnull=False).order_by("pk").first()
    assert sip is not None
    Case.objects.filter(pk=sip.pk).update(
        opened_at=at("2026-05-03 09:00"), closed_at=at("2026-05-31 23:30"),
        close_reason=Case.CloseReason.values[0],
    )  # fmt: skip

    assert stats.rebuild() == StatFact.objects.count()  # set-based on PostgreSQL
    by_sql = stats.snapshot()
    assert by_sql == stats.recomputed()
    stats._rebuild_in_chunks(500)  # the Python path, on any database
    assert stats.snapshot() == by_sql

    assert _facts(month_end)[("waiting_days", "1")] == (dt.date(2026, 10, 1), 1)
    summer = _facts(summer_time)
    assert summer[("waiting_days", "2")] == (dt.date(2026, 3, 1), 2)
    assert summer[("stays", "")] == (dt.date(2026, 3, 1), 1)
    assert _facts(twice)[("waiting_days", "5")] == (dt.date(2026, 6, 1), 5)
    months = {stat: month for (stat, _key), (month, _value) in _facts(sip).items()}
    assert months == {"sip_opened": dt.date(2026, 5, 1), "sip_closed": dt.date(2026, 5, 1)}
    assert {counter[0] for counter in by_sql[1]} >= {
        "sip_opened", "sip_closed", "stays", "waiting_days", "liable_stays", "liable_days",
    }  # fmt: skip
