"""Enrolment in and discharge from home health care (ORG-6, SIP-24).

Seed 000_106b8acbeb42519c.txt line 132: "Det är endast primärvårdsläkare som kan ta beslut om
patientens in- och utskrivning i hemsjukvård. Beslutet ska dokumenteras i journalen och i
planen." Seed 003_9c6849ff85993bc8.txt lines 92-113 (Halland): the physician responsibility lies
with the centre where the patient is listed or the outpatient psychiatry clinic of their
physician contact (a county setting, ``RuleSet.home_care_by_outpatient_psychiatry``); "Personer
inskrivna i hemsjukvården ska ha en fast läkarkontakt utsedd på den vårdcentral där patienten är
listad" (line 98). Seed 001_118551e475ece215.txt lines 275-278: every home health care patient
has a care contact with coordination responsibility in municipal health care and a physician;
lines 366-367: a SIP is always established or followed up for them (the ``HOME_CARE_SIP``
obligation, met when a plan version is documented or the plan evaluated).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samordna.accounts.actor import Actor
from samordna.cases import services as cases
from samordna.cases.acts import act
from samordna.cases.models import Case, Obligation
from samordna.core import deadlines
from samordna.errors import Forbidden, ServiceError
from samordna.organisations.models import Membership, Principal, Unit, User
from samordna.sip.models import HomeCareDecision
from samordna.sip.services import case as case_acts
from samordna.validation import Refused, check_phone

Decision = HomeCareDecision.Decision


def deciding_unit_kinds(actor: Actor) -> set[str]:
    """The unit kinds whose physicians decide on home health care in the actor's county."""
    kinds = {Unit.Kind.PRIMARY_CARE.value}
    if actor.unit.principal.county.rule_set.home_care_by_outpatient_psychiatry:
        kinds.add(Unit.Kind.OUTPATIENT_PSYCHIATRY.value)
    return kinds


def may_decide(actor: Actor) -> bool:
    return actor.unit.kind in deciding_unit_kinds(actor) and actor.has_role(
        Membership.Role.PHYSICIAN
    )


def require_decider(actor: Actor) -> None:
    if not may_decide(actor):
        if actor.unit.principal.county.rule_set.home_care_by_outpatient_psychiatry:
            message = _(
                "Only a physician at a primary care centre or at outpatient psychiatry can "
                "decide on enrolment in or discharge from home health care."
            )
        else:
            message = _(
                "Only a physician at a primary care centre can decide on enrolment in or "
                "discharge from home health care."
            )
        raise Forbidden("not_primary_care_physician", message)


def unit_physicians(unit: Unit) -> QuerySet[User]:
    """The staff with the physician role at the unit: who may be the named physician."""
    return (
        User.objects.filter(
            memberships__unit=unit, memberships__role=Membership.Role.PHYSICIAN, is_active=True
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def municipal_units(case: Case) -> QuerySet[Unit]:
    """Municipal units of the case's county: where the municipal care contact works."""
    return Unit.objects.filter(
        principal__county=case.owner_unit.principal.county,
        principal__kind=Principal.Kind.MUNICIPALITY,
        active=True,
    ).order_by("name")


def latest(case: Case) -> HomeCareDecision | None:
    return (
        case.home_care_decisions.select_related(
            "decided_by", "unit", "physician", "municipal_contact_unit"
        )
        .order_by("-decided_at", "-pk")
        .first()
    )


def enrolled(case: Case) -> HomeCareDecision | None:
    """The decision in force when the individual is enrolled, else None."""
    found = latest(case)
    return found if found is not None and found.decision == Decision.ENROLLED else None


def missing_contacts(decision: HomeCareDecision | None) -> list[str]:
    """SIP-24: what an enrolled individual still lacks (seed 001 lines 275-278, 003 line 98)."""
    if decision is None or decision.decision != Decision.ENROLLED:
        return []
    missing = []
    if not decision.municipal_contact_name:
        missing.append(
            _(
                "Enrolled in home health care: name the care contact with coordination "
                "responsibility in municipal health care."
            )
        )
    if decision.physician_id is None:
        missing.append(
            _(
                "Enrolled in home health care: name the physician at the centre where the "
                "individual is listed."
            )
        )
    return missing


@dataclass(frozen=True)
class MunicipalContact:
    name: str = ""
    unit: Unit | None = None
    phone: str = ""


def _contact(case: Case, contact: MunicipalContact) -> MunicipalContact:
    name = contact.name.strip()
    phone = contact.phone.strip()
    if not name:
        if contact.unit is not None or phone:
            raise ServiceError(
                "required", _("Give the name of the municipal care contact."), "contact_name"
            )
        return MunicipalContact()
    if contact.unit is None or not municipal_units(case).filter(pk=contact.unit.pk).exists():
        raise ServiceError(
            "not_municipal",
            _("Choose the municipal unit where the care contact works."),
            "contact_unit",
        )
    if phone:
        try:
            phone = check_phone(phone)
        except Refused as refused:
            raise ServiceError(refused.code, refused.message, "contact_phone") from refused
    return MunicipalContact(name, contact.unit, phone)


@act
def decide(
    actor: Actor,
    pk: int,
    decision: str,
    decided_at: dt.datetime,
    reason: str = "",
    physician: User | None = None,
    contact: MunicipalContact | None = None,
) -> HomeCareDecision:
    """The physician's own decision, recorded by them: enrol or discharge.

    Enrolment names the physician at the listed centre (the decider unless another physician of
    the same unit is chosen) and may name the municipal care contact; it obliges the
    coordinator's unit to establish or follow up the SIP. Discharge needs an enrolment in force
    and cancels that obligation."""
    case = case_acts.get(actor, pk, "sip.home_care", lock=True)
    cases.require_active(case)
    require_decider(actor)
    if decision not in Decision.values:
        raise ServiceError("invalid_decision", _("Choose enrolment or discharge."), "decision")
    if decided_at > timezone.now():
        raise ServiceError(
            "future_date", _("The decision cannot be dated in the future."), "decided_at"
        )
    current = enrolled(case)
    if current is not None and decided_at < current.decided_at:
        raise ServiceError(
            "before_enrolment",
            _("The decision cannot be dated before the enrolment in force."),
            "decided_at",
        )
    row = HomeCareDecision(
        case=case,
        decision=decision,
        decided_at=decided_at,
        decided_by=actor.user,
        role=Membership.Role.PHYSICIAN,
        unit=actor.unit,
        reason=reason.strip(),
    )
    if decision == Decision.ENROLLED:
        chosen = physician or actor.user
        if not unit_physicians(actor.unit).filter(pk=chosen.pk).exists():
            raise ServiceError(
                "not_a_physician",
                _("Choose a physician of your unit as the individual's physician."),
                "physician",
            )
        row.physician = chosen
        named = _contact(case, contact or MunicipalContact())
        if not named.name and current is not None:
            named = MunicipalContact(
                current.municipal_contact_name,
                current.municipal_contact_unit,
                current.municipal_contact_phone,
            )
        row.municipal_contact_name = named.name
        row.municipal_contact_unit = named.unit
        row.municipal_contact_phone = named.phone
    else:
        if current is None:
            raise ServiceError(
                "not_enrolled",
                _("The individual is not enrolled in home health care."),
                "decision",
            )
        if physician is not None or (contact is not None and contact.name.strip()):
            raise ServiceError(
                "discharge_no_contacts",
                _("A discharge names no physician or care contact."),
                "physician",
            )
    row.save()
    if decision == Decision.ENROLLED:
        if current is None:
            # Seed 001 lines 366-367; the meeting window of the rule set (seed 001 lines
            # 391-392, "inom 3-21 dagar") from the decision gives the date.
            rules = case.owner_unit.principal.county.rule_set
            _first, last = deadlines.meeting_window(decided_at, rules)
            cases.oblige(
                case, case.owner_unit, Obligation.Kind.HOME_CARE_SIP, deadlines.end_of_day(last)
            )
    else:
        cases.cancel(case, Obligation.Kind.HOME_CARE_SIP)
    cases.record(
        actor,
        case,
        "home_care_decided",
        {"decision": decision, "id": row.pk, "role": row.role, "unit": actor.unit.code},
    )
    return row


def may_name_contact(actor: Actor) -> bool:
    return actor.unit.principal.kind == Principal.Kind.MUNICIPALITY


@act
def name_contact(actor: Actor, pk: int, contact: MunicipalContact) -> HomeCareDecision:
    """The municipality names its care contact with coordination responsibility for an
    enrolled individual (seed 001 lines 275-278; seed 003 line 94: the municipality's licensed
    staff assess and answer). Kept on the decision in force; the timeline records who."""
    case = case_acts.get(actor, pk, "sip.home_care", lock=True)
    cases.require_active(case)
    if not may_name_contact(actor):
        raise Forbidden(
            "not_municipal",
            _("The municipal care contact is named by a unit of the municipality."),
        )
    current = enrolled(case)
    if current is None:
        raise ServiceError("not_enrolled", _("The individual is not enrolled in home health care."))
    named = _contact(case, contact)
    if not named.name:
        raise ServiceError(
            "required", _("Give the name of the municipal care contact."), "contact_name"
        )
    current.municipal_contact_name = named.name
    current.municipal_contact_unit = named.unit
    current.municipal_contact_phone = named.phone
    current.save(
        update_fields=[
            "municipal_contact_name",
            "municipal_contact_unit",
            "municipal_contact_phone",
        ]
    )
    cases.record(actor, case, "home_care_contact_named", {"id": current.pk})
    return current
