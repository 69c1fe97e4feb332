"""Read and search of each resource type: what a system's unit sees, one page at a time.

Every query starts from the one choke point (``Case.objects.visible_to``,
``Person.objects.visible_to``); a page costs a fixed number of queries whatever its size or
the county's (the count, the page, its prefetches: ``tests/interop/test_fhir.py`` counts them).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import QueryDict
from fhir.resources.R4B.resource import Resource

from samordna.accounts.actor import Actor
from samordna.cases.models import Case, Participation
from samordna.interop.fhir import exchange
from samordna.interop.fhir import resources as fhir
from samordna.interop.fhir.base import (
    PATIENT_PARAMS,
    Found,
    Kind,
    Unknown,
    page_rows,
    patient_condition,
    searching,
)
from samordna.interop.fhir.search import HSA, Invalid, Page, as_id, dates, identity, one, tokens
from samordna.organisations.models import Unit
from samordna.people.models import Person
from samordna.sip.models import CareContact, Coordinator, PlanVersion
from samordna.sip.models import Consent as SipConsent
from samordna.sip.models import Goal as SubGoal
from samordna.sip.services.plan import with_contents

__all__ = ["KINDS", "Found", "Kind"]


# CarePlan and Goal ---------------------------------------------------------------------------


def _documented_plans(actor: Actor) -> QuerySet[PlanVersion]:
    cases = Case.objects.visible_to(actor).filter(kind=Case.Kind.SIP)
    later = PlanVersion.objects.filter(
        case=OuterRef("case"), documented_at__isnull=False, number__gt=OuterRef("number")
    )
    return PlanVersion.objects.filter(case__in=cases, documented_at__isnull=False).annotate(
        superseded=Exists(later)
    )


def _with_contents(plans: QuerySet[PlanVersion]) -> QuerySet[PlanVersion]:
    return (
        with_contents(plans)
        .select_related("case__sip", "case__person", "case__owner_unit__principal")
        .prefetch_related(
            Prefetch(
                "case__coordinators",
                queryset=Coordinator.objects.select_related("user", "unit__principal").order_by(
                    "assumed_at"
                ),
            ),
        )
    )


PLAN_STATUS = {
    "active": Q(superseded=False, case__closed_at__isnull=True),
    "completed": Q(superseded=False, case__closed_at__isnull=False),
    "revoked": Q(superseded=True),
}
FHIR_PLAN_STATUSES = {
    "draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"
}  # fmt: skip


def _read_plan(actor: Actor, pk: int) -> tuple[Resource, Person | None] | None:
    plan = _with_contents(_documented_plans(actor).filter(pk=pk)).first()
    return (fhir.care_plan(plan), plan.case.person) if plan else None


@searching
def _search_plans(actor: Actor, query: QueryDict, page: Page) -> Found:
    condition, asked = patient_condition(query, "case__person")
    plans = _documented_plans(actor).filter(condition, dates(query, "documented_at"))
    statuses = tokens(query, "status", FHIR_PLAN_STATUSES)
    if statuses is not None:
        wanted = Q(pk__in=[])
        for status in statuses & set(PLAN_STATUS):
            wanted |= PLAN_STATUS[status]
        plans = plans.filter(wanted)
    rows, total = page_rows(_with_contents(plans.order_by("-documented_at", "-pk")), page)
    return Found(
        [fhir.care_plan(p) for p in rows], [p.case.person for p in rows], total, asked=asked
    )


def _goals(actor: Actor) -> QuerySet[SubGoal]:
    plans = _documented_plans(actor)
    return SubGoal.objects.filter(plan__in=plans.values("pk")).annotate(
        superseded=Exists(
            PlanVersion.objects.filter(
                case=OuterRef("plan__case"),
                documented_at__isnull=False,
                number__gt=OuterRef("plan__number"),
            )
        )
    )


def _goal_resource(sub_goal: SubGoal) -> Resource:
    sub_goal.plan.superseded = sub_goal.superseded  # type: ignore[attr-defined]
    return fhir.goal(sub_goal)


def _goal_rows(goals: QuerySet[SubGoal]) -> QuerySet[SubGoal]:
    return goals.select_related("plan__case__person")


def _read_goal(actor: Actor, pk: int) -> tuple[Resource, Person | None] | None:
    found = _goal_rows(_goals(actor).filter(pk=pk)).first()
    return (_goal_resource(found), found.plan.case.person) if found else None


@searching
def _search_goals(actor: Actor, query: QueryDict, page: Page) -> Found:
    condition, asked = patient_condition(query, "plan__case__person")
    goals = _goal_rows(_goals(actor).filter(condition).order_by("-plan__documented_at", "pk"))
    rows, total = page_rows(goals, page)
    return Found(
        [_goal_resource(g) for g in rows], [g.plan.case.person for g in rows], total, asked=asked
    )


# CareTeam and EpisodeOfCare -------------------------------------------------------------------


def _cases(actor: Actor, kind: str) -> QuerySet[Case]:
    return (
        Case.objects.visible_to(actor)
        .filter(kind=kind)
        .select_related("person", "owner_unit__principal", "stay")
    )


def _teams(cases: list[Case]) -> list[Resource]:
    """Each SIP's team: the units whose participation the consent covers, one query."""
    members: dict[int, list[Unit]] = {case.pk: [] for case in cases}
    seeing = (
        Participation.objects.current()
        .covered()
        .filter(case__in=[c.pk for c in cases])
        .select_related("unit__principal")
        .order_by("case", "since", "pk")
    )
    for row in seeing:
        if row.unit not in members[row.case_id]:
            members[row.case_id].append(row.unit)
    for case in cases:
        units = members[case.pk]
        units.sort(key=lambda u: u != case.owner_unit)
    contacts = _care_contacts(cases)
    return [fhir.care_team(case, members[case.pk], contacts[case.pk]) for case in cases]


def _care_contacts(cases: list[Case]) -> dict[int, list[CareContact]]:
    """The designated care contacts of each SIP's plan in force (SIP-18), two queries."""
    latest: dict[int, int] = {}
    documented = (
        PlanVersion.objects.filter(case__in=[c.pk for c in cases], documented_at__isnull=False)
        .order_by("case", "-number")
        .values_list("case", "pk")
    )
    for case_pk, plan_pk in documented:
        latest.setdefault(case_pk, plan_pk)
    found: dict[int, list[CareContact]] = {case.pk: [] for case in cases}
    by_plan = {plan_pk: case_pk for case_pk, plan_pk in latest.items()}
    for contact in CareContact.objects.filter(plan__in=list(by_plan)).order_by("plan", "pk"):
        found[by_plan[contact.plan_id]].append(contact)
    return found


def _read_team(actor: Actor, pk: int) -> tuple[Resource, Person | None] | None:
    case = _cases(actor, Case.Kind.SIP).filter(pk=pk).first()
    return (_teams([case])[0], case.person) if case else None


def _status_of_case(query: QueryDict, open_code: str, closed_code: str, allowed: set[str]) -> Q:
    statuses = tokens(query, "status", allowed)
    if statuses is None:
        return Q()
    wanted = Q(pk__in=[])
    if open_code in statuses:
        wanted |= Q(closed_at__isnull=True)
    if closed_code in statuses:
        wanted |= Q(closed_at__isnull=False)
    return wanted


@searching
def _search_teams(actor: Actor, query: QueryDict, page: Page) -> Found:
    condition, asked = patient_condition(query, "person")
    status = _status_of_case(
        query,
        "active",
        "inactive",
        {"proposed", "active", "suspended", "inactive", "entered-in-error"},
    )
    cases = _cases(actor, Case.Kind.SIP).filter(condition, status, dates(query, "opened_at"))
    rows, total = page_rows(cases.order_by("-opened_at", "-pk"), page)
    return Found(_teams(rows), [c.person for c in rows], total, asked=asked)


EPISODE_STATUSES = {
    "planned", "waitlist", "active", "onhold", "finished", "cancelled", "entered-in-error"
}  # fmt: skip


def _read_episode(actor: Actor, pk: int) -> tuple[Resource, Person | None] | None:
    case = _cases(actor, Case.Kind.DISCHARGE).filter(pk=pk).first()
    return (fhir.episode_of_care(case), case.person) if case else None


@searching
def _search_episodes(actor: Actor, query: QueryDict, page: Page) -> Found:
    condition, asked = patient_condition(query, "person")
    status = _status_of_case(query, "active", "finished", EPISODE_STATUSES)
    cases = _cases(actor, Case.Kind.DISCHARGE).filter(
        condition, status, dates(query, "stay__admitted_at")
    )
    rows, total = page_rows(cases.order_by("-stay__admitted_at", "-pk"), page)
    return Found(
        [fhir.episode_of_care(c) for c in rows], [c.person for c in rows], total, asked=asked
    )


# Consent --------------------------------------------------------------------------------------


CONSENT_STATUS = {
    "active": Q(decision="given", withdrawn_at__isnull=True, superseded_at__isnull=True),
    "rejected": Q(decision="refused"),
    "inactive": Q(decision="given")
    & (Q(withdrawn_at__isnull=False) | Q(superseded_at__isnull=False)),
}
FHIR_CONSENT_STATUSES = {"draft", "proposed", "active", "rejected", "inactive", "entered-in-error"}


def _consents(actor: Actor) -> QuerySet[SipConsent]:
    cases = Case.objects.visible_to(actor).filter(kind=Case.Kind.SIP)
    return (
        SipConsent.objects.filter(case__in=cases)
        .select_related("case__person", "case__owner_unit__principal")
        .prefetch_related(Prefetch("units", queryset=Unit.objects.select_related("principal")))
    )


def _read_consent(actor: Actor, pk: int) -> tuple[Resource, Person | None] | None:
    row = _consents(actor).filter(pk=pk).first()
    return (fhir.consent(row), row.case.person) if row else None


@searching
def _search_consents(actor: Actor, query: QueryDict, page: Page) -> Found:
    condition, asked = patient_condition(query, "case__person")
    rows = _consents(actor).filter(condition, dates(query, "given_at"))
    statuses = tokens(query, "status", FHIR_CONSENT_STATUSES)
    if statuses is not None:
        wanted = Q(pk__in=[])
        for status in statuses & set(CONSENT_STATUS):
            wanted |= CONSENT_STATUS[status]
        rows = rows.filter(wanted)
    found, total = page_rows(rows.order_by("-recorded_at", "-pk"), page)
    return Found(
        [fhir.consent(c) for c in found], [c.case.person for c in found], total, asked=asked
    )


# Patient and Organization ---------------------------------------------------------------------


def _read_patient(actor: Actor, pk: int) -> tuple[Resource, Person | None] | None:
    person = Person.objects.visible_to(actor).filter(pk=pk).first()
    return (fhir.patient(person), person) if person else None


@searching
def _search_patients(actor: Actor, query: QueryDict, page: Page) -> Found:
    people = Person.objects.visible_to(actor)
    asked = None
    token = one(query, "identifier")
    if token is not None:
        number = identity(token)
        asked = Person.objects.filter(identity_number=number.value).first()
        if asked is None:
            raise Unknown
        people = people.filter(pk=asked.pk)
    pk = one(query, "_id")
    if pk is not None:
        people = people.filter(pk=as_id(pk) or 0)
    rows, total = page_rows(people.order_by("last_name", "first_name", "pk"), page)
    return Found([fhir.patient(p) for p in rows], rows, total, asked=asked)


def _units() -> QuerySet[Unit]:
    return Unit.objects.select_related("principal")


def _read_unit(actor: Actor, pk: int) -> tuple[Resource, Person | None] | None:
    unit = _units().filter(pk=pk).first()
    return (fhir.organization(unit), None) if unit else None


def _search_units(actor: Actor, query: QueryDict, page: Page) -> Found:
    units = _units()
    token = one(query, "identifier")
    if token is not None:
        system, bar, value = token.partition("|")
        if not bar:
            system, value = "", token
        if system not in ("", HSA):
            raise Invalid(f"Identifierarsystemet för HSA-id är {HSA}.", "not-supported")
        units = units.filter(hsa_id=value) if value else units.none()
    name = one(query, "name")
    if name is not None:
        units = units.filter(name__icontains=name[:100])
    rows, total = page_rows(units.order_by("name", "pk"), page)
    return Found([fhir.organization(u) for u in rows], [], total)


PATIENT_DOC = {"patient": "reference", "patient.identifier": "token"}
KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "CarePlan",
            PATIENT_PARAMS | {"status", "date"},
            _read_plan,
            _search_plans,
            PATIENT_DOC | {"status": "token", "date": "date"},
        ),
        Kind("Goal", PATIENT_PARAMS, _read_goal, _search_goals, PATIENT_DOC),
        Kind(
            "CareTeam",
            PATIENT_PARAMS | {"status", "date"},
            _read_team,
            _search_teams,
            PATIENT_DOC | {"status": "token", "date": "date"},
        ),
        Kind(
            "EpisodeOfCare",
            PATIENT_PARAMS | {"status", "date"},
            _read_episode,
            _search_episodes,
            PATIENT_DOC | {"status": "token", "date": "date"},
        ),
        Kind(
            "Consent",
            PATIENT_PARAMS | {"status", "date"},
            _read_consent,
            _search_consents,
            PATIENT_DOC | {"status": "token", "date": "date"},
        ),
        Kind(
            "Appointment",
            PATIENT_PARAMS | {"status", "date"},
            exchange.read_appointment,
            exchange.search_appointments,
            PATIENT_DOC | {"status": "token", "date": "date"},
        ),
        Kind(
            "Communication",
            PATIENT_PARAMS | {"status", "date"},
            exchange.read_communication,
            exchange.search_communications,
            PATIENT_DOC | {"status": "token", "date": "date"},
        ),
        Kind(
            "Task",
            PATIENT_PARAMS | {"status", "date"},
            exchange.read_task,
            exchange.search_tasks,
            PATIENT_DOC | {"status": "token", "date": "date"},
        ),
        Kind(
            "Patient",
            {"identifier", "_id"},
            _read_patient,
            _search_patients,
            {"identifier": "token", "_id": "token"},
        ),
        Kind(
            "Organization",
            {"identifier", "name"},
            _read_unit,
            _search_units,
            {"identifier": "token", "name": "string"},
        ),
    )
}
