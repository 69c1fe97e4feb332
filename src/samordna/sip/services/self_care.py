"""The self-care assessment and its written plan, on a plan action (ORG-6, SIP-14).

Seed 001_118551e475ece215.txt lines 1329-1520. Who may assess (lines 1349-1355, 1372-1381): "Den
behandlande legitimerade hälso- och sjukvårdspersonalen"; "När bedömningen görs i samband med
slutenvård är det endast den behandlande läkaren som kan bedöma om åtgärden kan utföras som
egenvård. Denna bedömning kan inte delegeras." So the assessor is always the acting user (nobody
records it for them), holding a licensed role at their unit; at an inpatient ward only a physician.
The plan's seven points are lines 1466-1482; "Om förutsättningarna ändras ska
egenvårdsbedömningen omprövas" (lines 1517-1518): a new assessment supersedes the one before it,
which stays readable.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samordna.accounts.actor import Actor
from samordna.cases import services as cases
from samordna.cases.acts import act
from samordna.cases.models import Case
from samordna.errors import Conflict, Forbidden, NotFound, ServiceError
from samordna.organisations.models import Membership, Unit
from samordna.sip.models import Action, SelfCareAssessment
from samordna.sip.services import case as case_acts

# Legitimerad hälso- och sjukvårdspersonal among the roles (ORG-3): physicians, nurses (the MAS
# is one) and the therapists (arbetsterapeut, fysioterapeut). Case officers and other
# professionals are not licensed health care staff.
LICENSED = frozenset(
    {
        Membership.Role.PHYSICIAN,
        Membership.Role.NURSE,
        Membership.Role.MAS,
        Membership.Role.THERAPIST,
    }
)
# The order a role is recorded in when the assessor holds several.
_ORDER = [Membership.Role.PHYSICIAN, Membership.Role.NURSE, Membership.Role.MAS]
_ORDER.append(Membership.Role.THERAPIST)


def during_stay(actor: Actor) -> bool:
    """An assessment made at an inpatient ward is made in connection with the stay."""
    return actor.unit.kind == Unit.Kind.INPATIENT_WARD


def assessor_role(actor: Actor) -> str:
    """The role the assessment is made in, or Forbidden with the routine's reason."""
    if during_stay(actor):
        if not actor.has_role(Membership.Role.PHYSICIAN):
            raise Forbidden(
                "treating_physician_only",
                _(
                    "During an inpatient stay only the treating physician can assess "
                    "self-care, and the assessment cannot be delegated."
                ),
            )
        return Membership.Role.PHYSICIAN
    for role in _ORDER:
        if actor.has_role(role):
            return role
    raise Forbidden(
        "not_licensed",
        _("Self-care is assessed by licensed health care staff (physician, nurse, therapist)."),
    )


def may_assess(actor: Actor) -> bool:
    try:
        assessor_role(actor)
    except Forbidden:
        return False
    return True


@dataclass(frozen=True)
class SelfCarePlan:
    """The seven points of the written self-care plan (seed 001 lines 1466-1482)."""

    measure: str
    performer: str
    helper: str
    instructions: str
    on_harm: str
    on_change: str
    follow_up: str
    reassess_on: dt.date


REQUIRED = {
    "measure": gettext_lazy("Say which measure is assessed as self-care."),
    "instructions": gettext_lazy(
        "Say how information and instructions are given to whoever performs it."
    ),
    "on_harm": gettext_lazy(
        "Say what is done and whom to contact if the individual is harmed or at risk."
    ),
    "on_change": gettext_lazy(
        "Say what is done and whom to contact if the individual's situation changes."
    ),
    "follow_up": gettext_lazy("Say how and when the assessment is followed up."),
}


def current(case: Case) -> dict[uuid.UUID, SelfCareAssessment]:
    """The assessment in force for each action (by the action's uid) of the case."""
    rows = case.self_care_assessments.filter(superseded_at__isnull=True).select_related(
        "assessed_by", "unit"
    )
    return {row.action_uid: row for row in rows}


def history(case: Case, action_uid: uuid.UUID) -> list[SelfCareAssessment]:
    return list(
        case.self_care_assessments.filter(action_uid=action_uid)
        .select_related("assessed_by", "unit")
        .order_by("-assessed_at", "-pk")
    )


def _check(plan: SelfCarePlan) -> SelfCarePlan:
    values = {name: str(getattr(plan, name)).strip() for name in REQUIRED}
    for name, message in REQUIRED.items():
        if not values[name]:
            raise ServiceError("required", str(message), name)
    if plan.performer not in SelfCareAssessment.Performer.values:
        raise ServiceError(
            "invalid_performer",
            _("Say whether the individual does it alone or with help."),
            "performer",
        )
    helper = plan.helper.strip()
    if plan.performer == SelfCareAssessment.Performer.WITH_HELP and not helper:
        raise ServiceError("required", _("Say who helps the individual."), "helper")
    if plan.performer == SelfCareAssessment.Performer.SELF:
        helper = ""
    return SelfCarePlan(
        values["measure"],
        plan.performer,
        helper,
        values["instructions"],
        values["on_harm"],
        values["on_change"],
        values["follow_up"],
        plan.reassess_on,
    )


@act
def assess(
    actor: Actor,
    pk: int,
    action_id: int,
    assessed_at: dt.datetime,
    plan: SelfCarePlan,
    supersedes: int | None = None,
) -> SelfCareAssessment:
    """A licensed professional's assessment with the written plan, on a self-care action of the
    case's plan. ``supersedes`` is the assessment in force the assessor saw (None when there was
    none): another one recorded meanwhile is a 409, nothing is written."""
    case = case_acts.get(actor, pk, "sip.self_care", lock=True)
    cases.require_active(case)
    role = assessor_role(actor)
    action = Action.objects.filter(pk=action_id, plan__case=case).first()
    if action is None:
        raise NotFound("not_found", _("The action was not found in this plan."))
    if action.care_type != Action.CareType.SELF_CARE:
        raise ServiceError(
            "not_self_care",
            _("Only an action marked as self-care in the plan gets a self-care assessment."),
            "action",
        )
    now = timezone.now()
    if assessed_at > now:
        raise ServiceError(
            "future_date", _("The assessment cannot be dated in the future."), "assessed_at"
        )
    checked = _check(plan)
    if checked.reassess_on < timezone.localdate(assessed_at):
        raise ServiceError(
            "reassess_before",
            _("The reassessment date cannot be before the assessment."),
            "reassess_on",
        )
    before = current(case).get(action.uid)
    if (before.pk if before else None) != supersedes:
        raise Conflict(
            "edit_conflict",
            _("Someone recorded another assessment meanwhile. Read it and try again."),
        )
    if before is not None:
        before.superseded_at = now
        before.save(update_fields=["superseded_at"])
    row = SelfCareAssessment.objects.create(
        case=case,
        action_uid=action.uid,
        action=action,
        assessed_by=actor.user,
        role=role,
        unit=actor.unit,
        assessed_at=assessed_at,
        during_stay=during_stay(actor),
        measure=checked.measure,
        performer=checked.performer,
        helper=checked.helper,
        instructions=checked.instructions,
        on_harm=checked.on_harm,
        on_change=checked.on_change,
        follow_up=checked.follow_up,
        reassess_on=checked.reassess_on,
        supersedes=before,
    )
    cases.record(
        actor,
        case,
        "self_care_assessed",
        {
            "id": row.pk,
            "action": str(action.uid),
            "role": role,
            "supersedes": before.pk if before else None,
        },
    )
    return row
