"""A plan after drafting: documented, handed over, follow-up comments, evaluation (SIP-7, SIP-9)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from samordna.accounts.actor import Actor
from samordna.cases import services as cases
from samordna.cases.acts import act
from samordna.cases.models import Case, Obligation
from samordna.core import deadlines
from samordna.errors import Conflict, Forbidden, ServiceError
from samordna.organisations.models import Principal, Unit
from samordna.sip.models import (
    Action,
    Evaluation,
    FollowUpComment,
    Goal,
    PlanVersion,
)
from samordna.sip.services import case as case_acts
from samordna.sip.services import consent as consent_acts
from samordna.sip.services import home_care as home_care_acts
from samordna.sip.services import svp as svp_acts
from samordna.sip.services.plan import (
    _edit_conflict,
    _plan,
    _require_draft,
    _text,
    in_force,
    with_contents,
)


@dataclass
class Rating:
    rating: str
    comment: str = ""


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
    if consent_acts.consent_in_force(case) is None and not svp_acts.under_objection(case):
        # Point 1: "Samtycket från individen" (CON-1). An SVP is established despite an
        # objection (SIP-16, seed 001_118551e475ece215.txt lines 1240-1244, 1253-1255).
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
    if case.owner_unit.principal.county.rule_set.plan_needs_required:
        # Seed 001_118551e475ece215.txt lines 524-526: "uppgifter om den enskildes egna mål,
        # beskrivna behov och egna resurser" (SIP-22; a county setting).
        if not plan.needs.strip():
            found.append(
                ServiceError("needs_required", _("Describe the individual's needs."), "needs")
            )
        if not plan.own_resources.strip():
            found.append(
                ServiceError(
                    "own_resources_required",
                    _("Describe the individual's own resources."),
                    "own_resources",
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
    # SIP-24, seed 001 lines 275-278: an individual enrolled in home health care has a municipal
    # care contact with coordination responsibility and a named physician.
    found.extend(
        ServiceError("home_care_contacts", message)
        for message in home_care_acts.missing_contacts(home_care_acts.enrolled(case))
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


def _require_in_force(case: Case, plan: PlanVersion) -> None:
    """Follow-up and evaluation concern the documented plan in force, not drafts or history."""
    force = in_force(case)
    if force is None or force.pk != plan.pk:
        raise ServiceError(
            "not_in_force",
            _("Only the documented plan in force is followed up and evaluated."),
        )


@act
def mark_documented(actor: Actor, pk: int, number: int, version: int) -> PlanVersion:
    """SIP-10: the coordinator's unit marks the draft documented; from then on it is read-only.

    ``version`` is the one the coordinator read, so nobody's later edit is documented unseen.
    Meets the plan's documentation deadline (seed 001_118551e475ece215.txt lines 516-517) and
    schedules the follow-up (SIP-11).
    """
    case, plan = _plan(actor, pk, number, "sip.plan_documented")
    case_acts.require_coordinator_unit(actor, case)
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
    # A follow-up meeting after discharge gives a new version of the existing plan (SIP-17).
    cases.meet(case, Obligation.Kind.FOLLOW_UP_AFTER_DISCHARGE, at=now)
    # SIP-24: established or followed up for an individual in home health care.
    cases.meet(case, Obligation.Kind.HOME_CARE_SIP, at=now)
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
    case_acts.require_coordinator_unit(actor, case)
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
    actions: dict[int, Rating] | None = None,
) -> list[Evaluation]:
    """SIP-12: the coordinator's unit rates the main goal, every sub-goal and every action
    together with the individual (seed 000_106b8acbeb42519c.txt lines 234-235:
    "Samordningsansvarig ansvarar för att tillsammans med den enskilde utvärdera
    måluppfyllnad för huvudmålet. Utvärdering av delmål och insatser görs tillsammans med den
    enskilde och de parter som ansvarar för respektive delmål och insats", SIP-22). Meets the
    follow-up deadline; a new version may be started at the same meeting (line 237)."""
    actions = actions or {}
    case, plan = _plan(actor, pk, number, "sip.evaluation")
    case_acts.require_coordinator_unit(actor, case)
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
    plan_actions = list(plan.actions.all())
    if set(actions) - {a.pk for a in plan_actions}:
        raise ServiceError("invalid_action", _("Rate the actions of this plan only."), "actions")
    rated: list[tuple[Goal | None, Action | None, Rating | None, str]] = [
        (None, None, main, "main_rating")
    ]
    rated += [(g, None, goals.get(g.pk), f"goal_{g.pk}_rating") for g in plan_goals]
    rated += [(None, a, actions.get(a.pk), f"action_{a.pk}_rating") for a in plan_actions]
    evaluations = []
    for goal, action, given, at in rated:
        if given is None or given.rating not in Evaluation.Rating.values:
            message = (
                _(
                    "Rate the action together with its responsible party: met, partly met "
                    "or not met."
                )
                if action is not None
                else _("Rate the goal: met, partly met or not met.")
            )
            raise ServiceError("rating_required", message, at)
        evaluations.append(
            Evaluation(
                plan=plan,
                goal=goal,
                action=action,
                rating=given.rating,
                comment=given.comment.strip(),
                author=actor.user,
            )
        )
    Evaluation.objects.bulk_create(evaluations)
    cases.meet(case, Obligation.Kind.FOLLOW_UP)
    cases.meet(case, Obligation.Kind.HOME_CARE_SIP)
    cases.record(
        actor,
        case,
        "plan_evaluated",
        {
            "number": plan.number,
            "with_individual": True,
            "main": main.rating,
            "goals": {str(e.goal.pk): e.rating for e in evaluations if e.goal is not None},
            "actions": {str(e.action.pk): e.rating for e in evaluations if e.action is not None},
        },
    )
    return evaluations
