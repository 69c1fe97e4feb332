"""The plan section of the SIP case page and the plan layout shared with the PDF."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from samordna.accounts.actor import UnitRequest
from samordna.cases.models import Case
from samordna.sip.forms.plan import (
    StartVersionForm,
)
from samordna.sip.models import Action, FollowUpComment, Goal, Meeting, PlanVersion
from samordna.sip.services import case as case_acts
from samordna.sip.services import consent as consent_acts
from samordna.sip.services import plan as plan_acts
from samordna.sip.services import plan_follow_up as plan_follow_up_acts
from samordna.sip.views.home_care_section import plan_decisions

READ = "sip.plan.read"


@dataclass
class Block:
    """A sub-goal with its actions and follow-up comments; ``goal`` is None for the actions
    that serve the main goal directly."""

    goal: Goal | None
    actions: list[tuple[Action, list[FollowUpComment]]]
    comments: list[FollowUpComment] = field(default_factory=list)


def layout(plan: PlanVersion, comments: list[FollowUpComment] | None = None) -> list[Block]:
    """The plan as people read it: each sub-goal followed by its actions, in order."""
    on_action: dict[int, list[FollowUpComment]] = {}
    on_goal: dict[int, list[FollowUpComment]] = {}
    for c in comments or []:
        if c.action_id:
            on_action.setdefault(c.action_id, []).append(c)
        elif c.goal_id:
            on_goal.setdefault(c.goal_id, []).append(c)
    actions = list(plan.actions.all())
    blocks = [
        Block(
            g,
            [(a, on_action.get(a.pk, [])) for a in actions if a.goal_id == g.pk],
            on_goal.get(g.pk, []),
        )
        for g in plan.goals.all()
    ]
    loose = [(a, on_action.get(a.pk, [])) for a in actions if a.goal_id is None]
    if loose:
        blocks.append(Block(None, loose))
    return blocks


def _plan_page(case: Case, plan: PlanVersion) -> dict[str, Any]:
    """What every page showing a whole plan needs (see ``sip/_plan_body.html``)."""
    actions = list(plan.actions.all())
    context: dict[str, Any] = {
        "case": case,
        "person": case.person,
        "plan": plan,
        "coordinator": case_acts.current_coordinator(case),
        "consent": consent_acts.consent_in_force(case),
        # SIP-14: which measures are self-care and who does them (seed 000 line 128).
        "self_care": [a for a in actions if a.care_type == Action.CareType.SELF_CARE],
        "by_others": [a for a in actions if plan_follow_up_acts.by_others(a)],
    }
    # ORG-6, SIP-24: the home health care decision and the self-care assessments.
    context.update(plan_decisions(case, plan, actions))
    return context


def _start_form(
    case: Case, versions: list[PlanVersion], every_meeting: Sequence[Meeting]
) -> StartVersionForm | None:
    """Offered while the case is active and no draft is being written; the latest held meeting
    that has no version yet is proposed. ``every_meeting``: the case's meetings as the page's
    meetings section read them."""
    if not case.is_active or (versions and versions[0].documented_at is None):
        return None
    used = {p.meeting_id for p in versions if p.meeting_id}
    meetings = sorted(
        (m for m in every_meeting if m.cancelled_at is None and m.pk not in used),
        key=lambda m: (m.starts_at, m.pk),
    )
    held = [m for m in meetings if m.held]
    initial = {"meeting": str(held[-1].pk)} if held else {}
    return StartVersionForm(meetings=meetings, initial=initial)


def plan_context(request: UnitRequest, case: Case, meetings: Sequence[Meeting]) -> dict[str, Any]:
    """The plan section of the case page: the plan in force (else the draft), all versions;
    ``meetings``: every meeting of the case, as the meetings section read them."""
    versions = list(case.plans.select_related("meeting").order_by("-number"))
    shown = next((p for p in versions if p.documented_at), versions[0] if versions else None)
    plan = plan_acts.with_contents(case.plans.all()).get(pk=shown.pk) if shown else None
    return {
        "plan_section": "sip/_plan.html",
        "plan": plan,
        "plan_blocks": layout(plan) if plan else [],
        "plan_versions": versions,
        "plan_draft": versions[0] if versions and versions[0].documented_at is None else None,
        "start_version_form": _start_form(case, versions, meetings),
    }


def next_meeting(case: Case) -> Meeting | None:
    return (
        case.meetings.filter(cancelled_at__isnull=True, starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )
