"""After-registration (DOC-3): acts documented on paper during downtime are registered afterwards
with their real time; both times are kept and shown, deadlines and payment liability count from
the real time, and the access log says so.

Seed 001_118551e475ece215.txt lines 858-864 (the 12:00 cut-off of the ready notice) and
866-867 (acknowledge by 12:00); the downtime routines of seeds 000 and 002 have staff document
on paper and register in the system when it is back.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samordna.audit.models import AccessLog
from samordna.cases.acts import touch
from samordna.cases.models import Case, Delivery, Event
from samordna.discharge.models import Stay
from samordna.discharge.services import liability_export as svu_liability_export_acts
from samordna.discharge.services import notices as notices_acts
from samordna.discharge.services import stays as stays_acts
from samordna.errors import ServiceError
from samordna.organisations.models import User
from samordna.sip.services import case as case_acts
from samordna.sip.services import invitations as invitations_acts
from samordna.sip.services.invitations import Invitees
from tests.conftest import World
from tests.discharge.conftest import stay_data, version, ward
from tests.discharge.test_api import bearer
from tests.sip.test_meetings import details

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=STOCKHOLM)


def ready_data(ready_at: dt.datetime) -> dict[str, object]:
    return {
        "ready_at": ready_at,
        "ready_physician": "Erik Berg",
        "ready_nurse": "Anna Lind",
        "medical_responsibility_to": "Johan Ek",
    }


def notified(world: World, nurse: User, sent_at: str, **extra: object) -> Case:
    """A stay at the ward whose admission notice went out at ``sent_at`` (live)."""
    with time_machine.travel(at(sent_at), tick=False):
        case = stays_acts.register_stay(
            ward(world, nurse), world.person.identity_number, stay_data(**extra)
        )
        notices_acts.send_admission_notice(
            ward(world, nurse), case.pk, notices_acts.default_recipients(world.person)
        )
    return case


@pytest.mark.parametrize(
    ("real", "registered", "start", "due"),
    [
        # Sent on paper before 12:00 and registered in the afternoon: three days, not four,
        # and the recipients were to acknowledge by 12:00 that day.
        ("2027-03-01 11:00", "2027-03-01 15:00", "2027-03-04", "2027-03-01 12:00"),
        # Sent on paper after 12:00: four days, whenever it is registered.
        ("2027-03-01 12:30", "2027-03-02 09:00", "2027-03-05", "2027-03-02 12:00"),
        # Sent live after 12:00 (no real time given): four days from the registration.
        (None, "2027-03-01 15:00", "2027-03-05", "2027-03-02 12:00"),
    ],
)
def test_the_liability_counts_from_the_ready_notices_real_time(
    world: World, nurse: User, real: str | None, registered: str, start: str, due: str
) -> None:
    # Only social services: no SIP invitation is needed, so the start alone decides.
    case = notified(world, nurse, "2027-02-27 10:00", only_social_services=True)
    with time_machine.travel(at(registered), tick=False):
        notice = notices_acts.send_ready_notice(
            ward(world, nurse),
            case.pk,
            version(case),
            ready_data(at("2027-03-01 10:30")),
            at(real) if real else None,
        )
        case.refresh_from_db()
        assert svu_liability_export_acts.assess(case).start == dt.date.fromisoformat(start)
    assert notice.sent_at == at(real or registered)
    assert notice.registered_at == (at(registered) if real else None)
    # Acknowledgements are due from the real time too (by 12:00 every day, seed 001).
    assert {d.due_at for d in notice.deliveries.all()} == {at(due)}


def test_an_after_registered_acknowledgement_counts_from_its_real_time(
    world: World, nurse: User
) -> None:
    """The admission notice of 11:30 is due at 12:00; acknowledged on paper at 11:50 and
    registered at 14:00 it is in time, and both times are kept and shown."""
    case = notified(world, nurse, "2027-03-01 11:30")
    delivery = Delivery.objects.get(notice__case=case, unit=world.participant_unit)
    assert delivery.due_at == at("2027-03-01 12:00")
    with time_machine.travel(at("2027-03-01 14:00"), tick=False):
        notices_acts.acknowledge(
            world.actor(world.bob), case.pk, delivery.pk, occurred_at=at("2027-03-01 11:50")
        )
        delivery.refresh_from_db()
        assert notices_acts.delivery_status(delivery, at("2027-03-01 14:00")) == "acknowledged"
    assert delivery.acknowledged_at == at("2027-03-01 11:50")
    assert delivery.acknowledgement_registered_at == at("2027-03-01 14:00")
    event = Event.objects.get(case=case, kind="notice_acknowledged")
    assert (event.occurred_at, event.recorded_at) == (
        at("2027-03-01 11:50"),
        at("2027-03-01 14:00"),
    )
    assert event.data["late"] is False
    logged = AccessLog.objects.get(what__startswith="stay.acknowledge")
    assert logged.what == "stay.acknowledge: efterregistrering, verklig tid 2027-03-01 11:50"


def test_without_a_real_time_the_same_acknowledgement_is_late(world: World, nurse: User) -> None:
    case = notified(world, nurse, "2027-03-01 11:30")
    delivery = Delivery.objects.get(notice__case=case, unit=world.participant_unit)
    with time_machine.travel(at("2027-03-01 14:00"), tick=False):
        notices_acts.acknowledge(world.actor(world.bob), case.pk, delivery.pk)
        delivery.refresh_from_db()
        assert notices_acts.delivery_status(delivery, at("2027-03-01 14:00")) == "late"
    assert delivery.acknowledgement_registered_at is None


@pytest.mark.parametrize(
    ("real", "code"),
    [
        ("2027-03-01 14:30", "invalid_time"),  # in the future
        ("2027-03-01 11:00", "before_earlier_act"),  # before the notice was sent
        ("2027-01-15 10:00", "too_old"),  # more than 30 days ago
    ],
)
def test_impossible_real_times_are_refused_and_nothing_changes(
    world: World, nurse: User, real: str, code: str
) -> None:
    case = notified(world, nurse, "2027-03-01 11:30")
    delivery = Delivery.objects.get(notice__case=case, unit=world.participant_unit)
    with (
        time_machine.travel(at("2027-03-01 14:00"), tick=False),
        pytest.raises(ServiceError) as caught,
    ):
        notices_acts.acknowledge(world.actor(world.bob), case.pk, delivery.pk, occurred_at=at(real))
    assert (caught.value.code, caught.value.field) == (code, "occurred_at")
    delivery.refresh_from_db()
    assert delivery.acknowledged_at is None


def test_an_after_registered_sip_invitation_meets_the_liability_condition_in_time(
    world: World, nurse: User
) -> None:
    """Ready on Monday 10:00 (liability from Thursday); the care contact invited on paper on
    Wednesday during downtime and registers it on Friday: the invitation was within three days,
    so the liability holds from Thursday (seed 001 lines 888-895 and 1541-1544)."""
    case = notified(world, nurse, "2027-03-01 08:00")
    with time_machine.travel(at("2027-03-01 10:00"), tick=False):
        notices_acts.send_ready_notice(
            ward(world, nurse), case.pk, version(case), ready_data(at("2027-03-01 09:30"))
        )
    world.case.closed_at = at("2027-03-01 10:00")
    world.case.close_reason = Case.CloseReason.OTHER
    world.case.save()
    touch(world.case.pk)  # closed by hand: the read model follows
    alice = world.actor(world.alice)
    with time_machine.travel(at("2027-03-05 09:00"), tick=False):
        sip = case_acts.open_case(
            alice,
            world.person.identity_number,
            "after_discharge",
            at("2027-03-01 10:00"),
            origin=Case.objects.get(pk=case.pk),
        )
        # The consent given with the admission notice carried over (SIP-21, seed 004 l. 81-83).
        assert sip.consents.get().carried_from_id == case.pk
        invitations_acts.send_invitation(
            alice,
            sip.pk,
            details(),
            Invitees(units=[world.participant_unit], individual=True),
            True,
            at("2027-03-03 14:00"),
        )
        assert Stay.objects.get(pk=case.pk).sip_invited_at == at("2027-03-03 14:00")
        case.refresh_from_db()
        result = svu_liability_export_acts.assess(Case.objects.get(pk=case.pk))
    assert result.start == dt.date(2027, 3, 4) and result.dates
    assert sip.obligations.get(kind="sip_invitation").met_at == at("2027-03-03 14:00")


def test_after_registration_from_the_screens_and_the_api(
    client: Client,
    login,
    world: World,
    nurse: User,  # type: ignore[no-untyped-def]
) -> None:
    case = notified(world, nurse, "2027-03-01 11:30")
    own, other = (
        Delivery.objects.get(notice__case=case, unit=unit)
        for unit in (world.participant_unit, world.owner_unit)
    )
    with time_machine.travel(at("2027-03-01 14:00"), tick=False):
        page = login(world.bob)
        html = page.get(reverse("discharge:stay", args=[case.pk])).content.decode()
        assert f'name="late{own.pk}-occurred_at"' in html
        url = reverse("discharge:ack", args=[case.pk, own.pk])
        page.post(url, {"after_registration": "1", f"late{own.pk}-occurred_at": "2027-03-01T11:55"})
        own.refresh_from_db()
        assert own.acknowledged_at == at("2027-03-01 11:55")
        html = page.get(reverse("discharge:stay", args=[case.pk])).content.decode()
        assert "registrerad 2027-03-01 14:00" in html
        response = client.post(
            f"/api/v1/stays/{case.pk}/deliveries/{other.pk}/acknowledge",
            {"occurred_at": at("2027-03-01 11:40").isoformat()},
            content_type="application/json",
            **bearer(world.alice),
        )
        assert response.status_code == 200, response.content
        body = response.json()
        [api_other] = [d for n in body["notices"] for d in n["deliveries"] if d["id"] == other.pk]
        assert api_other["status"] == "acknowledged"
        assert api_other["acknowledgement_registered_at"] is not None


def test_an_acknowledgement_registered_as_in_time_removes_the_workers_suggestion(
    world: World, nurse: User
) -> None:
    from samordna.deviations import jobs
    from samordna.deviations.models import Deviation

    case = notified(world, nurse, "2027-03-01 11:30")
    delivery = Delivery.objects.get(notice__case=case, unit=world.participant_unit)
    with time_machine.travel(at("2027-03-01 14:00"), tick=False):
        assert jobs.run(timezone.now()) >= 1
        assert Deviation.objects.filter(delivery=delivery, status="suggested").exists()
        notices_acts.acknowledge(
            world.actor(world.bob), case.pk, delivery.pk, occurred_at=at("2027-03-01 11:50")
        )
    assert not Deviation.objects.filter(delivery=delivery).exists()
