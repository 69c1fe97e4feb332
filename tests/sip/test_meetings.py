"""Needs assessment, invitation, answers and meeting record (SIP-5, SIP-6, SIP-8, MSG-2, DEV-1),
with the three test users: alice (coordinator's unit), bob (takes part), charlie (sees nothing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samordna.audit.models import AccessLog
from samordna.cases.acts import touch
from samordna.cases.models import Case, Delivery, Notice, Obligation
from samordna.deviations.models import Deviation
from samordna.errors import Conflict, Forbidden, NotFound, ServiceError
from samordna.organisations.models import County, Unit
from samordna.people.models import Person, Relative, Representative
from samordna.sip.models import AssessmentEntry, Meeting, Participant
from samordna.sip.services import assessment as assessment_acts
from samordna.sip.services import case as case_acts
from samordna.sip.services import invitation_answers as invitation_answers_acts
from samordna.sip.services import invitations as invitations_acts
from samordna.sip.services import meetings as meetings_acts
from samordna.sip.services.invitations import Details, External, Invitees
from tests.conftest import World, valid_identity_number
from tests.sip.conftest import consent_to

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=STOCKHOLM)


def details(**extra: Any) -> Details:
    """A meeting in person the day after tomorrow, 10-11 (relative to the current clock)."""
    starts = (timezone.localtime() + dt.timedelta(days=2)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    values: dict[str, Any] = {
        "purpose": "establish",
        "form": "in_person",
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=1),
        "place": "Hertsöns hälsocentral, rum 4",
    }
    return Details(**{**values, **extra})


def give_consent(world: World, case: Case, units: list[Unit] | None = None) -> None:
    """Consent naming ``units``, or none (covering every unit taking part)."""
    consent_to(world, case, *(units or []), naming_none=not units)


def invite(world: World, case: Case, units: list[Unit] | None = None, **extra: Any) -> Meeting:
    return invitations_acts.send_invitation(
        world.actor(world.alice),
        case.pk,
        details(**extra),
        Invitees(units=[world.participant_unit] if units is None else units, individual=True),
        True,
    )


def bobs(meeting: Meeting, world: World) -> Delivery:
    assert meeting.notice is not None
    return meeting.notice.deliveries.get(unit=world.participant_unit)


def attendance(meeting: Meeting, **by_kind: str) -> dict[int, str]:
    """Everyone in person unless named by kind (``unit_<unit pk>`` or the kind)."""
    return {
        p.pk: by_kind.get(f"unit_{p.unit_id}", by_kind.get(p.kind, "in_person"))
        for p in meetings_acts.expected(meeting)
    }


@pytest.fixture
def consented(world: World, sip: Case) -> Case:
    give_consent(world, sip)
    return sip


@pytest.fixture
def invited(world: World, consented: Case) -> Meeting:
    return invite(world, consented)


# Needs assessment (SIP-5) -------------------------------------------------------------------------


def test_units_taking_part_add_signed_entries_by_area(world: World, sip: Case) -> None:
    """Seed 002 line 195: the invited "kan komplettera kartläggningen" (bob's unit, named in
    the consent)."""
    give_consent(world, sip, units=[world.participant_unit])
    assessment_acts.add_assessment(
        world.actor(world.alice), sip.pk, "mobility", "Går med rollator."
    )
    assessment_acts.add_assessment(
        world.actor(world.bob), sip.pk, "mobility", "Hemtjänst två gånger."
    )
    assessment_acts.add_assessment(world.actor(world.bob), sip.pk, "sbar_s", "Ökat hjälpbehov.")
    entries = list(AssessmentEntry.objects.filter(case=sip, area="mobility"))
    assert [(e.author, e.unit) for e in entries] == [
        (world.alice, world.owner_unit),
        (world.bob, world.participant_unit),
    ]
    assert sip.events.filter(kind="assessment_added").count() == 3
    with pytest.raises(NotFound):
        assessment_acts.add_assessment(world.actor(world.charlie), sip.pk, "mobility", "x")


@pytest.mark.parametrize(
    ("area", "text", "code"),
    [("weather", "Soligt", "invalid_area"), ("mobility", "  ", "required")],
)
def test_bad_assessment_input_is_refused(
    world: World, sip: Case, area: str, text: str, code: str
) -> None:
    with pytest.raises(ServiceError) as caught:
        assessment_acts.add_assessment(world.actor(world.alice), sip.pk, area, text)
    assert caught.value.code == code
    assert not AssessmentEntry.objects.exists()


@pytest.mark.parametrize(
    ("type", "invited", "allowed"),
    [
        # Seed 000 line 181 (SIP underlag - SVU): "Kartläggningen kan fyllas i först efter att
        # kallelse till SIP skickats".
        ("after_discharge", False, False),
        ("after_discharge", True, True),
        # Outpatient: the coordinator assesses before inviting (seed 002 line 174).
        ("outpatient", False, True),
    ],
)
def test_assessment_after_discharge_only_once_invited(
    world: World, type: str, invited: bool, allowed: bool
) -> None:
    world.case.closed_at = timezone.now()
    world.case.close_reason = "other"
    world.case.save()
    touch(world.case.pk)  # closed by hand: the read model follows
    case = case_acts.open_case(
        world.actor(world.alice), world.person.identity_number, type, timezone.now()
    )
    if invited:
        give_consent(world, case)
        invite(world, case)
    add = lambda: assessment_acts.add_assessment(  # noqa: E731
        world.actor(world.alice), case.pk, "health", "Trött."
    )
    if allowed:
        add()
    else:
        with pytest.raises(ServiceError) as caught:
            add()
        assert caught.value.code == "invitation_not_sent"
        assert not AssessmentEntry.objects.exists()


# Invitation (SIP-6) ------------------------------------------------------------------------------


def test_invitation_creates_meeting_deliveries_participants_and_meets_the_deadline(
    world: World, consented: Case
) -> None:
    meeting = invite(world, consented, units=[world.participant_unit, world.ward])
    assert meeting.notice is not None and meeting.notice.kind == Notice.Kind.INVITATION
    deliveries = {d.unit: d for d in meeting.notice.deliveries.all()}
    assert set(deliveries) == {world.participant_unit, world.ward}
    assert all(d.mode == Delivery.Mode.ACK and d.due_at for d in deliveries.values())
    kinds = sorted((p.kind, p.unit_id or 0) for p in meeting.participants.all())
    assert kinds == sorted(
        [
            ("individual", 0),
            ("unit", world.owner_unit.pk),  # the coordinator's unit takes part too
            ("unit", world.participant_unit.pk),
            ("unit", world.ward.pk),
        ]
    )
    individual = meeting.participants.get(kind="individual")
    assert individual.name == "Sture Lundberg"
    # SEC-1: the invited ward sees the case from now on.
    assert Case.objects.visible_to(world.actor(world.bob, world.ward)).filter(pk=consented.pk)
    invitation = consented.obligations.get(kind=Obligation.Kind.SIP_INVITATION)
    assert invitation.met_at is not None
    assert consented.events.filter(kind="invitation_sent").exists()
    assert AccessLog.objects.filter(user=world.alice, what="sip.invite").exists()


@pytest.mark.parametrize(
    ("county", "sent", "due"),
    [
        # Seed 001 lines 689-690: "senast klockan 12.00 årets alla dagar".
        ("norrbotten", "2026-12-04 11:00", "2026-12-04 12:00"),  # Friday before noon
        ("norrbotten", "2026-12-04 12:00", "2026-12-05 12:00"),  # at noon: the next day's noon
        ("norrbotten", "2026-12-24 15:00", "2026-12-25 12:00"),  # every day, Christmas too
        # Seed 002 line 116: "kl. 09.00 och kl. 13.00 alla vardagar".
        ("gavleborg", "2026-12-08 10:00", "2026-12-08 13:00"),
        ("gavleborg", "2026-12-04 13:30", "2026-12-07 09:00"),  # Friday afternoon -> Monday
    ],
)
def test_acknowledgement_is_due_at_the_countys_next_reading_time(
    world: World, consented: Case, county: str, sent: str, due: str
) -> None:
    world.county.rules = County.default_rules_for(county)
    world.county.save()
    with time_machine.travel(at(sent), tick=False):
        # A meeting well after the reading time, so the reading time alone decides.
        starts = timezone.localtime() + dt.timedelta(days=10)
        meeting = invite(world, consented, starts_at=starts, ends_at=starts + dt.timedelta(hours=1))
    assert bobs(meeting, world).due_at == at(due)


@pytest.mark.parametrize(
    ("sent", "starts", "due"),
    [
        # Norrbotten reads at 12:00 (seed 001_118551e475ece215.txt lines 689-690); a 07:30 meeting
        # the next morning can't wait for it: the invitation is due when the meeting starts.
        ("2026-12-07 16:00", "2026-12-08 07:30", "2026-12-08 07:30"),
        ("2026-12-07 16:00", "2026-12-08 11:59", "2026-12-08 11:59"),
        ("2026-12-07 16:00", "2026-12-08 12:00", "2026-12-08 12:00"),
        ("2026-12-07 16:00", "2026-12-08 13:00", "2026-12-08 12:00"),  # the reading time first
        ("2026-12-07 09:00", "2026-12-07 11:00", "2026-12-07 11:00"),  # the same morning
    ],
)
def test_an_invitation_is_due_by_the_reading_time_but_never_after_the_meeting_starts(
    world: World, consented: Case, sent: str, starts: str, due: str
) -> None:
    with time_machine.travel(at(sent), tick=False):
        meeting = invite(
            world, consented, starts_at=at(starts), ends_at=at(starts) + dt.timedelta(hours=1)
        )
    assert bobs(meeting, world).due_at == at(due)
    # Moving the meeting earlier asks again, with the new start as the limit.
    with time_machine.travel(at(sent) + dt.timedelta(minutes=10), tick=False):
        earlier = at(starts) - dt.timedelta(minutes=30)
        invitations_acts.change_invitation(
            world.actor(world.alice),
            consented.pk,
            meeting.pk,
            meeting.version,
            details(starts_at=earlier, ends_at=earlier + dt.timedelta(hours=1)),
        )
    assert bobs(meeting, world).due_at == min(at(due), earlier)


def test_no_consent_is_refused_and_nothing_is_stored(world: World, sip: Case) -> None:
    """Seed 000 line 200: invited "efter inhämtat samtycke"; seed 002 line 138."""
    with pytest.raises(ServiceError) as caught:
        invite(world, sip)
    assert caught.value.code == "no_consent"
    give_consent(world, sip)
    with pytest.raises(ServiceError) as unconfirmed:
        invitations_acts.send_invitation(
            world.actor(world.alice), sip.pk, details(), Invitees(individual=True), False
        )
    assert unconfirmed.value.code == "consent_not_confirmed"
    assert not Meeting.objects.exists() and not Notice.objects.exists()


def test_only_units_the_consent_names_can_be_invited(world: World, sip: Case) -> None:
    """CON-1, seed 000 line 206: recipients "utifrån den enskildes behov och samtycke"."""
    give_consent(world, sip, units=[world.participant_unit])
    with pytest.raises(ServiceError) as caught:
        invite(world, sip, units=[world.participant_unit, world.ward])
    assert caught.value.code == "outside_consent"
    assert world.ward.name in caught.value.message
    assert world.participant_unit.name not in caught.value.message
    assert not Meeting.objects.exists()
    invite(world, sip, units=[world.participant_unit])


@pytest.mark.parametrize(
    ("extra", "code", "field"),
    [
        # Seed 000 line 203: video meetings send "uppkopplingsinformation".
        ({"form": "video", "video_link": ""}, "video_link_required", "video_link"),
        (
            {"form": "video", "video_link": "http://möte.example"},
            "video_link_required",
            "video_link",
        ),
        ({"form": "phone", "phone_number": "0920-100 00"}, "phone_required", "phone_code"),
        # Seed 002 line 152: "uppgifter om tid och plats".
        ({"place": " "}, "place_required", "place"),
        ({"ends_at": "starts"}, "end_before_start", "ends_at"),
        ({"purpose": "party"}, "invalid_purpose", "purpose"),
        ({"past": True}, "in_the_past", "starts_at"),
    ],
)
def test_bad_invitation_details_are_refused_and_nothing_stored(
    world: World, consented: Case, extra: dict[str, Any], code: str, field: str
) -> None:
    if extra.pop("past", False):
        extra = {"starts_at": timezone.now() - dt.timedelta(hours=2)}
        extra["ends_at"] = extra["starts_at"] + dt.timedelta(hours=1)
    if extra.get("ends_at") == "starts":
        extra["ends_at"] = details().starts_at
    with pytest.raises(ServiceError) as caught:
        invite(world, consented, **extra)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert not Meeting.objects.exists() and not Delivery.objects.exists()


def test_video_and_phone_meetings_keep_their_connection_details(
    world: World, consented: Case
) -> None:
    video = invite(world, consented, form="video", video_link="https://möte.example/sip", place="")
    assert (video.video_link, video.phone_number) == ("https://möte.example/sip", "")
    phone = invite(world, consented, form="phone", phone_number="0920-100 00", phone_code="4711")
    assert (phone.phone_number, phone.phone_code, phone.video_link) == ("0920-100 00", "4711", "")


def test_letter_recipients_relatives_and_representatives(world: World, consented: Case) -> None:
    """Seed 002 lines 146-150, 164: the individual and relatives, god man/förvaltare, other
    actors; those outside the system get a letter. An unconnected unit gets no delivery and no
    access to the case."""
    agency = Unit.objects.create(
        principal=world.region,
        code="fk",
        name="Försäkringskassan",
        kind="external",
        connected=False,
        street="Box 1164",
        postal_code="971 27",
        city="Luleå",
    )
    son = Relative.objects.create(person=world.person, name="Per Lundberg", relation="son")
    trustee = Representative.objects.create(
        person=world.person, kind="trustee", name="Eva God", street="Storgatan 1", city="Luleå"
    )
    meeting = invitations_acts.send_invitation(
        world.actor(world.alice),
        consented.pk,
        details(),
        Invitees(
            units=[agency],
            relatives=[son],
            representatives=[trustee],
            externals=[External("Arbetsförmedlingen", "Storgatan 9", "972 31", "Luleå")],
        ),
        True,
    )
    letters = {p.name: p for p in meeting.participants.filter(delivery__isnull=True)}
    assert letters["Försäkringskassan"].postal_code == "971 27"
    assert letters["Per Lundberg"].kind == Participant.Kind.RELATIVE
    assert letters["Eva God"].kind == Participant.Kind.REPRESENTATIVE
    assert letters["Arbetsförmedlingen"].city == "Luleå"
    assert "Sture Lundberg" not in letters  # the individual was not chosen
    assert not Delivery.objects.filter(unit=agency).exists()
    assert not consented.participations.filter(unit=agency).exists()


@pytest.mark.parametrize(
    ("invitees", "code"),
    [
        (lambda w: Invitees(), "no_participants"),
        (lambda w: Invitees(units=[w.owner_unit]), "invalid_unit"),
        (lambda w: Invitees(externals=[External("AF", "", "", "")]), "external_address_required"),
        (
            lambda w: Invitees(
                relatives=[Relative.objects.create(person=w.case.person, name="X", relation="y")]
            ),
            None,
        ),
    ],
)
def test_bad_invitees_are_refused(
    world: World, consented: Case, invitees: Callable[[World], Invitees], code: str | None
) -> None:
    chosen = invitees(world)
    if code is None:  # a relative of someone else
        stranger = world.person.__class__.objects.create(
            identity_number="195001010120", first_name="A", last_name="B", municipality=world.lulea
        )
        chosen.relatives[0].person = stranger
        chosen.relatives[0].save()
        code = "invalid_participant"
    with pytest.raises(ServiceError) as caught:
        invitations_acts.send_invitation(
            world.actor(world.alice), consented.pk, details(), chosen, True
        )
    assert caught.value.code == code
    assert not Meeting.objects.exists()


def test_only_the_coordinators_unit_invites_changes_cancels_and_records(
    world: World, invited: Meeting
) -> None:
    bob = world.actor(world.bob)
    case = invited.case_id
    for act in [
        lambda: invitations_acts.send_invitation(
            bob, case, details(), Invitees(individual=True), True
        ),
        lambda: invitations_acts.change_invitation(
            bob, case, invited.pk, 1, details(place="Annat")
        ),
        lambda: invitations_acts.cancel_invitation(bob, case, invited.pk, 1),
        lambda: meetings_acts.record_meeting(bob, case, invited.pk, 1, {}, "A", "B"),
    ]:
        with pytest.raises(Forbidden):
            act()


def test_change_raises_the_sequence_and_asks_the_recipients_again(
    world: World, invited: Meeting
) -> None:
    invitation_answers_acts.answer(world.actor(world.bob), bobs(invited, world).pk, "accepted")
    later = details().starts_at + dt.timedelta(days=1)
    changed = invitations_acts.change_invitation(
        world.actor(world.alice),
        invited.case_id,
        invited.pk,
        invited.version,
        details(starts_at=later, ends_at=later + dt.timedelta(hours=1)),
    )
    assert (changed.sequence, changed.version, changed.starts_at) == (1, 2, later)
    delivery = bobs(invited, world)
    assert delivery.acknowledged_at is None and delivery.answer == ""
    assert Case.objects.get(pk=invited.case_id).events.get(kind="invitation_changed").data[
        "changed"
    ] == ["ends_at", "starts_at"]


def test_a_stale_change_is_refused_and_the_other_kept(world: World, invited: Meeting) -> None:
    alice = world.actor(world.alice)
    invitations_acts.change_invitation(
        alice, invited.case_id, invited.pk, 1, details(place="Rum 5")
    )
    with pytest.raises(Conflict):
        invitations_acts.change_invitation(
            alice, invited.case_id, invited.pk, 1, details(place="Rum 6")
        )
    with pytest.raises(Conflict):
        invitations_acts.cancel_invitation(alice, invited.case_id, invited.pk, 1)
    invited.refresh_from_db()
    assert (invited.place, invited.cancelled_at) == ("Rum 5", None)


def test_cancelling_asks_for_acknowledgement_and_stops_answers(
    world: World, invited: Meeting
) -> None:
    delivery = bobs(invited, world)
    invitation_answers_acts.acknowledge(world.actor(world.bob), delivery.pk)
    invitations_acts.cancel_invitation(
        world.actor(world.alice), invited.case_id, invited.pk, 1, "Sjuk"
    )
    delivery.refresh_from_db()
    assert delivery.acknowledged_at is None
    with pytest.raises(ServiceError) as caught:
        invitation_answers_acts.answer(world.actor(world.bob), delivery.pk, "accepted")
    assert caught.value.code == "cancelled"
    invitation_answers_acts.acknowledge(
        world.actor(world.bob), delivery.pk
    )  # read the cancellation


# Answers (SIP-6, MSG-2) --------------------------------------------------------------------------


def test_acknowledgement_records_who_and_when_and_lateness(world: World, invited: Meeting) -> None:
    """MSG-2; seed 004 line 66: "Kvitterar kallelse"."""
    delivery = bobs(invited, world)
    assert delivery.due_at is not None
    with time_machine.travel(delivery.due_at + dt.timedelta(minutes=1), tick=False):
        invitation_answers_acts.acknowledge(world.actor(world.bob), delivery.pk)
    delivery.refresh_from_db()
    assert delivery.acknowledged_by == world.bob
    assert delivery.acknowledged_at == delivery.due_at + dt.timedelta(minutes=1)
    event = Case.objects.get(pk=invited.case_id).events.get(kind="invitation_acknowledged")
    assert event.data["late"] is True
    with pytest.raises(ServiceError) as again:
        invitation_answers_acts.acknowledge(world.actor(world.bob), delivery.pk)
    assert again.value.code == "already_acknowledged"


@pytest.mark.parametrize(
    ("answer", "reason", "code"),
    [
        # Seed 004 lines 66-67: "nekar eller accepterar kallelse"; seed 002 line 140: absence
        # "måste meddelas till den som kallat".
        ("declined", "", "reason_required"),
        ("declined", "   ", "reason_required"),
        ("maybe", "", "invalid_answer"),
        ("declined", "Ingen insats hos oss", None),
        ("accepted", "", None),
    ],
)
def test_answers(
    world: World, invited: Meeting, answer: str, reason: str, code: str | None
) -> None:
    delivery = bobs(invited, world)
    act = lambda: invitation_answers_acts.answer(  # noqa: E731
        world.actor(world.bob), delivery.pk, answer, reason
    )
    if code:
        with pytest.raises(ServiceError) as caught:
            act()
        assert caught.value.code == code
        delivery.refresh_from_db()
        assert (delivery.answer, delivery.acknowledged_at) == ("", None)
    else:
        act()
        delivery.refresh_from_db()
        assert (delivery.answer, delivery.answer_reason) == (answer, reason)
        assert delivery.answered_by == world.bob
        assert delivery.acknowledged_at is not None  # an answer shows it was read


def test_forwarding_a_wrongly_addressed_invitation(world: World, invited: Meeting) -> None:
    """Seed 002 line 140: the invited unit must "förmedla kallelsen till rätt vårdnivå/enhet om
    den hamnat fel"."""
    original = bobs(invited, world)
    new = invitation_answers_acts.forward(world.actor(world.bob), original.pk, world.ward.pk)
    original.refresh_from_db()
    assert original.forwarded_to == new and original.acknowledged_by == world.bob
    assert (new.unit, new.mode, new.acknowledged_at) == (world.ward, "ack", None)
    assert new.participant.meeting == invited
    ward = world.actor(world.bob, world.ward)
    assert Case.objects.visible_to(ward).filter(pk=invited.case_id).exists()
    assert Case.objects.visible_to(world.actor(world.bob)).filter(pk=invited.case_id).exists()
    assert [p.unit for p in meetings_acts.expected(invited) if p.kind == "unit"] == [
        world.owner_unit,
        world.ward,
    ]
    with pytest.raises(ServiceError) as twice:
        invitation_answers_acts.forward(world.actor(world.bob), original.pk, world.ward.pk)
    assert twice.value.code == "forwarded"


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ("participant_unit", "invalid_unit"),  # itself
        ("owner_unit", "invalid_unit"),  # the coordinator's unit
        ("unconnected", "invalid_unit"),  # outside the system: the coordinator sends a letter
        ("already", "already_invited"),
        ("outside_consent", "outside_consent"),
    ],
)
def test_bad_forwards_are_refused(world: World, sip: Case, target: str, code: str) -> None:
    units: list[Unit] = [world.participant_unit]
    give_consent(world, sip, units=[world.participant_unit, world.ward])
    if target == "already":
        units.append(world.ward)
    meeting = invite(world, sip, units=units)
    unit = {
        "participant_unit": world.participant_unit,
        "owner_unit": world.owner_unit,
        "unconnected": Unit.objects.create(
            principal=world.lulea, code="x", name="X", kind="external", connected=False
        ),
        "already": world.ward,
        "outside_consent": Unit.objects.create(
            principal=world.lulea, code="y", name="Luleå hemtjänst", kind="home_care_service"
        ),
    }[target]
    with pytest.raises(ServiceError) as caught:
        invitation_answers_acts.forward(world.actor(world.bob), bobs(meeting, world).pk, unit.pk)
    assert caught.value.code == code
    assert bobs(meeting, world).forwarded_to is None


@pytest.mark.parametrize(("user", "error"), [("alice", Forbidden), ("charlie", NotFound)])
def test_a_unit_acts_only_on_its_own_invitation(
    world: World, invited: Meeting, user: str, error: type[ServiceError]
) -> None:
    """Alice's unit sees the case but the delivery is bob's: refused. Charlie sees nothing."""
    actor = world.actor(getattr(world, user))
    pk = bobs(invited, world).pk
    for act in [
        lambda: invitation_answers_acts.acknowledge(actor, pk),
        lambda: invitation_answers_acts.answer(actor, pk, "accepted"),
        lambda: invitation_answers_acts.forward(actor, pk, world.ward.pk),
    ]:
        with pytest.raises(error):
            act()
    delivery = bobs(invited, world)
    assert (delivery.acknowledged_at, delivery.answer, delivery.forwarded_to) == (None, "", None)


# Meeting record (SIP-8) --------------------------------------------------------------------------


def record(world: World, meeting: Meeting, **extra: Any) -> Meeting:
    meeting.refresh_from_db()
    args: dict[str, Any] = {
        "attendance": attendance(meeting),
        "chair": "Karin Holm",
        "documenter": "Lena Björk",
        **extra,
    }
    with time_machine.travel(meeting.starts_at + dt.timedelta(minutes=50), tick=False):
        return meetings_acts.record_meeting(
            world.actor(world.alice), meeting.case_id, meeting.pk, meeting.version, **args
        )


def test_recording_meets_the_meeting_deadline_and_starts_the_plans(
    world: World, invited: Meeting
) -> None:
    """SIP-10, seed 001 lines 516-517 and seed 002 line 251: plan documented and handed over
    within three days of the meeting."""
    recorded = record(world, invited)
    assert recorded.held and recorded.recorded_by == world.alice
    case = Case.objects.get(pk=invited.case_id)
    assert case.obligations.get(kind=Obligation.Kind.SIP_MEETING).met_at == invited.starts_at
    day = timezone.localtime(invited.starts_at).date()
    for kind in (Obligation.Kind.PLAN_DOCUMENTED, Obligation.Kind.PLAN_HANDED_OVER):
        obligation = case.obligations.get(kind=kind)
        assert obligation.unit == world.owner_unit
        assert timezone.localtime(obligation.due_at).date() == day + dt.timedelta(days=4)
    assert case.events.filter(kind="meeting_recorded").exists()
    # A correction keeps the plan's deadlines as they are.
    record(world, recorded, chair="Johan Ek")
    assert case.obligations.filter(kind=Obligation.Kind.PLAN_DOCUMENTED).count() == 1
    assert case.events.filter(kind="meeting_record_corrected").exists()


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"chair": " "}, "required"),
        ({"documenter": ""}, "required"),
        ({"attendance": {}}, "attendance_required"),
    ],
)
def test_bad_records_are_refused(
    world: World, invited: Meeting, extra: dict[str, Any], code: str
) -> None:
    with pytest.raises(ServiceError) as caught:
        record(world, invited, **extra)
    assert caught.value.code == code
    invited.refresh_from_db()
    assert not invited.held and not Deviation.objects.exists()


def test_a_meeting_cannot_be_recorded_before_it_starts_or_twice_from_one_version(
    world: World, invited: Meeting
) -> None:
    with pytest.raises(ServiceError) as early:
        meetings_acts.record_meeting(
            world.actor(world.alice), invited.case_id, invited.pk, 1, attendance(invited), "A", "B"
        )
    assert early.value.code == "not_started"
    record(world, invited)
    with (
        time_machine.travel(invited.starts_at + dt.timedelta(hours=2), tick=False),
        pytest.raises(Conflict),
    ):
        meetings_acts.record_meeting(
            world.actor(world.alice), invited.case_id, invited.pk, 1, attendance(invited), "C", "D"
        )
    invited.refresh_from_db()
    assert invited.chair == "Karin Holm"


@pytest.mark.parametrize(
    ("form", "professional", "warning"),
    [
        # Seed 000 line 212: "Om mötet sker digitalt ska minst en profession från region eller
        # kommun delta fysisk med den enskilde": warn, don't block.
        ("in_person", False, False),
        ("video", False, True),
        ("video", True, False),
        ("phone", False, True),
        ("phone", True, False),
    ],
)
def test_digital_meeting_without_a_professional_with_the_individual_warns(
    world: World, consented: Case, form: str, professional: bool, warning: bool
) -> None:
    meeting = invite(
        world,
        consented,
        form=form,
        video_link="https://möte.example/sip",
        phone_number="0920-100 00",
        phone_code="4711",
    )
    recorded = record(world, meeting, professional_with_individual=professional)
    assert recorded.held
    assert meetings_acts.lacks_professional_with_individual(recorded) is warning
    event = consented.events.get(kind="meeting_recorded")
    assert event.data["no_professional_with_individual"] is warning


@pytest.mark.parametrize(
    ("who", "attended", "concerned"),
    [
        # Seed 002 line 226: "Om någon kallad uteblir utan att meddelat sin frånvaro, ska det
        # rapporteras som en avvikelser av den som kallat till mötet."
        ("unit", "absent", "participant_unit"),
        ("individual", "absent", None),
        ("unit", "absent_notified", "none"),
        ("unit", "video", "none"),
    ],
)
def test_a_no_show_without_notice_suggests_a_deviation(
    world: World, invited: Meeting, who: str, attended: str, concerned: str | None
) -> None:
    key = f"unit_{world.participant_unit.pk}" if who == "unit" else who
    record(world, invited, attendance=attendance(invited, **{key: attended}))
    suggestions = list(Deviation.objects.all())
    if concerned == "none":
        assert suggestions == []
        return
    [suggestion] = suggestions
    assert suggestion.reporting_unit == world.owner_unit
    assert suggestion.concerned_unit == (getattr(world, concerned) if concerned else None)
    assert suggestion.status == Deviation.Status.SUGGESTED
    assert suggestion.occurred_at == invited.starts_at
    # The individual is named by role only: the free text must not identify them (DEV-1).
    name = world.participant_unit.name if who == "unit" else "enskilde"
    assert name in suggestion.event and "Lundberg" not in suggestion.event
    assert f"{timezone.localtime(invited.starts_at):%Y-%m-%d %H:%M}" in suggestion.event
    # Correcting the record does not suggest it twice.
    record(world, invited, attendance=attendance(invited, **{key: attended}), chair="Ny")
    assert Deviation.objects.count() == 1


# Visibility and the access log (SEC-1, SEC-2) ----------------------------------------------------


def test_charlie_is_refused_every_act(world: World, invited: Meeting) -> None:
    charlie = world.actor(world.charlie)
    case, pk = invited.case_id, invited.pk
    for act in [
        lambda: assessment_acts.add_assessment(charlie, case, "health", "x"),
        lambda: invitations_acts.send_invitation(
            charlie, case, details(), Invitees(individual=True), True
        ),
        lambda: invitations_acts.change_invitation(charlie, case, pk, 1, details()),
        lambda: invitations_acts.cancel_invitation(charlie, case, pk, 1),
        lambda: meetings_acts.record_meeting(charlie, case, pk, 1, {}, "A", "B"),
    ]:
        with pytest.raises(NotFound):
            act()
    assert not invitation_answers_acts.invitations_page(charlie).object_list


def test_every_act_is_logged(world: World, invited: Meeting) -> None:
    """SEC-2: every read and change of personal data is logged."""
    delivery = bobs(invited, world)
    bob = world.actor(world.bob)
    invitation_answers_acts.acknowledge(bob, delivery.pk)
    invitation_answers_acts.answer(bob, delivery.pk, "accepted")
    assessment_acts.add_assessment(bob, invited.case_id, "health", "Trött.")
    invitation_answers_acts.invitations_page(bob)
    record(world, invited)
    logged = set(AccessLog.objects.filter(person=world.person).values_list("what", flat=True))
    assert {
        "sip.invite",
        "sip.ack",
        "sip.answer",
        "sip.assessment",
        "sip.invitations.read",
        "sip.record_meeting",
    } <= logged


# The case page ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("user", "status"), [("alice", 200), ("bob", 200), ("charlie", 404)])
def test_case_page_shows_meetings_and_answers(
    login: Any, world: World, invited: Meeting, user: str, status: int
) -> None:
    invitation_answers_acts.answer(
        world.actor(world.bob), bobs(invited, world).pk, "declined", "Ingen insats"
    )
    assessment_acts.add_assessment(
        world.actor(world.bob), invited.case_id, "finances", "God man finns."
    )
    response = login(getattr(world, user)).get(reverse("sip:case", args=[invited.case_id]))
    assert response.status_code == status
    read = AccessLog.objects.filter(user=getattr(world, user), what="sip.read", person=world.person)
    assert read.exists() is (status == 200)  # SEC-2: the read is logged
    page = response.content.decode()
    for text in ["Ingen insats", "God man finns.", "Hertsöns hälsocentral, rum 4"]:
        assert (text in page) is (status == 200)
    if user == "alice":
        assert reverse("sip:record-meeting", args=[invited.case_id, invited.pk]) not in page
        assert reverse("sip:change-invitation", args=[invited.case_id, invited.pk]) in page
    if user == "bob":
        assert reverse("sip:invite", args=[invited.case_id]) not in page


@pytest.mark.parametrize(
    "name",
    [
        "sip:assessment",
        "sip:invite",
        "sip:change-invitation",
        "sip:cancel-invitation",
        "sip:record-meeting",
    ],
)
def test_charlie_gets_404_from_every_case_form(
    login: Any, world: World, invited: Meeting, name: str
) -> None:
    args = (
        [invited.case_id]
        if name in ("sip:assessment", "sip:invite")
        else [
            invited.case_id,
            invited.pk,
        ]
    )
    response = login(world.charlie).post(reverse(name, args=args), {"area": "health"})
    assert response.status_code == 404
    assert world.person.last_name not in response.content.decode()


@pytest.mark.parametrize("name", ["sip:ack", "sip:answer", "sip:forward"])
@pytest.mark.parametrize("back", ["case", "inbox"])
def test_charlie_gets_404_from_every_invitation_form(
    login: Any, world: World, invited: Meeting, name: str, back: str
) -> None:
    """SEC-1: the invitation forms find the case of a delivery only through the choke point,
    so charlie gets a 404 even when his form is invalid, never his own list as a 400."""
    delivery = bobs(invited, world)
    response = login(world.charlie).post(reverse(name, args=[delivery.pk]), {"back": back})
    assert response.status_code == 404
    assert world.person.last_name not in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.acknowledged_at is None and delivery.forwarded_to_id is None


def form_data(**extra: Any) -> dict[str, Any]:
    starts = details().starts_at
    return {
        "purpose": "establish",
        "form": "in_person",
        "date": starts.date().isoformat(),
        "starts": "10:00",
        "ends": "11:00",
        "place": "Hertsöns hälsocentral",
        "individual": "on",
        "consent_confirmed": "on",
        "external-TOTAL_FORMS": "2",
        "external-INITIAL_FORMS": "0",
        **extra,
    }


def test_invitation_form(login: Any, world: World, consented: Case) -> None:
    client = login(world.alice)
    url = reverse("sip:invite", args=[consented.pk])
    bad = client.post(url, form_data(form="video", units=[world.participant_unit.pk]))
    assert bad.status_code == 400
    assert "https://" in bad.content.decode()  # the message names what a link looks like
    assert not Meeting.objects.exists()
    late = client.post(url, form_data(ends="09:00"))
    assert late.status_code == 400 and not Meeting.objects.exists()
    good = client.post(
        url,
        form_data(
            units=[world.participant_unit.pk],
            **{
                "external-0-name": "Arbetsförmedlingen",
                "external-0-street": "Storgatan 9",
                "external-0-postal_code": "972 31",
                "external-0-city": "Luleå",
            },
        ),
    )
    meeting = Meeting.objects.get()
    assert good.status_code == 302
    assert good["Location"].endswith(f"#meeting-{meeting.pk}")
    assert meeting.participants.filter(kind="external", name="Arbetsförmedlingen").exists()
    assert login(world.bob).post(url, form_data()).status_code == 403


def test_record_form_warns_and_shows_the_suggested_deviation(
    login: Any, world: World, consented: Case
) -> None:
    meeting = invite(world, consented, form="video", video_link="https://möte.example/sip")
    prefix = f"m{meeting.pk}"
    data = {f"{prefix}-version": "1", f"{prefix}-chair": "Karin", f"{prefix}-documenter": "Lena"}
    for p in meetings_acts.expected(meeting):
        data[f"{prefix}-attendance_{p.pk}"] = (
            "absent" if p.unit == world.participant_unit else "video"
        )
    url = reverse("sip:record-meeting", args=[consented.pk, meeting.pk])
    with time_machine.travel(meeting.starts_at + dt.timedelta(minutes=5), tick=False):
        client = login(world.alice)  # the session would have timed out since sending
        missing = client.post(url, {**data, f"{prefix}-chair": ""})
        assert missing.status_code == 400 and not Deviation.objects.exists()
        done = client.post(url, data, follow=True)
        stale = client.post(url, data)
    assert stale.status_code == 409
    page = done.content.decode()
    assert done.status_code == 200
    assert "Varning" in page or "Warning" in page
    assert page.count('class="warning"') == 1
    assert 'class="message warning"' in page
    assert Deviation.objects.get().concerned_unit == world.participant_unit
    assert world.participant_unit.name in page and 'id="deviations-h"' in page


@pytest.mark.parametrize(("minutes", "early"), [(5, True), (59, True), (60, False), (90, False)])
def test_a_meeting_can_be_recorded_from_its_start_with_a_warning_before_its_end(
    login: Any, world: World, invited: Meeting, minutes: int, early: bool
) -> None:
    """Issue 18 item 8: a meeting that ended early may be recorded at once, but the form says
    when it is booked until, and recording it before then is pointed out."""
    prefix = f"m{invited.pk}"
    data = {f"{prefix}-version": "1", f"{prefix}-chair": "Karin", f"{prefix}-documenter": "Lena"}
    for p in meetings_acts.expected(invited):
        data[f"{prefix}-attendance_{p.pk}"] = "in_person"
    with time_machine.travel(invited.starts_at + dt.timedelta(minutes=minutes), tick=False):
        client = login(world.alice)
        form = client.get(reverse("sip:case", args=[invited.case_id])).content.decode()
        assert (f'id="meeting-{invited.pk}-early"' in form) is early
        done = client.post(
            reverse("sip:record-meeting", args=[invited.case_id, invited.pk]), data, follow=True
        )
    page = done.content.decode()
    assert done.status_code == 200 and "Mötet är dokumenterat" in page
    assert ("dokumenterades före sin bokade sluttid (11:00)" in page) is early
    assert f'id="meeting-{invited.pk}-early"' not in page  # held: no longer asked


def test_the_case_page_needs_no_query_per_meeting(
    login: Any, world: World, invited: Meeting
) -> None:
    client = login(world.alice)
    url = reverse("sip:case", args=[invited.case_id])
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(4):
        invite(
            world, Case.objects.get(pk=invited.case_id), units=[world.participant_unit, world.ward]
        )
    with CaptureQueriesContext(connection) as five:
        assert client.get(url).content.decode().count('class="card meeting"') == 5
    assert len(five) == len(one)


def test_a_childs_assessment_asks_for_the_childs_view(login: Any, world: World, sip: Case) -> None:
    """Seed 002 line 199: "Om kartläggning av insatser avser ett barn skall barnets inställning
    till samordningen så långt det är möjligt klargöras."""
    child = Person.objects.create(
        identity_number=valid_identity_number("20150612", 42),
        first_name="Liv",
        last_name="Lundberg",
        municipality=world.lulea,
        registered_by_unit=world.owner_unit,
    )
    case = case_acts.open_case(
        world.actor(world.alice), child.identity_number, "outpatient", timezone.now()
    )
    client = login(world.alice)
    hint = 'class="help child-view"'
    assert hint in client.get(reverse("sip:case", args=[case.pk])).content.decode()
    assert hint not in client.get(reverse("sip:case", args=[sip.pk])).content.decode()
