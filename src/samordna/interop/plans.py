"""The documented SIP plans another system may read, and what it is told about each.

Both facades read here: the plans of an individual's SIP cases that the calling system's unit
sees (``Case.objects.visible_to``, the one choke point), documented versions only (a draft is
not a plan yet, seed 001_118551e475ece215.txt lines 562-565: "Respektive aktör ska dokumentera
sin del ... Planen ska kommuniceras ... digitalt via 1177 journalen"), with their contents in a
fixed number of queries whatever the number of plans (``with_contents``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from samordna.accounts.actor import Actor
from samordna.cases.models import Case
from samordna.core.identity import IdentityNumber
from samordna.documents.papers import when, who
from samordna.people.models import Person, PlanFormat
from samordna.sip.models import Coordinator, PlanVersion, SipCase
from samordna.sip.services.plan import with_contents

# The identity number systems (Inera: KV personidentitet; FHIR: urn:oid:...).
PERSONNUMMER_OID = "1.2.752.129.2.1.3.1"
SAMORDNINGSNUMMER_OID = "1.2.752.129.2.1.3.3"
HSA_OID = "1.2.752.129.2.1.4.1"  # HSA-id in the national platform's IIType (mapping's OID table)
# GetCarePlans' typeOfCarePlan: a coordinated plan for compulsory outpatient psychiatric care
# (ÖPT/ÖRV, "samordnad vårdplan") is SPLPTLRV; every other SIP is SIP.
PLAN_TYPE: dict[str, str] = {SipCase.Type.SVP: "SPLPTLRV"}


def oid_of(identity: IdentityNumber) -> str:
    return SAMORDNINGSNUMMER_OID if identity.is_coordination_number else PERSONNUMMER_OID


def plan_type(plan: PlanVersion) -> str:
    return PLAN_TYPE.get(plan.case.sip.type, "SIP")


def document_id(plan: PlanVersion) -> str:
    """Unique within this source system and stable: the case and the version's number."""
    return f"sip-{plan.case_id}-{plan.number}"


def approved_for_patient(plan: PlanVersion) -> bool:
    """The individual chose to have the plan digitally (seed 001_118551e475ece215.txt line
    565: "digitalt via 1177 journalen via nätet utifrån den enskildes önskemål"; line 306-307:
    "på papper och/eller kunna ta del av den via visning på 1177 Vårdguiden")."""
    return plan.plan_format in (PlanFormat.DIGITAL, PlanFormat.BOTH)


def documented_plans(actor: Actor, person: Person) -> QuerySet[PlanVersion]:
    cases = Case.objects.visible_to(actor).filter(person=person, kind=Case.Kind.SIP)
    return (
        with_contents(PlanVersion.objects.filter(case__in=cases, documented_at__isnull=False))
        .select_related("case__sip", "case__person", "case__owner_unit__principal")
        .prefetch_related(
            Prefetch(
                "case__coordinators",
                queryset=Coordinator.objects.select_related("user", "unit__principal").order_by(
                    "assumed_at"
                ),
            )
        )
        .order_by("-documented_at", "-pk")
    )


def in_period(
    plans: QuerySet[PlanVersion], start: dt.date | None, end: dt.date | None
) -> QuerySet[PlanVersion]:
    """Documented between two local dates, both included."""
    zone = timezone.get_current_timezone()
    if start is not None:
        plans = plans.filter(
            documented_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=zone)
        )
    if end is not None:
        after = end + dt.timedelta(days=1)
        plans = plans.filter(documented_at__lt=dt.datetime.combine(after, dt.time.min, tzinfo=zone))
    return plans


def accountable(plan: PlanVersion) -> Coordinator | None:
    """The coordinator who held the role when the version was documented (SIP-2: the role is
    time-bounded), from the prefetched rows; the current one for an odd history."""
    rows = list(plan.case.coordinators.all())
    moment = plan.documented_at or plan.created_at
    for row in reversed(rows):
        if row.assumed_at <= moment and (row.renounced_at is None or row.renounced_at > moment):
            return row
    return rows[-1] if rows else None


@dataclass(frozen=True)
class Text:
    title: str
    body: str


def as_text(plan: PlanVersion) -> Text:
    """The plan in plain Swedish text, as the individual's paper says it (documents/papers.py):
    what 1177 and NPÖ show when they cannot show the structure."""
    lines = [f"Huvudmål: {plan.main_goal.strip()}"]
    goals = list(plan.goals.all())
    for n, goal in enumerate(goals, 1):
        lines.append(f"Delmål {n}: {goal.text.strip()}")
    actions = list(plan.actions.all())
    if actions:
        lines.append("")
        lines.append("Insatser:")
    for action in actions:
        period = when(action)
        lines.append(f"- {action.text.strip()} (ansvarig: {who(action) or '-'})")
        if period:
            lines.append(f"  {period}")
    if plan.if_worse:
        lines += ["", f"Om du blir sämre: {plan.if_worse.strip()}"]
    contacts = list(plan.care_contacts.all())
    for contact in contacts:
        lines.append(f"Fast vårdkontakt: {contact.name}, {contact.workplace}, {contact.phone}")
    if plan.follow_up_on:
        lines.append(f"Uppföljning: {plan.follow_up_on.isoformat()}")
    title = f"Samordnad individuell plan (SIP), version {plan.number}"
    return Text(title=title, body="\n".join(lines))


def participating_units(plan: PlanVersion) -> list[str]:
    """HSA-ids of the units with an action in the plan, the coordinator's unit first."""
    found: list[str] = []
    coordinator = accountable(plan)
    units = [coordinator.unit] if coordinator else [plan.case.owner_unit]
    units += [a.responsible_unit for a in plan.actions.all() if a.responsible_unit is not None]
    for unit in units:
        if unit.hsa_id and unit.hsa_id not in found:
            found.append(unit.hsa_id)
    return found
