"""DOC-2: a calendar file for every meeting invitation, in Stockholm time; a changed or
cancelled meeting keeps its UID and raises SEQUENCE. Read back with the icalendar library."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import time_machine
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from samordna.cases.models import Case
from samordna.sip.models import Meeting
from samordna.sip.services import invitations as invitations_acts
from tests.conftest import World
from tests.sip.test_meetings import at, details


def calendar(client: Client, meeting: Meeting) -> Calendar:
    response = client.get(reverse("documents:meeting-calendar", args=[meeting.case_id, meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].endswith('.ics"')
    return Calendar.from_ical(response.content)


def test_the_invited_unit_gets_the_meeting_in_stockholm_time(
    world: World, login: Callable[..., Client], meeting: Meeting
) -> None:
    cal = calendar(login(world.bob), meeting)
    assert cal["METHOD"] == "PUBLISH"
    (zone,) = cal.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Stockholm"
    (event,) = cal.events
    start = event.decoded("DTSTART")
    assert start.tzinfo is not None and str(start.tzinfo) == "Europe/Stockholm"
    assert (start.hour, start.minute) == (10, 0)
    assert start == meeting.starts_at
    assert event.decoded("DTEND") == meeting.ends_at
    assert event["SEQUENCE"] == 0
    assert event["STATUS"] == "CONFIRMED"
    assert event["SUMMARY"] == "SIP-möte: upprätta plan"
    assert event["LOCATION"] == "Hertsöns hälsocentral, rum 4"
    assert "Sture" not in cal.to_ical().decode() and "Lundberg" not in cal.to_ical().decode()


def test_summer_time_is_two_hours_ahead_of_utc(
    world: World, login: Callable[..., Client], sip: Case
) -> None:
    with time_machine.travel(at("2026-06-15T09:00"), tick=False):
        meeting = invitations_acts.send_invitation(
            world.actor(world.alice),
            sip.pk,
            details(),
            invitations_acts.Invitees(units=[world.participant_unit]),
            True,
        )
        event = calendar(login(world.alice), meeting).events[0]
    start = event.decoded("DTSTART")
    assert (start.date(), start.hour) == (dt.date(2026, 6, 17), 10)
    assert start.utcoffset() == dt.timedelta(hours=2)
    assert start.astimezone(dt.UTC).hour == 8


def test_a_changed_then_cancelled_meeting_keeps_its_uid_and_raises_the_sequence(
    world: World, login: Callable[..., Client], meeting: Meeting
) -> None:
    client = login(world.bob)
    first = calendar(client, meeting).events[0]
    alice = world.actor(world.alice)
    later = details(starts_at=meeting.starts_at + dt.timedelta(hours=3))
    later.ends_at = later.starts_at + dt.timedelta(hours=1)
    invitations_acts.change_invitation(alice, meeting.case_id, meeting.pk, 1, later)
    changed = calendar(client, meeting).events[0]
    assert changed["UID"] == first["UID"]
    assert changed["SEQUENCE"] == 1
    assert changed.decoded("DTSTART").hour == 13
    invitations_acts.cancel_invitation(alice, meeting.case_id, meeting.pk, 2, "Sture är sjuk")
    cancelled = calendar(client, meeting)
    assert cancelled["METHOD"] == "CANCEL"
    event = cancelled.events[0]
    assert (event["UID"], event["SEQUENCE"], event["STATUS"]) == (first["UID"], 2, "CANCELLED")


def test_a_unit_outside_the_case_gets_no_calendar_file(
    world: World, login: Callable[..., Client], meeting: Meeting
) -> None:
    url = reverse("documents:meeting-calendar", args=[meeting.case_id, meeting.pk])
    assert login(world.charlie).get(url).status_code == 404
    other = reverse("documents:meeting-calendar", args=[meeting.case_id, meeting.pk + 100])
    assert login(world.alice).get(other).status_code == 404
