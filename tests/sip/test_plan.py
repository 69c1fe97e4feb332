"""The plan's acts (SIP-9 to SIP-12, SIP-14, SIP-15, CON-3) with the three test users, and the
comparison of versions. Each rule cites the seed line it comes from."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from samordna.cases.acts import touch
from samordna.cases.models import Case, Event, Obligation
from samordna.errors import Conflict, Forbidden, NotFound, ServiceError
from samordna.people.models import Person
from samordna.sip.models import Evaluation, FollowUpComment, Meeting, PlanVersion
from samordna.sip.services import case as case_acts
from samordna.sip.services import consent as consent_acts
from samordna.sip.services import plan as plan_acts
from samordna.sip.services import plan_follow_up as plan_follow_up_acts
from samordna.sip.services.plan_compare import Item, Snapshot, compare, snapshot, word_diff
from tests.conftest import World, valid_identity_number
from tests.sip.plans import documented, draft, give_consent, written

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=STOCKHOLM)


def contents(case: Case, number: int) -> PlanVersion:
    return plan_acts.plan_version(case, number, contents=True)


def meeting(case: Case, starts: dt.datetime) -> Meeting:
    return Meeting.objects.create(
        case=case,
        purpose=Meeting.Purpose.FOLLOW_UP,
        form=Meeting.Form.IN_PERSON,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        held=True,
    )


# Starting and writing ----------------------------------------------------------------------------


def test_first_version_takes_the_individuals_wish_for_paper_or_digital(
    world: World, sip: Case
) -> None:
    Person.objects.filter(pk=world.person.pk).update(preferred_plan_format="digital")
    give_consent(world, sip)  # bob's unit sees the case once the consent names it
    started = plan_acts.start_version(world.actor(world.bob), sip.pk)
    assert (started.number, started.plan_format, started.documented_at) == (1, "digital", None)
    assert sip.events.filter(kind="plan_version_started").exists()


def test_any_unit_taking_part_writes_the_draft(world: World, sip: Case) -> None:
    """Seed 001 lines 516-517: the plan is "dokumenterad av deltagande aktörer"."""
    give_consent(world, sip)  # bob's unit sees the case once the consent names it
    started = plan_acts.start_version(world.actor(world.alice), sip.pk)
    saved = plan_acts.save_draft(world.actor(world.bob), sip.pk, 1, started.version, draft(world))
    plan_ = contents(sip, 1)
    assert saved.version == started.version + 1
    assert [g.text for g in plan_.goals.all()] == ["Klara morgonrutinerna", "Handla själv"]
    actions = list(plan_.actions.all())
    assert [a.responsible for a in actions] == ["unit", "individual", "relative", "external"]
    assert actions[0].responsible_unit == world.participant_unit
    assert actions[0].goal is not None and actions[0].goal.text == "Klara morgonrutinerna"
    assert actions[3].goal is None
    assert plan_.care_contacts.get().phone == "0920-123 45"
    assert sip.events.filter(kind="plan_saved", unit=world.participant_unit).exists()


def test_unrelated_unit_can_do_nothing_with_the_plan(world: World, sip: Case) -> None:
    """SEC-1: charlie's unit does not take part, so the case does not exist for it."""
    saved = written(world, sip)
    charlie = world.actor(world.charlie)
    for act in [
        lambda: plan_acts.start_version(charlie, sip.pk),
        lambda: plan_acts.save_draft(
            charlie, sip.pk, 1, saved.version, draft(world, main_goal="X")
        ),
        lambda: plan_follow_up_acts.mark_documented(charlie, sip.pk, 1, saved.version),
        lambda: plan_follow_up_acts.mark_handed_over(charlie, sip.pk, 1),
        lambda: plan_follow_up_acts.comment(
            charlie, sip.pk, 1, "X", goal_pk=saved.goals.first().pk
        ),
        lambda: plan_follow_up_acts.evaluate(
            charlie, sip.pk, 1, plan_follow_up_acts.Rating("met"), {}, True
        ),
    ]:
        with pytest.raises(NotFound):
            act()
    saved.refresh_from_db()
    assert saved.main_goal.startswith("Att kunna bo kvar")
    assert sip.plans.count() == 1 and not FollowUpComment.objects.exists()


def _action(world: World, **changes: object) -> plan_acts.ActionIn:
    base = plan_acts.ActionIn("Hemtjänst", "unit", "social_care", unit=world.participant_unit.pk)
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        (
            {"ends_on": dt.date(2026, 1, 1), "starts_on": dt.date(2026, 2, 1)},
            "end_before_start",
            "actions.0.ends_on",
        ),
        ({"responsible": "relative", "unit": None, "name": " "}, "required", "actions.0.name"),
        ({"responsible": "external", "unit": None}, "required", "actions.0.name"),
        ({"unit": "charlie"}, "unit_not_participating", "actions.0.unit"),
        ({"responsible": "neighbour"}, "invalid_responsible", "actions.0.responsible"),
        ({"care_type": "magic"}, "invalid_care_type", "actions.0.care_type"),
        ({"goal": 5}, "invalid_goal", "actions.0.goal"),
        ({"text": "  "}, "required", "actions.0.text"),
    ],
)
def test_bad_actions_are_refused_and_nothing_changes(
    world: World, sip: Case, change: dict[str, object], code: str, field: str
) -> None:
    """SEC-4. A unit answering for an action must take part in the case (SIP-9)."""
    saved = written(world, sip)
    if change.get("unit") == "charlie":
        change = {"unit": world.unrelated_unit.pk}
    bad = draft(world, actions=[_action(world, **change)])
    with pytest.raises(ServiceError) as caught:
        plan_acts.save_draft(world.actor(world.alice), sip.pk, 1, saved.version, bad)
    assert (caught.value.code, caught.value.field, caught.value.status) == (code, field, 400)
    after = contents(sip, 1)
    assert after.version == saved.version and after.actions.count() == 4


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"initiated_by": "x" * 201}, "initiated_by"),
        ({"plan_format": "fax"}, "plan_format"),
        ({"goals": [plan_acts.GoalIn("")]}, "goals.0.text"),
        ({"care_contacts": [plan_acts.ContactIn("Karin", "Hertsön", "")]}, "care_contacts.0.phone"),
    ],
)
def test_bad_fields_are_refused(
    world: World, sip: Case, changes: dict[str, object], field: str
) -> None:
    saved = written(world, sip)
    with pytest.raises(ServiceError) as caught:
        plan_acts.save_draft(
            world.actor(world.alice), sip.pk, 1, saved.version, draft(world, **changes)
        )
    assert caught.value.field == field
    assert contents(sip, 1).version == saved.version


def test_concurrent_edit_is_refused_and_the_first_write_kept(world: World, sip: Case) -> None:
    """Optimistic locking: alice and bob open version 1 at the same version; bob saves first,
    alice's save is refused with 409 and bob's text stays."""
    give_consent(world, sip)  # bob's unit sees the case once the consent names it
    started = plan_acts.start_version(world.actor(world.alice), sip.pk)
    plan_acts.save_draft(
        world.actor(world.bob), sip.pk, 1, started.version, draft(world, main_goal="Bobs text")
    )
    with pytest.raises(Conflict) as caught:
        plan_acts.save_draft(
            world.actor(world.alice), sip.pk, 1, started.version, draft(world, main_goal="Alice")
        )
    assert (caught.value.code, caught.value.status) == ("edit_conflict", 409)
    assert contents(sip, 1).main_goal == "Bobs text"
    assert sip.events.filter(kind="plan_saved").count() == 1


def test_saving_updates_items_by_id_and_removes_the_rest(world: World, sip: Case) -> None:
    saved = contents(sip, written(world, sip).number)
    goals = list(saved.goals.all())
    actions = list(saved.actions.all())
    changed = draft(
        world,
        goals=[
            plan_acts.GoalIn("Handla själv, två gånger i veckan", goals[1].id),
            plan_acts.GoalIn("Ny"),
        ],
        actions=[
            plan_acts.ActionIn(
                "Tar sitt insulin", "individual", "self_care", goal=0, id=actions[1].pk
            )
        ],
    )
    plan_acts.save_draft(world.actor(world.alice), sip.pk, 1, saved.version, changed)
    after = contents(sip, 1)
    kept_goal, new_goal = after.goals.all()
    assert (kept_goal.pk, kept_goal.uid) == (goals[1].pk, goals[1].uid)
    assert new_goal.pk not in {g.pk for g in goals}
    (action,) = after.actions.all()
    assert (action.pk, action.goal_id, action.text) == (
        actions[1].pk,
        goals[1].pk,
        "Tar sitt insulin",
    )


# Documenting --------------------------------------------------------------------------------------


def test_documenting_is_the_coordinators_and_makes_the_plan_read_only(
    world: World, sip: Case
) -> None:
    """SIP-10: "ansvar för detta har den samordningsansvarige" (seed 002 line 251)."""
    give_consent(world, sip)
    saved = written(world, sip)
    sip.obligations.create(unit=world.owner_unit, kind="plan_documented", due_at=timezone.now())
    with pytest.raises(Forbidden):
        plan_follow_up_acts.mark_documented(world.actor(world.bob), sip.pk, 1, saved.version)
    done = plan_follow_up_acts.mark_documented(world.actor(world.alice), sip.pk, 1, saved.version)
    assert done.documented_at is not None
    assert sip.obligations.get(kind="plan_documented").met_at is not None
    with pytest.raises(Conflict) as caught:
        plan_acts.save_draft(world.actor(world.bob), sip.pk, 1, done.version, draft(world))
    assert caught.value.code == "plan_documented"
    with pytest.raises(Conflict):
        plan_follow_up_acts.mark_documented(world.actor(world.alice), sip.pk, 1, done.version)


def test_documenting_what_someone_changed_since_is_refused(world: World, sip: Case) -> None:
    give_consent(world, sip)
    saved = written(world, sip)
    plan_acts.save_draft(world.actor(world.bob), sip.pk, 1, saved.version, draft(world))
    with pytest.raises(Conflict) as caught:
        plan_follow_up_acts.mark_documented(world.actor(world.alice), sip.pk, 1, saved.version)
    assert caught.value.code == "edit_conflict"
    assert contents(sip, 1).documented_at is None


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        # Seed 002 lines 233, 234 and 236, "4.8 Planens innehåll", points 2, 3 and 5.
        ({"initiated_by": ""}, "required", "initiated_by"),
        ({"main_goal": ""}, "main_goal_required", "main_goal"),
        ({"actions": []}, "actions_required", "actions"),
        # Seed 002 line 242, point 10: the date and who is responsible for the follow-up meeting.
        ({"follow_up_caller": ""}, "required", "follow_up_caller"),
        ({"follow_up_on": dt.date(2020, 1, 1)}, "follow_up_passed", "follow_up_on"),
        # Seed 001 lines 518-520: "dock minst en gång per år".
        ({"follow_up_on": "in 366 days"}, "follow_up_too_late", "follow_up_on"),
        ({"evaluation_on": dt.date(2020, 1, 1)}, "evaluation_passed", "evaluation_on"),
    ],
)
def test_an_incomplete_plan_cannot_be_documented(
    world: World, sip: Case, changes: dict[str, object], code: str, field: str
) -> None:
    give_consent(world, sip)
    if changes.get("follow_up_on") == "in 366 days":
        changes = {"follow_up_on": timezone.localdate() + dt.timedelta(days=366)}
    saved = written(world, sip, **changes)
    with pytest.raises(ServiceError) as caught:
        plan_follow_up_acts.mark_documented(world.actor(world.alice), sip.pk, 1, saved.version)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert contents(sip, 1).documented_at is None


def test_a_plan_follows_up_within_a_year_of_its_meeting(world: World, sip: Case) -> None:
    """Seed 001 lines 518-520: the year is counted from the meeting that agreed the plan."""
    give_consent(world, sip)
    agreed = meeting(sip, timezone.now() - dt.timedelta(days=2))
    started = plan_acts.start_version(world.actor(world.alice), sip.pk, agreed.pk)
    # From the meeting's own day: 48 hours before 00:30 on the day after a DST change is three
    # calendar days back, not two.
    last = timezone.localdate(agreed.starts_at) + dt.timedelta(days=365)
    saved = plan_acts.save_draft(
        world.actor(world.alice), sip.pk, 1, started.version, draft(world, follow_up_on=last)
    )
    assert plan_follow_up_acts.mark_documented(
        world.actor(world.alice), sip.pk, 1, saved.version
    ).documented_at


def test_a_plan_is_documented_only_with_consent(world: World, sip: Case) -> None:
    """Seed 002 line 232, point 1: "Samtycket från individen" (CON-1)."""
    saved = written(world, sip)
    with pytest.raises(ServiceError) as caught:
        plan_follow_up_acts.mark_documented(world.actor(world.alice), sip.pk, 1, saved.version)
    assert caught.value.code == "no_consent"


@pytest.mark.parametrize(
    ("perspective", "documented_ok"), [("", False), ("Ella har fått säga sitt", True)]
)
def test_a_childs_plan_states_the_child_perspective(
    world: World, perspective: str, documented_ok: bool
) -> None:
    """Seed 002 line 240, point 8: "Att barnperspektivet är tillgodosett i planen" (CON-3)."""
    child = Person.objects.create(
        identity_number=valid_identity_number("20150610", 24),
        first_name="Ella",
        last_name="Lundberg",
        municipality=world.lulea,
        registered_by=world.alice,
        registered_by_unit=world.owner_unit,
    )
    assert child.is_child()
    case = case_acts.open_case(
        world.actor(world.alice),
        child.identity_number,
        "outpatient",
        timezone.now() - dt.timedelta(hours=1),
    )
    consent_acts.record_consent(
        world.actor(world.alice),
        case.pk,
        {
            "decision": "given",
            "giver": "guardians",
            "giver_name": "",
            "form": "oral",
            "given_at": timezone.now() - dt.timedelta(minutes=5),
            "child_view": "Vill gå kvar i sin skola",
        },
    )
    started = plan_acts.start_version(world.actor(world.alice), case.pk)
    actions = [plan_acts.ActionIn("Elevhälsan träffar Ella", "individual", "other")]
    saved = plan_acts.save_draft(
        world.actor(world.alice),
        case.pk,
        1,
        started.version,
        draft(world, child_perspective=perspective, actions=actions, goals=[]),
    )
    if documented_ok:
        assert plan_follow_up_acts.mark_documented(
            world.actor(world.alice), case.pk, 1, saved.version
        )
    else:
        with pytest.raises(ServiceError) as caught:
            plan_follow_up_acts.mark_documented(world.actor(world.alice), case.pk, 1, saved.version)
        assert (caught.value.code, caught.value.field) == (
            "child_perspective_required",
            "child_perspective",
        )


# Follow-up deadlines ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "follow_up_on", "comments_due", "follow_up_due"),
    [
        # Seed 000 line 228: comments "senast dagen innan fastställt datum för uppföljning":
        # due at the end of the day before, i.e. local midnight starting the follow-up date.
        ("2026-11-20 10:00", "2027-01-20", "2027-01-20 00:00", "2027-01-21 00:00"),  # Wednesday
        # Calendar days: a Monday follow-up has its comments due at the end of Sunday.
        ("2026-11-20 10:00", "2026-11-30", "2026-11-30 00:00", "2026-12-01 00:00"),
        # Holidays do not move it: after Christmas Day comments are due at its end.
        ("2026-11-20 10:00", "2026-12-26", "2026-12-26 00:00", "2026-12-27 00:00"),
        # Across New Year's Eve and the change of year.
        ("2026-12-01 10:00", "2027-01-01", "2027-01-01 00:00", "2027-01-02 00:00"),
    ],
)
def test_follow_up_comments_are_due_the_day_before_the_follow_up(
    world: World, today: str, follow_up_on: str, comments_due: str, follow_up_due: str
) -> None:
    """SIP-11: each responsible unit (only units, the individual's and relatives' actions are
    commented on by the coordinator's unit) must comment by the end of the day before."""
    world.case.closed_at = timezone.now()
    world.case.close_reason = "other"
    world.case.save()
    touch(world.case.pk)  # closed by hand: the read model follows
    with time_machine.travel(at(today), tick=False):
        case = case_acts.open_case(
            world.actor(world.alice),
            world.person.identity_number,
            "outpatient",
            at(today) - dt.timedelta(hours=1),
        )
        case.participations.create(unit=world.participant_unit, role="participant")
        documented(world, case, follow_up_on=dt.date.fromisoformat(follow_up_on))
    (comment,) = case.obligations.filter(kind=Obligation.Kind.FOLLOW_UP_COMMENT)
    assert (comment.unit, comment.due_at) == (world.participant_unit, at(comments_due))
    follow_up = case.obligations.get(kind=Obligation.Kind.FOLLOW_UP)
    assert (follow_up.unit, follow_up.due_at) == (world.owner_unit, at(follow_up_due))


@pytest.mark.parametrize(
    ("meeting_at", "due"),
    [
        # Seed 001 lines 518-520: "dock minst en gång per år", from the meeting's day.
        ("2026-11-18 13:00", "2027-11-19 00:00"),
        # A leap year between: 365 days from 2027-03-01 is 2028-02-29.
        ("2027-03-01 09:00", "2028-03-01 00:00"),
    ],
)
def test_without_a_date_the_plan_is_followed_up_within_a_year(
    world: World, meeting_at: str, due: str
) -> None:
    world.case.closed_at = timezone.now()
    world.case.close_reason = "other"
    world.case.save()
    touch(world.case.pk)  # closed by hand: the read model follows
    with time_machine.travel(at(meeting_at) + dt.timedelta(days=1), tick=False):
        case = case_acts.open_case(
            world.actor(world.alice),
            world.person.identity_number,
            "outpatient",
            at(meeting_at) - dt.timedelta(days=5),
        )
        case.participations.create(unit=world.participant_unit, role="participant")
        give_consent(world, case)
        started = plan_acts.start_version(
            world.actor(world.alice), case.pk, meeting(case, at(meeting_at)).pk
        )
        saved = plan_acts.save_draft(
            world.actor(world.alice), case.pk, 1, started.version, draft(world, follow_up_on=None)
        )
        plan_follow_up_acts.mark_documented(world.actor(world.alice), case.pk, 1, saved.version)
    follow_up = case.obligations.get(kind=Obligation.Kind.FOLLOW_UP)
    assert (follow_up.unit, follow_up.due_at) == (world.owner_unit, at(due))
    assert not case.obligations.filter(kind=Obligation.Kind.FOLLOW_UP_COMMENT).exists()


def test_a_new_version_from_a_meeting_follows_up_the_one_before(world: World, sip: Case) -> None:
    """Each meeting produces a new version (SIP-10): the follow-up of the earlier version is met
    at that meeting, and the earlier version's comment deadlines give way to the new ones."""
    documented(world, sip)
    held = meeting(sip, timezone.now() - dt.timedelta(hours=2))
    started = plan_acts.start_version(world.actor(world.alice), sip.pk, held.pk)
    only_own = [plan_acts.ActionIn("Tar sitt insulin", "individual", "self_care")]
    saved = plan_acts.save_draft(
        world.actor(world.alice), sip.pk, 2, started.version, draft(world, actions=only_own)
    )
    plan_follow_up_acts.mark_documented(world.actor(world.alice), sip.pk, 2, saved.version)
    first, second = sip.obligations.filter(kind=Obligation.Kind.FOLLOW_UP).order_by("pk")
    assert first.met_at == held.starts_at
    assert second.met_at is None and second.cancelled_at is None  # the next follow-up is open
    comment = sip.obligations.get(kind=Obligation.Kind.FOLLOW_UP_COMMENT)
    assert comment.cancelled_at is not None


# Handing over -------------------------------------------------------------------------------------


def test_handing_over_is_recorded_once_by_the_coordinators_unit(world: World, sip: Case) -> None:
    """Seed 002 line 251: "patienten tillhanda inom tre dygn", the coordinator's task."""
    saved = written(world, sip)
    with pytest.raises(ServiceError) as not_yet:
        plan_follow_up_acts.mark_handed_over(world.actor(world.alice), sip.pk, 1)
    assert not_yet.value.code == "not_documented"
    give_consent(world, sip)
    plan_follow_up_acts.mark_documented(world.actor(world.alice), sip.pk, 1, saved.version)
    sip.obligations.create(unit=world.owner_unit, kind="plan_handed_over", due_at=timezone.now())
    with pytest.raises(Forbidden):
        plan_follow_up_acts.mark_handed_over(world.actor(world.bob), sip.pk, 1)
    handed = plan_follow_up_acts.mark_handed_over(world.actor(world.alice), sip.pk, 1)
    assert handed.handed_over_at is not None
    assert sip.obligations.get(kind="plan_handed_over").met_at is not None
    assert sip.events.get(kind="plan_handed_over").data == {"number": 1, "format": "paper"}
    with pytest.raises(Conflict):
        plan_follow_up_acts.mark_handed_over(world.actor(world.alice), sip.pk, 1)


# Follow-up comments -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "item", "allowed"),
    [
        # Seed 000 lines 228-229: "Respektive utsedd ansvarig skriver uppföljningskommentar".
        ("bob", "action:0", True),  # his unit's action
        ("bob", "goal:0", True),  # the sub-goal of his unit's action (seed 002 line 267)
        ("bob", "action:1", False),  # the individual's own action
        ("bob", "goal:1", False),  # a sub-goal with no action of his unit
        ("alice", "action:0", False),  # another unit's action
        ("alice", "action:1", True),  # the individual's: the coordinator's unit comments
        ("alice", "action:2", True),  # a relative's
        ("alice", "action:3", True),  # an external actor's
        ("alice", "goal:1", True),  # the coordinator's unit answers for every sub-goal
    ],
)
def test_each_responsible_unit_comments_on_its_own_actions(
    world: World, sip: Case, user: str, item: str, allowed: bool
) -> None:
    documented(world, sip)
    plan_ = contents(sip, 1)
    kind, index = item.split(":")
    items = list(plan_.actions.all() if kind == "action" else plan_.goals.all())
    target = {f"{kind}_pk": items[int(index)].pk}
    actor = world.actor(getattr(world, user))
    if allowed:
        written_ = plan_follow_up_acts.comment(actor, sip.pk, 1, "Fungerar bra", **target)  # type: ignore[arg-type]
        assert written_.unit == actor.unit
        assert sip.events.filter(kind="follow_up_comment").exists()
    else:
        with pytest.raises(Forbidden) as caught:
            plan_follow_up_acts.comment(actor, sip.pk, 1, "Fungerar bra", **target)  # type: ignore[arg-type]
        assert caught.value.code == "not_responsible"
        assert not FollowUpComment.objects.exists()


def test_a_comment_meets_the_units_deadline(world: World, sip: Case) -> None:
    documented(world, sip)
    action = contents(sip, 1).actions.first()
    assert action is not None
    plan_follow_up_acts.comment(
        world.actor(world.bob), sip.pk, 1, "Dusch tisdag och fredag", action_pk=action.pk
    )
    obligation = sip.obligations.get(kind=Obligation.Kind.FOLLOW_UP_COMMENT)
    assert obligation.met_at is not None


@pytest.mark.parametrize(
    ("text", "target", "code"),
    [
        ("", "action", "required"),
        ("Bra", "both", "choose_item"),
        ("Bra", "none", "choose_item"),
        ("Bra", "unknown", "invalid_item"),
    ],
)
def test_bad_comments_are_refused(
    world: World, sip: Case, text: str, target: str, code: str
) -> None:
    documented(world, sip)
    plan_ = contents(sip, 1)
    action, goal = plan_.actions.first(), plan_.goals.first()
    assert action is not None and goal is not None
    ids = {
        "action": {"action_pk": action.pk},
        "both": {"action_pk": action.pk, "goal_pk": goal.pk},
        "none": {},
        "unknown": {"action_pk": 999_999},
    }[target]
    with pytest.raises(ServiceError) as caught:
        plan_follow_up_acts.comment(world.actor(world.bob), sip.pk, 1, text, **ids)
    assert caught.value.code == code
    assert not FollowUpComment.objects.exists()


def test_drafts_are_not_followed_up(world: World, sip: Case) -> None:
    saved = contents(sip, written(world, sip).number)
    with pytest.raises(ServiceError) as caught:
        plan_follow_up_acts.comment(
            world.actor(world.alice), sip.pk, 1, "X", goal_pk=saved.goals.first().pk
        )
    assert caught.value.code == "not_in_force"


# Evaluation ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("main", "first", "second"),
    [("met", "met", "met"), ("partly", "met", "not_met"), ("not_met", "partly", "not_met")],
)
def test_the_coordinator_rates_every_goal_with_the_individual(
    world: World, sip: Case, main: str, first: str, second: str
) -> None:
    """SIP-12; seed 000 line 234: "Samordningsansvarig ansvarar för att tillsammans med
    den enskilde utvärdera måluppfyllnad för huvudmålet"; seed 002 line 243, point 11."""
    documented(world, sip)
    goals = list(contents(sip, 1).goals.all())
    ratings = {
        goals[0].pk: plan_follow_up_acts.Rating(first, "Klarar duschen"),
        goals[1].pk: plan_follow_up_acts.Rating(second),
    }
    with pytest.raises(Forbidden):
        plan_follow_up_acts.evaluate(
            world.actor(world.bob), sip.pk, 1, plan_follow_up_acts.Rating(main), ratings, True
        )
    # Seed 000 line 235: the actions are evaluated too (SIP-22, tests/sip/test_needs_and_...).
    actions = {a.pk: plan_follow_up_acts.Rating("met") for a in contents(sip, 1).actions.all()}
    plan_follow_up_acts.evaluate(
        world.actor(world.alice),
        sip.pk,
        1,
        plan_follow_up_acts.Rating(main, "Bor kvar"),
        ratings,
        True,
        actions,
    )
    stored = {
        e.goal_id: (e.rating, e.comment) for e in Evaluation.objects.filter(action__isnull=True)
    }
    assert stored == {
        None: (main, "Bor kvar"),
        goals[0].pk: (first, "Klarar duschen"),
        goals[1].pk: (second, ""),
    }
    assert sip.obligations.get(kind=Obligation.Kind.FOLLOW_UP).met_at is not None
    assert sip.events.get(kind="plan_evaluated").data["with_individual"] is True
    with pytest.raises(Conflict):
        plan_follow_up_acts.evaluate(
            world.actor(world.alice),
            sip.pk,
            1,
            plan_follow_up_acts.Rating(main),
            ratings,
            True,
            actions,
        )


@pytest.mark.parametrize(
    ("with_individual", "rated", "code", "field"),
    [
        (False, "all", "with_individual_required", "with_individual"),
        (True, "first", "rating_required", "goal_{second}_rating"),
        (True, "bad main", "rating_required", "main_rating"),
        (True, "unknown", "invalid_goal", "goals"),
    ],
)
def test_an_incomplete_evaluation_is_refused(
    world: World, sip: Case, with_individual: bool, rated: str, code: str, field: str
) -> None:
    documented(world, sip)
    first, second = contents(sip, 1).goals.all()
    ratings = {
        first.pk: plan_follow_up_acts.Rating("met"),
        second.pk: plan_follow_up_acts.Rating("partly"),
    }
    main = plan_follow_up_acts.Rating("met")
    if rated == "first":
        del ratings[second.pk]
    elif rated == "bad main":
        main = plan_follow_up_acts.Rating("great")
    elif rated == "unknown":
        ratings[999_999] = plan_follow_up_acts.Rating("met")
    with pytest.raises(ServiceError) as caught:
        plan_follow_up_acts.evaluate(
            world.actor(world.alice), sip.pk, 1, main, ratings, with_individual
        )
    assert (caught.value.code, caught.value.field) == (code, field.format(second=second.pk))
    assert not Evaluation.objects.exists()


# Versions -----------------------------------------------------------------------------------------


def test_a_new_version_copies_the_latest_and_compares_equal(world: World, sip: Case) -> None:
    """SIP-10: each meeting produces a new version; seed 000 line 237: a new plan "kan den
    skapas vid sittande möte". Version 1 stays as it was."""
    documented(world, sip, home_care_decision="Beslut av distriktsläkare Johan Ek 2026-11-20")
    held = meeting(sip, timezone.now() - dt.timedelta(hours=1))
    second = plan_acts.start_version(world.actor(world.bob), sip.pk, held.pk)
    one, two = contents(sip, 1), contents(sip, 2)
    assert (two.number, two.meeting, two.documented_at) == (2, held, None)
    assert [(g.uid, g.text) for g in one.goals.all()] == [(g.uid, g.text) for g in two.goals.all()]
    assert {g.plan_id for g in two.goals.all()} == {second.pk}
    assert [a.goal.uid if a.goal else None for a in two.actions.all()] == [
        a.goal.uid if a.goal else None for a in one.actions.all()
    ]
    assert not compare(snapshot(one), snapshot(two))
    with pytest.raises(Conflict) as caught:
        plan_acts.start_version(world.actor(world.alice), sip.pk)
    assert caught.value.code == "draft_exists"


def test_compare_shows_what_changed(world: World, sip: Case) -> None:
    documented(world, sip)
    started = plan_acts.start_version(world.actor(world.alice), sip.pk)
    two = contents(sip, 2)
    goals, actions = list(two.goals.all()), list(two.actions.all())
    changed = draft(
        world,
        main_goal="Att kunna bo kvar hemma.",
        goals=[plan_acts.GoalIn("Klara morgonrutinerna själv", goals[0].pk)],
        actions=[
            plan_acts.ActionIn(
                "Hemtjänst hjälper till med dusch",
                "unit",
                "social_care",
                unit=world.participant_unit.pk,
                goal=0,
                id=actions[0].pk,
                ends_on=dt.date(2027, 6, 30),
            ),
            plan_acts.ActionIn(
                "Träffar arbetsterapeut", "unit", "health_care", unit=world.owner_unit.pk
            ),
        ],
        care_contacts=[],
    )
    plan_acts.save_draft(world.actor(world.alice), sip.pk, 2, started.version, changed)
    with translation.override("en"):  # the labels are the UI's; compare in English
        result = compare(snapshot(contents(sip, 1)), snapshot(contents(sip, 2)))
    assert [(str(c.label), c.old, c.new) for c in result.fields] == [
        (
            "Main goal: “What matters to you?”",
            "Att kunna bo kvar hemma och gå till affären själv.",
            "Att kunna bo kvar hemma.",
        )
    ]
    assert [(g.status, g.title) for g in result.goals] == [
        ("changed", "Klara morgonrutinerna själv"),
        ("removed", "Handla själv"),
    ]
    assert [(a.status, a.title) for a in result.actions] == [
        ("changed", "Hemtjänst hjälper till med dusch"),
        ("added", "Träffar arbetsterapeut"),
        ("removed", "Tar sitt insulin morgon och kväll"),
        ("removed", "Följer med och handlar"),
        ("removed", "Beslut om bostadstillägg"),
    ]
    assert [(c.label, c.new) for c in result.actions[0].changes] == [
        ("Sub-goal", "Klara morgonrutinerna själv"),
        ("End", "2027-06-30"),
    ]
    assert [c.status for c in result.care_contacts] == ["removed"]


def test_a_version_comes_from_one_meeting_of_the_case(world: World, sip: Case) -> None:
    other = Case.objects.create(
        person=Person.objects.create(
            identity_number=valid_identity_number("19500101", 12),
            first_name="A",
            last_name="B",
            municipality=world.lulea,
        ),
        kind="sip",
        owner_unit=world.owner_unit,
        opened_by=world.alice,
    )
    with pytest.raises(ServiceError) as elsewhere:
        plan_acts.start_version(world.actor(world.alice), sip.pk, meeting(other, timezone.now()).pk)
    assert elsewhere.value.code == "invalid_meeting"
    documented(world, sip)
    held = meeting(sip, timezone.now())
    PlanVersion.objects.filter(case=sip, number=1).update(meeting=held)
    with pytest.raises(Conflict) as twice:
        plan_acts.start_version(world.actor(world.alice), sip.pk, held.pk)
    assert twice.value.code == "meeting_has_plan"


def test_nothing_is_done_in_a_closed_case(world: World, sip: Case) -> None:
    saved = written(world, sip)
    case_acts.close_case(world.actor(world.alice), sip.pk, "no_longer_needed")
    with pytest.raises(ServiceError) as caught:
        plan_acts.save_draft(world.actor(world.alice), sip.pk, 1, saved.version, draft(world))
    assert caught.value.code == "case_closed"
    assert Event.objects.filter(case=sip, kind="plan_saved").count() == 1


def test_external_actions_and_units_of_other_principals_are_listed_apart(
    world: World, sip: Case
) -> None:
    """Seed 002 line 239, point 7: "åtgärder som vidtas av någon annan än kommunen och
    regionen, t.ex. arbetsförmedling, försäkringskassa"."""
    world.participant_unit.principal.kind = "other"
    world.participant_unit.principal.save()
    written(world, sip)
    actions = list(contents(sip, 1).actions.all())
    assert [plan_follow_up_acts.by_others(a) for a in actions] == [True, False, False, True]


# Comparing, as properties -------------------------------------------------------------------------

words = st.lists(st.sampled_from(["bo", "kvar", "hemma", "  ", "\n", "själv", "å"]), max_size=12)
values = st.tuples(st.sampled_from(["A", "B"]), st.text(max_size=8))
items = st.lists(
    st.builds(
        Item,
        st.sampled_from(["k1", "k2", "k3", "k4"]),
        st.text(max_size=5),
        st.tuples(values, values),
    ),
    max_size=4,
    unique_by=lambda i: i.key,
)
snapshots = st.builds(
    Snapshot,
    st.tuples(st.tuples(st.just("Huvudmål"), st.text(max_size=10))),
    st.tuples(),
    items.map(tuple),
    st.tuples(),
)


@given(st.lists(st.sampled_from(["bo", "kvar", " ", "hemma"]), max_size=10), words)
def test_word_diff_rebuilds_both_texts(old: list[str], new: list[str]) -> None:
    segments = word_diff("".join(old), "".join(new))
    assert "".join(t for op, t in segments if op != "insert") == "".join(old)
    assert "".join(t for op, t in segments if op != "delete") == "".join(new)


@given(snapshots)
def test_a_version_compared_with_itself_has_no_changes(version: Snapshot) -> None:
    assert not compare(version, version)


@given(snapshots, snapshots)
def test_added_and_removed_items_are_those_only_in_one_version(
    old: Snapshot, new: Snapshot
) -> None:
    result = compare(old, new)
    old_keys = {i.key for i in old.actions}
    new_keys = {i.key for i in new.actions}
    titles = {i.key: i.title for i in (*old.actions, *new.actions)}
    assert sorted(c.title for c in result.actions if c.status == "added") == sorted(
        titles[k] for k in new_keys - old_keys
    )
    assert sorted(c.title for c in result.actions if c.status == "removed") == sorted(
        titles[k] for k in old_keys - new_keys
    )
    assert len(result.actions) <= len(old_keys | new_keys)
