"""Calendar files for SIP meetings (DOC-2), RFC 5545.

The event keeps one UID for the meeting's whole life and carries the meeting's ``sequence``,
which ``sip.services.invitations`` raises on every change and on cancellation, so a calendar
that already has the meeting updates it instead of adding a second one. A cancelled meeting is sent
as METHOD:CANCEL with STATUS:CANCELLED. Times are local Stockholm times with the zone's rules in
a VTIMEZONE, as Outlook and other calendars expect.

The file is a calendar entry that may end up in shared calendars, so it names no individual:
the summary says which kind of SIP meeting it is and the case number leads back to Samordna.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vRecur

from samordna.documents.papers import swedish, where
from samordna.sip.models import Meeting

STOCKHOLM = "Europe/Stockholm"


def stockholm() -> Timezone:
    """Europe/Stockholm with the EU rules in force since 1996 (summer time from the last
    Sunday of March 02:00 to the last Sunday of October 03:00)."""
    zone = Timezone()
    zone.add("tzid", STOCKHOLM)
    summer = TimezoneDaylight()
    summer.add("tzname", "CEST")
    summer.add("dtstart", dt.datetime(1996, 3, 31, 2, 0))
    summer.add("tzoffsetfrom", dt.timedelta(hours=1))
    summer.add("tzoffsetto", dt.timedelta(hours=2))
    summer.add("rrule", vRecur(freq="YEARLY", bymonth=3, byday="-1SU"))
    winter = TimezoneStandard()
    winter.add("tzname", "CET")
    winter.add("dtstart", dt.datetime(1996, 10, 27, 3, 0))
    winter.add("tzoffsetfrom", dt.timedelta(hours=2))
    winter.add("tzoffsetto", dt.timedelta(hours=1))
    winter.add("rrule", vRecur(freq="YEARLY", bymonth=10, byday="-1SU"))
    zone.add_component(summer)
    zone.add_component(winter)
    return zone


def uid(meeting: Meeting, county_code: str) -> str:
    """Stable for the meeting, and unique across installations through the county's code."""
    return f"sip-meeting-{meeting.pk}@{county_code}.samordna"


def calendar(meeting: Meeting, county_code: str, organiser: str) -> bytes:
    local = ZoneInfo(STOCKHOLM)
    cancelled = meeting.cancelled_at is not None
    cal = Calendar()
    cal.add("prodid", "-//Samordna//SIP//SV")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "PUBLISH")
    cal.add_component(stockholm())
    event = Event()
    event.add("uid", uid(meeting, county_code))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at.astimezone(local))
    event.add("dtend", meeting.ends_at.astimezone(local))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add(
        "summary",
        f"{'INSTÄLLT: ' if cancelled else ''}SIP-möte: {swedish(meeting, 'purpose').lower()}",
    )
    label, value = where(meeting)
    event.add("location", value)
    if meeting.video_link:
        event.add("url", meeting.video_link)
    event.add(
        "description",
        f"Samordnad individuell plan, ärende {meeting.case_id} i Samordna.\n"
        f"{swedish(meeting, 'form')}. {label}: {value}\n"
        f"Kallad av {organiser}.",
    )
    cal.add_component(event)
    return cal.to_ical()
