"""Deadline arithmetic (SPEC SIP-7, SIP-10, SIP-11, SVU-8, SVU-10). Each case cites its seed."""

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samordna.core.calendar import STOCKHOLM, is_major_holiday, is_working_day
from samordna.core.deadlines import (
    acknowledgement_due,
    admission_notice_due,
    discharge_invitation_due,
    discharge_plan_due,
    end_of_day,
    follow_up_comment_due,
    invitation_acknowledgement_due,
    is_reading_day,
    latest_follow_up,
    liable_days,
    meeting_window,
    next_reading_time,
    outpatient_invitation_due,
    payment_liability_start,
    plan_documented_due,
    plan_handed_over_due,
    planning_basis_due,
    reading_times_after,
    within_days,
    within_hours,
    within_working_days,
)
from samordna.core.rules import (
    DEFAULT_RULE_SETS,
    GAVLEBORG,
    NORRBOTTEN,
    VASTERBOTTEN,
    VASTERNORRLAND,
    RuleSet,
)
from tests.core.strategies import any_rule_set, aware_datetimes

NORRBOTTEN_RULES = DEFAULT_RULE_SETS["norrbotten"]
GAVLEBORG_RULES = DEFAULT_RULE_SETS["gavleborg"]
VASTERBOTTEN_RULES = DEFAULT_RULE_SETS["vasterbotten"]


def utc(moment: datetime) -> datetime:
    """For comparisons: Python compares two datetimes in one zone by wall clock, even in the
    repeated hour of the autumn DST change."""
    return moment.astimezone(UTC)


def local(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> datetime:
    """A Stockholm wall-clock time."""
    return datetime(year, month, day, hour, minute, second, us, tzinfo=STOCKHOLM)


# Conventions --------------------------------------------------------------------------------------


def test_end_of_day_is_the_next_local_midnight() -> None:
    assert end_of_day(date(2026, 3, 13)) == local(2026, 3, 14)
    # Across the spring DST change the day has 23 hours; midnight is still local midnight.
    assert end_of_day(date(2026, 3, 29)).utcoffset() == timedelta(hours=2)
    assert end_of_day(date(2026, 3, 28)) == datetime(2026, 3, 28, 23, tzinfo=UTC)


@pytest.mark.parametrize(
    "call",
    [
        lambda at: within_days(at, 3),
        lambda at: within_working_days(at, 3),
        lambda at: within_hours(at, 24),
        lambda at: acknowledgement_due(at, NORRBOTTEN_RULES),
        lambda at: reading_times_after(at, GAVLEBORG_RULES, 2),
        lambda at: meeting_window(at, NORRBOTTEN_RULES),
        lambda at: payment_liability_start(at, NORRBOTTEN_RULES),
    ],
)
def test_naive_datetimes_are_rejected(call: Callable[[datetime], object]) -> None:
    with pytest.raises(ValueError, match="naive"):
        call(datetime(2026, 3, 13, 12, 0))


@pytest.mark.parametrize("within", [within_days, within_working_days, within_hours])
def test_negative_counts_are_rejected(within: Callable[[datetime, int], datetime]) -> None:
    with pytest.raises(ValueError, match="0 or more"):
        within(local(2026, 3, 13, 12, 0), -1)


def test_days_are_local_days_whatever_the_input_zone() -> None:
    # 23:30 UTC on Friday 13 March is 00:30 on Saturday in Stockholm.
    friday_night_utc = datetime(2026, 3, 13, 23, 30, tzinfo=UTC)
    assert within_days(friday_night_utc, 3) == local(2026, 3, 18)
    assert meeting_window(friday_night_utc, NORRBOTTEN_RULES)[0] == date(2026, 3, 17)


@pytest.mark.parametrize(
    ("source", "event", "hours", "due"),
    [
        # 24 elapsed hours: across the spring change the wall clock moves 25 hours.
        (f"{NORRBOTTEN}:675-677", local(2026, 3, 28, 12, 0), 24, local(2026, 3, 29, 13, 0)),
        # across the autumn change the wall clock moves 23 hours.
        (f"{NORRBOTTEN}:763-764", local(2026, 10, 24, 12, 0), 24, local(2026, 10, 25, 11, 0)),
        (f"{NORRBOTTEN}:675-677", local(2026, 3, 10, 8, 15), 24, local(2026, 3, 11, 8, 15)),
    ],
)
def test_within_hours_is_elapsed_time(
    source: str, event: datetime, hours: int, due: datetime
) -> None:
    assert within_hours(event, hours) == due
    assert within_hours(event, hours).tzinfo is STOCKHOLM


# SIP-7: outpatient invitation within 3 working days -----------------------------------------------

OUTPATIENT_INVITATION = [
    # (source, need known at, due at = end of the third working day after)
    (f"{NORRBOTTEN}:389-391", local(2026, 3, 13, 10, 0), local(2026, 3, 19)),  # Fri -> end Wed
    (f"{NORRBOTTEN}:389-391", local(2026, 3, 14, 10, 0), local(2026, 3, 19)),  # Saturday
    (f"{NORRBOTTEN}:389-391", local(2026, 3, 16, 23, 59), local(2026, 3, 20)),  # Mon -> end Thu
    (f"{NORRBOTTEN}:389-391", local(2026, 4, 1, 9, 0), local(2026, 4, 9)),  # over Easter
    (f"{NORRBOTTEN}:389-391", local(2026, 4, 2, 9, 0), local(2026, 4, 10)),  # Maundy Thursday
    (f"{NORRBOTTEN}:389-391", local(2026, 5, 13, 9, 0), local(2026, 5, 20)),  # over Ascension
    (f"{NORRBOTTEN}:389-391", local(2026, 6, 18, 9, 0), local(2026, 6, 25)),  # over Midsummer
    (f"{NORRBOTTEN}:389-391", local(2025, 12, 22, 9, 0), local(2025, 12, 31)),  # over Christmas
    (f"{NORRBOTTEN}:389-391", local(2025, 12, 30, 9, 0), local(2026, 1, 8)),  # New Year, Epiphany
]


@pytest.mark.parametrize(("source", "known", "due"), OUTPATIENT_INVITATION)
def test_outpatient_invitation_due(source: str, known: datetime, due: datetime) -> None:
    assert outpatient_invitation_due(known, NORRBOTTEN_RULES) == due


def test_meeting_window() -> None:
    # 001_118551e475ece215.txt:391-392 "Själva mötet bör äga rum inom 3-21 dagar"
    window = meeting_window(local(2026, 3, 13, 10, 0), NORRBOTTEN_RULES)
    assert window == (date(2026, 3, 16), date(2026, 4, 3))


# SIP-7, SIP-10, SIP-11, SVU-2, SVU-3: the other day and hour limits -------------------------------

OTHER_LIMITS: list[tuple[str, Callable[[RuleSet], datetime], datetime]] = [
    # (source, deadline, due at)
    (
        f"{NORRBOTTEN}:516-517",  # meeting on Friday: documented by the end of Monday
        lambda r: plan_documented_due(local(2026, 3, 13, 14, 0), r),
        local(2026, 3, 17),
    ),
    (
        f"{GAVLEBORG}:251",  # "inom tre dygn", counted as calendar days
        lambda r: plan_handed_over_due(local(2026, 3, 13, 14, 0), r),
        local(2026, 3, 17),
    ),
    (
        f"{NORRBOTTEN}:966-969",  # calendar days: Easter does not extend it
        lambda r: discharge_invitation_due(local(2026, 4, 2, 15, 0), r),
        local(2026, 4, 6),
    ),
    (
        f"{VASTERNORRLAND}:19-21",
        lambda r: discharge_invitation_due(local(2026, 12, 23, 9, 0), r),
        local(2026, 12, 27),
    ),
    (
        f"{NORRBOTTEN}:606-611",
        lambda r: discharge_plan_due(local(2026, 3, 10, 11, 0), r),
        local(2026, 4, 1),
    ),
    (
        f"{VASTERBOTTEN}:228",  # follow-up on 20 May: comments by the end of 19 May
        lambda r: follow_up_comment_due(date(2026, 5, 20), r),
        local(2026, 5, 20),
    ),
    (
        f"{NORRBOTTEN}:675-677",
        lambda r: admission_notice_due(local(2026, 3, 10, 8, 15), r),
        local(2026, 3, 11, 8, 15),
    ),
    (
        f"{NORRBOTTEN}:763-764",
        lambda r: planning_basis_due(local(2026, 10, 24, 20, 0), r),
        local(2026, 10, 25, 19, 0),
    ),
]


@pytest.mark.parametrize(("source", "deadline", "due"), OTHER_LIMITS)
def test_other_limits(source: str, deadline: Callable[[RuleSet], datetime], due: datetime) -> None:
    assert deadline(NORRBOTTEN_RULES) == due


def test_latest_follow_up_is_within_a_year() -> None:
    # 001_118551e475ece215.txt:518-520 "dock minst en gång per år"
    assert latest_follow_up(date(2026, 3, 13), NORRBOTTEN_RULES) == date(2027, 3, 13)


# SVU-8: acknowledgement at the next reading time --------------------------------------------------

ACKNOWLEDGEMENTS = [
    # (source, rules, sent at, due at)
    (
        f"{NORRBOTTEN}:689-690",
        NORRBOTTEN_RULES,
        local(2026, 3, 10, 8, 0),
        local(2026, 3, 10, 12, 0),
    ),
    (
        f"{NORRBOTTEN}:689-690",
        NORRBOTTEN_RULES,
        local(2026, 3, 10, 11, 59, 59),
        local(2026, 3, 10, 12),
    ),
    (
        f"{NORRBOTTEN}:852-853",
        NORRBOTTEN_RULES,
        local(2026, 3, 10, 12, 0),
        local(2026, 3, 11, 12, 0),
    ),
    (
        f"{NORRBOTTEN}:852-853",
        NORRBOTTEN_RULES,
        local(2026, 3, 10, 12, 0, 1),
        local(2026, 3, 11, 12),
    ),
    (
        f"{NORRBOTTEN}:923-924",
        NORRBOTTEN_RULES,
        local(2026, 3, 14, 9, 0),
        local(2026, 3, 14, 12, 0),
    ),
    (
        f"{NORRBOTTEN}:923-924",
        NORRBOTTEN_RULES,
        local(2026, 12, 24, 13, 0),
        local(2026, 12, 25, 12),
    ),
    (f"{NORRBOTTEN}:689-690", NORRBOTTEN_RULES, local(2026, 12, 25, 7, 0), local(2026, 12, 25, 12)),
    # The night of the spring DST change: 12:00 the next day is summer time.
    (f"{NORRBOTTEN}:689-690", NORRBOTTEN_RULES, local(2026, 3, 28, 13, 0), local(2026, 3, 29, 12)),
    (f"{GAVLEBORG}:116", GAVLEBORG_RULES, local(2026, 3, 10, 8, 0), local(2026, 3, 10, 9, 0)),
    (f"{GAVLEBORG}:116", GAVLEBORG_RULES, local(2026, 3, 10, 9, 0), local(2026, 3, 10, 13, 0)),
    (f"{GAVLEBORG}:116", GAVLEBORG_RULES, local(2026, 3, 13, 10, 0), local(2026, 3, 13, 13, 0)),
    (f"{GAVLEBORG}:116", GAVLEBORG_RULES, local(2026, 3, 13, 14, 0), local(2026, 3, 16, 9, 0)),
    (f"{GAVLEBORG}:116", GAVLEBORG_RULES, local(2026, 3, 14, 11, 0), local(2026, 3, 16, 9, 0)),
    # Easter: Good Friday to Easter Monday, day 3 is Easter Sunday.
    (f"{GAVLEBORG}:116", GAVLEBORG_RULES, local(2026, 4, 2, 14, 0), local(2026, 4, 5, 9, 0)),
    (f"{GAVLEBORG}:116", GAVLEBORG_RULES, local(2026, 4, 5, 9, 0), local(2026, 4, 5, 13, 0)),
    (f"{GAVLEBORG}:116", GAVLEBORG_RULES, local(2026, 4, 5, 13, 30), local(2026, 4, 7, 9, 0)),
    # Christmas 2026: Thursday 24 to Sunday 27, day 3 is Saturday 26.
    (f"{GAVLEBORG}:116", GAVLEBORG_RULES, local(2026, 12, 23, 14, 0), local(2026, 12, 26, 9, 0)),
    (f"{GAVLEBORG}:116", GAVLEBORG_RULES, local(2026, 12, 26, 14, 0), local(2026, 12, 28, 9, 0)),
    # Christmas 2025: Wednesday 24 to Sunday 28, day 3 is Friday 26.
    (f"{GAVLEBORG}:116", GAVLEBORG_RULES, local(2025, 12, 23, 14, 0), local(2025, 12, 26, 9, 0)),
    # Midsummer 2026: Friday to Sunday, day 3 is Sunday.
    (f"{GAVLEBORG}:116", GAVLEBORG_RULES, local(2026, 6, 18, 14, 0), local(2026, 6, 21, 9, 0)),
    # New Year 2027: Thursday 31 December to Sunday 3 January, day 3 is Saturday 2 January.
    (f"{GAVLEBORG}:116", GAVLEBORG_RULES, local(2026, 12, 30, 14, 0), local(2027, 1, 2, 9, 0)),
    # New Year 2026 is only two days (Wednesday and Thursday): no day 3.
    (f"{GAVLEBORG}:116", GAVLEBORG_RULES, local(2025, 12, 30, 14, 0), local(2026, 1, 2, 9, 0)),
    # National Day on a Friday and Epiphany on a Monday make three days off, but no storhelg.
    (f"{GAVLEBORG}:116", GAVLEBORG_RULES, local(2025, 6, 5, 14, 0), local(2025, 6, 9, 9, 0)),
    (f"{GAVLEBORG}:116", GAVLEBORG_RULES, local(2025, 1, 3, 14, 0), local(2025, 1, 7, 9, 0)),
    # Västerbotten reads mornings and afternoons on working days, no day-3 rule.
    (f"{VASTERBOTTEN}:144", VASTERBOTTEN_RULES, local(2026, 4, 2, 14, 0), local(2026, 4, 7, 9, 0)),
    (f"{VASTERBOTTEN}:144", VASTERBOTTEN_RULES, local(2026, 4, 2, 12, 0), local(2026, 4, 2, 13, 0)),
]


@pytest.mark.parametrize(("source", "rules", "sent", "due"), ACKNOWLEDGEMENTS)
def test_acknowledgement_due(source: str, rules: RuleSet, sent: datetime, due: datetime) -> None:
    assert acknowledgement_due(sent, rules) == due


def test_long_holiday_threshold_is_configurable() -> None:
    # 002_ca8314ba67d4fca6.txt:116 gives no length for "länge": with 4, Midsummer (3 days) has
    # no day-3 reading and Easter (4 days) still has one.
    rules = replace(GAVLEBORG_RULES, long_holiday_min_days=4)
    assert acknowledgement_due(local(2026, 6, 18, 14, 0), rules) == local(2026, 6, 22, 9, 0)
    assert acknowledgement_due(local(2026, 4, 2, 14, 0), rules) == local(2026, 4, 5, 9, 0)


def test_reading_times_after() -> None:
    # 002_ca8314ba67d4fca6.txt:116 — Friday afternoon, then Monday.
    assert reading_times_after(local(2026, 3, 13, 9, 0), GAVLEBORG_RULES, 3) == [
        local(2026, 3, 13, 13, 0),
        local(2026, 3, 16, 9, 0),
        local(2026, 3, 16, 13, 0),
    ]
    with pytest.raises(ValueError, match="count"):
        reading_times_after(local(2026, 3, 13, 9, 0), GAVLEBORG_RULES, 0)


# SVU-10: payment liability ------------------------------------------------------------------------

PAYMENT = [
    # (source, ready-for-discharge notice sent at, first liable day)
    (f"{NORRBOTTEN}:1550-1553", local(2026, 3, 10, 11, 59), date(2026, 3, 13)),
    (f"{NORRBOTTEN}:1550-1553", local(2026, 3, 10, 12, 0, 0), date(2026, 3, 13)),  # "senast"
    (f"{NORRBOTTEN}:1555-1557", local(2026, 3, 10, 12, 0, 0, 1), date(2026, 3, 14)),
    (f"{NORRBOTTEN}:1555-1557", local(2026, 3, 10, 12, 1), date(2026, 3, 14)),
    (f"{NORRBOTTEN}:846-848", local(2026, 3, 10, 0, 0), date(2026, 3, 13)),
    (f"{NORRBOTTEN}:849-851", local(2026, 3, 10, 23, 59), date(2026, 3, 14)),
    # Calendar days, every day of the year: weekends and holidays do not move the start.
    (f"{NORRBOTTEN}:846-848", local(2026, 3, 13, 11, 0), date(2026, 3, 16)),  # Friday
    (f"{NORRBOTTEN}:849-851", local(2026, 3, 13, 13, 0), date(2026, 3, 17)),
    (f"{NORRBOTTEN}:846-848", local(2026, 4, 2, 11, 0), date(2026, 4, 5)),  # Maundy Thursday
    (f"{NORRBOTTEN}:849-851", local(2026, 4, 2, 13, 0), date(2026, 4, 6)),
    (f"{NORRBOTTEN}:846-848", local(2026, 12, 24, 10, 0), date(2026, 12, 27)),
    (f"{NORRBOTTEN}:849-851", local(2026, 12, 31, 14, 0), date(2027, 1, 4)),
    # The cut-off is local time: 10:59 UTC is 11:59 in winter, 12:59 in summer.
    (f"{NORRBOTTEN}:1550-1553", datetime(2026, 1, 15, 10, 59, tzinfo=UTC), date(2026, 1, 18)),
    (f"{NORRBOTTEN}:1555-1557", datetime(2026, 1, 15, 11, 30, tzinfo=UTC), date(2026, 1, 19)),
    (f"{NORRBOTTEN}:1555-1557", datetime(2026, 7, 15, 10, 59, tzinfo=UTC), date(2026, 7, 19)),
    # DST changes in March and October.
    (f"{NORRBOTTEN}:1550-1553", local(2026, 3, 28, 11, 59), date(2026, 3, 31)),
    (f"{NORRBOTTEN}:1550-1553", datetime(2026, 3, 29, 9, 59, tzinfo=UTC), date(2026, 4, 1)),
    (f"{NORRBOTTEN}:1555-1557", datetime(2026, 3, 29, 10, 30, tzinfo=UTC), date(2026, 4, 2)),
    (f"{NORRBOTTEN}:1550-1553", datetime(2026, 10, 25, 10, 30, tzinfo=UTC), date(2026, 10, 28)),
    (f"{NORRBOTTEN}:1555-1557", datetime(2026, 10, 24, 10, 30, tzinfo=UTC), date(2026, 10, 28)),
    # Late evening UTC is already the next local day.
    (f"{NORRBOTTEN}:846-848", datetime(2026, 3, 13, 23, 30, tzinfo=UTC), date(2026, 3, 17)),
]


@pytest.mark.parametrize(("source", "sent", "start"), PAYMENT)
def test_payment_liability_start(source: str, sent: datetime, start: date) -> None:
    assert payment_liability_start(sent, NORRBOTTEN_RULES) == start


LIABLE_DAYS = [
    # (source, start, discharged on, until, days) — per "vårddygn", 001_118551e475ece215.txt:1560
    (f"{NORRBOTTEN}:1559-1561", date(2026, 3, 13), date(2026, 3, 16), date(2026, 3, 31), 3),
    (f"{NORRBOTTEN}:1559-1561", date(2026, 3, 13), date(2026, 3, 13), date(2026, 3, 31), 0),
    (f"{NORRBOTTEN}:1559-1561", date(2026, 3, 13), date(2026, 3, 11), date(2026, 3, 31), 0),
    (f"{NORRBOTTEN}:1559-1561", date(2026, 3, 13), None, date(2026, 3, 13), 1),
    (f"{NORRBOTTEN}:1559-1561", date(2026, 3, 13), None, date(2026, 3, 12), 0),
    (f"{NORRBOTTEN}:1559-1561", date(2026, 3, 13), None, date(2026, 3, 31), 19),
    (f"{NORRBOTTEN}:1559-1561", date(2026, 3, 13), date(2026, 3, 20), date(2026, 3, 16), 4),
]


@pytest.mark.parametrize(("source", "start", "discharged", "until", "days"), LIABLE_DAYS)
def test_liable_days(
    source: str, start: date, discharged: date | None, until: date, days: int
) -> None:
    assert liable_days(start, discharged, until) == days


# Properties ---------------------------------------------------------------------------------------


@given(aware_datetimes, st.integers(min_value=0, max_value=400))
def test_day_deadlines_are_after_the_event(event: datetime, n: int) -> None:
    assert utc(within_days(event, n)) > utc(event)
    assert utc(within_working_days(event, n)) > utc(event)
    assert within_days(event, n).tzinfo is STOCKHOLM


@given(aware_datetimes, st.integers(min_value=1, max_value=400))
def test_hour_deadlines_are_after_the_event(event: datetime, n: int) -> None:
    assert utc(within_hours(event, n)) - utc(event) == timedelta(hours=n)


def allowed_reading_day(day: date, rules: RuleSet) -> bool:
    """The reading-day rule, spelled out independently of `is_reading_day`."""
    if rules.reading_days == "all" or is_working_day(day):
        return True
    if not rules.read_on_day_3_of_long_holidays:
        return False
    before = [day - timedelta(days=k) for k in (3, 2, 1)]
    run = [*before[1:], day]
    following = day
    while not is_working_day(following + timedelta(days=1)):
        following += timedelta(days=1)
        run.append(following)
    return (
        is_working_day(before[0])
        and not any(is_working_day(d) for d in before[1:])
        and len(run) >= rules.long_holiday_min_days
        and any(is_major_holiday(d) for d in run)
    )


@given(aware_datetimes, any_rule_set)
def test_acknowledgement_is_the_next_reading_time(sent: datetime, rules: RuleSet) -> None:
    due = acknowledgement_due(sent, rules)
    assert utc(due) > utc(sent)
    assert due.tzinfo is STOCKHOLM
    assert due.time() in rules.reading_times
    assert allowed_reading_day(due.date(), rules)
    # No reading time lies between sending and the due time.
    day = sent.astimezone(STOCKHOLM).date()
    while day <= due.date():
        if is_reading_day(day, rules):
            for t in rules.reading_times:
                moment = datetime.combine(day, t, tzinfo=STOCKHOLM)
                assert not utc(sent) < utc(moment) < utc(due)
        day += timedelta(days=1)


@given(aware_datetimes, any_rule_set, st.integers(min_value=1, max_value=6))
def test_reading_times_are_increasing(after: datetime, rules: RuleSet, count: int) -> None:
    moments = reading_times_after(after, rules, count)
    assert len(moments) == count
    assert moments[0] == next_reading_time(after, rules)
    assert all(utc(a) < utc(b) for a, b in pairwise(moments))
    assert utc(moments[0]) > utc(after)


@given(aware_datetimes, any_rule_set)
def test_payment_starts_3_or_4_days_after_sending(sent: datetime, rules: RuleSet) -> None:
    sent_local = sent.astimezone(STOCKHOLM)
    days = (payment_liability_start(sent, rules) - sent_local.date()).days
    late = sent_local.time() > rules.payment_cutoff
    assert days == (rules.payment_days_after_cutoff if late else rules.payment_days_by_cutoff)
    if rules == NORRBOTTEN_RULES:
        assert days == (4 if late else 3)


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
    st.none() | st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
)
def test_liable_days_are_never_negative(start: date, discharged: date | None, until: date) -> None:
    days = liable_days(start, discharged, until)
    assert days >= 0
    assert days <= max(0, (until - start).days + 1)
    if discharged is None:
        assert days == max(0, (until - start).days + 1)


def test_reading_time_on_a_non_working_day_is_only_day_3() -> None:
    # 002_ca8314ba67d4fca6.txt:116: Easter 2026 is Friday 3 to Monday 6 April.
    easter = [date(2026, 4, d) for d in (3, 4, 5, 6)]
    assert [is_reading_day(d, GAVLEBORG_RULES) for d in easter] == [False, False, True, False]
    assert all(is_reading_day(d, NORRBOTTEN_RULES) for d in easter)
    assert not any(is_reading_day(d, VASTERBOTTEN_RULES) for d in easter)


@given(
    aware_datetimes,
    st.timedeltas(min_value=timedelta(minutes=-600), max_value=timedelta(days=30)),
    any_rule_set,
)
def test_an_invitation_is_due_by_the_reading_time_or_the_meeting_whichever_is_first(
    sent: datetime, until_meeting: timedelta, rules: RuleSet
) -> None:
    """Issue 18 item 8, on the reading-time rule of seed 001_118551e475ece215.txt lines 689-690."""
    starts = sent + until_meeting
    due = invitation_acknowledgement_due(sent, starts, rules)
    reading = acknowledgement_due(sent, rules)
    assert utc(due) > utc(sent)
    assert utc(due) <= utc(reading)
    if utc(starts) > utc(sent):
        assert utc(due) == min(utc(reading), utc(starts))
    else:  # the meeting has started (a cancellation): the reading time alone
        assert due == reading
