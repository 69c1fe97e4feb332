"""GetCarePlans 2.0 (urn:riv:clinicalprocess:logistics:logistics:GetCarePlansResponder:2, RIV TA
Basic Profile 2.1): reading the request and writing the response, per the contract's own
schemas in ``schemas/`` (copied unchanged from the published contract; a test compares them
with ``../shared/specs/riv-getcareplans-2.0/``).

The request is validated against the schema before anything is read from it; the response is
built element by element in the schema's order and the tests validate every one with
``xmlschema``. Times are the contract's ``YYYYMMDDhhmmss`` in Swedish local time.
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import xmlschema
from django.conf import settings
from django.utils import timezone
from lxml import etree

from samordna.interop import plans as plan_info
from samordna.sip.models import PlanVersion

SCHEMAS = Path(__file__).resolve().parent / "schemas"
INTERACTION = SCHEMAS / "interactions" / "GetCarePlansInteraction"
WSDL = INTERACTION / "GetCarePlansInteraction_2.0_RIVTABP21.wsdl"
RESPONDER_XSD = INTERACTION / "GetCarePlansResponder_2.0.xsd"

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
RESPONDER = "urn:riv:clinicalprocess:logistics:logistics:GetCarePlansResponder:2"
CORE = "urn:riv:clinicalprocess:logistics:logistics:3"
REGISTRY = "urn:riv:itintegration:registry:1"
SOAP_ACTION = "urn:riv:clinicalprocess:logistics:GetCarePlansResponder:2:GetCarePlans"
NSMAP = {"soap": SOAP, "tjsr": RESPONDER, "core": CORE}

# lxml without DTDs, entities or the network: a request is data, never instructions to fetch.
PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
)
MAX_BYTES = 256 * 1024


@cache
def schema() -> xmlschema.XMLSchema10:
    """The responder schema with the core and enum schemas it imports (loaded once)."""
    return xmlschema.XMLSchema10(str(RESPONDER_XSD))


class Fault(Exception):
    """A request the contract cannot answer at all: a SOAP fault (RIV TA BP 2.1 technical
    error), ``code`` is ``Client`` or ``Server``."""

    def __init__(self, message: str, code: str = "Client", status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


class InvalidRequest(Exception):
    """A valid message asking for something wrong (a malformed identity number): the contract's
    own answer, ``result`` ERROR with ``errorCode`` INVALID_REQUEST."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Request:
    patient_id: str
    patient_type: str
    start: dt.date | None = None
    end: dt.date | None = None
    care_units: tuple[str, ...] = ()
    source_system: str | None = None
    care_contacts: tuple[str, ...] = field(default_factory=tuple)
    logical_address: str = ""


def _text(element: etree._Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _date(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        raise InvalidRequest(f"Datumet {value} finns inte.") from None


def parse(body: bytes) -> Request:
    """The request in a SOAP 1.1 envelope; raises ``Fault`` for anything that is not a
    GetCarePlans message valid per the schema."""
    if len(body) > MAX_BYTES:
        raise Fault("Meddelandet är för stort.")
    try:
        root = etree.fromstring(body, PARSER)
    except (etree.XMLSyntaxError, ValueError):
        raise Fault("Meddelandet är inte välformad XML.") from None
    if root.tag != f"{{{SOAP}}}Envelope":
        raise Fault("Meddelandet är inte ett SOAP 1.1-kuvert.")
    found = root.find("soap:Body", NSMAP)
    children = [c for c in found if isinstance(c.tag, str)] if found is not None else []
    if len(children) != 1 or children[0].tag != f"{{{RESPONDER}}}GetCarePlans":
        raise Fault("Kroppen ska innehålla ett GetCarePlans-element.")
    message = children[0]
    errors = list(schema().iter_errors(message))
    if errors:
        reason = errors[0].reason or "ogiltigt"
        raise Fault(f"GetCarePlans följer inte tjänstekontraktets schema: {reason}"[:500])
    address = root.find(f"soap:Header/{{{REGISTRY}}}LogicalAddress", NSMAP)
    patient = message.find("tjsr:patientId", NSMAP)
    period = message.find("tjsr:datePeriod", NSMAP)
    start = end = None
    if period is not None:
        start = _date(_text(period.find("core:start", NSMAP)))
        end = _date(_text(period.find("core:end", NSMAP)))
        if start > end:
            raise InvalidRequest("Periodens start ligger efter dess slut.")
    source = message.find("tjsr:sourceSystemHSAId", NSMAP)
    return Request(
        patient_id=_text(patient.find("core:id", NSMAP)),
        patient_type=_text(patient.find("core:type", NSMAP)),
        start=start,
        end=end,
        care_units=tuple(_text(e) for e in message.findall("tjsr:careUnitHSAId", NSMAP)),
        source_system=_text(source) if source is not None else None,
        care_contacts=tuple(_text(e) for e in message.findall("tjsr:careContactId", NSMAP)),
        logical_address=_text(address),
    )


def stamp(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y%m%d%H%M%S")


def _el(parent: etree._Element, ns: str, name: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ns}}}{name}")
    if text is not None:
        element.text = text
    return element


def _care_plan(parent: etree._Element, plan: PlanVersion) -> None:
    """One ``carePlan`` (CarePlanType): header and body, each element in the schema's order."""
    text = plan_info.as_text(plan)
    identity = plan.case.person.identity
    coordinator = plan_info.accountable(plan)
    unit = coordinator.unit if coordinator else plan.case.owner_unit
    documented = plan.documented_at or plan.created_at
    care_plan = _el(parent, RESPONDER, "carePlan")
    header = _el(care_plan, CORE, "carePlanHeader")
    _el(header, CORE, "documentId", plan_info.document_id(plan))
    _el(header, CORE, "sourceSystemHSAId", settings.SAMORDNA_SOURCE_SYSTEM_HSA_ID)
    _el(header, CORE, "documentTitle", text.title)
    _el(header, CORE, "documentTime", stamp(documented))
    patient = _el(header, CORE, "patientId")
    _el(patient, CORE, "id", identity.value)
    _el(patient, CORE, "type", plan_info.oid_of(identity))
    professional = _el(header, CORE, "accountableHealthcareProfessional")
    _el(professional, CORE, "authorTime", stamp(documented))
    if coordinator is not None:
        if coordinator.user.hsa_id:
            _el(professional, CORE, "healthcareProfessionalHSAId", coordinator.user.hsa_id)
        name = coordinator.user.get_full_name() or coordinator.user.username
        _el(professional, CORE, "healthcareProfessionalName", name)
    org = _el(professional, CORE, "healthcareProfessionalOrgUnit")
    if unit.hsa_id:
        _el(org, CORE, "orgUnitHSAId", unit.hsa_id)
    _el(org, CORE, "orgUnitName", unit.name)
    if unit.phone:
        _el(org, CORE, "orgUnitTelecom", unit.phone)
    if unit.email:
        _el(org, CORE, "orgUnitEmail", unit.email)
    address = ", ".join(p for p in (unit.street, f"{unit.postal_code} {unit.city}".strip()) if p)
    if address:
        _el(org, CORE, "orgUnitAddress", address)
    if unit.hsa_id:
        _el(professional, CORE, "healthcareProfessionalCareUnitHSAId", unit.hsa_id)
    _el(header, CORE, "approvedForPatient", _bool(plan_info.approved_for_patient(plan)))
    body = _el(care_plan, CORE, "carePlanBody")
    content = _el(body, CORE, "content")
    _el(content, CORE, "mediaType", "text/plain")
    _el(content, CORE, "value", base64.b64encode(text.body.encode()).decode())
    for hsa_id in plan_info.participating_units(plan):
        unit_id = _el(body, CORE, "participatingCareUnitHSAId")
        _el(unit_id, CORE, "root", plan_info.HSA_OID)
        _el(unit_id, CORE, "extension", hsa_id)
    _el(body, CORE, "typeOfCarePlanEnum", plan_info.plan_type(plan))


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _envelope() -> tuple[etree._Element, etree._Element]:
    envelope = etree.Element(f"{{{SOAP}}}Envelope", nsmap={"soap": SOAP})
    return envelope, etree.SubElement(envelope, f"{{{SOAP}}}Body")


def response_element(plans: list[PlanVersion], error: str | None = None) -> etree._Element:
    """``GetCarePlansResponse``: the plans and the ``result``."""
    response = etree.Element(
        f"{{{RESPONDER}}}GetCarePlansResponse", nsmap={None: RESPONDER, "core": CORE}
    )
    for plan in plans:
        _care_plan(response, plan)
    result = _el(response, RESPONDER, "result")
    _el(result, CORE, "resultCode", "ERROR" if error else "OK")
    if error:
        _el(result, CORE, "errorCode", "INVALID_REQUEST")
    _el(result, CORE, "logId", str(uuid.uuid4()))
    if error:
        _el(result, CORE, "message", error)
    return response


def response(plans: list[PlanVersion], error: str | None = None) -> bytes:
    envelope, body = _envelope()
    body.append(response_element(plans, error))
    return bytes(etree.tostring(envelope, xml_declaration=True, encoding="UTF-8"))


def fault(message: str, code: str = "Client") -> bytes:
    envelope, body = _envelope()
    element = etree.SubElement(body, f"{{{SOAP}}}Fault")
    etree.SubElement(element, "faultcode").text = f"soap:{code}"
    etree.SubElement(element, "faultstring").text = message
    return bytes(etree.tostring(envelope, xml_declaration=True, encoding="UTF-8"))
