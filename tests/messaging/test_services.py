"""Acts on messages (MSG-1 to MSG-3): sending, validation, visibility, acknowledgement,
forwarding, replies and threads."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone, translation

from samordna.audit.models import AccessLog
from samordna.cases.models import Case, Delivery, Event, Notice
from samordna.core import deadlines
from samordna.discharge.services import stays as stays_acts
from samordna.errors import Forbidden, NotFound, ServiceError
from samordna.messaging import content
from samordna.messaging.models import Message, Template
from samordna.messaging.services import reading as message_reading
from samordna.messaging.services import sending as message_sending
from samordna.organisations.models import Unit, User
from samordna.overview.models import WorkItem
from samordna.people.models import Person
from tests.conftest import World, make_user
from tests.discharge.conftest import stay_data
from tests.messaging.conftest import alice, bob, charlie, own, send

STOCKHOLM = dt.timezone(dt.timedelta(hours=1))


@time_machine.travel(dt.datetime(2026, 11, 23, 9, 30, tzinfo=STOCKHOLM), tick=False)
def test_message_in_a_sip_is_due_at_the_next_reading_time(world: World) -> None:
    message = send(world)
    notice = message.notice
    assert notice.case == world.case
    assert notice.kind == Notice.Kind.MESSAGE
    assert message.thread_id == message.pk
    delivery = own(message, world.participant_unit)
    # Norrbotten: by 12:00 every day (seed 001 lines 689-690).
    expected = deadlines.acknowledgement_due(timezone.now(), world.county.rule_set)
    assert delivery.due_at == expected
    assert timezone.localtime(delivery.due_at).hour == 12
    assert delivery.mode == Delivery.Mode.ACK
    assert Event.objects.filter(case=world.case, kind="message_sent").exists()


def test_message_about_an_individual_without_a_sip_opens_a_message_case(
    world: World, contact: Message
) -> None:
    case = contact.notice.case
    assert case.kind == Case.Kind.CONTACT
    assert case.owner_unit == world.owner_unit
    assert Case.objects.visible_to(bob(world)).filter(pk=case.pk).exists()
    assert not Case.objects.visible_to(charlie(world)).filter(pk=case.pk).exists()


def test_message_about_an_individual_with_a_sip_goes_into_the_sip(world: World) -> None:
    message = send(world, case_pk=None, person_pk=world.person.pk)
    assert message.notice.case == world.case
    assert not Case.objects.filter(kind=Case.Kind.CONTACT).exists()


def test_each_new_thread_outside_a_case_has_its_own_message_case(
    world: World, loner: Person, contact: Message, home_care: Unit
) -> None:
    """A unit written to later does not see the earlier conversation with another unit."""
    second = send(
        world,
        case_pk=None,
        person_pk=loner.pk,
        consent_confirmed=True,
        recipients=[(home_care, Delivery.Mode.ACK)],
    )
    assert second.notice.case_id != contact.notice.case_id


INVALID: list[tuple[str, dict[str, Any], str, str | None]] = [
    ("no recipients", {"recipients": []}, "no_recipients", "recipients"),
    ("own unit", {"recipients": "own"}, "invalid_recipient", "recipients"),
    ("unconnected unit", {"recipients": "unconnected"}, "invalid_recipient", "recipients"),
    ("bad mode", {"recipients": "bad_mode"}, "invalid_mode", "recipients"),
    ("twice", {"recipients": "twice"}, "duplicate_recipient", "recipients"),
    ("empty general message", {"body": "  "}, "required", "body"),
    ("unknown template", {"template": "letter"}, "invalid_template", "template"),
    ("general with fields", {"fields": {"pulse": 80}}, "invalid_fields", "fields"),
    (
        "referral without consent",
        {
            "template": Template.HOME_CARE_REFERRAL,
            "fields": {"situation": "s", "background": "b", "current": "c", "recommendation": "r"},
        },
        "invalid_field",
        "patient_consent",
    ),
    (
        "referral without SBAR",
        {"template": Template.HOME_CARE_REFERRAL, "fields": {"patient_consent": True}},
        "invalid_field",
        "situation",
    ),
    (
        "home visit ends before it starts",
        {
            "template": Template.HOME_VISIT,
            "fields": {
                "ordered_actions": "Såromläggning",
                "starts_on": "2026-12-10",
                "ends_on": "2026-12-01",
            },
        },
        "invalid_field",
        "ends_on",
    ),
    ("pulse 300", {"template": "medical_planning", "fields": {"pulse": 300}}, "", "pulse"),
    ("pulse text", {"template": "medical_planning", "fields": {"pulse": "hög"}}, "", "pulse"),
    (
        "temperature 45",
        {"template": "medical_planning", "fields": {"temperature": 45}},
        "",
        "temperature",
    ),
    (
        "temperature 37.25",
        {"template": "medical_planning", "fields": {"temperature": "37.25"}},
        "",
        "temperature",
    ),
    (
        "breaths 80",
        {"template": "medical_planning", "fields": {"respiratory_rate": 80}},
        "",
        "respiratory_rate",
    ),
    (
        "systolic only",
        {"template": "medical_planning", "fields": {"systolic": 140}},
        "",
        "systolic",
    ),
    (
        "systolic below diastolic",
        {"template": "medical_planning", "fields": {"systolic": 80, "diastolic": 90}},
        "",
        "systolic",
    ),
    (
        "diastolic 10",
        {"template": "medical_planning", "fields": {"systolic": 120, "diastolic": 10}},
        "",
        "diastolic",
    ),
    (
        "consciousness X",
        {"template": "medical_planning", "fields": {"consciousness": "X"}},
        "",
        "consciousness",
    ),
    (
        "date as a number",
        {
            "template": Template.HOME_VISIT,
            "fields": {
                "ordered_actions": "Såromläggning",
                "starts_on": 20261201,
                "ends_on": "2026-12-02",
            },
        },
        "invalid_field",
        "starts_on",
    ),
    (
        "a list for a field",
        {"template": "medical_planning", "fields": {"pulse": [80, 90]}},
        "invalid_field",
        "pulse",
    ),
]

PLANNING = {
    "question": "Ökad andfåddhet, behov av läkarbedömning?",
    "contact_needed_by": "2026-12-01",
}


@pytest.mark.parametrize(("name", "change", "code", "field"), INVALID, ids=[i[0] for i in INVALID])
def test_bad_input_is_refused_and_nothing_is_stored(
    world: World, name: str, change: dict[str, Any], code: str, field: str | None
) -> None:
    unconnected = Unit.objects.create(
        principal=world.lulea, code="lulea-x", name="Utanför", kind="external", connected=False
    )
    recipients = {
        "own": [(world.owner_unit, Delivery.Mode.ACK)],
        "unconnected": [(unconnected, Delivery.Mode.ACK)],
        "bad_mode": [(world.participant_unit, "maybe")],
        "twice": [
            (world.participant_unit, Delivery.Mode.ACK),
            (world.participant_unit, Delivery.Mode.FYI),
        ],
    }
    change = dict(change)
    if isinstance(change.get("recipients"), str):
        change["recipients"] = recipients[change["recipients"]]
    if change.get("template") == "medical_planning":
        change["fields"] = {**PLANNING, **change["fields"]}
    with pytest.raises(ServiceError) as raised:
        send(world, **change)
    assert raised.value.field == field
    if code:
        assert raised.value.code == code
    assert raised.value.message  # translated text for people
    assert not Notice.objects.exists()
    assert not Event.objects.filter(kind="message_sent").exists()


def test_vital_signs_messages_name_the_plausible_range(world: World) -> None:
    """English msgids here; the Swedish catalogue translates them (``/tmp/i18n``)."""
    with translation.override("en"), pytest.raises(ServiceError) as raised:
        send(world, template=Template.MEDICAL_PLANNING, fields={**PLANNING, "pulse": 400})
    assert raised.value.message == "Give a pulse between 20 and 250 beats per minute."


def test_medical_planning_stores_the_vital_signs_readably(world: World) -> None:
    fields = {
        **PLANNING,
        "pulse": 88,
        "systolic": "145",
        "diastolic": 85,
        "respiratory_rate": 22,
        "temperature": "38,2",
        "consciousness": "A",
    }
    message = send(world, template=Template.MEDICAL_PLANNING, fields=fields, body="")
    message.refresh_from_db()
    assert message.fields["temperature"] == "38.2"
    assert message.fields["systolic"] == 145
    assert message.notice.subject == "Avstämning"
    with translation.override("en"):
        rows = dict(content.rows(message.template, message.fields))
    assert rows["Pulse (beats/min)"] == "88"
    assert rows["Temperature (°C)"] == "38.2"
    assert rows["Level of consciousness"] == "Alert (A)"


def test_subject_defaults_to_the_template_name(world: World) -> None:
    fields = {
        "situation": "s",
        "background": "b",
        "current": "c",
        "recommendation": "r",
        "patient_consent": True,
    }
    with translation.override("en"):
        message = send(world, template=Template.HOME_CARE_REFERRAL, fields=fields, subject="")
        rows = content.rows(message.template, message.fields)
    assert message.notice.subject == "Transfer to home health care – referral"
    assert ("Situation", "s") in rows
    assert rows[-2][0].startswith("SIP needed") and rows[-2][1] == "No"


@pytest.mark.parametrize(("last_day", "suggests"), [(14, False), (15, True)])
def test_home_visit_over_14_days_suggests_home_health_care(
    world: World, last_day: int, suggests: bool
) -> None:
    """Seed 003_9c6849ff85993bc8.txt line 117: "längre än 14 dagar"; both days included."""
    fields = {
        "ordered_actions": "Kontroll av blodsocker",
        "starts_on": "2026-12-01",
        "ends_on": f"2026-12-{last_day:02d}",
    }
    message = send(world, template=Template.HOME_VISIT, fields=fields)
    assert content.suggests_home_care(message.template, message.fields) is suggests


def test_message_case_needs_consent(world: World, loner: Person) -> None:
    with pytest.raises(ServiceError) as raised:
        send(world, case_pk=None, person_pk=loner.pk)
    assert raised.value.code == "consent_not_confirmed"
    assert not Case.objects.filter(kind=Case.Kind.CONTACT).exists()


def test_no_message_about_an_individual_the_unit_cannot_see(world: World) -> None:
    with pytest.raises(NotFound):
        message_sending.send(
            charlie(world),
            [(world.owner_unit, Delivery.Mode.ACK)],
            person_pk=world.person.pk,
            body="Hej",
            consent_confirmed=True,
        )
    with pytest.raises(NotFound):
        message_sending.send(
            charlie(world), [(world.owner_unit, Delivery.Mode.ACK)], case_pk=world.case.pk, body="x"
        )


def test_sip_consent_decides_new_recipients(world: World, home_care: Unit) -> None:
    """CON-1: without a consent in the SIP, only units already taking part are written to."""
    with pytest.raises(ServiceError) as raised:
        send(world, recipients=[(home_care, Delivery.Mode.ACK)])
    assert raised.value.code == "outside_consent"
    assert home_care.name in raised.value.message


def test_stay_without_consent_sends_no_messages(world: World) -> None:
    """Seed 001_118551e475ece215.txt lines 656-657."""
    nurse = make_user("wanda", world.ward)
    ward = world.actor(nurse, world.ward)
    stay = stays_acts.register_stay(
        ward, world.person.identity_number, stay_data(consent_to_transfer=False)
    )
    with pytest.raises(ServiceError) as raised:
        message_sending.send(
            ward, [(world.participant_unit, Delivery.Mode.ACK)], case_pk=stay.pk, body="x"
        )
    assert raised.value.code == "no_consent"
    with_consent = Person.objects.create(
        identity_number="194001020213",
        first_name="Nils",
        last_name="Med",
        municipality=world.lulea,
        registered_by=nurse,
        registered_by_unit=world.ward,
    )
    ok = stays_acts.register_stay(ward, with_consent.identity_number, stay_data())
    message = message_sending.send(
        ward, [(world.participant_unit, Delivery.Mode.ACK)], case_pk=ok.pk, body="Hemgång?"
    )
    assert message.notice.case == ok
    assert Case.objects.visible_to(bob(world)).filter(pk=ok.pk).exists()


# Visibility: an unrelated unit can't read, acknowledge, reply or forward ---------------------


def test_charlie_sees_nothing(world: World, sent: Message, home_care: Unit) -> None:
    delivery = own(sent, world.participant_unit)
    with pytest.raises(NotFound):
        message_reading.thread(charlie(world), sent.pk)
    with pytest.raises(NotFound):
        message_sending.acknowledge(charlie(world), delivery.pk)
    with pytest.raises(NotFound):
        message_sending.reply(charlie(world), sent.pk, "Jag svarar ändå")
    with pytest.raises(NotFound):
        message_sending.forward(charlie(world), delivery.pk, home_care.pk, "fel")
    assert not list(message_reading.inbox_page(charlie(world)))
    delivery.refresh_from_db()
    assert delivery.acknowledged_at is None
    assert Notice.objects.count() == 1


def test_a_unit_in_the_case_but_not_in_the_thread_cannot_read_it(
    world: World, sent: Message, home_care: Unit, dora: User
) -> None:
    """Another unit taking part in the SIP does not read the conversation of two others."""
    from samordna.cases.services import take_part

    take_part(world.case, home_care)
    with pytest.raises(NotFound):
        message_reading.thread(world.actor(dora), sent.pk)
    assert message_reading.of_case(world.actor(dora), world.case) == []
    assert [m.pk for m in message_reading.of_case(bob(world), world.case)] == [sent.pk]


def test_a_party_to_the_thread_no_longer_in_the_case_cannot_read_it(
    world: World, sent: Message
) -> None:
    """Being party to a thread is not enough: the case must be one the unit may read (SEC-1),
    and a refused read leaves no row of its own in the access log."""
    from samordna.cases.models import Participation

    message_reading.thread(bob(world), sent.pk)
    Participation.objects.filter(case=world.case, unit=world.participant_unit).update(
        until=timezone.now() - dt.timedelta(minutes=1)
    )
    logged = AccessLog.objects.filter(user=world.bob, what="message.read").count()
    with pytest.raises(NotFound):
        message_reading.thread(bob(world), sent.pk)
    with pytest.raises(NotFound):
        message_sending.reply(bob(world), sent.pk, "Svar")
    assert AccessLog.objects.filter(user=world.bob, what="message.read").count() == logged


def test_reading_a_thread_is_logged(world: World, sent: Message) -> None:
    message_reading.thread(bob(world), sent.pk)
    assert AccessLog.objects.filter(
        user=world.bob, what="message.read", person=world.person
    ).exists()


# Acknowledgement (MSG-2) ---------------------------------------------------------------------


def test_acknowledgement_records_who_and_when(world: World, sent: Message) -> None:
    delivery = own(sent, world.participant_unit)
    with pytest.raises(Forbidden):
        message_sending.acknowledge(alice(world), delivery.pk)  # the sender's unit
    done = message_sending.acknowledge(bob(world), delivery.pk)
    assert done.acknowledged_by == world.bob
    assert done.acknowledged_at is not None
    with pytest.raises(ServiceError) as raised:
        message_sending.acknowledge(bob(world), delivery.pk)
    assert raised.value.code == "already_acknowledged"
    assert Event.objects.filter(kind="message_acknowledged", case=world.case).count() == 1


def test_for_information_needs_no_acknowledgement(world: World) -> None:
    """Seed 004_2b6a4bde1435f963.txt line 64: "tar bara del av meddelande om det är för
    kännedom". Opening the thread records that the unit has read it."""
    message = send(world, recipients=[(world.participant_unit, Delivery.Mode.FYI)])
    delivery = own(message, world.participant_unit)
    assert delivery.due_at is None
    assert message_reading.status(delivery, timezone.now()) == "for_information"
    with pytest.raises(ServiceError) as raised:
        message_sending.acknowledge(bob(world), delivery.pk)
    assert raised.value.code == "for_information"
    message_reading.thread(alice(world), message.pk)  # the sender reading marks nothing
    delivery.refresh_from_db()
    assert delivery.acknowledged_at is None
    assert WorkItem.objects.filter(
        unit=world.participant_unit, source="delivery", ref=delivery.pk
    ).exists()
    found = message_reading.thread(bob(world), message.pk)
    delivery.refresh_from_db()
    assert delivery.acknowledged_by == world.bob
    assert message_reading.status(delivery, timezone.now()) == "read"
    # The thread shown says so too, and the unit's overview no longer lists it.
    shown = message_reading.own_delivery(bob(world), found.messages[0])  # as shown, not re-read
    assert shown is not None
    assert message_reading.status(shown, timezone.now()) == "read"
    assert not WorkItem.objects.filter(
        unit=world.participant_unit, source="delivery", ref=delivery.pk
    ).exists()


def test_acknowledged_late_after_the_reading_time(world: World) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 23, 9, 0, tzinfo=STOCKHOLM), tick=False):
        message = send(world)
    with time_machine.travel(dt.datetime(2026, 11, 23, 13, 0, tzinfo=STOCKHOLM), tick=False):
        delivery = own(message, world.participant_unit)
        assert message_reading.status(delivery, timezone.now()) == "overdue"
        done = message_sending.acknowledge(bob(world), delivery.pk)
        assert message_reading.status(done, timezone.now()) == "late"


# Replies and threads -------------------------------------------------------------------------


def test_replies_go_to_the_other_party_and_form_a_thread(world: World, sent: Message) -> None:
    answer = message_sending.reply(bob(world), sent.pk, "Ring Lena, 0920-123 45.")
    assert answer.thread_id == sent.pk
    assert answer.in_reply_to == sent
    assert [d.unit for d in answer.notice.deliveries.all()] == [world.owner_unit]
    # Replying acknowledges bob's own delivery of the message answered.
    assert own(sent, world.participant_unit).acknowledged_by == world.bob
    again = message_sending.reply(alice(world), answer.pk, "Tack!", Delivery.Mode.FYI)
    assert [(d.unit, d.mode) for d in again.notice.deliveries.all()] == [
        (world.participant_unit, Delivery.Mode.FYI)
    ]
    found = message_reading.thread(alice(world), again.pk)
    assert [m.pk for m in found.messages] == [sent.pk, answer.pk, again.pk]
    assert found.subject == "Avstämning"
    assert message_reading.reply_to(bob(world), found.messages) == again


def test_the_case_lists_each_thread_once_with_its_replies_newest_first(
    world: World, sent: Message
) -> None:
    """The stay and SIP pages' list (``of_case``): the first message of each thread the unit is
    party to, its sender unit, its time as an aware timestamp, and the number of replies."""
    answer = message_sending.reply(bob(world), sent.pk, "Svar")
    message_sending.reply(alice(world), answer.pk, "Tack!", Delivery.Mode.FYI)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=1)):
        later = send(world, subject="Ny fråga")
    for actor in (alice(world), bob(world)):
        rows = message_reading.of_case(actor, world.case)
        assert [(r.pk, r.subject, r.replies_count) for r in rows] == [
            (later.pk, "Ny fråga", 0),
            (sent.pk, sent.notice.subject, 2),
        ]
        assert {r.sender_unit_name for r in rows} == {world.owner_unit.name}
        assert rows[1].sent_at == sent.notice.sent_at
        assert rows[1].sent_at.tzinfo is not None


def test_the_sender_writing_again_reaches_the_recipients(world: World, sent: Message) -> None:
    follow_up = message_sending.reply(alice(world), sent.pk, "Påminnelse")
    assert [d.unit for d in follow_up.notice.deliveries.all()] == [world.participant_unit]


def test_no_reply_in_a_closed_case(world: World, sent: Message) -> None:
    from samordna.cases.services import close

    close(alice(world), world.case, Case.CloseReason.OTHER)
    with pytest.raises(ServiceError) as raised:
        message_sending.reply(bob(world), sent.pk, "Sent svar")
    assert raised.value.code == "case_closed"
    # Acknowledging is still possible: the message may be unread.
    message_sending.acknowledge(bob(world), own(sent, world.participant_unit).pk)


def test_no_reply_about_a_stay_once_consent_to_information_transfer_is_gone(
    world: World,
) -> None:
    """Seed 001 lines 656-657: without consent only the admission and discharge notices."""
    from samordna.discharge.models import Stay
    from samordna.discharge.services import stays as stays_acts
    from tests.discharge.conftest import stay_data

    ward_nurse = make_user("wanda", world.ward)
    case = stays_acts.register_stay(
        world.actor(ward_nurse), world.person.identity_number, stay_data()
    )
    message = message_sending.send(
        world.actor(ward_nurse), [(world.participant_unit, "ack")], case_pk=case.pk, body="Hej"
    )
    Stay.objects.filter(pk=case.pk).update(consent_to_transfer=False)
    with pytest.raises(ServiceError) as raised:
        message_sending.reply(bob(world), message.pk, "Svar")
    assert raised.value.code == "no_consent"


# Forwarding ----------------------------------------------------------------------------------


def test_forwarding_passes_a_wrongly_addressed_message_on(
    world: World, contact: Message, home_care: Unit, dora: User
) -> None:
    delivery = own(contact, world.participant_unit)
    with pytest.raises(ServiceError) as raised:
        message_sending.forward(bob(world), delivery.pk, home_care.pk, "  ")
    assert raised.value.field == "note"
    with pytest.raises(ServiceError) as raised:
        message_sending.forward(bob(world), delivery.pk, world.owner_unit.pk, "tillbaka")
    assert raised.value.code == "invalid_unit"

    new = message_sending.forward(bob(world), delivery.pk, home_care.pk, "Gäller hemsjukvården")
    delivery.refresh_from_db()
    assert delivery.forwarded_to == new
    assert delivery.acknowledged_by == world.bob
    assert delivery.message_forwarding.note == "Gäller hemsjukvården"
    assert message_reading.status(delivery, timezone.now()) == "forwarded"
    assert new.unit == home_care
    assert new.mode == Delivery.Mode.ACK
    assert new.due_at is not None
    # The new unit takes part and can read and acknowledge.
    message_reading.thread(world.actor(dora), contact.pk)
    message_sending.acknowledge(world.actor(dora), new.pk)
    assert [r.pk for r in message_reading.of_case(world.actor(dora), contact.notice.case)] == [
        contact.pk
    ]
    # Bob's unit is done with it.
    with pytest.raises(ServiceError) as raised:
        message_sending.forward(bob(world), delivery.pk, home_care.pk, "igen")
    assert raised.value.code == "forwarded"
    # The sender's next message goes to the unit it was forwarded to, not to bob's.
    follow_up = message_sending.reply(alice(world), contact.pk, "Välkommen")
    assert [d.unit for d in follow_up.notice.deliveries.all()] == [home_care]


# The unit's list -----------------------------------------------------------------------------


def test_inbox_shows_unacknowledged_first(world: World) -> None:
    first = send(world, subject="Först")
    second = send(world, subject="Sedan")
    fyi = send(world, subject="För kännedom", recipients=[(world.participant_unit, "fyi")])
    message_sending.acknowledge(bob(world), own(second, world.participant_unit).pk)
    message_reading.thread(bob(world), fyi.pk)  # read
    answer = message_sending.reply(bob(world), second.pk, "Svar")
    listed = [m.pk for m in message_reading.inbox_page(bob(world))]
    assert listed[0] == first.pk
    assert set(listed) == {first.pk, second.pk, fyi.pk, answer.pk}
    # alice: bob's reply is hers to acknowledge, then what she sent, newest first.
    assert message_reading.inbox_page(alice(world))[0].pk == answer.pk
