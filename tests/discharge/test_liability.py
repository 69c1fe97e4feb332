"""Payment liability (SVU-10) as a pure function: table tests citing seed 001 and a property.

Seed 001_118551e475ece215.txt: liability starts three days after a ready-for-discharge notice
sent by 12:00 and four days after one sent later (lines 846-851, 1550-1557), calendar days; it
requires the admission notice to the municipality (1533-1534), the ready notice (1535-1537) and
the SIP invitation within three days (1538-1540) unless only social services are needed
(1541-1544); none while region outpatient interventions are unavailable (1546-1548); none
without consent to information transfer (656-659); the amount is per vårddygn and year
(1559-1562).
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samordna.core.calendar import STOCKHOLM
from samordna.core.rules import DEFAULT_RULE_SETS, RuleSet
from samordna.discharge.liability import Facts, Period, assess

NORRBOTTEN = RuleSet()
# Test amounts, not real ones: the real ones come from the DailyAmount table.
AMOUNTS = {2025: 1000, 2026: 2000}


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=STOCKHOLM)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def facts(ready: str | None = "2026-03-02 11:40", **extra: object) -> Facts:
    values: dict[str, object] = {
        "consent": True,
        "admission_notice_to_municipality": True,
        "ready_sent_at": at(ready) if ready else None,
        "sip_invited_at": at("2026-03-03 09:00"),
        "discharged_on": day("2026-03-10"),
        **extra,
    }
    return Facts(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("case", "given_facts", "today", "start", "days", "amount"),
    [
        # Lines 1550-1553: sent by 12:00 -> three days after; Monday 11:40 -> Thursday.
        ("before 12:00", facts(), "2026-03-20", "2026-03-05", 5, 10000),
        # "senast klockan 12.00" (line 1552): exactly 12:00 is still by 12:00.
        ("at 12:00", facts("2026-03-02 12:00"), "2026-03-20", "2026-03-05", 5, 10000),
        # Lines 1555-1557: after 12:00 -> four days after.
        ("after 12:00", facts("2026-03-02 12:01"), "2026-03-20", "2026-03-06", 4, 8000),
        # Calendar days across Easter (Good Friday to Easter Monday): Maundy Thursday 15:00
        # -> Easter Monday; liable until the day before discharge.
        (
            "weekend and holiday",
            facts(
                "2026-04-02 15:00",
                sip_invited_at=at("2026-04-03 10:00"),
                discharged_on=day("2026-04-09"),
            ),
            "2026-04-20",
            "2026-04-06",
            3,
            6000,
        ),
        # Two calendar years, each day at its own year's amount (lines 1559-1562).
        (
            "year boundary",
            facts(
                "2025-12-27 09:00",
                sip_invited_at=at("2025-12-28 10:00"),
                discharged_on=day("2026-01-03"),
            ),
            "2026-01-10",
            "2025-12-30",
            4,
            2 * 1000 + 2 * 2000,
        ),
        # Lines 1546-1548: no liability for the days outpatient care was not available.
        (
            "outpatient unavailable",
            facts(unavailable=(Period(day("2026-03-06"), day("2026-03-07")),)),
            "2026-03-20",
            "2026-03-05",
            3,
            6000,
        ),
        (
            "outpatient still unavailable",
            facts(unavailable=(Period(day("2026-03-08")),)),
            "2026-03-20",
            "2026-03-05",
            3,
            6000,
        ),
        # Still in hospital: counted to and including today.
        ("still in hospital", facts(discharged_on=None), "2026-03-07", "2026-03-05", 3, 6000),
        # Discharged before the start: nothing to pay.
        (
            "discharge before start",
            facts(discharged_on=day("2026-03-04")),
            "2026-03-20",
            "2026-03-05",
            0,
            0,
        ),
        # Lines 1538-1540: the invitation on the third day, late evening, is in time.
        (
            "SIP invitation at the end of day 3",
            facts(sip_invited_at=at("2026-03-05 23:59")),
            "2026-03-20",
            "2026-03-05",
            5,
            10000,
        ),
        # Lines 1541-1544: only social services -> no SIP invitation needed.
        (
            "only social services, no invitation",
            facts(sip_invited_at=None, only_social_services=True),
            "2026-03-20",
            "2026-03-05",
            5,
            10000,
        ),
        (
            "only social services, late invitation",
            facts(sip_invited_at=at("2026-03-09 10:00"), only_social_services=True),
            "2026-03-20",
            "2026-03-05",
            5,
            10000,
        ),
    ],
)
def test_liability_table(
    case: str, given_facts: Facts, today: str, start: str, days: int, amount: int
) -> None:
    result = assess(given_facts, NORRBOTTEN, AMOUNTS, day(today))
    assert result.start == day(start), case
    assert result.days == days, case
    assert result.amount == amount, case
    assert result.missing_years == ()


@pytest.mark.parametrize(
    ("case", "given_facts", "today", "says"),
    [
        # Lines 656-659: without consent "utfaller inte heller något betalningsansvar".
        ("no consent", facts(consent=False), "2026-03-20", "inte samtyckt"),
        # Lines 1533-1534: the municipality must have been told of the admission.
        (
            "no admission notice",
            facts(admission_notice_to_municipality=False),
            "2026-03-20",
            "Inskrivningsmeddelande har inte skickats",
        ),
        ("no ready notice", facts(None), "2026-03-20", "utskrivningsklar har inte skickats"),
        # Lines 1538-1540: SIP invitation after the third day -> no liability.
        (
            "SIP invitation late",
            facts(sip_invited_at=at("2026-03-06 08:00")),
            "2026-03-20",
            "senare än 3 dagar",
        ),
        ("SIP invitation never sent", facts(sip_invited_at=None), "2026-03-20", "inte inom 3"),
        ("SIP invitation not yet due", facts(sip_invited_at=None), "2026-03-04", "ännu inte"),
    ],
)
def test_no_liability(case: str, given_facts: Facts, today: str, says: str) -> None:
    result = assess(given_facts, NORRBOTTEN, AMOUNTS, day(today))
    assert (result.start, result.days, result.amount) == (None, 0, 0), case
    assert says in " ".join(result.reasons), case


def test_the_reasoning_reads_as_the_routine() -> None:
    result = assess(facts(), NORRBOTTEN, AMOUNTS, day("2026-03-20"))
    assert result.reasons == (
        "Meddelande om utskrivningsklar skickades 2026-03-02 kl. 11.40, senast kl. 12.00: "
        "betalningsansvaret inträder 2026-03-05.",
        "Kallelse till SIP skickades 2026-03-03 kl. 09.00, inom 3 dagar.",
        "Patienten skrevs ut 2026-03-10; utskrivningsdagen räknas inte.",
        "2026: 5 vårddygn × 2 000 kr = 10 000 kr.",
        "Betalningsansvar 5 vårddygn, summa 10 000 kr.",
    )


def test_a_missing_amount_is_said_not_guessed() -> None:
    """A year without a cited amount: the days are counted, the sum is not."""
    result = assess(
        facts("2025-12-27 09:00", sip_invited_at=at("2025-12-28 10:00"), discharged_on=None),
        NORRBOTTEN,
        {2025: 1000},
        day("2026-01-02"),
    )
    assert result.days == 4 and result.days_by_year() == {2025: 2, 2026: 2}
    assert result.amount is None and result.missing_years == (2026,)
    assert "2026: 2 vårddygn, belopp saknas för år 2026." in result.reasons


def test_the_county_rule_set_decides_the_cut_off() -> None:
    """The payment rule is data: a county with other values gets other dates."""
    rules = RuleSet(payment_days_by_cutoff=2, payment_days_after_cutoff=5)
    assert assess(facts(), rules, AMOUNTS, day("2026-03-20")).start == day("2026-03-04")
    late = facts("2026-03-02 13:00", sip_invited_at=at("2026-03-03 09:00"))
    assert assess(late, rules, AMOUNTS, day("2026-03-20")).start == day("2026-03-07")


# A property over any stay ------------------------------------------------------------------------

moments = st.datetimes(
    min_value=dt.datetime(2024, 1, 1),
    max_value=dt.datetime(2027, 12, 31),
    timezones=st.just(STOCKHOLM),
)


@st.composite
def stays(draw: st.DrawFn) -> tuple[Facts, dt.date]:
    ready = draw(moments)
    ready_day = ready.date()
    discharged = draw(st.one_of(st.none(), st.integers(0, 90)))
    today = ready_day + dt.timedelta(days=draw(st.integers(0, 120)))
    periods = []
    for _ in range(draw(st.integers(0, 3))):
        starts = ready_day + dt.timedelta(days=draw(st.integers(-5, 90)))
        length = draw(st.one_of(st.none(), st.integers(0, 20)))
        periods.append(
            Period(starts, None if length is None else starts + dt.timedelta(days=length))
        )
    return (
        Facts(
            consent=True,
            admission_notice_to_municipality=True,
            ready_sent_at=ready,
            sip_invited_at=ready + dt.timedelta(hours=draw(st.integers(0, 100))),
            only_social_services=draw(st.booleans()),
            discharged_on=None if discharged is None else ready_day + dt.timedelta(discharged),
            unavailable=tuple(periods),
        ),
        today,
    )


@given(stays(), st.sampled_from(sorted(DEFAULT_RULE_SETS)))
def test_liable_days_are_bounded_and_priced_per_year(
    stay: tuple[Facts, dt.date], county: str
) -> None:
    facts_, today = stay
    amounts = {year: 1000 + year for year in range(2023, 2030)}
    result = assess(facts_, DEFAULT_RULE_SETS[county], amounts, today)
    assert result.days >= 0
    if result.start is not None:
        end = facts_.discharged_on or today + dt.timedelta(days=1)
        if facts_.discharged_on is not None:
            end = min(end, today + dt.timedelta(days=1))
        assert result.days <= max(0, (end - result.start).days)
        assert all(result.start <= d < end for d in result.dates)
        assert len(set(result.dates)) == result.days
    assert result.amount == sum(
        days * amounts[year] for year, days in result.days_by_year().items()
    )
