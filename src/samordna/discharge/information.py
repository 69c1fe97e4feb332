"""The discharge information to the patient (SVU-6, "patientinformation").

Seed 001_118551e475ece215.txt lines 873-886: the recipients of the ready-for-discharge notice
document their planned care after discharge; the patient gets a summary of the interventions
from social services, municipal health care and the region's outpatient care, with the
designated care contact and the time of the planned SIP, if known. The ward prints it at
discharge. This module gathers it once for the printable page, the API and the PDF.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from samordna.accounts.actor import Actor
from samordna.cases.models import Case
from samordna.discharge.models import RecipientPlan, Stay
from samordna.discharge.services import collaboration as svu_collaboration_acts
from samordna.discharge.services import stays as stays_acts
from samordna.organisations.models import Unit
from samordna.people.models import Person
from samordna.sip.models import Meeting


@dataclass(frozen=True)
class CareContact:
    name: str
    workplace: str
    phone: str


@dataclass(frozen=True)
class DischargeInformation:
    case: Case
    person: Person
    ward: Unit
    county: str
    stay: Stay
    interventions: list[RecipientPlan]  # each recipient's newest reply
    care_contact: CareContact | None
    sip_meeting: Meeting | None  # the next meeting of a SIP that follows the stay
    made_at: dt.datetime
    documents: tuple[str, ...] = ()  # DOCUMENTS keys, what goes home with the patient


# SVU-12, seed 001 lines 824-826: "Nödvändiga dokument inför hemgång ska vara klara, t ex
# patientinformation (PINF), uppdaterad läkemedelslista och vid behov en kopia av planeringen för
# egenvården (s.k. egenvårdsintyg)." The medication list always; the certificate when the ward
# said so with the ready notice.
DOCUMENTS = {
    "medication_list": "Uppdaterad läkemedelslista",
    "self_care_certificate": "Egenvårdsintyg (en kopia av planeringen för din egenvård)",
}


def documents(stay: Stay) -> tuple[str, ...]:
    return ("medication_list",) + (("self_care_certificate",) if stay.self_care_certificate else ())


def discharge_information(actor: Actor, pk: int) -> DischargeInformation:
    """For the ward, and for recipients when the patient consented to information transfer."""
    case = stays_acts.get(actor, pk, "stay.information.read")
    if not stays_acts.sees_everything(actor, case):
        stays_acts.require_ward(actor, case)
    stay: Stay = case.stay
    contact = None
    if stay.care_contact_name:
        contact = CareContact(
            stay.care_contact_name, stay.care_contact_workplace, stay.care_contact_phone
        )
    # The SIP that follows the stay is another case, which the ward usually does not take part
    # in (SEC-1). Only the time and place of its next meeting are read, and only for the
    # discharge information of the stay it follows: "ska patienten även få uppgifter om ...
    # tidpunkt för när samordnad individuell planering avses genomföras. Patientinformationen
    # ska skrivas ut av slutenvården" (seed 001_118551e475ece215.txt lines 881-885, and lines
    # 1021-1024: the care contact documents that time in the patient information).
    meeting = (
        Meeting.objects.filter(
            case__sip__origin=case,
            case__closed_at__isnull=True,
            cancelled_at__isnull=True,
            starts_at__gte=timezone.now(),
        )
        .order_by("starts_at")
        .first()
    )
    return DischargeInformation(
        case=case,
        person=case.person,
        ward=case.owner_unit,
        county=case.owner_unit.principal.county.name,
        stay=stay,
        interventions=svu_collaboration_acts.recipient_plans(case),
        care_contact=contact,
        sip_meeting=meeting,
        made_at=timezone.now(),
        documents=documents(stay),
    )
