"""The Swedish working-day calendar (SPEC BOX-2).

Red days per lag (1989:253) om allmänna helgdagar; Midsummer Eve, Christmas Eve and New Year's
Eve count as non-working (semesterlagen 1977:480, 7 §; "röda dagar", seed
002_ca8314ba67d4fca6.txt line 116).
"""

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samordna.core.calendar import (
    add_working_days,
    is_holiday,
    is_major_holiday,
    is_working_day,
    non_working_run,
    working_days_between,
)

BOX_2 = "SPEC BOX-2"

HOLIDAYS = [
    # (source, date, name)
    (BOX_2, date(2025, 1, 1), "New Year's Day"),
    (BOX_2, date(2025, 1, 6), "Epiphany (Monday)"),
    (BOX_2, date(2025, 4, 18), "Good Friday"),
    (BOX_2, date(2025, 4, 20), "Easter Sunday"),
    (BOX_2, date(2025, 4, 21), "Easter Monday"),
    (BOX_2, date(2025, 5, 1), "1 May (Thursday)"),
    (BOX_2, date(2025, 5, 29), "Ascension Day"),
    (BOX_2, date(2025, 6, 6), "National Day (Friday)"),
    (BOX_2, date(2025, 6, 20), "Midsummer Eve"),
    (BOX_2, date(2025, 6, 21), "Midsummer Day"),
    (BOX_2, date(2025, 11, 1), "All Saints' Day"),
    (BOX_2, date(2025, 12, 24), "Christmas Eve"),
    (BOX_2, date(2025, 12, 25), "Christmas Day"),
    (BOX_2, date(2025, 12, 26), "Boxing Day"),
    (BOX_2, date(2025, 12, 31), "New Year's Eve"),
    (BOX_2, date(2026, 1, 1), "New Year's Day"),
    (BOX_2, date(2026, 1, 6), "Epiphany (Tuesday)"),
    (BOX_2, date(2026, 4, 3), "Good Friday"),
    (BOX_2, date(2026, 4, 6), "Easter Monday"),
    (BOX_2, date(2026, 5, 1), "1 May (Friday)"),
    (BOX_2, date(2026, 5, 14), "Ascension Day"),
    (BOX_2, date(2026, 5, 24), "Pentecost"),
    (BOX_2, date(2026, 6, 6), "National Day (Saturday)"),
    (BOX_2, date(2026, 6, 19), "Midsummer Eve"),
    (BOX_2, date(2026, 6, 20), "Midsummer Day"),
    (BOX_2, date(2026, 10, 31), "All Saints' Day"),
    (BOX_2, date(2026, 12, 24), "Christmas Eve"),
    (BOX_2, date(2026, 12, 25), "Christmas Day"),
    (BOX_2, date(2026, 12, 26), "Boxing Day"),
    (BOX_2, date(2026, 12, 31), "New Year's Eve"),
    (BOX_2, date(2027, 1, 1), "New Year's Day"),
    (BOX_2, date(2027, 1, 6), "Epiphany (Wednesday)"),
    (BOX_2, date(2027, 3, 26), "Good Friday"),
    (BOX_2, date(2027, 3, 29), "Easter Monday"),
    (BOX_2, date(2027, 5, 6), "Ascension Day"),
    (BOX_2, date(2027, 6, 25), "Midsummer Eve"),
    (BOX_2, date(2027, 11, 6), "All Saints' Day"),
    (BOX_2, date(2027, 12, 24), "Christmas Eve (Friday)"),
]

WORKING_DAYS = [
    # (source, date, why it is worth checking)
    (BOX_2, date(2025, 1, 7), "the day after Epiphany"),
    (BOX_2, date(2025, 4, 17), "Maundy Thursday is a working day"),
    (BOX_2, date(2025, 4, 22), "the Tuesday after Easter"),
    (BOX_2, date(2025, 5, 2), "the Friday after 1 May (klämdag) is a working day"),
    (BOX_2, date(2025, 5, 30), "the Friday after Ascension is a working day"),
    (BOX_2, date(2025, 6, 5), "the eve of National Day"),
    (BOX_2, date(2025, 6, 19), "the Thursday before Midsummer Eve"),
    (BOX_2, date(2025, 10, 31), "the Friday before All Saints' Day"),
    (BOX_2, date(2025, 12, 23), "23 December"),
    (BOX_2, date(2025, 12, 29), "between Christmas and New Year"),
    (BOX_2, date(2026, 1, 2), "2 January"),
    (BOX_2, date(2026, 1, 5), "the eve of Epiphany"),
    (BOX_2, date(2026, 4, 30), "Walpurgis Eve"),
    (BOX_2, date(2026, 6, 5), "Friday before a Saturday National Day: no substitute day"),
    (BOX_2, date(2027, 12, 27), "Monday after a Christmas on the weekend: no substitute day"),
]


@pytest.mark.parametrize(("source", "day", "name"), HOLIDAYS)
def test_holidays_are_not_working_days(source: str, day: date, name: str) -> None:
    assert is_holiday(day), name
    assert not is_working_day(day), name


@pytest.mark.parametrize(("source", "day", "why"), WORKING_DAYS)
def test_working_days(source: str, day: date, why: str) -> None:
    assert not is_holiday(day), why
    assert is_working_day(day), why


def test_ordinary_sundays_are_weekend_days_not_holidays() -> None:
    # holidays.Sweden can list every Sunday as a holiday (include_sundays); we do not.
    assert not is_holiday(date(2026, 3, 15))
    assert not is_working_day(date(2026, 3, 15))
    assert not is_holiday(date(2026, 3, 14))
    assert not is_working_day(date(2026, 3, 14))


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 3, 13), 0, date(2026, 3, 13)),
        (date(2026, 3, 13), 1, date(2026, 3, 16)),  # Friday -> Monday
        (date(2026, 3, 13), 3, date(2026, 3, 18)),  # Friday -> Wednesday
        (date(2026, 4, 2), 1, date(2026, 4, 7)),  # Maundy Thursday -> Tuesday after Easter
        (date(2026, 4, 2), 3, date(2026, 4, 9)),
        (date(2026, 5, 13), 1, date(2026, 5, 15)),  # over Ascension Day
        (date(2026, 6, 18), 1, date(2026, 6, 22)),  # over Midsummer
        (date(2025, 12, 23), 1, date(2025, 12, 29)),  # over Christmas
        (date(2025, 12, 30), 1, date(2026, 1, 2)),  # over New Year
        (date(2026, 12, 30), 1, date(2027, 1, 4)),
    ],
)
def test_add_working_days(start: date, n: int, expected: date) -> None:
    assert add_working_days(start, n) == expected
    assert working_days_between(start, expected) == n


def test_add_working_days_rejects_negative_n() -> None:
    with pytest.raises(ValueError, match="0 or more"):
        add_working_days(date(2026, 1, 1), -1)


@pytest.mark.parametrize(
    ("day", "major"),
    [
        (date(2026, 4, 3), True),  # Good Friday
        (date(2026, 4, 4), True),  # Easter Saturday
        (date(2026, 4, 6), True),  # Easter Monday
        (date(2026, 4, 7), False),
        (date(2026, 6, 19), True),  # Midsummer Eve
        (date(2026, 6, 20), True),  # Midsummer Day
        (date(2026, 6, 21), False),
        (date(2026, 6, 6), False),  # National Day is no storhelg
        (date(2026, 12, 24), True),
        (date(2026, 12, 26), True),
        (date(2026, 12, 31), True),
        (date(2027, 1, 1), True),
        (date(2027, 1, 6), False),  # Epiphany
        (date(2026, 5, 14), False),  # Ascension Day
    ],
)
def test_major_holidays(day: date, major: bool) -> None:
    # seed 002_ca8314ba67d4fca6.txt:116 "i samband med storhelg"
    assert is_major_holiday(day) == major


@pytest.mark.parametrize(
    ("day", "first", "last"),
    [
        (date(2026, 4, 5), date(2026, 4, 3), date(2026, 4, 6)),  # Easter: Friday to Monday
        (date(2026, 12, 25), date(2026, 12, 24), date(2026, 12, 27)),
        (date(2026, 3, 14), date(2026, 3, 14), date(2026, 3, 15)),  # an ordinary weekend
    ],
)
def test_non_working_run(day: date, first: date, last: date) -> None:
    run = non_working_run(day)
    assert (run[0], run[-1], len(run)) == (first, last, (last - first).days + 1)


def test_non_working_run_of_a_working_day_is_empty() -> None:
    assert non_working_run(date(2026, 3, 16)) == ()


# Properties ---------------------------------------------------------------------------------------

dates = st.dates(min_value=date(1960, 1, 1), max_value=date(2100, 12, 31))
counts = st.integers(min_value=0, max_value=60)


@given(dates, st.integers(min_value=1, max_value=60))
def test_result_is_a_working_day(start: date, n: int) -> None:
    assert is_working_day(add_working_days(start, n))


@given(dates, counts, counts)
def test_add_working_days_is_monotone(start: date, n: int, m: int) -> None:
    if n <= m:
        assert add_working_days(start, n) <= add_working_days(start, m)
    if n < m:
        assert add_working_days(start, n) < add_working_days(start, m)


@given(dates, counts)
def test_working_days_between_inverts_add(start: date, n: int) -> None:
    end = add_working_days(start, n)
    assert working_days_between(start, end) == n
    assert working_days_between(end, start) == -n


@given(dates)
def test_weekends_are_never_working_days(day: date) -> None:
    if day.weekday() >= 5:
        assert not is_working_day(day)


@given(dates)
def test_each_day_lies_in_its_non_working_run(day: date) -> None:
    run = non_working_run(day)
    assert (day in run) != is_working_day(day)
    assert all(b - a == timedelta(days=1) for a, b in pairwise(run))
