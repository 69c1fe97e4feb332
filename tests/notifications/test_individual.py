"""Notices to the individual and their representatives (issue 15 item 5): opt-in, no personal
data in the message, written in the act and sent by the worker by e-mail or through a real
SMS gateway on 127.0.0.1; a gateway that fails never fails the act."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from samordna.cases.models import Case, Event
from samordna.errors import Conflict, ServiceError
from samordna.notifications import individual
from samordna.notifications.models import IndividualNotice
from samordna.people.models import Person, Representative
from samordna.sip.models import Meeting
from tests.conftest import World, valid_identity_number
from tests.notifications.sms_receiver import Gateway, running
from tests.sip.conftest import consent_to, sip  # noqa: F401 (the fixture)
from tests.sip.test_meetings import invite

TRUSTEE = valid_identity_number("19620208", 456)


def opt_in(holder: str, email: str = "", phone: str = "") -> None:
    version = individual.preference(holder).version
    individual.update(holder, bool(email), email, bool(phone), phone, version)


def sms_settings(gateway: Gateway) -> override_settings:
    return override_settings(SMS_GATEWAY_URL=gateway.url, SMS_GATEWAY_TOKEN=gateway.token)


def invited(world: World, case: Case) -> Meeting:
    consent_to(world, case)
    return invite(world, case)


def test_nothing_is_sent_without_opting_in(world: World, sip: Case) -> None:  # noqa: F811
    invited(world, sip)
    assert not IndividualNotice.objects.exists()
    assert individual.run(timezone.now()) == 0


def test_an_invitation_tells_the_individual_and_the_trustee_without_personal_data(
    world: World,
    sip: Case,  # noqa: F811
) -> None:
    Representative.objects.create(
        person=world.person, kind="trustee", name="Per Ödman", identity_number=TRUSTEE
    )
    gateway = Gateway()
    with running(gateway), sms_settings(gateway):
        opt_in(world.person.identity_number, email="sture@example.se")
        opt_in(TRUSTEE, email="per@example.se", phone="070-123 45 67")
        invited(world, sip)
        notices = IndividualNotice.objects.order_by("holder", "channel")
        assert [(n.holder, n.channel, n.kind) for n in notices] == [
            (world.person.identity_number, "email", "invitation"),
            (TRUSTEE, "email", "invitation"),
            (TRUSTEE, "sms", "invitation"),
        ]
        assert individual.run(timezone.now()) == 3
    assert sorted(m.to[0] for m in mail.outbox) == ["per@example.se", "sture@example.se"]
    assert gateway.received == [
        {
            "to": "+46701234567",
            "from": "Samordna",
            "text": "Du har en ny kallelse i Samordna. Logga in i Samordna för att läsa den.",
        }
    ]
    for text in [m.body + m.subject for m in mail.outbox] + [gateway.received[0]["text"]]:
        for personal in ("Sture", "Lundberg", "1936", world.owner_unit.name, "Hertsön"):
            assert personal not in text
    assert set(IndividualNotice.objects.values_list("state", flat=True)) == {"sent"}
    assert individual.run(timezone.now()) == 0  # sent once


def test_a_failing_gateway_never_fails_the_act_and_is_tried_again(
    world: World,
    sip: Case,  # noqa: F811
) -> None:
    gateway = Gateway(status=503)
    with running(gateway), sms_settings(gateway):
        opt_in(world.person.identity_number, phone="+46 70 123 45 67")
        meeting = invited(world, sip)  # the act went through
        assert Meeting.objects.filter(pk=meeting.pk).exists()
        now = timezone.now()
        assert individual.run(now) == 0
        notice = IndividualNotice.objects.get()
        assert (notice.state, notice.attempts, notice.last_error) == (
            "pending",
            1,
            "SmsError: HTTP 503",
        )
        assert individual.run(now + dt.timedelta(seconds=30)) == 0  # not due yet
        gateway.status = 200
        assert individual.run(now + dt.timedelta(minutes=2)) == 1
    notice.refresh_from_db()
    assert (notice.state, notice.attempts) == ("sent", 2)
    assert len(gateway.received) == 1


def test_a_gateway_that_refuses_for_good_is_given_up(world: World, sip: Case) -> None:  # noqa: F811
    gateway = Gateway(token="the-right-one")
    with running(gateway), override_settings(SMS_GATEWAY_URL=gateway.url, SMS_GATEWAY_TOKEN="x"):
        opt_in(world.person.identity_number, phone="0701234567")
        invited(world, sip)
        now = timezone.now()
        for attempt in range(individual.MAX_ATTEMPTS):
            individual.run(now + dt.timedelta(days=attempt + 1))
    notice = IndividualNotice.objects.get()
    assert (notice.state, notice.attempts) == ("failed", individual.MAX_ATTEMPTS)
    assert gateway.refused == individual.MAX_ATTEMPTS


def test_a_guardian_of_an_adult_is_not_told(world: World, sip: Case) -> None:  # noqa: F811
    # Custody ends at 18: Sture (born 1936) has no guardian any more, whatever is recorded.
    Representative.objects.create(
        person=world.person, kind="guardian", name="Old record", identity_number=TRUSTEE
    )
    opt_in(TRUSTEE, email="per@example.se")
    invited(world, sip)
    assert not IndividualNotice.objects.exists()


def test_a_register_that_fails_costs_the_notices_not_the_act(
    world: World,
    sip: Case,  # noqa: F811
) -> None:
    opt_in(world.person.identity_number, email="sture@example.se")
    with override_settings(POPULATION_REGISTER="tests.notifications.test_individual.Broken"):
        meeting = invited(world, sip)
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    assert not IndividualNotice.objects.exists()


class Broken:
    def lookup(self, identity_number: str) -> None:
        raise ConnectionError("the register is down")


@pytest.mark.parametrize(
    ("by_email", "email", "by_sms", "phone", "code"),
    [
        (True, "", False, "", "address_required"),
        (True, "not-an-address", False, "", "invalid_address"),
        (False, "a@b.se\x00", False, "", "invalid_address"),
        (False, "", True, "", "phone_required"),
        (False, "", False, "08-123 456 78", "invalid_phone"),  # no mobile number
        (False, "", False, "07012345678", "invalid_phone"),
        (False, "", False, "7" * 300, "invalid_phone"),
    ],
)
def test_settings_are_validated_and_nothing_is_stored(
    world: World, by_email: bool, email: str, by_sms: bool, phone: str, code: str
) -> None:
    gateway = Gateway()
    with running(gateway), sms_settings(gateway), pytest.raises(ServiceError) as refused:
        individual.update(world.person.identity_number, by_email, email, by_sms, phone, 1)
    assert refused.value.code == code
    assert individual.preference(world.person.identity_number).pk is None


def test_sms_is_refused_without_a_gateway_and_edits_are_optimistic(world: World) -> None:
    holder = world.person.identity_number
    with pytest.raises(ServiceError) as refused:
        individual.update(holder, False, "", True, "0701234567", 1)
    assert refused.value.code == "sms_unavailable"
    individual.update(holder, True, "a@example.se", False, "", 1)
    with pytest.raises(Conflict):
        individual.update(holder, False, "", False, "", 1)
    assert individual.preference(holder).by_email


def test_a_new_plan_version_tells_too(world: World) -> None:
    child = Person.objects.create(
        identity_number=valid_identity_number("20140302", 131),
        first_name="Olle",
        last_name="Sundqvist",
        municipality=world.lulea,
    )
    Representative.objects.create(
        person=child, kind="guardian", name="Anna", identity_number=TRUSTEE
    )
    opt_in(TRUSTEE, email="anna@example.se")
    case = Case.objects.create(
        person=child, kind=Case.Kind.SIP, owner_unit=world.owner_unit, opened_by=world.alice
    )
    event = Event.objects.create(
        case=case, kind="plan_documented", unit=world.owner_unit, actor=world.alice
    )
    individual.write([event])
    assert list(IndividualNotice.objects.values_list("holder", "kind")) == [(TRUSTEE, "plan")]
    individual.run(timezone.now())
    assert mail.outbox[0].body.startswith("Det finns en ny version av en plan i Samordna.")
