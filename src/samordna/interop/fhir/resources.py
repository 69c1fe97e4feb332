"""Samordna's rows as FHIR R4 resources, built with ``fhir.resources`` models (never dicts).

The models are the library's R4B package: for the resources here R4B is R4 unchanged (R4B
changed only medication definitions and a few others), and every resource in the tests is
also validated against the R4 definitions by an independent validator (Medplum) and the
official R4 JSON schema. The CarePlan follows Inera's EHDS CarePlan profile
(``../shared/specs/inera-ehds-careplan/``) and the element mapping of GetCarePlans.

Ids are the rows' primary keys: ``CarePlan/<plan version>``, ``Patient/<individual>``,
``Organization/<unit>``, ``Goal/<sub-goal>``, ``CareTeam/<case>``, ``EpisodeOfCare/<stay>``,
``Consent/<consent version>``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.utils import timezone
from fhir.resources.R4B.address import Address
from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.careplan import CarePlan, CarePlanActivity, CarePlanActivityDetail
from fhir.resources.R4B.careteam import CareTeam, CareTeamParticipant
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.consent import Consent, ConsentProvision, ConsentProvisionActor
from fhir.resources.R4B.contactpoint import ContactPoint
from fhir.resources.R4B.episodeofcare import EpisodeOfCare
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.goal import Goal
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.meta import Meta
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.reference import Reference

from samordna.cases.models import Case
from samordna.interop import plans as plan_info
from samordna.interop.fhir.search import HSA, PERSONNUMMER, SAMORDNINGSNUMMER
from samordna.organisations.models import Unit
from samordna.people.models import Person
from samordna.sip.models import Action, CareContact, PlanVersion
from samordna.sip.models import Consent as SipConsent
from samordna.sip.models import Goal as SubGoal

INERA = "https://fhir.inera.se"
CAREPLAN_PROFILE = f"{INERA}/StructureDefinition/inera-ehds-care-plan"
APPROVED_FOR_PATIENT = f"{INERA}/StructureDefinition/approved-for-patient"
TYPE_OF_CARE_PLAN = f"{INERA}/CodeSystem/typeofcareplan-cs"
PLAN_TYPE_DISPLAY = {
    "SIP": "Samordnad individuell plan",
    "SPLPTLRV": "Samordnad plan enligt LPT och LRV",
}
SNOMED = "http://snomed.info/sct"


def moment(value: dt.datetime) -> dt.datetime:
    """A FHIR instant/dateTime in Swedish local time with its offset, to the second."""
    return timezone.localtime(value).replace(microsecond=0)


def day(value: dt.date | None) -> Any:
    """A FHIR dateTime that is a date alone (the models' type hints say datetime; a date is
    what FHIR means and what they write: ``2026-12-01``)."""
    return value


def source() -> str:
    """meta.source per the mapping: ``urn:oid:1.2.752.129.2.1.4.1#{hsaId}``."""
    return f"urn:oid:{plan_info.HSA_OID}#{settings.SAMORDNA_SOURCE_SYSTEM_HSA_ID}"


def person_identifier(person: Person) -> Identifier:
    number = person.identity
    system = SAMORDNINGSNUMMER if number.is_coordination_number else PERSONNUMMER
    return Identifier(use="official", system=system, value=number.value)


def patient_reference(person: Person) -> Reference:
    return Reference(
        reference=f"Patient/{person.pk}",
        type="Patient",
        identifier=person_identifier(person),
        display=person.full_name,
    )


def unit_reference(unit: Unit) -> Reference:
    found = Reference(reference=f"Organization/{unit.pk}", type="Organization", display=unit.name)
    if unit.hsa_id:
        found.identifier = Identifier(system=HSA, value=unit.hsa_id)
    return found


# CarePlan -------------------------------------------------------------------------------------


def care_plan_status(plan: PlanVersion) -> str:
    """The version in force of an open SIP is active; a later documented version replaces it
    (revoked); the last version of a closed SIP is completed. Reads ``superseded``, annotated
    by the query (``kinds.care_plans``)."""
    if getattr(plan, "superseded", False):
        return "revoked"
    return "completed" if plan.case.closed_at is not None else "active"


ACTIVITY_STATUS = {"active": "in-progress", "completed": "completed", "revoked": "stopped"}


def care_plan(plan: PlanVersion) -> CarePlan:
    """IneraEHDSCarePlan: identifier (documentId), meta.source, subject, author, created,
    status, intent, category (TypeOfCarePlanVS), title (1..1), note (the plan as text) and the
    approvedForPatient extension."""
    person = plan.case.person
    text = plan_info.as_text(plan)
    coordinator = plan_info.accountable(plan)
    unit = coordinator.unit if coordinator else plan.case.owner_unit
    documented = plan.documented_at or plan.created_at
    status = care_plan_status(plan)
    kind = plan_info.plan_type(plan)
    contributors = {unit.pk: unit}
    for action in plan.actions.all():
        if action.responsible_unit is not None:
            contributors.setdefault(action.responsible_unit.pk, action.responsible_unit)
    return CarePlan(
        id=str(plan.pk),
        meta=Meta(profile=[CAREPLAN_PROFILE], source=source(), lastUpdated=moment(documented)),
        extension=[
            Extension(url=APPROVED_FOR_PATIENT, valueBoolean=plan_info.approved_for_patient(plan))
        ],
        identifier=[
            Identifier(
                value=plan_info.document_id(plan),
                assigner=Reference(
                    identifier=Identifier(
                        system=f"urn:oid:{plan_info.HSA_OID}",
                        value=settings.SAMORDNA_SOURCE_SYSTEM_HSA_ID,
                    )
                ),
            )
        ],
        status=status,
        intent="plan",
        category=[
            CodeableConcept(
                coding=[
                    Coding(system=TYPE_OF_CARE_PLAN, code=kind, display=PLAN_TYPE_DISPLAY[kind])
                ]
            )
        ],
        title=text.title,
        subject=patient_reference(person),
        period=Period(start=moment(documented)),
        created=moment(documented),
        author=unit_reference(unit),
        contributor=[unit_reference(u) for u in contributors.values()],
        careTeam=[Reference(reference=f"CareTeam/{plan.case_id}", type="CareTeam")],
        goal=[Reference(reference=f"Goal/{g.pk}", type="Goal") for g in plan.goals.all()],
        activity=[_activity(a, ACTIVITY_STATUS[status]) for a in plan.actions.all()] or None,
        note=[Annotation(text=text.body, time=moment(documented))],
    )


def _activity(action: Action, status: str) -> CarePlanActivity:
    detail = CarePlanActivityDetail(status=status, description=action.text)
    if action.responsible == Action.Responsible.UNIT and action.responsible_unit is not None:
        detail.performer = [unit_reference(action.responsible_unit)]
    elif action.responsible == Action.Responsible.INDIVIDUAL:
        detail.performer = [Reference(reference=f"Patient/{action.plan.case.person_id}")]
    elif action.responsible_name:
        detail.performer = [Reference(display=action.responsible_name)]
    if action.goal_id is not None:
        detail.goal = [Reference(reference=f"Goal/{action.goal_id}", type="Goal")]
    if action.starts_on or action.ends_on:
        detail.scheduledPeriod = Period(start=day(action.starts_on), end=day(action.ends_on))
    return CarePlanActivity(detail=detail)


# Goal -----------------------------------------------------------------------------------------


def goal(sub_goal: SubGoal, main: bool = False) -> Goal:
    """A sub-goal of a documented plan version, the plan's lifecycle as its own."""
    plan = sub_goal.plan
    status = care_plan_status(plan)
    return Goal(
        id=str(sub_goal.pk),
        lifecycleStatus={"active": "active", "completed": "completed", "revoked": "cancelled"}[
            status
        ],
        description=CodeableConcept(text=sub_goal.text),
        subject=patient_reference(plan.case.person),
        startDate=timezone.localtime(plan.documented_at or plan.created_at).date(),
        note=[Annotation(text=f"Huvudmål: {plan.main_goal}")] if plan.main_goal else None,
    )


# CareTeam -------------------------------------------------------------------------------------


def care_team(case: Case, units: list[Unit], contacts: Sequence[CareContact] = ()) -> CareTeam:
    """The units taking part in a SIP (those the consent covers) as its care team; the
    coordinator's unit first, as the managing organisation. Then the designated care contacts
    of the plan in force, marked as the plan marks them (SIP-18: physician level, holding the
    coordination)."""
    return CareTeam(
        id=str(case.pk),
        status="active" if case.closed_at is None else "inactive",
        name=f"SIP {case.pk}",
        subject=patient_reference(case.person),
        period=Period(
            start=moment(case.opened_at), end=moment(case.closed_at) if case.closed_at else None
        ),
        participant=[
            CareTeamParticipant(
                member=unit_reference(unit),
                role=[
                    CodeableConcept(
                        text="Samordningsansvarig" if unit == case.owner_unit else "Deltagare"
                    )
                ],
            )
            for unit in units
        ]
        + [
            CareTeamParticipant(
                member=Reference(display=f"{contact.name}, {contact.workplace}"),
                role=[CodeableConcept(text=_care_contact_role(contact))],
            )
            for contact in contacts
        ]
        or None,
        managingOrganization=[unit_reference(case.owner_unit)],
    )


def _care_contact_role(contact: CareContact) -> str:
    marks = ["Fast vårdkontakt"]
    if contact.physician:
        marks.append("läkare")
    if contact.coordinates:
        marks.append("har samordningsuppdraget")
    return ", ".join(marks)


# EpisodeOfCare --------------------------------------------------------------------------------


def episode_of_care(case: Case) -> EpisodeOfCare:
    """A stay at an inpatient ward (SVU): admitted until discharged."""
    stay = case.stay
    if case.closed_at is not None:
        status = "finished"
    elif stay.ready_at is not None:
        status = "active"
    else:
        status = "active"
    return EpisodeOfCare(
        id=str(case.pk),
        status=status,
        patient=patient_reference(case.person),
        managingOrganization=unit_reference(case.owner_unit),
        period=Period(
            start=moment(stay.admitted_at),
            end=moment(case.closed_at) if case.closed_at else None,
        ),
    )


# Patient and Organization ---------------------------------------------------------------------


def patient(person: Person) -> Patient:
    found = Patient(
        id=str(person.pk),
        identifier=[person_identifier(person)],
        active=True,
        name=[HumanName(use="official", family=person.last_name, given=[person.first_name])],
        birthDate=person.identity.birth_date,
    )
    if person.deceased_on:
        found.deceasedDateTime = day(person.deceased_on)
    if person.phone:
        found.telecom = [ContactPoint(system="phone", value=person.phone, use="home")]
    if person.street or person.city:
        found.address = [_address(person.street, person.postal_code, person.city)]
    return found


def organization(unit: Unit) -> Organization:
    found = Organization(
        id=str(unit.pk),
        active=True,
        name=unit.name,
        type=[CodeableConcept(text=str(unit.get_kind_display()))],
        alias=[unit.principal.name],
    )
    if unit.hsa_id:
        found.identifier = [Identifier(use="official", system=HSA, value=unit.hsa_id)]
    telecom = []
    if unit.phone:
        telecom.append(ContactPoint(system="phone", value=unit.phone, use="work"))
    if unit.email:
        telecom.append(ContactPoint(system="email", value=unit.email, use="work"))
    found.telecom = telecom or None
    if unit.street or unit.city:
        found.address = [_address(unit.street, unit.postal_code, unit.city)]
    return found


def _address(street: str, postal_code: str, city: str) -> Address:
    return Address(
        line=[street] if street else None,
        postalCode=postal_code or None,
        city=city or None,
        country="SE",
    )


# Consent --------------------------------------------------------------------------------------


def consent_status(consent: SipConsent) -> str:
    if consent.decision == SipConsent.Decision.REFUSED:
        return "rejected"
    if consent.withdrawn_at is None and consent.superseded_at is None:
        return "active"
    return "inactive"  # withdrawn, or replaced by an amendment (its own version)


def consent(row: SipConsent) -> Consent:
    """The individual's consent to the SIP and to information exchange between the units it
    names (CON-1): a permit for those units as recipients; no unit named restricts no one."""
    ended = row.withdrawn_at or row.superseded_at
    units = list(row.units.all())
    return Consent(
        id=str(row.pk),
        status=consent_status(row),
        scope=CodeableConcept(
            coding=[
                Coding(
                    system="http://terminology.hl7.org/CodeSystem/consentscope",
                    code="patient-privacy",
                )
            ]
        ),
        category=[
            CodeableConcept(
                coding=[
                    Coding(system="http://loinc.org", code="59284-0", display="Patient Consent")
                ]
            )
        ],
        patient=patient_reference(row.case.person),
        dateTime=moment(row.given_at),
        performer=[Reference(display=row.giver_name)],
        organization=[unit_reference(row.case.owner_unit)],
        policyRule=CodeableConcept(
            text="Samtycke till samordnad individuell plan (SIP) och informationsöverföring "
            "mellan de angivna enheterna"
        ),
        provision=ConsentProvision(
            type="permit" if row.decision == SipConsent.Decision.GIVEN else "deny",
            period=Period(start=moment(row.given_at), end=moment(ended) if ended else None),
            actor=[
                ConsentProvisionActor(
                    role=CodeableConcept(
                        coding=[
                            Coding(
                                system="http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                                code="IRCP",
                                display="information recipient",
                            )
                        ]
                    ),
                    reference=unit_reference(unit),
                )
                for unit in units
            ]
            or None,
        ),
    )
