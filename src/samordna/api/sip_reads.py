"""SIP reads and acts of the screens that had no operation (API-1, issue 12 item 4): opening the
SIP after discharge from a stay (with the stay as its origin), comparing two plan versions, and
the individual's plain-language view of the plan. Each goes through the service the screen
uses, and so through the same visibility check and access log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from samordna.api.common import ERRORS, actor_of, auth, require_object
from samordna.api.sip_cases import SipOut
from samordna.api.sip_plans import PlanOut
from samordna.cases import services as cases
from samordna.errors import ServiceError
from samordna.sip.models import SipCase
from samordna.sip.services import case as case_acts
from samordna.sip.services import plan as plan_acts
from samordna.sip.services.plan_compare import Change, compare, snapshot
from samordna.validation import LongText

stays_router = Router(auth=auth, tags=["discharge"])
router = Router(auth=auth, tags=["sip"])


class AfterDischargeIn(Schema):
    reason: LongText = ""


@stays_router.post("/{int:stay_id}/sip", response={201: SipOut, **ERRORS})
def open_sip_after_discharge(request: HttpRequest, stay_id: int, payload: AfterDischargeIn) -> Any:
    """Open the SIP after discharge that follows this stay (SIP-16): its need is known from the
    ready-for-discharge notice, so the invitation deadline runs from it. 400 ``not_ready``
    before that notice; 409 ``active_sip_exists`` when the individual has an active SIP."""
    require_object(request)
    actor = actor_of(request)
    origin = cases.get_case(actor, stay_id, "discharge", "stay.read")
    case = case_acts.open_case(
        actor,
        origin.person.identity_number,
        SipCase.Type.AFTER_DISCHARGE,
        origin.opened_at,  # replaced by the stay's ready time (the act checks the origin)
        payload.reason,
        origin=origin,
    )
    return Status(201, case_acts.get(actor, case.pk))


class ChangeOut(Schema):
    label: str
    old: str
    new: str
    segments: list[tuple[str, str]] = Field(
        ..., description="The words, as (`equal` | `delete` | `insert`, text)"
    )

    @staticmethod
    def resolve_segments(obj: Change) -> list[tuple[str, str]]:
        return obj.segments


class ItemChangeOut(Schema):
    status: str = Field(..., description="`added`, `removed` or `changed`")
    title: str
    changes: list[ChangeOut]


class ComparisonOut(Schema):
    old: int
    new: int
    fields: list[ChangeOut]
    goals: list[ItemChangeOut]
    actions: list[ItemChangeOut]
    care_contacts: list[ItemChangeOut]


class CompareQuery(Schema):
    old: int = Field(..., ge=1, le=10_000, description="The earlier version's number")
    new: int = Field(..., ge=1, le=10_000, description="The later version's number")


@router.get("/{int:case_id}/plan-comparison", response={200: ComparisonOut, **ERRORS})
def compare_versions(request: HttpRequest, case_id: int, query: Query[CompareQuery]) -> Any:
    """What changed between two versions of the plan (SIP-7), field by field and word by word,
    as the comparison page shows it."""
    case = case_acts.get(actor_of(request), case_id, "sip.plan.read")
    plans = {
        p.number: p
        for p in plan_acts.with_contents(case.plans.filter(number__in=[query.old, query.new]))
    }
    if query.old not in plans or query.new not in plans:
        raise ServiceError("plan_not_found", "Välj två versioner av planen.", "old")
    comparison = compare(snapshot(plans[query.old]), snapshot(plans[query.new]))
    return {
        "old": query.old,
        "new": query.new,
        "fields": comparison.fields,
        "goals": comparison.goals,
        "actions": comparison.actions,
        "care_contacts": comparison.care_contacts,
    }


class NextMeetingOut(Schema):
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    form: str
    place: str


class ViewCoordinatorOut(Schema):
    name: str = Field(..., alias="user.get_full_name")
    unit: str = Field(..., alias="unit.name")


class ForIndividualOut(Schema):
    plan: PlanOut | None = Field(
        ..., description="The plan in force, else the draft being written; null before any"
    )
    next_meeting: NextMeetingOut | None
    coordinator: ViewCoordinatorOut | None


@router.get("/{int:case_id}/for-the-individual", response={200: ForIndividualOut, **ERRORS})
def for_individual(request: HttpRequest, case_id: int) -> Any:
    """PAT-1: what the individual's view shows: the current plan, the next meeting and the
    coordinator (read and logged as the individual's view)."""
    case = case_acts.get(actor_of(request), case_id, "sip.individual_view.read")
    shown = plan_acts.current(case)
    plan = plan_acts.plan_version(case, shown.number, contents=True) if shown else None
    meeting = (
        case.meetings.filter(cancelled_at__isnull=True, starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )
    return {
        "plan": plan,
        "next_meeting": meeting,
        "coordinator": case_acts.current_coordinator(case),
    }
