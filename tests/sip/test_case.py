"""Opening, consent, coordinator change and closure of a SIP (SIP-1..3, SIP-7, SIP-13, CON-1..3,
PER-4), with the three test users."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from samordna.audit.models import AccessLog
from samordna.cases import services as cases
from samordna.cases.acts import touch
from samordna.cases.models import Case, Obligation
from samordna.discharge.services import stays as stays_acts
from samordna.errors import Conflict, Forbidden, NotFound, ServiceError
from samordna.organisations.models import Membership
from samordna.people.models import Person, Relative
from samordna.sip.models import Consent, SipCase
from samordna.sip.services import case as case_acts
from samordna.sip.services import consent as consent_acts
from tests.conftest import World, make_user, valid_identity_number
from tests.discharge.conftest import stay_data
from tests.sip.conftest import consent_to

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=STOCKHOLM)


def consent(world: World, **extra: object) -> dict[str, object]:
    return {
        "decision": "given",
        "giver": "individual",
        "giver_name": "Sture Lundberg",
        "form": "oral",
        "given_at": timezone.now() - dt.timedelta(minutes=5),
        "units": [world.participant_unit],
        **extra,
    }


def test_opener_becomes_coordinator_and_the_unit_takes_part(world: World, sip: Case) -> None:
    coordinator = case_acts.current_coordinator(sip)
    assert coordinator is not None
    assert (coordinator.user, coordinator.unit) == (world.alice, world.owner_unit)
    assert sip.owner_unit == world.owner_unit
    assert Case.objects.visible_to(world.actor(world.alice)).filter(pk=sip.pk).exists()
    assert sip.events.get().kind == "opened"


def test_a_sip_is_opened_from_the_identity_number_never_from_a_guessed_id(world: World) -> None:
    """SEC-1: charlie's unit sees nothing of world.person. An id it guessed opens nothing (and
    so gives it nothing to see); the exact identity number, the lookup's door, does."""
    world.case.closed_at = timezone.now()
    world.case.close_reason = Case.CloseReason.OTHER
    world.case.save()
    touch(world.case.pk)  # closed by hand: the read model follows
    charlie = world.actor(world.charlie)
    with pytest.raises(NotFound):
        case_acts.open_case(charlie, str(world.person.pk), "outpatient", timezone.now())
    assert not Case.objects.active().filter(person=world.person).exists()
    assert not Person.objects.visible_to(charlie).exists()
    case = case_acts.open_case(charlie, world.person.identity_number, "outpatient", timezone.now())
    assert case.person == world.person and case.owner_unit == world.unrelated_unit


def test_a_second_active_sip_is_refused_by_the_database(world: World, sip: Case) -> None:
    """SIP-3, seed 000: "Ett SIP ärende åt gången kan vara aktivt per person."""
    consent_to(world, sip)
    with pytest.raises(Conflict) as caught:
        case_acts.open_case(
            world.actor(world.bob), world.person.identity_number, "outpatient", timezone.now()
        )
    assert caught.value.code == "active_sip_exists"
    assert str(sip.pk) in caught.value.message  # bob's unit sees the case: it is named
    with pytest.raises(Conflict) as hidden:
        case_acts.open_case(
            world.actor(world.charlie), world.person.identity_number, "outpatient", timezone.now()
        )
    assert str(sip.pk) not in hidden.value.message  # charlie may not learn which case
    # The invariant holds without the service too.
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(
            person=world.person, kind="sip", owner_unit=world.ward, opened_by=world.bob
        )


def test_a_stay_may_run_beside_the_sip(world: World, sip: Case) -> None:
    """Seed 000: "En person kan ha både ett pågående SVU ärende … och ett SIP ärende". A ward
    registers a stay while the SIP is active; both stay active, the SIP untouched."""
    nurse = make_user("wanda", world.ward, Membership.Role.NURSE)
    stay = stays_acts.register_stay(
        world.actor(nurse, world.ward), world.person.identity_number, stay_data()
    )
    active = Case.objects.active().filter(person=world.person)
    assert sorted(active.values_list("pk", "kind")) == sorted(
        [(sip.pk, Case.Kind.SIP), (stay.pk, Case.Kind.DISCHARGE)]
    )
    coordinator = case_acts.current_coordinator(sip)
    assert coordinator is not None and coordinator.user == world.alice
    assert list(sip.events.values_list("kind", flat=True)) == ["opened"]


@pytest.mark.parametrize(
    ("need_known", "type", "due"),
    [
        # Seed 001 lines 389-391: invitation within three working days of the need.
        ("2026-11-20 10:00", "outpatient", "2026-11-26 00:00"),  # Fri -> end of Wed
        ("2026-04-02 09:00", "outpatient", "2026-04-10 00:00"),  # Maundy Thu, Easter -> end of Thu
        ("2026-06-18 15:00", "actor_meeting", "2026-06-25 00:00"),  # Midsummer Eve skipped: Mon-Wed
        # Seed 002 line 156: after discharge, within three (calendar) days of the ready notice.
        ("2026-12-23 11:00", "after_discharge", "2026-12-27 00:00"),
    ],
)
def test_invitation_deadline_is_stored_on_the_case(
    world: World, need_known: str, type: str, due: str
) -> None:
    world.case.closed_at = timezone.now()
    world.case.close_reason = "other"
    world.case.save()
    touch(world.case.pk)  # closed by hand: the read model follows
    with time_machine.travel(at(need_known) + dt.timedelta(hours=1), tick=False):
        case = case_acts.open_case(
            world.actor(world.alice), world.person.identity_number, type, at(need_known)
        )
    obligation = case.obligations.get(kind=Obligation.Kind.SIP_INVITATION)
    assert obligation.due_at == at(due)
    assert obligation.unit == world.owner_unit


def test_outpatient_meeting_deadline_is_21_days_after_the_need(world: World, sip: Case) -> None:
    """Seed 001 line 391-392: "Själva mötet bör äga rum inom 3-21 dagar." """
    meeting = sip.obligations.get(kind=Obligation.Kind.SIP_MEETING)
    need = timezone.localtime(sip.sip.need_known_at).date()
    assert timezone.localtime(meeting.due_at).date() == need + dt.timedelta(days=22)


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("type", "weekly", "invalid_type"),
        ("need_known_at", "future", "future_date"),
    ],
)
def test_opening_with_bad_input_stores_nothing(
    world: World, field: str, value: str, code: str
) -> None:
    args = {"type": "outpatient", "need_known_at": timezone.now()}
    args[field] = timezone.now() + dt.timedelta(days=1) if value == "future" else value
    before = Case.objects.count()
    with pytest.raises(ServiceError) as caught:
        case_acts.open_case(
            world.actor(world.bob),
            world.person.identity_number,
            str(args["type"]),
            args["need_known_at"],
        )  # type: ignore[arg-type]
    assert caught.value.code == code
    assert Case.objects.count() == before


def test_consent_given_is_recorded_with_scope(world: World, sip: Case) -> None:
    # The coordinator records it: before consent only the coordinator's unit sees the case.
    recorded = consent_acts.record_consent(world.actor(world.alice), sip.pk, consent(world))
    assert recorded.in_force
    assert list(recorded.units.all()) == [world.participant_unit]
    assert sip.events.filter(kind="consent_given").exists()


def test_refusal_closes_the_case(world: World, sip: Case) -> None:
    """Seed 000: a refusal is recorded; the case goes no further."""
    consent_acts.record_consent(
        world.actor(world.alice), sip.pk, consent(world, decision="refused")
    )
    sip.refresh_from_db()
    assert sip.close_reason == Case.CloseReason.CONSENT_REFUSED
    assert not sip.obligations.filter(met_at__isnull=True, cancelled_at__isnull=True).exists()


def test_withdrawal_closes_the_plan(world: World, sip: Case) -> None:
    """CON-2, seed 000: consent can be withdrawn at any time; the plan is closed."""
    consent_acts.record_consent(world.actor(world.alice), sip.pk, consent(world))
    consent_acts.withdraw_consent(world.actor(world.bob), sip.pk)
    sip.refresh_from_db()
    assert sip.close_reason == Case.CloseReason.CONSENT_WITHDRAWN
    assert Consent.objects.get(case=sip).withdrawn_by == world.bob
    with pytest.raises(ServiceError) as caught:
        consent_acts.record_consent(world.actor(world.alice), sip.pk, consent(world))
    assert caught.value.code == "case_closed"


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"decision": "maybe"}, "invalid_decision"),
        ({"giver": "neighbour"}, "invalid_giver"),
        ({"form": "telepathy"}, "invalid_form"),
        ({"giver_name": " "}, "required"),
        ({"given_at": "tomorrow"}, "invalid_time"),
    ],
)
def test_bad_consent_is_refused(
    world: World, sip: Case, extra: dict[str, object], code: str
) -> None:
    with pytest.raises(ServiceError) as caught:
        consent_acts.record_consent(world.actor(world.alice), sip.pk, consent(world, **extra))
    assert caught.value.code == code
    assert not sip.consents.exists()


def child_sip(world: World) -> Case:
    child = Person.objects.create(
        identity_number=valid_identity_number("20150612", 42),
        first_name="Liv",
        last_name="Lundberg",
        municipality=world.lulea,
        registered_by_unit=world.owner_unit,
    )
    Relative.objects.create(person=child, name="Sture Lundberg", relation="pappa", is_guardian=True)
    return case_acts.open_case(
        world.actor(world.alice), child.identity_number, "outpatient", timezone.now()
    )


def test_a_child_cannot_consent_alone_and_the_childs_view_is_required(world: World) -> None:
    """CON-3, seeds 000 and 002: guardians consent; the child's own view is recorded."""
    case = child_sip(world)
    actor = world.actor(world.alice)
    with pytest.raises(ServiceError) as caught:
        consent_acts.record_consent(actor, case.pk, consent(world, giver="individual"))
    assert caught.value.code == "child_consent"
    with pytest.raises(ServiceError) as caught:
        consent_acts.record_consent(actor, case.pk, consent(world, giver="guardians"))
    assert caught.value.code == "child_view_required"
    consent_acts.record_consent(
        actor, case.pk, consent(world, giver="guardians", child_view="Vill vara med")
    )


@pytest.mark.parametrize(("county", "kept"), [("norrbotten", False), ("gavleborg", True)])
def test_childrens_consent_giver_is_kept_only_where_the_county_keeps_it(
    world: World, county: str, kept: bool
) -> None:
    """CON-3: seed 001 keeps children's consent outside the system."""
    world.county.rules = world.county.default_rules_for(county)
    world.county.save()
    case = child_sip(world)
    given = consent_acts.record_consent(
        world.actor(world.alice),
        case.pk,
        consent(world, giver="guardians", child_view="Vill vara med"),
    )
    assert (given.giver_name != "") is kept


def test_coordinator_change_keeps_history_and_moves_deadlines(world: World, sip: Case) -> None:
    """SIP-2, seeds 000 and 004: the change is recorded with who, when and why."""
    consent_to(world, sip, world.owner_unit, world.participant_unit)
    case_acts.change_coordinator(
        world.actor(world.alice),
        sip.pk,
        world.bob.pk,
        world.participant_unit.pk,
        "Beslut vid första mötet",
    )
    sip.refresh_from_db()
    history = list(sip.coordinators.order_by("assumed_at"))
    assert [(c.user, c.renounced_at is None) for c in history] == [
        (world.alice, False),
        (world.bob, True),
    ]
    assert history[1].reason == "Beslut vid första mötet" and history[1].assigned_by == world.alice
    assert sip.owner_unit == world.participant_unit
    assert (
        sip.obligations.get(kind="sip_invitation", cancelled_at__isnull=True).unit
        == world.participant_unit
    )
    # Alice's unit still takes part, now as a participant the consent names.
    assert Case.objects.visible_to(world.actor(world.alice)).filter(pk=sip.pk).exists()


@pytest.mark.parametrize(
    ("who", "reason", "code"),
    [
        ("bob", "", "required"),
        ("charlie", "Byte", "unit_not_participating"),
        ("alice", "Byte", "same_coordinator"),
    ],
)
def test_bad_coordinator_change_is_refused(
    world: World, sip: Case, who: str, reason: str, code: str
) -> None:
    user = getattr(world, who)
    unit = user.memberships.first().unit
    with pytest.raises(ServiceError) as caught:
        case_acts.change_coordinator(world.actor(world.alice), sip.pk, user.pk, unit.pk, reason)
    assert caught.value.code == code
    assert sip.coordinators.count() == 1


def test_only_the_coordinators_unit_closes(world: World, sip: Case) -> None:
    consent_to(world, sip)
    with pytest.raises(Forbidden):
        case_acts.close_case(world.actor(world.bob), sip.pk, "goals_met")
    with pytest.raises(ServiceError) as caught:
        case_acts.close_case(world.actor(world.alice), sip.pk, "other", "")
    assert caught.value.code == "required"
    case_acts.close_case(world.actor(world.alice), sip.pk, "goals_met")
    sip.refresh_from_db()
    assert sip.close_reason == "goals_met"


def test_death_closes_every_active_case(world: World, sip: Case) -> None:
    """PER-4, seeds 000 and 001."""
    stay = Case.objects.create(
        person=world.person, kind="discharge", owner_unit=world.ward, opened_by=world.bob
    )
    closed = cases.register_death(world.actor(world.alice), world.person.pk, timezone.localdate())
    assert closed == 2
    for case in (sip, stay):
        case.refresh_from_db()
        assert case.close_reason == Case.CloseReason.DECEASED
    with pytest.raises(ServiceError) as caught:
        case_acts.open_case(
            world.actor(world.alice), world.person.identity_number, "outpatient", timezone.now()
        )
    assert caught.value.code == "deceased"


def test_unrelated_unit_is_refused_every_act(world: World, sip: Case) -> None:
    charlie = world.actor(world.charlie)
    for act in [
        lambda: case_acts.get(charlie, sip.pk),
        lambda: consent_acts.record_consent(charlie, sip.pk, consent(world)),
        lambda: consent_acts.withdraw_consent(charlie, sip.pk),
        lambda: case_acts.change_coordinator(
            charlie, sip.pk, world.charlie.pk, world.unrelated_unit.pk, "x"
        ),
        lambda: case_acts.close_case(charlie, sip.pk, "goals_met"),
        lambda: cases.register_death(charlie, world.person.pk, timezone.localdate()),
    ]:
        with pytest.raises(NotFound):
            act()
    sip.refresh_from_db()
    assert sip.is_active and not sip.consents.exists()


@pytest.mark.parametrize(("user", "status"), [("alice", 200), ("bob", 200), ("charlie", 404)])
def test_case_page(login, world: World, sip: Case, user: str, status: int) -> None:  # type: ignore[no-untyped-def]
    consent_to(world, sip)
    response = login(getattr(world, user)).get(reverse("sip:case", args=[sip.pk]))
    assert response.status_code == status
    logged = AccessLog.objects.filter(user=getattr(world, user), what="sip.read").exists()
    assert logged is (status == 200)


# The need became known on 20 November, three days before: started before that date, a
# hard-coded need date would lie in the future and be refused.
@time_machine.travel(dt.datetime(2026, 11, 23, 9, tzinfo=ZoneInfo("Europe/Stockholm")), tick=True)
def test_open_from_the_browser_form(login, world: World) -> None:  # type: ignore[no-untyped-def]
    world.case.closed_at = timezone.now()
    world.case.close_reason = "other"
    world.case.save()
    touch(world.case.pk)  # closed by hand: the read model follows
    client = login(world.charlie)  # any unit may open a SIP for a person it looked up by number
    url = reverse("sip:open") + f"?identity_number={world.person.identity_number}"
    bad = client.post(url, {"type": "outpatient", "need_known_at": "not a time"})
    assert bad.status_code == 400
    good = client.post(url, {"type": "outpatient", "need_known_at": "2026-11-20T10:00"})
    case = Case.objects.get(closed_at__isnull=True, kind="sip")
    assert good.status_code == 302 and good["Location"] == reverse("sip:case", args=[case.pk])
    assert case.sip.type == SipCase.Type.OUTPATIENT
    assert client.get(good["Location"]).status_code == 200


def test_consent_form_errors_are_shown_and_nothing_stored(login, world: World, sip: Case) -> None:  # type: ignore[no-untyped-def]
    response = login(world.alice).post(reverse("sip:consent", args=[sip.pk]), {"decision": "given"})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert not sip.consents.exists()


def test_death_from_the_person_page(login, world: World, sip: Case) -> None:  # type: ignore[no-untyped-def]
    client = login(world.bob)
    url = reverse("people:death", args=[world.person.pk])
    assert client.post(url, {"death-died_on": "not a date"}).status_code == 302
    assert Case.objects.get(pk=sip.pk).is_active  # bad date: nothing happened
    client.post(url, {"death-died_on": timezone.localdate().isoformat()})
    assert Case.objects.get(pk=sip.pk).close_reason == "deceased"
    assert login(world.charlie).post(url, {"death-died_on": "2026-01-01"}).status_code == 404


def test_person_page_lists_the_visible_cases_and_offers_to_open_a_sip(
    login, world: World, sip: Case
) -> None:  # type: ignore[no-untyped-def]
    consent_to(world, sip)
    html = login(world.bob).get(reverse("people:detail", args=[world.person.pk])).content.decode()
    assert reverse("sip:case", args=[sip.pk]) in html
    assert reverse("sip:open") in html


def test_a_refused_act_answers_403_with_the_message_and_changes_nothing(
    login, world: World, sip: Case
) -> None:  # type: ignore[no-untyped-def]
    consent_to(world, sip)
    response = login(world.bob).post(reverse("sip:close", args=[sip.pk]), {"reason": "goals_met"})
    assert response.status_code == 403
    assert "samordningsansvarigs enhet" in response.content.decode()
    sip.refresh_from_db()
    assert sip.is_active


# Who opens an SVP (SIP-16): tests/sip/test_svp.py.


def test_an_actor_meeting_invitation_does_not_offer_the_individual(login, world: World) -> None:  # type: ignore[no-untyped-def]
    """SIP-1, seed 001: the actor/planning meeting is held without the individual."""
    world.case.closed_at = timezone.now()
    world.case.close_reason = "other"
    world.case.save()
    touch(world.case.pk)  # closed by hand: the read model follows
    case = case_acts.open_case(
        world.actor(world.alice), world.person.identity_number, "actor_meeting", timezone.now()
    )
    html = login(world.alice).get(reverse("sip:case", args=[case.pk])).content.decode()
    assert 'name="individual"' not in html
    assert 'name="units"' in html
