"""The GetCarePlans read: one logged read of one individual's plans by one system."""

from __future__ import annotations

from django.conf import settings

from samordna.accounts.actor import Actor
from samordna.audit.models import AccessLog
from samordna.audit.services import log
from samordna.core.identity import IdentityNumber, IdentityNumberError
from samordna.interop import plans as plan_info
from samordna.interop.riv import contract
from samordna.people.models import Person
from samordna.sip.models import PlanVersion

WHAT = "riv.careplans"
ID_TYPES = (plan_info.PERSONNUMMER_OID, plan_info.SAMORDNINGSNUMMER_OID)


def identity_of(request: contract.Request) -> IdentityNumber:
    """The patientId as a valid number of the type it claims; raises ``InvalidRequest``."""
    if request.patient_type not in ID_TYPES:
        raise contract.InvalidRequest(
            f"patientId.type ska vara {ID_TYPES[0]} (personnummer) eller {ID_TYPES[1]} "
            "(samordningsnummer)."
        )
    try:
        identity = IdentityNumber(request.patient_id)
    except IdentityNumberError as error:
        raise contract.InvalidRequest(
            f"patientId.id är inte ett giltigt nummer (12 siffror): {error.message}"
        ) from None
    if plan_info.oid_of(identity) != request.patient_type:
        raise contract.InvalidRequest("patientId.type stämmer inte med numrets slag.")
    return identity


def care_plans(actor: Actor, request: contract.Request) -> list[PlanVersion]:
    """The individual's documented SIP plans the system's unit sees, newest first. An unknown
    individual is an empty answer, and the read is logged all the same."""
    identity = identity_of(request)
    person = Person.objects.filter(identity_number=identity.value).first()
    if person is None:
        log(actor, AccessLog.Action.READ, f"{WHAT}: unknown_patient")
        return []
    log(actor, AccessLog.Action.READ, WHAT, person)
    if request.source_system not in (None, settings.SAMORDNA_SOURCE_SYSTEM_HSA_ID):
        return []
    if request.care_contacts:
        return []  # Samordna's plans name no care contact (careContactId) of an EHR
    visible = plan_info.documented_plans(actor, person)
    found = list(plan_info.in_period(visible, request.start, request.end))
    if request.care_units:
        found = [p for p in found if _care_unit(p) in request.care_units]
    return found


def _care_unit(plan: PlanVersion) -> str:
    coordinator = plan_info.accountable(plan)
    return (coordinator.unit if coordinator else plan.case.owner_unit).hsa_id
