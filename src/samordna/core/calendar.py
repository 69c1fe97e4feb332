"""The Swedish working-day calendar (SPEC BOX-2).

A working day is Monday to Friday and neither a public holiday nor one of the de facto holidays
Midsummer Eve, Christmas Eve and New Year's Eve, which Swedish law treats like Sundays
(semesterlagen 1977:480, 7 §) and which the county routines treat as red days.
"""

from datetime import date, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from dateutil.easter import easter  # type: ignore[import-untyped, unused-ignore]
from holidays.constants import DE_FACTO, PUBLIC
from holidays.countries.sweden import Sweden

STOCKHOLM = ZoneInfo("Europe/Stockholm")

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5
_FRIDAY = 4


@cache
def _holidays(year: int) -> frozenset[date]:
    # include_sundays=False: weekends are handled by is_working_day, and is_holiday should answer
    # "is this a holiday", not "is this a Sunday". Older versions of the library (the project
    # allows holidays>=0.88) listed every Sunday by default, so it is passed explicitly.
    calendar = Sweden(years=year, categories=(PUBLIC, DE_FACTO), include_sundays=False)
    return frozenset(calendar.keys())


def is_holiday(d: date) -> bool:
    """A public holiday, or Midsummer Eve, Christmas Eve or New Year's Eve. Ordinary Sundays are
    not holidays here (they are weekend days)."""
    return d in _holidays(d.year)


def is_working_day(d: date) -> bool:
    return d.weekday() < _SATURDAY and not is_holiday(d)


def add_working_days(d: date, n: int) -> date:
    """The n-th working day after d (d itself does not count); d itself when n is 0."""
    if n < 0:
        raise ValueError(f"n must be 0 or more, not {n}")
    while n > 0:
        d += _ONE_DAY
        if is_working_day(d):
            n -= 1
    return d


def working_days_between(a: date, b: date) -> int:
    """Working days after a up to and including b; negative when b is before a.

    `working_days_between(d, add_working_days(d, n)) == n`.
    """
    if b < a:
        return -working_days_between(b, a)
    return sum(is_working_day(a + _ONE_DAY * i) for i in range(1, (b - a).days + 1))


def is_major_holiday(d: date) -> bool:
    """A day of a storhelg: Easter (Good Friday to Easter Monday), Midsummer Eve and Day,
    Christmas Eve to Boxing Day, New Year's Eve and Day.

    Gävleborg reads the system on day 3 of long runs of red days "i samband med storhelg"
    (seed 002_ca8314ba67d4fca6.txt line 116); the seed does not list the storhelger, so this is
    the common meaning (jul, nyår, påsk, midsommar).
    """
    easter_sunday: date = easter(d.year)
    if easter_sunday - 2 * _ONE_DAY <= d <= easter_sunday + _ONE_DAY:
        return True
    if (d.month, d.day) in {(12, 24), (12, 25), (12, 26), (12, 31), (1, 1)}:
        return True
    # Midsummer Eve is the Friday 19-25 June, Midsummer Day the Saturday 20-26 June.
    return d.month == 6 and (
        (d.weekday() == _FRIDAY and 19 <= d.day <= 25)
        or (d.weekday() == _SATURDAY and 20 <= d.day <= 26)
    )


def non_working_run(d: date) -> tuple[date, ...]:
    """The consecutive non-working days around d, in order; empty if d is a working day."""
    if is_working_day(d):
        return ()
    first = last = d
    while not is_working_day(first - _ONE_DAY):
        first -= _ONE_DAY
    while not is_working_day(last + _ONE_DAY):
        last += _ONE_DAY
    return tuple(first + _ONE_DAY * i for i in range((last - first).days + 1))
