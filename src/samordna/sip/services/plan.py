"""Plan versions and their drafting: start a version, save a draft (SIP-7)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samordna.accounts.actor import Actor
from samordna.cases import services as cases
from samordna.cases.acts import act
from samordna.cases.models import Case
from samordna.errors import Conflict, NotFound, ServiceError
from samordna.people.models import PlanFormat
from samordna.sip.models import (
    Action,
    CareContact,
    Goal,
    Meeting,
    PlanVersion,
)
from samordna.sip.services import care_contacts
from samordna.sip.services import case as case_acts

# The plan's own fields, copied into each new version and compared between versions.
PLAN_FIELDS = (
    "main_goal",
    "needs",
    "own_resources",
    "initiated_by",
    "child_perspective",
    "if_worse",
    "time_plan",
    "follow_up_on",
    "follow_up_caller",
    "evaluation_on",
    "home_care_decision",
    "plan_format",
    "life_threatening",
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
    physician: bool = False  # SIP-18: at physician level
    coordinates: bool = False  # SIP-18: holds the coordination (at most one)


@dataclass
class Draft:
    """The whole draft as a writer submits it: fields and lists replace what is stored."""

    main_goal: str = ""
    needs: str = ""
    own_resources: str = ""
    initiated_by: str = ""
    child_perspective: str = ""
    if_worse: str = ""
    time_plan: str = ""
    follow_up_on: dt.date | None = None
    follow_up_caller: str = ""
    evaluation_on: dt.date | None = None
    home_care_decision: str = ""
    plan_format: str = PlanFormat.PAPER
    life_threatening: bool = False
    goals: list[GoalIn] = field(default_factory=list)
    actions: list[ActionIn] = field(default_factory=list)
    care_contacts: list[ContactIn] = field(default_factory=list)


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


def _plan(actor: Actor, pk: int, number: int, what: str) -> tuple[Case, PlanVersion]:
    case = case_acts.get(actor, pk, what, lock=True)
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


@act
def start_version(actor: Actor, pk: int, meeting_pk: int | None = None) -> PlanVersion:
    """SIP-10: each meeting produces a new version. It starts as a copy of the latest, so what
    still holds is not retyped; "Vid behov av ny samordnad individuell plan kan den skapas vid
    sittande möte" (seed 000_106b8acbeb42519c.txt line 237). Only one draft at a time."""
    case = case_acts.get(actor, pk, "sip.plan_start", lock=True)
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
        named = care_contacts.from_stay(case)  # SIP-18: the stay's care contact is carried in
        if named is not None:
            CareContact.objects.create(plan=plan, **named)
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
        CareContact(
            plan=plan,
            name=c.name,
            workplace=c.workplace,
            phone=c.phone,
            physician=c.physician,
            coordinates=c.coordinates,
        )
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
    care_contacts.check(contacts, bool(values["life_threatening"]))
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
        "needs": _text(draft.needs, "needs"),
        "own_resources": _text(draft.own_resources, "own_resources"),
        "initiated_by": _text(draft.initiated_by, "initiated_by", 200),
        "child_perspective": _text(draft.child_perspective, "child_perspective"),
        "if_worse": _text(draft.if_worse, "if_worse"),
        "time_plan": _text(draft.time_plan, "time_plan"),
        "follow_up_on": draft.follow_up_on,
        "follow_up_caller": _text(draft.follow_up_caller, "follow_up_caller", 200),
        "evaluation_on": draft.evaluation_on,
        "home_care_decision": _text(draft.home_care_decision, "home_care_decision"),
        "plan_format": draft.plan_format,
        "life_threatening": bool(draft.life_threatening),
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
            bool(c.physician),
            bool(c.coordinates),
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
        CareContact(
            plan=plan,
            name=c.name,
            workplace=c.workplace,
            phone=c.phone,
            physician=c.physician,
            coordinates=c.coordinates,
        )
        for c in contacts
    )
