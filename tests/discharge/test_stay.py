"""Discharge acts through the services (SVU-1, SVU-2, SVU-5, SVU-7, SVU-8, SVU-10, ORG-4, CON-4)
with the ward (wanda), a recipient unit (bob) and an unrelated unit (charlie)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from samordna.audit.models import AccessLog
from samordna.cases.models import Case, Delivery, Notice
from samordna.discharge.models import DailyAmount, Stay
from samordna.discharge.services import collaboration as svu_collaboration_acts
from samordna.discharge.services import liability_export as svu_liability_export_acts
from samordna.discharge.services import notices as notices_acts
from samordna.discharge.services import stays as stays_acts
from samordna.errors import Conflict, Forbidden, NotFound, ServiceError
from samordna.organisations.models import Membership, Unit, User
from samordna.people.models import Person
from tests.conftest import World, make_user
from tests.discharge.conftest import stay_data, version, ward

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=STOCKHOLM)


def ready_data(case: Case, **extra: object) -> dict[str, object]:
    return {
        "ready_at": timezone.now() - dt.timedelta(minutes=30),
        "ready_physician": "Erik Berg",
        "ready_nurse": "Anna Lind",
        "medical_responsibility_to": "Johan Ek, Hertsöns hälsocentral",
        **extra,
    }


# Registering (SVU-1) -----------------------------------------------------------------------------


def test_a_ward_registers_a_stay(world: World, nurse: User, stay: Case) -> None:
    assert (stay.kind, stay.owner_unit) == ("discharge", world.ward)
    assert stay.stay.treating_physician == "Erik Berg"
    assert stay.participations.get().role == "owner"
    assert stay.events.get().kind == "stay_registered"
    assert AccessLog.objects.filter(what="stay.register", person=world.person).exists()


def test_a_stay_is_registered_from_the_identity_number_never_from_a_guessed_id(
    world: World, nurse: User
) -> None:
    """SEC-1: the ward sees nothing of world.person (alice's unit registered them). An id it
    guessed registers nothing; the exact identity number, the lookup's door, does. (charlie's
    unit is no ward and is refused before the individual is read.)"""
    assert not Person.objects.visible_to(ward(world, nurse)).exists()
    with pytest.raises(NotFound):
        stays_acts.register_stay(ward(world, nurse), str(world.person.pk), stay_data())
    assert not Case.objects.filter(kind="discharge").exists()
    with pytest.raises(Forbidden):
        stays_acts.register_stay(
            world.actor(world.charlie), world.person.identity_number, stay_data()
        )
    stay = stays_acts.register_stay(ward(world, nurse), world.person.identity_number, stay_data())
    assert stay.person == world.person


def test_only_an_inpatient_ward_registers_a_stay(world: World) -> None:
    with pytest.raises(Forbidden) as caught:
        stays_acts.register_stay(
            world.actor(world.alice), world.person.identity_number, stay_data()
        )
    assert caught.value.code == "not_inpatient_ward"
    assert not Case.objects.filter(kind="discharge").exists()


def test_a_second_active_stay_at_the_ward_is_refused(world: World, nurse: User, stay: Case) -> None:
    """One active discharge process per person and ward: a partial unique index."""
    with pytest.raises(Conflict) as caught:
        stays_acts.register_stay(ward(world, nurse), world.person.identity_number, stay_data())
    assert caught.value.code == "active_stay_exists" and str(stay.pk) in caught.value.message
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(
            person=world.person, kind="discharge", owner_unit=world.ward, opened_by=nurse
        )
    # The stay runs beside the SIP (seed 000_106b8acbeb42519c.txt: "En person kan ha både ett
    # pågående SVU ärende … och ett SIP ärende").
    assert world.case.is_active
    # Another ward may have its own stay.
    other = Unit.objects.create(
        principal=world.region, code="pitea-med", name="Piteå medicin", kind="inpatient_ward"
    )
    other_nurse = User.objects.create_user("otto")
    other_nurse.memberships.create(unit=other, role="nurse")
    stays_acts.register_stay(
        world.actor(other_nurse, other), world.person.identity_number, stay_data()
    )


@pytest.mark.parametrize(
    ("extra", "code", "field"),
    [
        ({"cause": " "}, "required", "cause"),
        ({"treating_physician": ""}, "required", "treating_physician"),
        ({"admitted_at": "yesterday"}, "invalid_time", "admitted_at"),
        ({"expected_discharge_on": None}, "required", "expected_discharge_on"),
        (
            {"expected_discharge_on": dt.date(2000, 1, 1)},
            "before_admission",
            "expected_discharge_on",
        ),
        ({"consent_to_transfer": "maybe"}, "invalid_choice", "consent_to_transfer"),
    ],
)
def test_bad_registration_stores_nothing(
    world: World, nurse: User, extra: dict[str, object], code: str, field: str
) -> None:
    with pytest.raises(ServiceError) as caught:
        stays_acts.register_stay(
            ward(world, nurse), world.person.identity_number, stay_data(**extra)
        )
    assert (caught.value.code, caught.value.field) == (code, field)
    assert not Case.objects.filter(kind="discharge").exists()


def test_editing_uses_optimistic_locking(world: World, nurse: User, stay: Case) -> None:
    actor = ward(world, nurse)
    v = version(stay)
    stays_acts.update_stay(actor, stay.pk, v, stay_data(cause="Pneumoni"))
    with pytest.raises(Conflict) as caught:  # the form was opened before that save
        stays_acts.update_stay(actor, stay.pk, v, stay_data(cause="Fall"))
    assert caught.value.code == "edit_conflict" and caught.value.status == 409
    stay.stay.refresh_from_db()
    assert (stay.stay.cause, stay.stay.version) == ("Pneumoni", v + 1)
    assert stay.events.filter(kind="stay_updated").count() == 1


def test_only_the_ward_edits(world: World, nurse: User, sent: Case) -> None:
    with pytest.raises(Forbidden):
        stays_acts.update_stay(world.actor(world.bob), sent.pk, version(sent), stay_data(cause="X"))


# Default addressing and the admission notice (ORG-4, SVU-2, SVU-8) -------------------------------


def test_default_addressing(world: World) -> None:
    """Seed 000 line 207 (grundadressering); seed 001 lines 695-706: social services and
    municipal health care of the municipality of residence, and always primary care."""
    health = Unit.objects.create(
        principal=world.lulea, code="lulea-hsv", name="Luleå HSV", kind="municipal_health_care"
    )
    Unit.objects.create(principal=world.lulea, code="lulea-lss", name="Luleå LSS", kind="lss")
    Unit.objects.create(
        principal=world.lulea,
        code="lulea-old",
        name="Luleå nedlagd",
        kind="needs_assessment",
        active=False,
    )
    Unit.objects.create(  # another municipality's needs assessment
        principal=world.pitea, code="pitea-bistand", name="Piteå bistånd", kind="needs_assessment"
    )
    proposed = notices_acts.default_recipients(world.person)
    assert set(proposed[:2]) == {world.participant_unit, health}
    assert proposed[2:] == [world.owner_unit]


def test_municipal_health_care_needs_primary_care(world: World, nurse: User, stay: Case) -> None:
    """Seed 001 lines 701-706: "Ett inskrivningsmeddelande ska alltid skickas till den
    regionfinansierade öppna vården" when municipal health care is involved."""
    health = Unit.objects.create(
        principal=world.lulea, code="lulea-hsv", name="Luleå HSV", kind="municipal_health_care"
    )
    with pytest.raises(ServiceError) as caught:
        notices_acts.send_admission_notice(ward(world, nurse), stay.pk, [health])
    assert caught.value.code == "primary_care_required"
    unconnected = Unit.objects.create(
        principal=world.region, code="ext", name="Extern", kind="external", connected=False
    )
    for units, code in [([], "no_recipients"), ([unconnected], "invalid_recipient")]:
        with pytest.raises(ServiceError) as caught:
            notices_acts.send_admission_notice(ward(world, nurse), stay.pk, units)
        assert caught.value.code == code
    assert not stay.notices.exists()


@pytest.mark.parametrize(
    ("sent_at", "due"),
    [
        # Seed 001 lines 689-690: "kvittera inskrivningsmeddelandet senast klockan 12.00 årets
        # alla dagar".
        ("2026-03-07 11:59", "2026-03-07 12:00"),  # a Saturday: every day of the year
        ("2026-03-07 12:00", "2026-03-08 12:00"),  # sent at the reading time: the next one
        ("2026-03-07 12:01", "2026-03-08 12:00"),
        ("2026-12-24 18:00", "2026-12-25 12:00"),  # Christmas Day too
    ],
)
def test_acknowledgement_due_from_the_rule_set(
    world: World, nurse: User, stay: Case, sent_at: str, due: str
) -> None:
    with time_machine.travel(at(sent_at), tick=False):
        notice = notices_acts.send_admission_notice(
            ward(world, nurse), stay.pk, notices_acts.default_recipients(world.person)
        )
    assert {d.due_at for d in notice.deliveries.all()} == {at(due)}
    assert {d.mode for d in notice.deliveries.all()} == {Delivery.Mode.ACK}


def test_a_county_with_reading_times_on_working_days(world: World, nurse: User, stay: Case) -> None:
    """Seed 002_ca8314ba67d4fca6.txt line 116: 09:00 and 13:00 on working days (Gävleborg)."""
    world.county.rules = world.county.default_rules_for("gavleborg")
    world.county.save()
    with time_machine.travel(at("2026-03-06 13:30"), tick=False):  # a Friday afternoon
        notice = notices_acts.send_admission_notice(
            ward(world, nurse), stay.pk, notices_acts.default_recipients(world.person)
        )
    assert {d.due_at for d in notice.deliveries.all()} == {at("2026-03-09 09:00")}


def test_the_admission_notice_makes_the_recipients_take_part(
    world: World, nurse: User, sent: Case
) -> None:
    notice = sent.notices.get()
    assert notice.kind == Notice.Kind.ADMISSION
    assert notice.stay_notice.cause == "Höftfraktur efter fall i hemmet"
    assert {d.unit for d in notice.deliveries.all()} == {world.participant_unit, world.owner_unit}
    for user in (world.bob, world.alice):
        assert Case.objects.visible_to(world.actor(user)).filter(pk=sent.pk).exists()
    assert not Case.objects.visible_to(world.actor(world.charlie)).filter(pk=sent.pk).exists()
    assert sent.events.filter(kind="admission_notice_sent").exists()
    with pytest.raises(Conflict) as caught:
        notices_acts.send_admission_notice(ward(world, nurse), sent.pk, [world.participant_unit])
    assert caught.value.code == "already_sent"


def test_a_changed_expected_date_resends_the_admission_notice(
    world: World, nurse: User, sent: Case
) -> None:
    """Seed 001 lines 829-831: "Om preliminärt datum för utskrivning ändras måste meddelandet
    uppdateras"."""
    old = sent.stay.expected_discharge_on
    new = old + dt.timedelta(days=2)
    notice = notices_acts.change_expected_discharge(ward(world, nurse), sent.pk, version(sent), new)
    assert notice is not None
    assert (
        notice.stay_notice.previous_expected_discharge_on,
        notice.stay_notice.expected_discharge_on,
    ) == (old, new)
    assert {d.unit for d in notice.deliveries.all()} == {world.participant_unit, world.owner_unit}
    assert sent.notices.filter(kind="admission").count() == 2
    with pytest.raises(ServiceError) as caught:
        notices_acts.change_expected_discharge(ward(world, nurse), sent.pk, version(sent), new)
    assert caught.value.code == "unchanged"
    with pytest.raises(Conflict):
        notices_acts.change_expected_discharge(ward(world, nurse), sent.pk, 1, old)


def test_a_changed_date_before_any_notice_sends_nothing(
    world: World, nurse: User, stay: Case
) -> None:
    new = stay.stay.expected_discharge_on + dt.timedelta(days=1)
    assert notices_acts.change_expected_discharge(ward(world, nurse), stay.pk, 1, new) is None
    assert not stay.notices.exists()


# Acknowledgements (SVU-8) ------------------------------------------------------------------------


def test_a_recipient_acknowledges_its_own_delivery(world: World, nurse: User, sent: Case) -> None:
    own = sent.notices.get().deliveries.get(unit=world.participant_unit)
    other = sent.notices.get().deliveries.get(unit=world.owner_unit)
    bob = world.actor(world.bob)
    with pytest.raises(Forbidden) as caught:
        notices_acts.acknowledge(bob, sent.pk, other.pk)
    assert caught.value.code == "not_your_notice"
    with pytest.raises(Forbidden):  # the ward cannot acknowledge for a recipient
        notices_acts.acknowledge(ward(world, nurse), sent.pk, own.pk)
    acknowledged = notices_acts.acknowledge(bob, sent.pk, own.pk)
    assert acknowledged.acknowledged_by == world.bob and acknowledged.acknowledged_at
    with pytest.raises(ServiceError) as again:
        notices_acts.acknowledge(bob, sent.pk, own.pk)
    assert again.value.code == "already_acknowledged"
    event = sent.events.get(kind="notice_acknowledged")
    assert event.data == {"delivery": own.pk, "notice": "admission", "late": False}


def test_a_late_acknowledgement_is_recorded_as_late(world: World, nurse: User, stay: Case) -> None:
    with time_machine.travel(at("2026-03-02 13:00"), tick=False):
        notice = notices_acts.send_admission_notice(
            ward(world, nurse), stay.pk, notices_acts.default_recipients(world.person)
        )
    delivery = notice.deliveries.get(unit=world.participant_unit)
    with time_machine.travel(at("2026-03-03 12:30"), tick=False):
        assert notices_acts.delivery_status(delivery, timezone.now()) == "overdue"
        notices_acts.acknowledge(world.actor(world.bob), stay.pk, delivery.pk)
    delivery.refresh_from_db()
    assert notices_acts.delivery_status(delivery, timezone.now()) == "late"
    assert stay.events.get(kind="notice_acknowledged").data["late"] is True


# Ready for discharge and discharge (SVU-5, SVU-7) ------------------------------------------------


def test_ready_notice_goes_to_the_admission_recipients(
    world: World, nurse: User, sent: Case
) -> None:
    """Seed 001 lines 816-818: to "de aktörer som mottagit inskrivningsmeddelandet"."""
    notice = notices_acts.send_ready_notice(
        ward(world, nurse), sent.pk, version(sent), ready_data(sent)
    )
    assert notice.kind == "ready"
    assert {d.unit for d in notice.deliveries.all()} == {world.participant_unit, world.owner_unit}
    assert notice.stay_notice.medical_responsibility_to == "Johan Ek, Hertsöns hälsocentral"
    stay = Stay.objects.get(pk=sent.pk)
    assert stay.ready_nurse == "Anna Lind" and stay.version == 2
    with pytest.raises(Conflict) as caught:
        notices_acts.send_ready_notice(ward(world, nurse), sent.pk, version(sent), ready_data(sent))
    assert caught.value.code == "already_ready"


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"ready_physician": ""}, "required"),
        ({"medical_responsibility_to": " "}, "required"),
        ({"ready_at": None}, "invalid_time"),
    ],
)
def test_bad_ready_notice_changes_nothing(
    world: World, nurse: User, sent: Case, extra: dict[str, object], code: str
) -> None:
    with pytest.raises(ServiceError) as caught:
        notices_acts.send_ready_notice(ward(world, nurse), sent.pk, 1, ready_data(sent, **extra))
    assert caught.value.code == code
    assert not sent.notices.filter(kind="ready").exists()
    assert Stay.objects.get(pk=sent.pk).ready_at is None


def test_ready_needs_an_admission_notice_and_consent(world: World, nurse: User, stay: Case) -> None:
    with pytest.raises(ServiceError) as caught:
        notices_acts.send_ready_notice(ward(world, nurse), stay.pk, 1, ready_data(stay))
    assert caught.value.code == "no_admission_notice"
    Stay.objects.filter(pk=stay.pk).update(consent_to_transfer=False)
    notices_acts.send_admission_notice(
        ward(world, nurse), stay.pk, notices_acts.default_recipients(world.person)
    )
    with pytest.raises(ServiceError) as caught:
        notices_acts.send_ready_notice(ward(world, nurse), stay.pk, 1, ready_data(stay))
    assert caught.value.code == "no_consent"  # seed 001 lines 656-657


def test_discharge_notice_closes_the_stay(world: World, nurse: User, sent: Case) -> None:
    left = timezone.now() - dt.timedelta(minutes=10)
    notice = notices_acts.send_discharge_notice(
        ward(world, nurse), sent.pk, version(sent), left, True
    )
    assert notice is not None and notice.stay_notice.self_discharge
    assert {d.unit for d in notice.deliveries.all()} == {world.participant_unit, world.owner_unit}
    sent.refresh_from_db()
    assert sent.close_reason == Case.CloseReason.DISCHARGED
    assert Stay.objects.get(pk=sent.pk).discharged_at == left
    # The recipients still see the closed stay and acknowledge the discharge notice.
    delivery = notice.deliveries.get(unit=world.participant_unit)
    notices_acts.acknowledge(world.actor(world.bob), sent.pk, delivery.pk)
    with pytest.raises(ServiceError) as caught:
        notices_acts.send_ready_notice(ward(world, nurse), sent.pk, version(sent), ready_data(sent))
    assert caught.value.code == "case_closed"


def test_a_future_discharge_is_refused(world: World, nurse: User, sent: Case) -> None:
    future = timezone.now() + dt.timedelta(hours=2)
    with pytest.raises(ServiceError) as caught:
        notices_acts.send_discharge_notice(
            ward(world, nurse), sent.pk, version(sent), future, False
        )
    assert caught.value.code == "invalid_time"
    assert Case.objects.get(pk=sent.pk).is_active


# Who may do what ---------------------------------------------------------------------------------


def test_a_recipient_cannot_send_the_wards_notices(world: World, nurse: User, sent: Case) -> None:
    bob = world.actor(world.bob)
    for act in [
        lambda: notices_acts.send_ready_notice(bob, sent.pk, 1, ready_data(sent)),
        lambda: notices_acts.send_discharge_notice(bob, sent.pk, 1, timezone.now(), False),
        lambda: notices_acts.change_expected_discharge(bob, sent.pk, 1, dt.date(2030, 1, 1)),
        lambda: svu_collaboration_acts.add_unavailable_period(
            bob, sent.pk, dt.date(2030, 1, 1), None, "x"
        ),
    ]:
        with pytest.raises(Forbidden):
            act()
    assert sent.notices.count() == 1


def test_the_unrelated_unit_is_refused_every_act(world: World, nurse: User, sent: Case) -> None:
    charlie = world.actor(world.charlie)
    delivery = sent.notices.get().deliveries.first()
    assert delivery is not None
    for act in [
        lambda: stays_acts.get(charlie, sent.pk),
        lambda: stays_acts.update_stay(charlie, sent.pk, 1, stay_data()),
        lambda: notices_acts.send_admission_notice(charlie, sent.pk, [world.unrelated_unit]),
        lambda: notices_acts.change_expected_discharge(charlie, sent.pk, 1, dt.date(2030, 1, 1)),
        lambda: notices_acts.acknowledge(charlie, sent.pk, delivery.pk),
        lambda: notices_acts.send_ready_notice(charlie, sent.pk, 1, ready_data(sent)),
        lambda: notices_acts.send_discharge_notice(charlie, sent.pk, 1, timezone.now(), False),
        lambda: svu_collaboration_acts.add_unavailable_period(
            charlie, sent.pk, dt.date(2030, 1, 1), None, "x"
        ),
    ]:
        with pytest.raises(NotFound):
            act()
    sent.refresh_from_db()
    assert sent.is_active and sent.notices.count() == 1 and sent.stay.version == 1
    assert not Delivery.objects.filter(acknowledged_at__isnull=False).exists()


# Payment liability (SVU-10) ----------------------------------------------------------------------


def test_liability_from_the_stays_facts(world: World, nurse: User) -> None:
    """End to end: ready notice Monday 11:40 -> liability from Thursday (seed 001 lines
    1550-1553); SIP invitation recorded in time; two days unavailable are not counted."""
    actor = ward(world, nurse)
    with time_machine.travel(at("2026-03-02 09:00"), tick=False):
        stay = stays_acts.register_stay(actor, world.person.identity_number, stay_data())
        notices_acts.send_admission_notice(
            actor, stay.pk, notices_acts.default_recipients(world.person)
        )
    with time_machine.travel(at("2026-03-02 11:40"), tick=False):
        notices_acts.send_ready_notice(actor, stay.pk, version(stay), ready_data(stay))
    with time_machine.travel(at("2026-03-03 10:00"), tick=False):
        # What the SIP invitation records in the stay it follows (sip.meetings.send_invitation;
        # end to end in tests/discharge/test_after_registration.py).
        Stay.objects.filter(pk=stay.pk).update(sip_invited_at=timezone.now())
        svu_collaboration_acts.add_unavailable_period(
            actor, stay.pk, dt.date(2026, 3, 6), dt.date(2026, 3, 7), "Hemsjukvård saknas"
        )
    DailyAmount.objects.create(year=2026, amount_sek=2000, source="test")
    with time_machine.travel(at("2026-03-10 08:00"), tick=False):
        notices_acts.send_discharge_notice(actor, stay.pk, version(stay), timezone.now(), False)
        case = stays_acts.get(actor, stay.pk)
        result = svu_liability_export_acts.assess(case)
    assert result.start == dt.date(2026, 3, 5)
    assert result.dates == (dt.date(2026, 3, 5), dt.date(2026, 3, 8), dt.date(2026, 3, 9))
    assert result.amount == 6000


def test_no_liability_without_an_admission_notice_to_the_municipality(
    world: World, nurse: User, stay: Case
) -> None:
    """Seed 001 lines 1533-1534: the notice went only to primary care, not to the
    municipality."""
    actor = ward(world, nurse)
    notices_acts.send_admission_notice(actor, stay.pk, [world.owner_unit])
    notices_acts.send_ready_notice(actor, stay.pk, 1, ready_data(stay))
    facts = svu_liability_export_acts.facts_of(stays_acts.get(actor, stay.pk))
    assert facts.ready_sent_at is not None and not facts.admission_notice_to_municipality


def test_the_migration_ships_only_cited_amounts(db: None) -> None:
    amounts = {a.year: a for a in DailyAmount.objects.all()}
    assert {y: a.amount_sek for y, a in amounts.items()} == {2019: 7800, 2022: 9300}
    assert "HSLF-FS 2018:67" in amounts[2019].source
    assert all(a.source.strip() for a in amounts.values())


def test_liability_export_permissions(world: World, nurse: User, sent: Case) -> None:
    with pytest.raises(Forbidden):
        svu_liability_export_acts.liability_export(world.actor(world.charlie), "lulea", "2026-03")
    with pytest.raises(Forbidden):  # a region unit is not the municipality
        svu_liability_export_acts.liability_export(world.actor(world.alice), "lulea", "2026-03")
    with pytest.raises(Forbidden):  # a case officer of the municipality does not invoice
        svu_liability_export_acts.liability_export(world.actor(world.bob), "lulea", "2026-03")
    invoicing = world.actor(make_user("ivar", world.participant_unit, Membership.Role.INVOICING))
    for code, month, error in [
        ("nowhere", "2026-03", "invalid_municipality"),
        ("lulea", "2026-13", "invalid_month"),
    ]:
        with pytest.raises(ServiceError) as caught:
            svu_liability_export_acts.liability_export(invoicing, code, month)
        assert caught.value.code == error
    municipality, rows = svu_liability_export_acts.liability_export(invoicing, "2580", "2026-03")
    assert municipality == world.lulea and rows == []
    assert AccessLog.objects.filter(
        user=invoicing.user, action="export", what="stay.liability_export: lulea 2026-03"
    ).exists()
