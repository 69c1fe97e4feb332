"""Deadline arithmetic for SIP and discharge (SPEC SIP-7, SIP-10, SIP-11, SVU-8, SVU-10).

Every function takes timezone-aware datetimes (a naive one is a ValueError) and reckons in local
Swedish time, Europe/Stockholm, whatever zone the input is in.

Convention: a deadline "within N days" (or working days) of an event is due at the end of the
last allowed local day, represented as local midnight at the start of the following day. An
obligation is on time when it is met at `moment < due_at` (compare in UTC, as the database
does: Python compares two datetimes of one zone by wall clock, even in the repeated autumn
hour). The day of the event does not count:
an invitation due within 3 days of a notice sent on Monday is due at the end of Thursday.
"Within N hours" is elapsed time, so 24 hours across a DST change is 24 real hours.
"""

from datetime import UTC, date, datetime, time, timedelta

from samordna.core.calendar import (
    STOCKHOLM,
    add_working_days,
    is_major_holiday,
    is_working_day,
    non_working_run,
)
from samordna.core.rules import RuleSet

_ONE_DAY = timedelta(days=1)


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: pass a timezone-aware datetime")
    return moment.astimezone(STOCKHOLM)


def end_of_day(d: date) -> datetime:
    """The end of local day d: midnight at the start of the next day, Stockholm time."""
    return datetime.combine(d + _ONE_DAY, time(0), tzinfo=STOCKHOLM)


def within_days(event_at: datetime, n: int) -> datetime:
    """Due at the end of the n-th calendar day after the event's local day."""
    if n < 0:
        raise ValueError(f"n must be 0 or more, not {n}")
    return end_of_day(_local(event_at).date() + n * _ONE_DAY)


def within_working_days(event_at: datetime, n: int) -> datetime:
    """Due at the end of the n-th working day after the event's local day (BOX-2), e.g. need
    known on a Friday, 3 working days: due at the end of Wednesday."""
    return end_of_day(add_working_days(_local(event_at).date(), n))


def within_hours(event_at: datetime, n: int) -> datetime:
    """Due n elapsed hours after the event, in Stockholm time."""
    if n < 0:
        raise ValueError(f"n must be 0 or more, not {n}")
    return (_local(event_at).astimezone(UTC) + timedelta(hours=n)).astimezone(STOCKHOLM)


# Reading times (SVU-8) ---------------------------------------------------------------------------


def is_reading_day(d: date, rules: RuleSet) -> bool:
    """Whether recipients read the system on day d.

    Gävleborg reads on working days "samt dag 3 vid länge sammanhängande röda dagar i samband med
    storhelg" (seed 002_ca8314ba67d4fca6.txt line 116): day 3 of a run of at least
    `long_holiday_min_days` consecutive non-working days that includes a storhelg day.
    """
    if rules.reading_days == "all" or is_working_day(d):
        return True
    if not rules.read_on_day_3_of_long_holidays:
        return False
    run = non_working_run(d)
    return (
        len(run) >= rules.long_holiday_min_days
        and run[2] == d
        and any(is_major_holiday(day) for day in run)
    )


def reading_times_after(after: datetime, rules: RuleSet, count: int = 1) -> list[datetime]:
    """The next `count` reading times strictly after `after`, in Stockholm time."""
    if count < 1:
        raise ValueError(f"count must be 1 or more, not {count}")
    local = _local(after)
    # Compared in UTC: Python compares two datetimes in the same zone by wall clock, which is
    # wrong in the repeated hour when summer time ends.
    after_utc = local.astimezone(UTC)
    found: list[datetime] = []
    day = local.date()
    while len(found) < count:
        if is_reading_day(day, rules):
            moments = (datetime.combine(day, t, tzinfo=STOCKHOLM) for t in rules.reading_times)
            found.extend(moment for moment in moments if moment.astimezone(UTC) > after_utc)
        day += _ONE_DAY
    return found[:count]


def next_reading_time(after: datetime, rules: RuleSet) -> datetime:
    return reading_times_after(after, rules)[0]


def acknowledgement_due(sent_at: datetime, rules: RuleSet) -> datetime:
    """When a notice must be acknowledged: at the first reading time strictly after it was sent.

    Norrbotten: "kvittera ... senast klockan 12.00 årets alla dagar" (seed
    001_118551e475ece215.txt lines 689-690, 852-853, 923-924), i.e. the next 12:00, any day.
    Gävleborg: "kvittera inkomna meddelanden kl. 09.00 och kl. 13.00 alla vardagar" (seed
    002_ca8314ba67d4fca6.txt line 116). A notice sent exactly at a reading time is due at the
    following one: it cannot have been read at the reading it coincides with.
    """
    return next_reading_time(sent_at, rules)


def invitation_acknowledgement_due(
    sent_at: datetime, meeting_starts_at: datetime, rules: RuleSet
) -> datetime:
    """An invitation is acknowledged by the county's reading time, but never after the meeting
    it invites to has started: a 07:30 meeting can't wait for the 12:00 reading (issue 18 item 8).
    The reading-time rule is ``acknowledgement_due``'s (seed 001_118551e475ece215.txt lines
    689-690); the invitation itself has to reach the unit before the meeting (lines 389-392).
    Sent once the meeting has started (a cancellation of a meeting never held), the reading
    time alone applies: a deadline can't lie before the notice it is for."""
    reading = acknowledgement_due(sent_at, rules)
    # Compared as instants: Python compares two datetimes of one zone by the wall clock, which
    # is wrong in the repeated hour of the autumn DST change.
    if meeting_starts_at.timestamp() <= sent_at.timestamp():
        return reading
    return min(reading, meeting_starts_at, key=lambda moment: moment.timestamp())


# SIP (SIP-7, SIP-10, SIP-11) ---------------------------------------------------------------------


def outpatient_invitation_due(need_known_at: datetime, rules: RuleSet) -> datetime:
    """Seed 001_118551e475ece215.txt lines 389-391: "senast inom tre arbetsdagar från det att
    behovet blivit känt"."""
    return within_working_days(need_known_at, rules.outpatient_invitation_working_days)


def meeting_window(need_known_at: datetime, rules: RuleSet) -> tuple[date, date]:
    """Earliest and latest meeting date, calendar days after the local day the need became known.

    Seed 001_118551e475ece215.txt lines 391-392: "Själva mötet bör äga rum inom 3-21 dagar".
    """
    known_on = _local(need_known_at).date()
    return (
        known_on + rules.meeting_min_days * _ONE_DAY,
        known_on + rules.meeting_max_days * _ONE_DAY,
    )


def plan_documented_due(meeting_at: datetime, rules: RuleSet) -> datetime:
    """Seed 001_118551e475ece215.txt lines 516-517: "dokumenterad av deltagande aktörer inom tre
    dagar efter det att mötet ägt rum"."""
    return within_days(meeting_at, rules.plan_documented_days)


def plan_handed_over_due(meeting_at: datetime, rules: RuleSet) -> datetime:
    """Seed 002_ca8314ba67d4fca6.txt line 251: "patienten tillhanda inom tre dygn". Counted as
    calendar days like the other day limits."""
    return within_days(meeting_at, rules.plan_handed_over_days)


def follow_up_comment_due(follow_up_on: date, rules: RuleSet) -> datetime:
    """Seed 000_106b8acbeb42519c.txt line 228: follow-up by each responsible party "senast dagen
    innan fastställt datum för uppföljning"."""
    return end_of_day(follow_up_on - rules.follow_up_comment_days_before * _ONE_DAY)


def latest_follow_up(plan_meeting_on: date, rules: RuleSet) -> date:
    """The last date for the next follow-up. Seed 001_118551e475ece215.txt lines 518-520:
    "dock minst en gång per år"."""
    return plan_meeting_on + rules.follow_up_max_days * _ONE_DAY


# Discharge (SVU) ---------------------------------------------------------------------------------


def admission_notice_due(assessed_at: datetime, rules: RuleSet) -> datetime:
    """Seed 001_118551e475ece215.txt lines 675-677: "inom 24 timmar efter det att den
    behandlande läkaren bedömt"."""
    return within_hours(assessed_at, rules.admission_notice_hours)


def planning_basis_due(admission_notice_at: datetime, rules: RuleSet) -> datetime:
    """Seed 001_118551e475ece215.txt lines 763-764: "inom 24 timmar efter det att
    inskrivningsmeddelandet är skickat"."""
    return within_hours(admission_notice_at, rules.planning_basis_hours)


def discharge_invitation_due(ready_sent_at: datetime, rules: RuleSet) -> datetime:
    """Seed 001_118551e475ece215.txt lines 966-969, seed 002_ca8314ba67d4fca6.txt line 156:
    SIP invitation "senast tre dagar efter" the ready-for-discharge notice was sent."""
    return within_days(ready_sent_at, rules.discharge_invitation_days)


def discharge_plan_due(discharged_at: datetime, rules: RuleSet) -> datetime:
    """Seed 001_118551e475ece215.txt lines 606-611: plan "inom 21 dagar efter utskrivning"."""
    return within_days(discharged_at, rules.discharge_plan_days)


def payment_liability_start(ready_sent_at: datetime, rules: RuleSet) -> date:
    """The first day the municipality pays for a patient ready for discharge (SVU-10).

    Seed 001_118551e475ece215.txt lines 1550-1557: liability "inträder tre dagar efter" the
    notice if it was sent "senast klockan 12.00", "fyra dagar efter" if sent after 12.00. Lines
    846-851 say "före klockan 12.00"; we follow "senast", so exactly 12:00:00 is on time. Calendar
    days, every day of the year (holidays do not matter), from the local date of sending: sent
    Monday 11:00, liability from Thursday.
    """
    local = _local(ready_sent_at)
    on_time = local.time() <= rules.payment_cutoff
    days = rules.payment_days_by_cutoff if on_time else rules.payment_days_after_cutoff
    return local.date() + days * _ONE_DAY


def liable_days(start: date, discharged_on: date | None, until: date) -> int:
    """Days the municipality pays for, from `start` up to but not including the discharge date,
    or up to and including `until` while the patient is still in hospital; never negative and
    never past `until`.

    The day of discharge is not counted: the amount is per "vårddygn" (seed
    001_118551e475ece215.txt line 1560), a day and night in hospital, and the patient does not
    spend the night of the discharge day there. This also keeps the count a half-open interval.
    """
    end = until + _ONE_DAY
    if discharged_on is not None:
        end = min(end, discharged_on)
    return max(0, (end - start).days)
