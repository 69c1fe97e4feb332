"""The plan over REST (API-1): versions, the draft, documented and handed over, follow-up
comments and evaluation (SIP-9 to SIP-12). Same acts as the screens, same visibility; a draft
saved from a stale ``version`` is refused with 409 and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from samordna.api.common import ERRORS, actor_of, auth, require_object
from samordna.errors import ServiceError
from samordna.organisations.models import Unit
from samordna.people.models import PlanFormat
from samordna.sip.models import Action, Evaluation, PlanVersion
from samordna.sip.services import case as case_acts
from samordna.sip.services import plan as plan_acts
from samordna.sip.services import plan_follow_up as plan_follow_up_acts
from samordna.validation import Code, Day, LongText, Phone, Text

router = Router(tags=["sip plans"], auth=auth)


class GoalOut(Schema):
    id: int
    uid: uuid.UUID
    text: str


class ActionOut(Schema):
    id: int
    uid: uuid.UUID
    text: str
    goal: int | None = Field(None, alias="goal_id", description="The sub-goal's id")
    goal_index: int | None = Field(None, description="Position of the sub-goal in `goals`")
    responsible: str
    unit: str | None = Field(None, description="Unit code, when a unit is responsible")
    name: str = Field(..., alias="responsible_name")
    care_type: str
    by_others: bool = Field(False, description="Taken by others than region and municipality")
    starts_on: dt.date | None
    ends_on: dt.date | None

    @staticmethod
    def resolve_goal_index(obj: Action) -> int | None:
        return obj.goal.position if obj.goal is not None else None

    @staticmethod
    def resolve_unit(obj: Action) -> str | None:
        return obj.responsible_unit.code if obj.responsible_unit is not None else None

    @staticmethod
    def resolve_by_others(obj: Action) -> bool:
        return plan_follow_up_acts.by_others(obj)


class ContactOut(Schema):
    name: str
    workplace: str
    phone: str
    physician: bool = Field(..., description="At physician level (SIP-18)")
    coordinates: bool = Field(..., description="Holds the coordination, at most one (SIP-18)")


class CommentOut(Schema):
    id: int
    action: int | None = Field(None, alias="action_id")
    goal: int | None = Field(None, alias="goal_id")
    text: str
    author: str = Field(..., alias="author.username")
    unit: str = Field(..., alias="unit.code")
    written_at: dt.datetime


class EvaluationOut(Schema):
    goal: int | None = Field(
        None, alias="goal_id", description="Empty for the main goal and for an action"
    )
    action: int | None = Field(None, alias="action_id", description="The action rated (SIP-22)")
    rating: str
    comment: str
    author: str = Field(..., alias="author.username")
    written_at: dt.datetime


class VersionOut(Schema):
    number: int
    meeting: int | None = Field(None, alias="meeting_id")
    created_at: dt.datetime
    documented_at: dt.datetime | None
    handed_over_at: dt.datetime | None
    version: int = Field(..., description="Send it back to save the draft or document it")


class PlanOut(VersionOut):
    main_goal: str
    needs: str = Field(..., description="Described needs (SIP-22)")
    own_resources: str = Field(..., description="The individual's own resources (SIP-22)")
    initiated_by: str
    child_perspective: str
    if_worse: str
    time_plan: str
    follow_up_on: dt.date | None
    follow_up_caller: str
    evaluation_on: dt.date | None
    home_care_decision: str
    plan_format: str
    life_threatening: bool = Field(
        ..., description="A life-threatening condition: a physician care contact (SIP-18)"
    )
    goals: list[GoalOut]
    actions: list[ActionOut]
    care_contacts: list[ContactOut]
    follow_up_comments: list[CommentOut]
    evaluations: list[EvaluationOut]

    @staticmethod
    def resolve_goals(obj: PlanVersion) -> list[Any]:
        return list(obj.goals.all())

    @staticmethod
    def resolve_actions(obj: PlanVersion) -> list[Any]:
        return list(obj.actions.all())

    @staticmethod
    def resolve_care_contacts(obj: PlanVersion) -> list[Any]:
        return list(obj.care_contacts.all())

    @staticmethod
    def resolve_follow_up_comments(obj: PlanVersion) -> list[Any]:
        return list(obj.follow_up_comments.select_related("author", "unit"))

    @staticmethod
    def resolve_evaluations(obj: PlanVersion) -> list[Any]:
        return list(obj.evaluations.select_related("author"))


class GoalIn(Schema):
    id: int | None = Field(None, description="An existing sub-goal of the draft; empty adds one")
    text: LongText


class ActionIn(Schema):
    id: int | None = Field(None, description="An existing action of the draft; empty adds one")
    text: LongText
    goal_index: int | None = Field(None, description="Position of its sub-goal in `goals`")
    responsible: Action.Responsible
    unit: Code | None = Field(None, description="Unit code, when a unit is responsible")
    name: Text = Field("", description="The relative or external actor")
    care_type: Action.CareType
    starts_on: Day | None = None
    ends_on: Day | None = None


class ContactIn(Schema):
    name: Text
    workplace: Text
    phone: Phone
    physician: bool = Field(False, description="At physician level (SIP-18)")
    coordinates: bool = Field(False, description="Holds the coordination, at most one (SIP-18)")


class DraftIn(Schema):
    """The whole draft: lists replace what is stored (items left out are removed)."""

    version: int
    main_goal: LongText = ""
    needs: LongText = ""
    own_resources: LongText = ""
    initiated_by: Text = ""
    child_perspective: LongText = ""
    if_worse: LongText = ""
    time_plan: LongText = ""
    follow_up_on: Day | None = None
    follow_up_caller: Text = ""
    evaluation_on: Day | None = None
    home_care_decision: LongText = ""
    plan_format: PlanFormat = PlanFormat.PAPER
    life_threatening: bool = Field(
        False,
        description="A life-threatening condition: one care contact is a physician (SIP-18)",
    )
    goals: list[GoalIn] = Field(default_factory=list)
    actions: list[ActionIn] = Field(default_factory=list)
    care_contacts: list[ContactIn] = Field(default_factory=list)


class StartIn(Schema):
    meeting: int | None = Field(None, description="The meeting this version comes from")


class DocumentedIn(Schema):
    version: int


class CommentIn(Schema):
    action: int | None = None
    goal: int | None = None
    text: LongText


class RatingIn(Schema):
    rating: Evaluation.Rating
    comment: LongText = ""


class GoalRatingIn(RatingIn):
    goal: int


class ActionRatingIn(RatingIn):
    action: int


class EvaluationIn(Schema):
    main: RatingIn
    goals: list[GoalRatingIn] = Field(default_factory=list)
    actions: list[ActionRatingIn] = Field(
        default_factory=list, description="Every action of the plan (SIP-22)"
    )
    with_individual: bool = Field(..., description="Evaluated together with the individual")


def _read(request: HttpRequest, case_id: int, number: int) -> PlanVersion:
    case = case_acts.get(actor_of(request), case_id, "sip.plan.read")
    return plan_acts.plan_version(case, number, contents=True)


def _unit(code: str | None, at: str) -> int | None:
    if code is None:
        return None
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise ServiceError("invalid_unit", _("Unknown unit."), at)
    return unit.pk


@router.get("/{case_id}/plans", response={200: list[VersionOut], **ERRORS})
def list_versions(request: HttpRequest, case_id: int) -> Any:
    """Every version of the plan, newest first; earlier versions stay readable (SIP-10)."""
    case = case_acts.get(actor_of(request), case_id, "sip.plan.read")
    return list(case.plans.order_by("-number"))


@router.post("/{case_id}/plans", response={201: PlanOut, **ERRORS})
def start_version(request: HttpRequest, case_id: int, payload: StartIn) -> Any:
    """Start the next version as a copy of the latest (SIP-10)."""
    require_object(request)
    plan = plan_acts.start_version(actor_of(request), case_id, payload.meeting)
    return Status(201, _read(request, case_id, plan.number))


@router.get("/{case_id}/plans/{number}", response={200: PlanOut, **ERRORS})
def get_version(request: HttpRequest, case_id: int, number: int) -> Any:
    return _read(request, case_id, number)


@router.put("/{case_id}/plans/{number}", response={200: PlanOut, **ERRORS})
def save_draft(request: HttpRequest, case_id: int, number: int, payload: DraftIn) -> Any:
    """Replace the draft. 409 `edit_conflict` if someone saved since `version`; 409
    `plan_documented` if the version is documented (start a new one)."""
    data = payload.dict(exclude={"version", "goals", "actions", "care_contacts"})
    draft = plan_acts.Draft(
        **data,
        goals=[plan_acts.GoalIn(g.text, g.id) for g in payload.goals],
        actions=[
            plan_acts.ActionIn(
                a.text,
                a.responsible,
                a.care_type,
                _unit(a.unit, f"actions.{i}.unit"),
                a.name,
                a.goal_index,
                a.starts_on,
                a.ends_on,
                a.id,
            )
            for i, a in enumerate(payload.actions)
        ],
        care_contacts=[
            plan_acts.ContactIn(c.name, c.workplace, c.phone, c.physician, c.coordinates)
            for c in payload.care_contacts
        ],
    )
    plan_acts.save_draft(actor_of(request), case_id, number, payload.version, draft)
    return _read(request, case_id, number)


@router.post("/{case_id}/plans/{number}/documented", response={200: PlanOut, **ERRORS})
def mark_documented(request: HttpRequest, case_id: int, number: int, payload: DocumentedIn) -> Any:
    """The coordinator's unit marks the draft documented; it is read-only from then on."""
    plan_follow_up_acts.mark_documented(actor_of(request), case_id, number, payload.version)
    return _read(request, case_id, number)


@router.post("/{case_id}/plans/{number}/handed-over", response={200: PlanOut, **ERRORS})
def mark_handed_over(request: HttpRequest, case_id: int, number: int) -> Any:
    plan_follow_up_acts.mark_handed_over(actor_of(request), case_id, number)
    return _read(request, case_id, number)


@router.post("/{case_id}/plans/{number}/follow-up-comments", response={201: CommentOut, **ERRORS})
def comment(request: HttpRequest, case_id: int, number: int, payload: CommentIn) -> Any:
    """A responsible unit's follow-up comment on its own action or sub-goal (SIP-11); 403
    `not_responsible` for another unit's."""
    written = plan_follow_up_acts.comment(
        actor_of(request), case_id, number, payload.text, payload.action, payload.goal
    )
    return Status(201, written)


@router.post("/{case_id}/plans/{number}/evaluation", response={200: PlanOut, **ERRORS})
def evaluate(request: HttpRequest, case_id: int, number: int, payload: EvaluationIn) -> Any:
    """The coordinator's unit rates the main goal, every sub-goal and every action with the
    individual."""
    plan_follow_up_acts.evaluate(
        actor_of(request),
        case_id,
        number,
        plan_follow_up_acts.Rating(payload.main.rating, payload.main.comment),
        {g.goal: plan_follow_up_acts.Rating(g.rating, g.comment) for g in payload.goals},
        payload.with_individual,
        {a.action: plan_follow_up_acts.Rating(a.rating, a.comment) for a in payload.actions},
    )
    return _read(request, case_id, number)
