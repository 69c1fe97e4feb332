"""A unit's working day at a fixed moment: one item of every kind for alice's unit (Hertsöns
hälsocentral), with known due times, built directly so each time is exact."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import time_machine

from samordna.cases.acts import touch
from samordna.cases.models import Case, Delivery, Notice, Obligation, Participation
from samordna.core.calendar import STOCKHOLM
from samordna.discharge.models import Stay
from samordna.organisations.models import Unit, User
from samordna.overview import readmodel
from samordna.people.models import Person
from samordna.sip.models import Meeting, Participant
from tests.conftest import World, valid_identity_number

# Monday 23 November 2026, 10:00 in Stockholm.
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=STOCKHOLM)


def at(day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A moment in November 2026, Stockholm time."""
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=STOCKHOLM)


def deliver(
    case: Case,
    kind: str,
    sender: User,
    sender_unit: Unit,
    to: Unit,
    due: dt.datetime | None,
    mode: str = Delivery.Mode.ACK,
    subject: str = "",
) -> Delivery:
    notice = Notice.objects.create(
        case=case,
        kind=kind,
        sender=sender,
        sender_unit=sender_unit,
        sent_at=(due or NOW) - dt.timedelta(hours=20),
        subject=subject,
    )
    delivery = Delivery.objects.create(notice=notice, unit=to, mode=mode, due_at=due)
    touch(case.pk)  # written by hand, outside an act: the read model follows
    return delivery


@dataclass
class Day:
    """The items, by what the overview calls them."""

    overdue_deadline: Obligation
    late_ack: Delivery  # sent by alice's unit, not acknowledged by bob's in time
    admission: Delivery  # to alice's unit, acknowledge by today 12:00
    meeting_today: Meeting
    invitation: Delivery  # to alice's unit, acknowledge by tomorrow 12:00
    discharge: Stay  # expected discharge the day after tomorrow
    follow_up: Obligation
    message: Delivery  # for information, no due time
    stay_case: Case


@pytest.fixture
def clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def day(world: World, clock: None) -> Day:
    w = world
    other = Person.objects.create(
        identity_number=valid_identity_number("19400101", 11),
        first_name="Greta",
        last_name="Holmström",
        municipality=w.lulea,
        registered_by_unit=w.ward,
    )
    stay_case = Case.objects.create(
        person=other, kind=Case.Kind.DISCHARGE, owner_unit=w.ward, opened_by=w.alice
    )
    Participation.objects.create(case=stay_case, unit=w.ward, role=Participation.Role.OWNER)
    Participation.objects.create(
        case=stay_case, unit=w.owner_unit, role=Participation.Role.RECIPIENT
    )
    stay = Stay.objects.create(
        case=stay_case,
        admitted_at=at(20, 8),
        cause="Fall",
        expected_discharge_on=dt.date(2026, 11, 25),
        treating_physician="Dr Berg",
    )
    case = w.case
    meeting_notice = Notice.objects.create(
        case=case, kind=Notice.Kind.INVITATION, sender=w.alice, sender_unit=w.owner_unit
    )
    meeting = Meeting.objects.create(
        case=case,
        notice=meeting_notice,
        purpose=Meeting.Purpose.ESTABLISH,
        form=Meeting.Form.IN_PERSON,
        place="Hertsöns hälsocentral",
        starts_at=at(23, 14),
        ends_at=at(23, 15),
    )
    Participant.objects.create(
        meeting=meeting, kind=Participant.Kind.UNIT, unit=w.owner_unit, name=w.owner_unit.name
    )
    late = Delivery.objects.create(
        notice=meeting_notice, unit=w.participant_unit, due_at=at(22, 12)
    )
    day = Day(
        overdue_deadline=Obligation.objects.create(
            case=case, unit=w.owner_unit, kind=Obligation.Kind.SIP_INVITATION, due_at=at(21)
        ),
        late_ack=late,
        admission=deliver(
            stay_case, Notice.Kind.ADMISSION, w.alice, w.ward, w.owner_unit, at(23, 12)
        ),
        meeting_today=meeting,
        invitation=deliver(
            case, Notice.Kind.INVITATION, w.bob, w.participant_unit, w.owner_unit, at(24, 12)
        ),
        discharge=stay,
        follow_up=Obligation.objects.create(
            case=case, unit=w.owner_unit, kind=Obligation.Kind.FOLLOW_UP, due_at=at(30)
        ),
        message=deliver(
            case,
            Notice.Kind.MESSAGE,
            w.bob,
            w.participant_unit,
            w.owner_unit,
            None,
            mode=Delivery.Mode.FYI,
            subject="Hemtjänsten startar",
        ),
        stay_case=stay_case,
    )
    # Built directly, so each time is exact: the read model is computed from these facts.
    readmodel.rebuild()
    return day
