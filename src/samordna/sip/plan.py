"""Writing the plan, its versions, follow-up and evaluation (SPEC SIP-9 to SIP-12, SIP-14,
SIP-15, CON-3).

A plan is a ``PlanVersion`` with its sub-goals, actions and designated care contacts. Any unit
taking part writes the draft: the plan "ska vara dokumenterad av deltagande aktörer" (seed
001_118551e475ece215.txt lines 516-517). The coordinator's unit marks it documented and hands it
to the individual (seed 002_ca8314ba67d4fca6.txt line 251: "patienten tillhanda inom tre dygn,
ansvar för detta har den samordningsansvarige"). A documented version is read-only; each meeting
produces a new version copied from the latest, and earlier versions stay readable (SIP-10).

Every act runs in one transaction, reads the case through ``sip.services.get`` (visibility and
the access log), refuses closed cases and appends to the case timeline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samordna.accounts.actor import Actor
from samordna.cases import services as cases
from samordna.cases.acts import act
from samordna.cases.models import Case, Obligation
from samordna.core import deadlines
from samordna.errors import Conflict, Forbidden, NotFound, ServiceError
from samordna.organisations.models import Principal, Unit
from samordna.people.models import PlanFormat
from samordna.sip import services
from samordna.sip.models import (
    Action,
    CareContact,
    Evaluation,
    FollowUpComment,
    Goal,
    Meeting,
    PlanVersion,
)

# The plan's own fields, copied into each new version and compared between versions.
PLAN_FIELDS = (
    "main_goal",
    "initiated_by",
    "child_perspective",
    "if_worse",
    "time_plan",
    "follow_up_on",
    "follow_up_caller",
    "evaluation_on",
    "home_care_decision",
    "plan_format",
)
NAMED = (Action.Responsible.RELATIVE, Action.Responsible.EXTERNAL)


@dataclass
class GoalIn:
    text: str
    id: int | None = None  # an existing sub-goal of the draft; otherwise a new one


@dataclass
class ActionIn:
    text: str
    responsible: str
    care_type: str
    unit: int | None = None  # the responsible unit's pk, when ``responsible`` is a unit
    name: str = ""  # the relative or external actor
    goal: int | None = None  # index into ``Draft.goals``
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    id: int | None = None


@dataclass
class ContactIn:
    name: str
    workplace: str
    phone: str


@dataclass
class Draft:
    """The whole draft as a writer submits it: fields and lists replace what is stored."""

    main_goal: str = ""
    initiated_by: str = ""
    child_perspective: str = ""
    if_worse: str = ""
    time_plan: str = ""
    follow_up_on: dt.date | None = None
    follow_up_caller: str = ""
    evaluation_on: dt.date | None = None
    home_care_decision: str = ""
    plan_format: str = PlanFormat.PAPER
    goals: list[GoalIn] = field(default_factory=list)
    actions: list[ActionIn] = field(default_factory=list)
    care_contacts: list[ContactIn] = field(default_factory=list)


@dataclass
class Rating:
    rating: str
    comment: str = ""


# Reading ------------------------------------------------------------------------------------------


def with_contents(plans: QuerySet[PlanVersion]) -> QuerySet[PlanVersion]:
    """Everything a plan page shows, in a fixed number of queries whatever the plan's size."""
    return plans.select_related("meeting", "created_by").prefetch_related(
        "goals",
        Prefetch(
            "actions",
            queryset=Action.objects.select_related("responsible_unit__principal", "goal"),
        ),
        "care_contacts",
    )


def latest(case: Case) -> PlanVersion | None:
    return case.plans.order_by("-number").first()


def in_force(case: Case) -> PlanVersion | None:
    """The latest documented version: the plan that is followed up and evaluated."""
    return case.plans.filter(documented_at__isnull=False).order_by("-number").first()


def current(case: Case) -> PlanVersion | None:
    """The plan to show the individual: the one in force, else the draft being written (PAT-1)."""
    return in_force(case) or latest(case)


def plan_version(case: Case, number: int, contents: bool = False) -> PlanVersion:
    plans = with_contents(case.plans.all()) if contents else case.plans.all()
    plan = plans.filter(number=number).first()
    if plan is None:
        raise NotFound("plan_not_found", _("There is no such plan version."))
    return plan


def commenting_unit(action: Action, case: Case) -> int:
    """The unit that writes the follow-up comment on an action: its responsible unit, or the
    coordinator's unit for what the individual, a relative or an external actor does (seed
    000_106b8acbeb42519c.txt lines 228-229: "Respektive utsedd ansvarig skriver
    uppföljningskommentar")."""
    if action.responsible == Action.Responsible.UNIT and action.responsible_unit_id:
        return action.responsible_unit_id
    return case.owner_unit_id


def commentable(plan: PlanVersion, case: Case, unit_pk: int) -> tuple[list[Action], list[Goal]]:
    """The actions and sub-goals a unit writes follow-up comments on. A sub-goal is followed up
    by whoever answers for an action under it (seed 002_ca8314ba67d4fca6.txt line 267: "Den som
    har ansvaret för insatsen per delmål följer upp den"); the coordinator's unit answers for
    every sub-goal."""
    actions = [a for a in plan.actions.all() if commenting_unit(a, case) == unit_pk]
    goals = list(plan.goals.all())
    if unit_pk != case.owner_unit_id:
        under = {a.goal_id for a in actions}
        goals = [g for g in goals if g.pk in under]
    return actions, goals


def by_others(action: Action) -> bool:
    """Whether an action is taken by someone other than the region and the municipality: the
    plan lists these apart (seed 002_ca8314ba67d4fca6.txt line 239, point 7: "åtgärder som vidtas
    av någon annan än kommunen och regionen, t.ex. arbetsförmedling, försäkringskassa")."""
    if action.responsible == Action.Responsible.EXTERNAL:
        return True
    unit = action.responsible_unit
    return unit is not None and unit.principal.kind == Principal.Kind.OTHER


def responsible_units(plan: PlanVersion) -> list[Unit]:
    units = {a.responsible_unit_id: a.responsible_unit for a in plan.actions.all()}
    return [u for u in units.values() if u is not None]


def meeting_day(plan: PlanVersion) -> dt.date:
    """The day the plan was agreed: its meeting's, else today (while documenting it)."""
    if plan.meeting is not None:
        return timezone.localdate(plan.meeting.starts_at)
    return timezone.localdate()


def blockers(case: Case, plan: PlanVersion) -> list[ServiceError]:
    """What keeps the draft from being documented, first to last (SIP-9; seed
    002_ca8314ba67d4fca6.txt lines 228-243, "4.8 Planens innehåll")."""
    found: list[ServiceError] = []
    if services.consent_in_force(case) is None:
        # Point 1: "Samtycket från individen" (CON-1).
        found.append(
            ServiceError(
                "no_consent", _("Record the consent first: a plan is only established with it.")
            )
        )
    if not plan.initiated_by.strip():
        # Point 2: "Vem som initierat behovet av Samordnad Individuell Plan".
        found.append(ServiceError("required", _("Give who initiated the SIP."), "initiated_by"))
    if not plan.main_goal.strip():
        # Point 3: "Huvudmål, 'vad är viktigt för individen?'".
        found.append(
            ServiceError(
                "main_goal_required",
                _("Write the main goal in the individual's own words."),
                "main_goal",
            )
        )
    if case.person.is_child() and not plan.child_perspective.strip():
        # Point 8: "Att barnperspektivet är tillgodosett i planen" (CON-3).
        found.append(
            ServiceError(
                "child_perspective_required",
                _("The plan is for a child: describe how the child's perspective is considered."),
                "child_perspective",
            )
        )
    if not plan.actions.all():
        # Point 5: "Vilka insatser respektive part skall svara för".
        found.append(
            ServiceError(
                "actions_required", _("Add at least one action and who does it."), "actions"
            )
        )
    found.extend(_date_blockers(case, plan))
    return found


def _date_blockers(case: Case, plan: PlanVersion) -> list[ServiceError]:
    today = timezone.localdate()
    found: list[ServiceError] = []
    if plan.follow_up_on is not None:
        last = deadlines.latest_follow_up(
            meeting_day(plan), case.owner_unit.principal.county.rule_set
        )
        if plan.follow_up_on < today:
            found.append(
                ServiceError(
                    "follow_up_passed",
                    _("The follow-up date has passed: choose a new one."),
                    "follow_up_on",
                )
            )
        elif plan.follow_up_on > last:
            # Seed 001_118551e475ece215.txt lines 518-520: "dock minst en gång per år".
            found.append(
                ServiceError(
                    "follow_up_too_late",
                    _(
                        "The plan is followed up at least once a year: choose a follow-up date "
                        "no later than %(date)s."
                    )
                    % {"date": last.isoformat()},
                    "follow_up_on",
                )
            )
        if not plan.follow_up_caller.strip():
            # Seed 002 line 242, point 10: "vem som ansvarar för uppföljningsmötet".
            found.append(
                ServiceError("required", _("Give who calls to the follow-up."), "follow_up_caller")
            )
    if plan.evaluation_on is not None and plan.evaluation_on < today:
        found.append(
            ServiceError(
                "evaluation_passed",
                _("The evaluation date has passed: choose a new one."),
                "evaluation_on",
            )
        )
    return found


# Acts ---------------------------------------------------------------------------------------------


def _plan(actor: Actor, pk: int, number: int, what: str) -> tuple[Case, PlanVersion]:
    case = services.get(actor, pk, what, lock=True)
    cases.require_active(case)
    return case, plan_version(case, number)


def _edit_conflict() -> Conflict:
    return Conflict(
        "edit_conflict",
        _(
            "Someone else saved this plan while you were working on it. Nothing of yours has "
            "been saved; compare with the plan as it is now and save again."
        ),
    )


def _require_draft(plan: PlanVersion) -> None:
    if plan.documented_at is not None:
        raise Conflict(
            "plan_documented",
            _(
                "Plan version %(number)s is documented and can no longer be changed. Start a new "
                "version to change the plan."
            )
            % {"number": plan.number},
        )


def _require_in_force(case: Case, plan: PlanVersion) -> None:
    """Follow-up and evaluation concern the documented plan in force, not drafts or history."""
    force = in_force(case)
    if force is None or force.pk != plan.pk:
        raise ServiceError(
            "not_in_force",
            _("Only the documented plan in force is followed up and evaluated."),
        )


@act
def start_version(actor: Actor, pk: int, meeting_pk: int | None = None) -> PlanVersion:
    """SIP-10: each meeting produces a new version. It starts as a copy of the latest, so what
    still holds is not retyped; "Vid behov av ny samordnad individuell plan kan den skapas vid
    sittande möte" (seed 000_106b8acbeb42519c.txt line 237). Only one draft at a time."""
    case = services.get(actor, pk, "sip.plan_start", lock=True)
    cases.require_active(case)
    previous = latest(case)
    if previous is not None and previous.documented_at is None:
        raise Conflict(
            "draft_exists",
            _("Plan version %(number)s is still a draft: document it before starting another.")
            % {"number": previous.number},
        )
    meeting = _meeting(case, meeting_pk)
    if previous is None:
        plan = PlanVersion.objects.create(
            case=case,
            number=1,
            meeting=meeting,
            main_goal="",
            plan_format=case.person.preferred_plan_format,
            created_by=actor.user,
        )
    else:
        plan = _copy(previous, meeting, actor)
    cases.record(
        actor, case, "plan_version_started", {"number": plan.number, "meeting": meeting_pk}
    )
    return plan


def _meeting(case: Case, meeting_pk: int | None) -> Meeting | None:
    if meeting_pk is None:
        return None
    meeting = case.meetings.filter(pk=meeting_pk, cancelled_at__isnull=True).first()
    if meeting is None:
        raise ServiceError("invalid_meeting", _("Choose a meeting of this SIP."), "meeting")
    if case.plans.filter(meeting=meeting).exists():
        raise Conflict(
            "meeting_has_plan", _("A plan version already comes from that meeting."), "meeting"
        )
    return meeting


def _copy(source: PlanVersion, meeting: Meeting | None, actor: Actor) -> PlanVersion:
    """Version n+1 with the same fields, sub-goals, actions and contacts; sub-goals and actions
    keep their ``uid`` so that comparing versions follows them."""
    plan = PlanVersion.objects.create(
        case_id=source.case_id,
        number=source.number + 1,
        meeting=meeting,
        created_by=actor.user,
        **{name: getattr(source, name) for name in PLAN_FIELDS},
    )
    goals = {
        goal.pk: Goal.objects.create(
            plan=plan, text=goal.text, position=goal.position, uid=goal.uid
        )
        for goal in source.goals.all()
    }
    Action.objects.bulk_create(
        Action(
            plan=plan,
            goal=goals.get(a.goal_id) if a.goal_id else None,
            text=a.text,
            responsible=a.responsible,
            responsible_unit_id=a.responsible_unit_id,
            responsible_name=a.responsible_name,
            care_type=a.care_type,
            starts_on=a.starts_on,
            ends_on=a.ends_on,
            position=a.position,
            uid=a.uid,
        )
        for a in source.actions.all()
    )
    CareContact.objects.bulk_create(
        CareContact(plan=plan, name=c.name, workplace=c.workplace, phone=c.phone)
        for c in source.care_contacts.all()
    )
    return plan


@act
def save_draft(actor: Actor, pk: int, number: int, version: int, draft: Draft) -> PlanVersion:
    """SIP-9, SIP-14, SIP-15: any unit taking part writes the draft.

    ``version`` is the one the writer started from: if someone saved in between, nothing is
    written (409) and the writer keeps the text they submitted. Sub-goals and actions with an
    ``id`` of this draft are updated, others are added, and those left out are removed.
    """
    case, plan = _plan(actor, pk, number, "sip.plan_save")
    _require_draft(plan)
    values = _clean_fields(draft)
    goals = _clean_goals(draft.goals)
    actions = _clean_actions(case, draft.actions, len(goals))
    contacts = _clean_contacts(draft.care_contacts)
    if not PlanVersion.objects.filter(pk=plan.pk, version=version).update(
        version=F("version") + 1, **values
    ):
        raise _edit_conflict()
    _replace_items(plan, goals, actions, contacts)
    cases.record(actor, case, "plan_saved", {"number": plan.number})
    plan.refresh_from_db()
    return plan


def _text(value: str, field: str, max_length: int | None = None, required: str = "") -> str:
    text = (value or "").strip()
    if required and not text:
        raise ServiceError("required", required, field)
    if max_length is not None and len(text) > max_length:
        raise ServiceError(
            "too_long", _("At most %(count)d characters.") % {"count": max_length}, field
        )
    return text


def _clean_fields(draft: Draft) -> dict[str, object]:
    if draft.plan_format not in PlanFormat.values:
        raise ServiceError(
            "invalid_plan_format", _("Choose paper, digital or both."), "plan_format"
        )
    return {
        "main_goal": _text(draft.main_goal, "main_goal"),
        "initiated_by": _text(draft.initiated_by, "initiated_by", 200),
        "child_perspective": _text(draft.child_perspective, "child_perspective"),
        "if_worse": _text(draft.if_worse, "if_worse"),
        "time_plan": _text(draft.time_plan, "time_plan"),
        "follow_up_on": draft.follow_up_on,
        "follow_up_caller": _text(draft.follow_up_caller, "follow_up_caller", 200),
        "evaluation_on": draft.evaluation_on,
        "home_care_decision": _text(draft.home_care_decision, "home_care_decision"),
        "plan_format": draft.plan_format,
    }


def _clean_goals(goals: list[GoalIn]) -> list[GoalIn]:
    return [
        GoalIn(_text(g.text, f"goals.{i}.text", required=_("Write the sub-goal.")), g.id)
        for i, g in enumerate(goals)
    ]


def _clean_actions(case: Case, actions: list[ActionIn], goal_count: int) -> list[ActionIn]:
    now = timezone.now()
    taking_part = set(
        case.participations.filter(Q(until__isnull=True) | Q(until__gt=now)).values_list(
            "unit_id", flat=True
        )
    )
    cleaned = []
    for i, a in enumerate(actions):
        at = f"actions.{i}"
        text = _text(a.text, f"{at}.text", required=_("Describe the action."))
        if a.responsible not in Action.Responsible.values:
            raise ServiceError(
                "invalid_responsible",
                _("Choose who is responsible for the action."),
                f"{at}.responsible",
            )
        if a.care_type not in Action.CareType.values:
            raise ServiceError(
                "invalid_care_type",
                _("Choose the kind of care: health care, self-care, social services or other."),
                f"{at}.care_type",
            )
        unit = None
        name = ""
        if a.responsible == Action.Responsible.UNIT:
            if a.unit not in taking_part:
                raise ServiceError(
                    "unit_not_participating",
                    _("The responsible unit must take part in the SIP."),
                    f"{at}.unit",
                )
            unit = a.unit
        elif a.responsible in NAMED:
            name = _text(
                a.name,
                f"{at}.name",
                200,
                required=_("Give the name of the relative or the external actor."),
            )
        if a.goal is not None and not 0 <= a.goal < goal_count:
            raise ServiceError(
                "invalid_goal", _("Choose one of the plan's sub-goals."), f"{at}.goal"
            )
        if a.starts_on and a.ends_on and a.ends_on < a.starts_on:
            raise ServiceError(
                "end_before_start", _("The end cannot be before the start."), f"{at}.ends_on"
            )
        cleaned.append(
            ActionIn(
                text, a.responsible, a.care_type, unit, name, a.goal, a.starts_on, a.ends_on, a.id
            )
        )
    return cleaned


def _clean_contacts(contacts: list[ContactIn]) -> list[ContactIn]:
    required = _("Give the care contact's name, workplace and phone.")
    return [
        ContactIn(
            _text(c.name, f"care_contacts.{i}.name", 200, required),
            _text(c.workplace, f"care_contacts.{i}.workplace", 200, required),
            _text(c.phone, f"care_contacts.{i}.phone", 40, required),
        )
        for i, c in enumerate(contacts)
    ]


def _replace_items(
    plan: PlanVersion, goals: list[GoalIn], actions: list[ActionIn], contacts: list[ContactIn]
) -> None:
    """Actions are written before sub-goals are removed, so removing a sub-goal never takes an
    action with it (``Action.goal`` cascades)."""
    old_goals = {g.pk: g for g in plan.goals.all()}
    kept: list[Goal] = []
    for position, g in enumerate(goals):
        goal = old_goals.pop(g.id, None) if g.id is not None else None
        goal = goal or Goal(plan=plan)
        goal.text = g.text
        goal.position = position
        goal.save()
        kept.append(goal)
    old_actions = {a.pk: a for a in plan.actions.all()}
    for position, a in enumerate(actions):
        action = old_actions.pop(a.id, None) if a.id is not None else None
        action = action or Action(plan=plan)
        action.text = a.text
        action.goal = kept[a.goal] if a.goal is not None else None
        action.responsible = a.responsible
        action.responsible_unit_id = a.unit
        action.responsible_name = a.name
        action.care_type = a.care_type
        action.starts_on = a.starts_on
        action.ends_on = a.ends_on
        action.position = position
        action.save()
    Action.objects.filter(pk__in=old_actions).delete()
    Goal.objects.filter(pk__in=old_goals).delete()
    plan.care_contacts.all().delete()
    CareContact.objects.bulk_create(
        CareContact(plan=plan, name=c.name, workplace=c.workplace, phone=c.phone) for c in contacts
    )


@act
def mark_documented(actor: Actor, pk: int, number: int, version: int) -> PlanVersion:
    """SIP-10: the coordinator's unit marks the draft documented; from then on it is read-only.

    ``version`` is the one the coordinator read, so nobody's later edit is documented unseen.
    Meets the plan's documentation deadline (seed 001_118551e475ece215.txt lines 516-517) and
    schedules the follow-up (SIP-11).
    """
    case, plan = _plan(actor, pk, number, "sip.plan_documented")
    services.require_coordinator_unit(actor, case)
    _require_draft(plan)
    if plan.version != version:
        raise _edit_conflict()
    plan = with_contents(case.plans.all()).get(pk=plan.pk)
    problems = blockers(case, plan)
    if problems:
        raise problems[0]
    now = timezone.now()
    PlanVersion.objects.filter(pk=plan.pk).update(documented_at=now, version=F("version") + 1)
    plan.documented_at = now
    plan.version += 1
    cases.meet(case, Obligation.Kind.PLAN_DOCUMENTED, at=now)
    cases.meet(case, Obligation.Kind.PLAN_AFTER_DISCHARGE, at=now)
    _schedule_follow_up(case, plan, now)
    cases.record(actor, case, "plan_documented", {"number": plan.number})
    return plan


def _schedule_follow_up(case: Case, plan: PlanVersion, now: dt.datetime) -> None:
    """SIP-11. The coordinator's unit follows up at the end of the follow-up date, and every
    responsible unit comments on its actions by the end of the day before (seed
    000_106b8acbeb42519c.txt line 228: "senast dagen innan fastställt datum för uppföljning").
    Without a date the plan is still followed up within a year (seed 001_118551e475ece215.txt
    lines 518-520: "dock minst en gång per år").

    A version from a meeting followed up the plan before it; the earlier version's comment
    deadlines give way to this version's.
    """
    rules = case.owner_unit.principal.county.rule_set
    if plan.meeting is not None:
        cases.meet(case, Obligation.Kind.FOLLOW_UP, at=plan.meeting.starts_at)
    case.obligations.filter(
        kind=Obligation.Kind.FOLLOW_UP_COMMENT, met_at__isnull=True, cancelled_at__isnull=True
    ).update(cancelled_at=now)
    if plan.follow_up_on is None:
        last = deadlines.latest_follow_up(meeting_day(plan), rules)
        cases.oblige(case, case.owner_unit, Obligation.Kind.FOLLOW_UP, deadlines.end_of_day(last))
        return
    cases.oblige(
        case, case.owner_unit, Obligation.Kind.FOLLOW_UP, deadlines.end_of_day(plan.follow_up_on)
    )
    due = deadlines.follow_up_comment_due(plan.follow_up_on, rules)
    for unit in responsible_units(plan):
        cases.oblige(case, unit, Obligation.Kind.FOLLOW_UP_COMMENT, due)


@act
def mark_handed_over(actor: Actor, pk: int, number: int) -> PlanVersion:
    """SIP-10: the coordinator's unit records that the individual has the plan, in the form they
    asked for (seed 002_ca8314ba67d4fca6.txt line 251: "patienten tillhanda inom tre dygn")."""
    case, plan = _plan(actor, pk, number, "sip.plan_handed_over")
    services.require_coordinator_unit(actor, case)
    if plan.documented_at is None:
        raise ServiceError("not_documented", _("Document the plan before handing it over."))
    _require_in_force(case, plan)
    if plan.handed_over_at is not None:
        raise Conflict(
            "already_handed_over", _("The plan is already handed over to the individual.")
        )
    now = timezone.now()
    PlanVersion.objects.filter(pk=plan.pk).update(handed_over_at=now, version=F("version") + 1)
    plan.handed_over_at = now
    plan.version += 1
    cases.meet(case, Obligation.Kind.PLAN_HANDED_OVER, at=now)
    cases.record(
        actor, case, "plan_handed_over", {"number": plan.number, "format": plan.plan_format}
    )
    return plan


@act
def comment(
    actor: Actor,
    pk: int,
    number: int,
    text: str,
    action_pk: int | None = None,
    goal_pk: int | None = None,
) -> FollowUpComment:
    """SIP-11: each responsible party comments on its own actions and sub-goals before the
    follow-up (seed 000_106b8acbeb42519c.txt lines 228-229); a unit may not comment on another
    unit's action. Meets the commenting unit's deadline."""
    case, plan = _plan(actor, pk, number, "sip.follow_up_comment")
    _require_in_force(case, plan)
    body = _text(text, "text", required=_("Write the follow-up comment."))
    if (action_pk is None) == (goal_pk is None):
        raise ServiceError(
            "choose_item", _("Choose one action or one sub-goal to comment on."), "item"
        )
    plan = with_contents(case.plans.all()).get(pk=plan.pk)
    actions, goals = commentable(plan, case, actor.unit.pk)
    action = next((a for a in plan.actions.all() if a.pk == action_pk), None)
    goal = next((g for g in plan.goals.all() if g.pk == goal_pk), None)
    if action is None and goal is None:
        raise ServiceError(
            "invalid_item", _("Choose an action or a sub-goal of this plan."), "item"
        )
    allowed = action in actions if action is not None else goal in goals
    if not allowed:
        raise Forbidden(
            "not_responsible",
            _(
                "Each responsible party comments on its own actions and sub-goals; your unit is "
                "not responsible for this one."
            ),
        )
    written = FollowUpComment.objects.create(
        plan=plan, action=action, goal=goal, text=body, author=actor.user, unit=actor.unit
    )
    cases.meet(case, Obligation.Kind.FOLLOW_UP_COMMENT, unit=actor.unit)
    cases.record(
        actor,
        case,
        "follow_up_comment",
        {"number": plan.number, "action": action_pk, "goal": goal_pk},
    )
    return written


@act
def evaluate(
    actor: Actor,
    pk: int,
    number: int,
    main: Rating,
    goals: dict[int, Rating],
    with_individual: bool,
) -> list[Evaluation]:
    """SIP-12: the coordinator's unit rates the main goal and every sub-goal together with the
    individual (seed 000_106b8acbeb42519c.txt lines 234-235: "Samordningsansvarig ansvarar för
    att tillsammans med den enskilde utvärdera måluppfyllnad"). Meets the follow-up deadline;
    a new version may be started at the same meeting (line 237)."""
    case, plan = _plan(actor, pk, number, "sip.evaluation")
    services.require_coordinator_unit(actor, case)
    _require_in_force(case, plan)
    if plan.evaluations.exists():
        raise Conflict("already_evaluated", _("This plan version is already evaluated."))
    if not with_individual:
        raise ServiceError(
            "with_individual_required",
            _("The goals are evaluated together with the individual: confirm that they took part."),
            "with_individual",
        )
    plan_goals = list(plan.goals.all())
    unknown = set(goals) - {g.pk for g in plan_goals}
    if unknown:
        raise ServiceError("invalid_goal", _("Rate the sub-goals of this plan only."), "goals")
    rated = [(None, main, "main_rating")] + [
        (g, goals.get(g.pk), f"goal_{g.pk}_rating") for g in plan_goals
    ]
    evaluations = []
    for goal, given, at in rated:
        if given is None or given.rating not in Evaluation.Rating.values:
            raise ServiceError(
                "rating_required", _("Rate the goal: met, partly met or not met."), at
            )
        evaluations.append(
            Evaluation(
                plan=plan,
                goal=goal,
                rating=given.rating,
                comment=given.comment.strip(),
                author=actor.user,
            )
        )
    Evaluation.objects.bulk_create(evaluations)
    cases.meet(case, Obligation.Kind.FOLLOW_UP)
    cases.record(
        actor,
        case,
        "plan_evaluated",
        {
            "number": plan.number,
            "with_individual": True,
            "main": main.rating,
            "goals": {str(e.goal.pk): e.rating for e in evaluations if e.goal is not None},
        },
    )
    return evaluations
