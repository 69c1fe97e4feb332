"""Planning basis (SVU-3), designated care contact (SVU-4), recipients' replies (SVU-5), the
discharge information (SVU-6) and "declined SIP" / "deceased" (SVU-9), through the services,
with the ward (wanda), recipients bob (Luleå bistånd) and alice (Hertsöns hälsocentral, primary
care) and the unrelated charlie. Seed: 001_118551e475ece215.txt."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from samordna.audit.models import AccessLog
from samordna.cases.acts import touch
from samordna.cases.models import Case, Delivery, Notice, Participation
from samordna.discharge.information import discharge_information
from samordna.discharge.models import PlanningAnswer, RecipientPlan, Stay
from samordna.discharge.services import collaboration as svu_collaboration_acts
from samordna.discharge.services import liability_export as svu_liability_export_acts
from samordna.discharge.services import notices as notices_acts
from samordna.discharge.services import stays as stays_acts
from samordna.errors import Conflict, Forbidden, NotFound, ServiceError
from samordna.organisations.models import User
from samordna.sip.models import Meeting
from samordna.sip.services import case as case_acts
from tests.conftest import World
from tests.discharge.conftest import stay_data, version, ward
from tests.discharge.test_stay import ready_data


@pytest.fixture
def ready(world: World, nurse: User, sent: Case) -> Case:
    notices_acts.send_ready_notice(ward(world, nurse), sent.pk, version(sent), ready_data(sent))
    return sent


# Planning basis (SVU-3) --------------------------------------------------------------------------


def test_the_ward_fills_in_and_updates_the_planning_basis_keeping_every_answer(
    world: World, nurse: User, sent: Case
) -> None:
    """Seed 001 lines 763-767: filled in within 24 h, updated when needs change."""
    actor = ward(world, nurse)
    svu_collaboration_acts.answer_planning_basis(
        actor, sent.pk, {"mobility": (True, "Rollator"), "aids": (None, "")}
    )
    svu_collaboration_acts.answer_planning_basis(
        actor, sent.pk, {"mobility": (False, "Går själv nu"), "aids": (None, "")}
    )
    basis = svu_collaboration_acts.planning_basis(sent)[world.ward.pk]
    assert (basis["mobility"].answer, basis["mobility"].comment) == (False, "Går själv nu")
    assert "aids" not in basis  # left open: nothing stored
    history = PlanningAnswer.objects.filter(stay_id=sent.pk, question="mobility")
    assert [(a.answer, a.comment) for a in history] == [(True, "Rollator"), (False, "Går själv nu")]
    assert sent.events.filter(kind="planning_basis_updated").count() == 2


def test_saving_unchanged_answers_is_refused(world: World, nurse: User, sent: Case) -> None:
    actor = ward(world, nurse)
    svu_collaboration_acts.answer_planning_basis(actor, sent.pk, {"mobility": (True, "")})
    with pytest.raises(ServiceError) as caught:
        svu_collaboration_acts.answer_planning_basis(actor, sent.pk, {"mobility": (True, "")})
    assert caught.value.code == "unchanged"
    assert PlanningAnswer.objects.count() == 1


@pytest.mark.parametrize(
    ("who", "answers", "code"),
    [
        ("ward", {"known": (True, "")}, "invalid_question"),  # a recipient's question
        ("bob", {"mobility": (True, "")}, "invalid_question"),  # the ward's question
        ("ward", {"nonsense": (True, "")}, "invalid_question"),
        ("ward", {"mobility": ("ja", "")}, "invalid_answer"),
        ("ward", {"mobility": (True, "x" * 2001)}, "too_long"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_stored(
    world: World, nurse: User, sent: Case, who: str, answers: dict, code: str
) -> None:
    actor = ward(world, nurse) if who == "ward" else world.actor(world.bob)
    with pytest.raises(ServiceError) as caught:
        svu_collaboration_acts.answer_planning_basis(actor, sent.pk, answers)
    assert caught.value.code == code
    assert not PlanningAnswer.objects.exists()


def test_a_recipient_adds_its_answers_when_it_acknowledges(
    world: World, nurse: User, sent: Case
) -> None:
    """Seed 001 lines 768-771: "När mottagare av inskrivningsmeddelandet kvitterar detta får
    de svara på ett antal frågor som adderas till det påbörjade planeringsunderlaget"."""
    bob = world.actor(world.bob)
    delivery = Delivery.objects.get(notice__case=sent, unit=world.participant_unit)
    notices_acts.acknowledge(
        bob,
        sent.pk,
        delivery.pk,
        {"known": (True, "Hemtjänst 2 ggr/dag"), "existing_sip": (None, "")},
    )
    delivery.refresh_from_db()
    assert delivery.acknowledged_by == world.bob
    answer = svu_collaboration_acts.planning_basis(sent)[world.participant_unit.pk]["known"]
    assert (answer.answer, answer.comment, answer.answered_by) == (
        True,
        "Hemtjänst 2 ggr/dag",
        world.bob,
    )


def test_acknowledging_without_answers_stores_none(world: World, nurse: User, sent: Case) -> None:
    delivery = Delivery.objects.get(notice__case=sent, unit=world.participant_unit)
    notices_acts.acknowledge(world.actor(world.bob), sent.pk, delivery.pk, {"known": (None, "")})
    assert not PlanningAnswer.objects.exists()


def test_without_consent_recipients_cannot_answer(world: World, nurse: User, sent: Case) -> None:
    Stay.objects.filter(pk=sent.pk).update(consent_to_transfer=False)
    sent.refresh_from_db()
    with pytest.raises(ServiceError) as caught:
        svu_collaboration_acts.answer_planning_basis(
            world.actor(world.bob), sent.pk, {"known": (True, "")}
        )
    assert caught.value.code == "no_consent"


def test_an_unrelated_unit_cannot_answer(world: World, nurse: User, sent: Case) -> None:
    with pytest.raises(NotFound):
        svu_collaboration_acts.answer_planning_basis(
            world.actor(world.charlie), sent.pk, {"known": (True, "")}
        )


# Designated care contact (SVU-4) -----------------------------------------------------------------


def test_primary_care_names_the_designated_care_contact(
    world: World, nurse: User, sent: Case
) -> None:
    alice = world.actor(world.alice)
    stay = svu_collaboration_acts.designate_care_contact(
        alice,
        sent.pk,
        version(sent),
        {"care_contact_name": "Karin Holm", "care_contact_phone": "0920-123 45"},
    )
    assert (stay.care_contact_name, stay.care_contact_workplace) == (
        "Karin Holm",
        world.owner_unit.name,
    )
    assert sent.events.filter(kind="care_contact_designated").exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"care_contact_name": "", "care_contact_phone": "1"}, "care_contact_name"),
        ({"care_contact_name": "K", "care_contact_phone": " "}, "care_contact_phone"),
        ({"care_contact_name": "K" * 201, "care_contact_phone": "1"}, "care_contact_name"),
        ({"care_contact_name": "K", "care_contact_phone": "1" * 41}, "care_contact_phone"),
    ],
)
def test_a_care_contact_needs_name_and_phone(
    world: World, nurse: User, sent: Case, data: dict, field: str
) -> None:
    with pytest.raises(ServiceError) as caught:
        svu_collaboration_acts.designate_care_contact(
            world.actor(world.alice), sent.pk, version(sent), data
        )
    assert caught.value.field == field
    sent.stay.refresh_from_db()
    assert sent.stay.care_contact_name == ""


def test_only_primary_care_names_the_care_contact(world: World, nurse: User, sent: Case) -> None:
    data = {"care_contact_name": "K", "care_contact_phone": "1"}
    for actor in (ward(world, nurse), world.actor(world.bob)):
        with pytest.raises(Forbidden):
            svu_collaboration_acts.designate_care_contact(actor, sent.pk, version(sent), data)


def test_a_stale_care_contact_edit_is_refused(world: World, nurse: User, sent: Case) -> None:
    old = version(sent)
    data = {"care_contact_name": "Karin Holm", "care_contact_phone": "1"}
    svu_collaboration_acts.designate_care_contact(world.actor(world.alice), sent.pk, old, data)
    with pytest.raises(Conflict):
        svu_collaboration_acts.designate_care_contact(
            world.actor(world.alice), sent.pk, old, {**data, "care_contact_name": "Other"}
        )
    sent.stay.refresh_from_db()
    assert sent.stay.care_contact_name == "Karin Holm"


# Replies to the ready notice (SVU-5, SVU-6) ------------------------------------------------------


def test_recipients_reply_when_they_can_receive_the_patient(
    world: World, nurse: User, ready: Case
) -> None:
    """Seed 001 lines 867-871."""
    bob = world.actor(world.bob)
    first = timezone.now() + dt.timedelta(hours=3)
    svu_collaboration_acts.reply_to_ready(bob, ready.pk, first, "Hemtjänst morgon och kväll")
    later = first + dt.timedelta(days=1)
    svu_collaboration_acts.reply_to_ready(
        bob, ready.pk, later, "Hemtjänst morgon och kväll, trygghetslarm"
    )
    [plan] = svu_collaboration_acts.recipient_plans(ready)
    assert (plan.can_receive_at, plan.interventions) == (
        later,
        "Hemtjänst morgon och kväll, trygghetslarm",
    )
    assert RecipientPlan.objects.count() == 2  # the earlier reply is kept


def test_a_reply_acknowledges_the_ready_notice_it_answers(
    world: World, nurse: User, ready: Case
) -> None:
    """Seed 001_118551e475ece215.txt lines 866-871: the recipient acknowledges the ready notice
    and tells the ward when it can receive the patient; a reply is proof it was read (issue 18
    item 4: the demo showed "Kan ta emot från …" beside "För kvittering")."""
    mine = Delivery.objects.get(
        notice__case=ready, notice__kind="ready", unit=world.participant_unit
    )
    others = list(
        Delivery.objects.filter(notice__case=ready)
        .exclude(pk=mine.pk)
        .values_list("pk", "acknowledged_at")
    )
    assert mine.acknowledged_at is None
    bob = world.actor(world.bob)
    svu_collaboration_acts.reply_to_ready(bob, ready.pk, timezone.now() + dt.timedelta(hours=3))
    mine.refresh_from_db()
    assert mine.acknowledged_by == world.bob and mine.acknowledged_at is not None
    first = mine.acknowledged_at
    # Another unit's notices are its own to acknowledge; a second reply changes nothing here.
    assert (
        list(
            Delivery.objects.filter(notice__case=ready)
            .exclude(pk=mine.pk)
            .values_list("pk", "acknowledged_at")
        )
        == others
    )
    svu_collaboration_acts.reply_to_ready(bob, ready.pk, timezone.now() + dt.timedelta(hours=5))
    mine.refresh_from_db()
    assert mine.acknowledged_at == first
    acknowledged = ready.events.filter(kind="notice_acknowledged")
    assert [e.data["by_reply"] for e in acknowledged] == [True]


@pytest.mark.parametrize(
    ("when", "code"),
    [
        (None, "required"),
        (dt.timedelta(days=-2), "before_ready"),
        (dt.timedelta(days=400), "too_far"),
    ],
)
def test_bad_replies_are_refused(
    world: World, nurse: User, ready: Case, when: dt.timedelta | None, code: str
) -> None:
    moment = None if when is None else timezone.now() + when
    with pytest.raises(ServiceError) as caught:
        svu_collaboration_acts.reply_to_ready(world.actor(world.bob), ready.pk, moment)
    assert caught.value.code == code
    assert not RecipientPlan.objects.exists()


def test_no_reply_before_the_ready_notice(world: World, nurse: User, sent: Case) -> None:
    with pytest.raises(ServiceError) as caught:
        svu_collaboration_acts.reply_to_ready(world.actor(world.bob), sent.pk, timezone.now())
    assert caught.value.code == "not_ready"


def test_the_ward_does_not_reply_to_itself(world: World, nurse: User, ready: Case) -> None:
    with pytest.raises(Forbidden):
        svu_collaboration_acts.reply_to_ready(ward(world, nurse), ready.pk, timezone.now())


def test_the_discharge_information_gathers_replies_care_contact_and_sip_meeting(
    world: World, nurse: User, ready: Case
) -> None:
    """Seed 001 lines 873-886: each recipient's planned interventions, the designated care
    contact and the time of the planned SIP."""
    svu_collaboration_acts.reply_to_ready(
        world.actor(world.bob), ready.pk, timezone.now() + dt.timedelta(hours=2), "Hemtjänst"
    )
    svu_collaboration_acts.designate_care_contact(
        world.actor(world.alice),
        ready.pk,
        version(ready),
        {"care_contact_name": "Karin Holm", "care_contact_phone": "0920-1"},
    )
    info = discharge_information(ward(world, nurse), ready.pk)
    assert [(p.unit, p.interventions) for p in info.interventions] == [
        (world.participant_unit, "Hemtjänst")
    ]
    assert info.care_contact is not None and info.care_contact.name == "Karin Holm"
    assert info.sip_meeting is None
    assert AccessLog.objects.filter(what="stay.information.read", person=world.person).exists()
    with pytest.raises(NotFound):
        discharge_information(world.actor(world.charlie), ready.pk)


# SVU-9 -------------------------------------------------------------------------------------------


def test_a_declined_sip_satisfies_the_liability_condition(
    world: World, nurse: User, ready: Case
) -> None:
    """Seed 001 lines 930-931 and 981-983: no invitation when the patient does not consent."""
    with time_machine.travel(timezone.now() + dt.timedelta(days=5)):
        before = svu_liability_export_acts.assess(ready)
        assert not before.dates and any("inte inom" in r for r in before.reasons)
        svu_collaboration_acts.record_sip_declined(
            ward(world, nurse), ready.pk, version(ready), timezone.now() - dt.timedelta(days=4)
        )
        ready.refresh_from_db()
        after = svu_liability_export_acts.assess(ready)
    assert after.dates
    assert any("tackade nej till SIP" in r for r in after.reasons)


def test_declining_twice_or_by_a_municipality_is_refused(
    world: World, nurse: User, ready: Case
) -> None:
    with pytest.raises(Forbidden):
        svu_collaboration_acts.record_sip_declined(
            world.actor(world.bob), ready.pk, version(ready), timezone.now()
        )
    svu_collaboration_acts.record_sip_declined(
        world.actor(world.alice), ready.pk, version(ready), timezone.now()
    )
    with pytest.raises(Conflict):
        svu_collaboration_acts.record_sip_declined(
            ward(world, nurse), ready.pk, version(ready), timezone.now()
        )


def test_declining_is_refused_while_a_sip_follows_the_stay(
    world: World, nurse: User, ready: Case
) -> None:
    world.case.closed_at = timezone.now()  # the world's SIP would block a second active SIP
    world.case.close_reason = Case.CloseReason.OTHER
    world.case.save()
    touch(world.case.pk)  # closed by hand: the read model follows
    case_acts.open_case(
        world.actor(world.alice),
        world.person.identity_number,
        "after_discharge",
        timezone.now(),
        origin=Case.objects.get(pk=ready.pk),
    )
    with pytest.raises(Conflict) as caught:
        svu_collaboration_acts.record_sip_declined(
            ward(world, nurse), ready.pk, version(ready), timezone.now()
        )
    assert caught.value.code == "sip_open"


def test_death_during_the_stay_closes_the_stay_and_the_sip(
    world: World, nurse: User, ready: Case
) -> None:
    """Seed 001 lines 931-934: "Det avslutar då vårdtillfället och eventuellt pågående
    samordnad individuell plan"."""
    stays_acts.register_death(ward(world, nurse), ready.pk, timezone.localdate())
    for case in (ready, world.case):
        case.refresh_from_db()
        assert case.close_reason == Case.CloseReason.DECEASED
    world.person.refresh_from_db()
    assert world.person.deceased_on == timezone.localdate()


@pytest.mark.parametrize("days", [-30, 1])
def test_a_death_date_outside_the_stay_is_refused(
    world: World, nurse: User, ready: Case, days: int
) -> None:
    with pytest.raises(ServiceError):
        stays_acts.register_death(
            ward(world, nurse), ready.pk, timezone.localdate() + dt.timedelta(days=days)
        )
    ready.refresh_from_db()
    assert ready.is_active


def test_only_the_ward_registers_a_death(world: World, nurse: User, ready: Case) -> None:
    with pytest.raises(Forbidden):
        stays_acts.register_death(world.actor(world.alice), ready.pk, timezone.localdate())
    assert not Notice.objects.filter(kind="discharge").exists()


# The stay's deadlines as obligations (BOX-1 reads them) ------------------------------------------


def open_obligations(case: Case) -> set[tuple[str, str]]:
    return {
        (o.kind, o.unit.code)
        for o in case.obligations.filter(met_at__isnull=True, cancelled_at__isnull=True)
    }


def test_the_stays_deadlines_are_obligations_of_the_unit_that_must_act(
    world: World, nurse: User, stay: Case
) -> None:
    """Seed 001: admission notice within 24 h of the assessment (lines 675-677), planning basis
    within 24 h of the notice (763-764), SIP invitation by primary care within three days of the
    ready notice (888-895)."""
    actor = ward(world, nurse)
    assessed = stay.stay.needs_assessed_at
    notice_due = stay.obligations.get(kind="admission_notice")
    assert notice_due.due_at == assessed + dt.timedelta(hours=24)
    assert open_obligations(stay) == {("admission_notice", "sunderby-med5")}
    notice = notices_acts.send_admission_notice(
        actor, stay.pk, notices_acts.default_recipients(world.person)
    )
    assert open_obligations(stay) == {("planning_basis", "sunderby-med5")}
    assert stay.obligations.get(kind="planning_basis").due_at == notice.sent_at + dt.timedelta(
        hours=24
    )
    svu_collaboration_acts.answer_planning_basis(actor, stay.pk, {"mobility": (True, "")})
    assert open_obligations(stay) == set()
    notices_acts.send_ready_notice(actor, stay.pk, version(stay), ready_data(stay))
    assert open_obligations(stay) == {("sip_invitation", "hc-hertson")}
    svu_collaboration_acts.record_sip_declined(actor, stay.pk, version(stay), timezone.now())
    assert open_obligations(stay) == set()


def test_opening_the_sip_after_discharge_moves_the_invitation_deadline(
    world: World, nurse: User, ready: Case
) -> None:
    assert ("sip_invitation", "hc-hertson") in open_obligations(ready)
    world.case.closed_at = timezone.now()
    world.case.close_reason = Case.CloseReason.OTHER
    world.case.save()
    touch(world.case.pk)  # closed by hand: the read model follows
    origin = Case.objects.get(pk=ready.pk)
    sip = case_acts.open_case(
        world.actor(world.alice),
        world.person.identity_number,
        "after_discharge",
        timezone.now(),
        origin=origin,
    )
    assert ("sip_invitation", "hc-hertson") not in open_obligations(ready)
    assert ("sip_invitation", "hc-hertson") in open_obligations(sip)


def test_a_death_registered_later_ends_the_liability_on_the_date_of_death(
    world: World, nurse: User
) -> None:
    """Ready before 12:00 on 1 December: liable from 4 December (seed 001 lines 858-864). The
    patient died on 6 December, registered on 9 December: liable 4 and 5 December, as for a
    discharge. The stay is admitted on 30 November: with the clock's own time it would be
    admitted after it was ready whenever the run starts after 1 December 10:00."""
    tz = timezone.get_current_timezone()
    with time_machine.travel(dt.datetime(2026, 11, 30, 10, tzinfo=tz), tick=False):
        sent = stays_acts.register_stay(
            ward(world, nurse), world.person.identity_number, stay_data()
        )
        notices_acts.send_admission_notice(
            ward(world, nurse), sent.pk, notices_acts.default_recipients(world.person)
        )
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, tzinfo=tz), tick=False):
        notices_acts.send_ready_notice(ward(world, nurse), sent.pk, version(sent), ready_data(sent))
    Stay.objects.filter(pk=sent.pk).update(only_social_services=True)
    with time_machine.travel(dt.datetime(2026, 12, 9, 10, tzinfo=tz), tick=False):
        stays_acts.register_death(ward(world, nurse), sent.pk, dt.date(2026, 12, 6))
        result = svu_liability_export_acts.assess(Case.objects.get(pk=sent.pk))
    assert result.dates == (dt.date(2026, 12, 4), dt.date(2026, 12, 5))


# Found in review ---------------------------------------------------------------------------------


def test_a_unit_only_written_to_about_the_stay_is_not_one_of_its_recipients(
    world: World, nurse: User, sent: Case
) -> None:
    """A message about the stay makes a unit take part, but only the notices' recipients
    answer the planning basis, reply, or (primary care) name the care contact."""
    from samordna.messaging.services import sending as message_sending
    from samordna.organisations.models import Unit
    from tests.conftest import make_user

    other_care = Unit.objects.create(
        principal=world.region, code="hc-other", name="Annan hälsocentral", kind="primary_care"
    )
    olga = make_user("olga", other_care)
    message_sending.send(
        ward(world, nurse), [(other_care, "fyi")], case_pk=sent.pk, body="För kännedom"
    )
    data = {"care_contact_name": "X", "care_contact_phone": "1"}
    with pytest.raises(Forbidden):
        svu_collaboration_acts.designate_care_contact(
            world.actor(olga), sent.pk, version(sent), data
        )
    with pytest.raises(Forbidden):
        svu_collaboration_acts.answer_planning_basis(
            world.actor(olga), sent.pk, {"known": (True, "")}
        )


def test_a_refusal_before_admission_is_refused(world: World, nurse: User, ready: Case) -> None:
    with pytest.raises(ServiceError) as caught:
        svu_collaboration_acts.record_sip_declined(
            ward(world, nurse),
            ready.pk,
            version(ready),
            ready.stay.admitted_at - dt.timedelta(hours=1),
        )
    assert caught.value.code == "before_admission"


def test_a_refusal_after_the_invitation_deadline_does_not_mend_a_missed_invitation(
    world: World, nurse: User, ready: Case
) -> None:
    """Seed 001 lines 981-983 spare the invitation when the patient does not consent; a
    refusal recorded after the three days had passed does not."""
    with time_machine.travel(timezone.now() + dt.timedelta(days=5)):
        svu_collaboration_acts.record_sip_declined(
            ward(world, nurse), ready.pk, version(ready), timezone.now()
        )
        result = svu_liability_export_acts.assess(Case.objects.get(pk=ready.pk))
    assert not result.dates
    assert not any("tackade nej" in r for r in result.reasons)


def test_the_discharge_information_shows_only_the_meeting_of_the_sip_that_follows_the_stay(
    world: World, nurse: User, ready: Case
) -> None:
    """SVU-6: the patient information the ward prints gives "tidpunkt för när samordnad
    individuell planering avses genomföras" (seed 001_118551e475ece215.txt lines 881-885,
    1021-1024), so the ward reads the time and place of the next meeting of the SIP that
    follows its stay, though it does not take part in that SIP. A SIP of the individual that
    does not follow the stay stays out of sight (SEC-1)."""
    starts = timezone.now() + dt.timedelta(days=3)
    meeting = Meeting.objects.create(
        case=world.case,
        purpose=Meeting.Purpose.ESTABLISH,
        form=Meeting.Form.PHONE,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
    )
    assert discharge_information(ward(world, nurse), ready.pk).sip_meeting is None
    sip = world.case.sip
    sip.origin = ready
    sip.save()
    assert not Participation.objects.filter(case=world.case, unit=world.ward).exists()
    shown = discharge_information(ward(world, nurse), ready.pk).sip_meeting
    assert shown == meeting and shown.starts_at == starts
