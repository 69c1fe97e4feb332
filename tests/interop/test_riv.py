"""RIV GetCarePlans 2.0 (issue 12 item 1, API-5): every answer is checked against the contract's
official schema with xmlschema, and a third-party SOAP client (zeep) built from the WSDL calls
the endpoint over real HTTP."""

from __future__ import annotations

import base64
import datetime as dt
import filecmp
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import etree

from samordna.audit.models import AccessLog
from samordna.interop.riv import contract
from tests.conftest import World, valid_identity_number
from tests.interop.conftest import ALICE_HSA, OWNER_HSA, PARTICIPANT_HSA, Plans, document_version

URL = "/riv/GetCarePlans/2"
SPECS = Path(__file__).resolve().parents[3] / "shared" / "specs" / "riv-getcareplans-2.0"
# The official schemas, loaded from the published copy beside the repository when it is there
# (CI and every developer have ../shared), else from the package's copy that the first test
# proves identical to it.
OFFICIAL = SPECS if SPECS.exists() else contract.SCHEMAS
RESPONDER_XSD = (
    OFFICIAL / "interactions" / "GetCarePlansInteraction" / "GetCarePlansResponder_2.0.xsd"
)
STURE = "193603239090"
WSDL_PATH = "interactions/GetCarePlansInteraction/GetCarePlansInteraction_2.0_RIVTABP21.wsdl"
NS = {"r": contract.RESPONDER, "c": contract.CORE, "s": contract.SOAP}


@pytest.fixture(scope="module")
def official() -> xmlschema.XMLSchema10:
    return xmlschema.XMLSchema10(str(RESPONDER_XSD))


def envelope(
    patient_id: str = STURE,
    kind: str = "1.2.752.129.2.1.3.1",
    period: tuple[str, str] | None = None,
    extra: str = "",
) -> bytes:
    when = (
        f"<r:datePeriod><c:start>{period[0]}</c:start><c:end>{period[1]}</c:end></r:datePeriod>"
        if period
        else ""
    )
    return (
        f'<s:Envelope xmlns:s="{contract.SOAP}" xmlns:r="{contract.RESPONDER}" '
        f'xmlns:c="{contract.CORE}" xmlns:a="{contract.REGISTRY}">'
        "<s:Header><a:LogicalAddress>SE2321000230-SAMORDNA</a:LogicalAddress></s:Header>"
        f"<s:Body><r:GetCarePlans>{extra}<r:patientId><c:id>{patient_id}</c:id>"
        f"<c:type>{kind}</c:type></r:patientId>{when}</r:GetCarePlans></s:Body></s:Envelope>"
    ).encode()


def call(client: Client, body: bytes, auth: dict[str, str]) -> Any:
    return client.post(
        URL,
        body,
        content_type="text/xml; charset=utf-8",
        HTTP_SOAPACTION=contract.SOAP_ACTION,
        **auth,
    )


def answer(response: Any, official: xmlschema.XMLSchema10) -> etree._Element:
    """The GetCarePlansResponse of a 200 answer, validated against the official schema."""
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/xml")
    root = etree.fromstring(response.content)
    element = root.find("s:Body/r:GetCarePlansResponse", NS)
    assert element is not None
    official.validate(element)
    return element


def test_the_served_schemas_are_the_published_ones_unchanged() -> None:
    if not SPECS.exists():
        pytest.skip("../shared/specs is not beside this checkout")
    published = sorted(p.relative_to(SPECS) for p in SPECS.rglob("*") if p.is_file())
    served = sorted(
        p.relative_to(contract.SCHEMAS) for p in contract.SCHEMAS.rglob("*") if p.is_file()
    )
    assert published == served
    match, mismatch, errors = filecmp.cmpfiles(
        SPECS, contract.SCHEMAS, [str(p) for p in published], shallow=False
    )
    assert not mismatch and not errors and len(match) == len(published)


def test_the_coordinator_units_system_reads_the_documented_plan(
    client: Client, world: World, plans: Plans, official: xmlschema.XMLSchema10
) -> None:
    found = answer(call(client, envelope(), plans.header("owner")), official)
    assert found.findtext("r:result/c:resultCode", namespaces=NS) == "OK"
    [plan] = found.findall("r:carePlan", NS)
    header = plan.find("c:carePlanHeader", NS)
    assert header.findtext("c:documentId", namespaces=NS) == f"sip-{plans.case.pk}-1"
    assert header.findtext("c:sourceSystemHSAId", namespaces=NS) == "SE2321000230-SAMORDNA"
    assert header.findtext("c:documentTitle", namespaces=NS).startswith(
        "Samordnad individuell plan"
    )
    documented = plans.case.plans.get().documented_at
    assert header.findtext("c:documentTime", namespaces=NS) == timezone.localtime(
        documented
    ).strftime("%Y%m%d%H%M%S")
    assert header.findtext("c:patientId/c:id", namespaces=NS) == STURE
    assert header.findtext("c:patientId/c:type", namespaces=NS) == "1.2.752.129.2.1.3.1"
    professional = header.find("c:accountableHealthcareProfessional", NS)
    assert professional.findtext("c:healthcareProfessionalHSAId", namespaces=NS) == ALICE_HSA
    assert professional.findtext("c:healthcareProfessionalName", namespaces=NS) == "Alice Holm"
    assert (
        professional.findtext("c:healthcareProfessionalOrgUnit/c:orgUnitHSAId", namespaces=NS)
        == OWNER_HSA
    )
    assert (
        professional.findtext("c:healthcareProfessionalOrgUnit/c:orgUnitName", namespaces=NS)
        == "Hertsöns hälsocentral"
    )
    assert (
        professional.findtext("c:healthcareProfessionalCareUnitHSAId", namespaces=NS) == OWNER_HSA
    )
    assert header.findtext("c:approvedForPatient", namespaces=NS) == "true"  # chose digital
    body = plan.find("c:carePlanBody", NS)
    assert body.findtext("c:content/c:mediaType", namespaces=NS) == "text/plain"
    text = base64.b64decode(body.findtext("c:content/c:value", namespaces=NS)).decode()
    assert "Huvudmål: Att kunna bo kvar hemma och gå till affären själv." in text
    assert "Hemtjänst hjälper till med dusch (ansvarig: Luleå biståndshandläggning)" in text
    units = [
        e.findtext("c:extension", namespaces=NS)
        for e in body.findall("c:participatingCareUnitHSAId", NS)
    ]
    assert units == [OWNER_HSA, PARTICIPANT_HSA]
    assert body.findtext("c:typeOfCarePlanEnum", namespaces=NS) == "SIP"
    entry = AccessLog.objects.get(via="riv")
    assert (entry.action, entry.what, entry.person, entry.unit) == (
        "read",
        "riv.careplans",
        world.person,
        world.owner_unit,
    )


def test_a_paper_plan_is_not_approved_for_the_patient_and_versions_come_newest_first(
    client: Client, world: World, plans: Plans, official: xmlschema.XMLSchema10
) -> None:
    document_version(world, plans.case, plan_format="paper")
    found = answer(call(client, envelope(), plans.header("owner")), official)
    ids = found.xpath("r:carePlan/c:carePlanHeader/c:documentId/text()", namespaces=NS)
    approved = found.xpath("r:carePlan/c:carePlanHeader/c:approvedForPatient/text()", namespaces=NS)
    assert ids == [f"sip-{plans.case.pk}-2", f"sip-{plans.case.pk}-1"]
    assert approved == ["false", "true"]


def test_a_draft_is_not_a_plan_yet(
    client: Client, world: World, plans: Plans, official: xmlschema.XMLSchema10
) -> None:
    from samordna.sip.services import plan as plan_acts

    plan_acts.start_version(world.actor(world.alice), plans.case.pk)
    found = answer(call(client, envelope(), plans.header("owner")), official)
    assert len(found.findall("r:carePlan", NS)) == 1


@pytest.mark.parametrize(
    ("who", "count"),
    [("owner", 1), ("participant", 1), ("unrelated", 0)],
)
def test_the_same_visibility_as_every_screen_and_every_read_logged(
    client: Client,
    world: World,
    plans: Plans,
    official: xmlschema.XMLSchema10,
    who: str,
    count: int,
) -> None:
    """The unrelated unit takes no part: nothing, as on its screens, and its asking is logged."""
    found = answer(call(client, envelope(), plans.header(who)), official)
    assert len(found.findall("r:carePlan", NS)) == count
    assert found.findtext("r:result/c:resultCode", namespaces=NS) == "OK"
    assert (
        AccessLog.objects.filter(via="riv", person=world.person, what="riv.careplans").count() == 1
    )


def test_a_withdrawn_consent_hides_the_plan_from_the_participant(
    client: Client, world: World, plans: Plans, official: xmlschema.XMLSchema10
) -> None:
    from samordna.sip.services import consent as consent_acts

    consent = plans.case.consents.get()
    assert consent.in_force
    consent_acts.withdraw_consent(world.actor(world.alice), plans.case.pk)
    found = answer(call(client, envelope(), plans.header("participant")), official)
    assert found.findall("r:carePlan", NS) == []


@pytest.mark.parametrize(
    ("number", "kind"),
    [
        (valid_identity_number("19900101", 238), "1.2.752.129.2.1.3.1"),
        (valid_identity_number("19900161", 238), "1.2.752.129.2.1.3.3"),  # samordningsnummer
    ],
)
def test_an_unknown_patient_is_an_empty_answer_and_still_logged(
    client: Client,
    world: World,
    plans: Plans,
    official: xmlschema.XMLSchema10,
    number: str,
    kind: str,
) -> None:
    found = answer(call(client, envelope(number, kind), plans.header("owner")), official)
    assert found.findall("r:carePlan", NS) == []
    assert found.findtext("r:result/c:resultCode", namespaces=NS) == "OK"
    entry = AccessLog.objects.get(via="riv")
    assert (entry.what, entry.person, entry.user) == (
        "riv.careplans: unknown_patient",
        None,
        world.alice,
    )


def test_the_date_period_selects_by_documentation_day(
    client: Client, plans: Plans, official: xmlschema.XMLSchema10
) -> None:
    today = timezone.localdate()
    fmt = "%Y%m%d"
    inside = (today.strftime(fmt), today.strftime(fmt))
    before = (
        (today - dt.timedelta(days=10)).strftime(fmt),
        (today - dt.timedelta(days=1)).strftime(fmt),
    )
    assert (
        len(
            answer(call(client, envelope(period=inside), plans.header("owner")), official).findall(
                "r:carePlan", NS
            )
        )
        == 1
    )
    assert (
        answer(call(client, envelope(period=before), plans.header("owner")), official).findall(
            "r:carePlan", NS
        )
        == []
    )


def test_care_unit_and_source_system_filters(
    client: Client, plans: Plans, official: xmlschema.XMLSchema10
) -> None:
    mine = f"<r:careUnitHSAId>{OWNER_HSA}</r:careUnitHSAId>"
    other = "<r:careUnitHSAId>SE000-OTHER</r:careUnitHSAId>"
    assert (
        len(
            answer(call(client, envelope(extra=mine), plans.header("owner")), official).findall(
                "r:carePlan", NS
            )
        )
        == 1
    )
    assert (
        answer(call(client, envelope(extra=other), plans.header("owner")), official).findall(
            "r:carePlan", NS
        )
        == []
    )


@pytest.mark.parametrize(
    ("patient_id", "kind"),
    [
        ("193603239091", "1.2.752.129.2.1.3.1"),  # wrong check digit
        ("19360323-9090", "1.2.752.129.2.1.3.1"),  # the contract's form has no hyphen
        ("abc", "1.2.752.129.2.1.3.1"),
        ("", "1.2.752.129.2.1.3.1"),
        ("19900101R123", "1.2.752.129.2.1.3.1"),  # a reserve number
        (STURE, "1.2.752.129.2.1.3.3"),  # a personnummer said to be a samordningsnummer
        (STURE, "1.2.752.97.3.1.3"),  # a reserve number's OID
        ("x" * 5000, "1.2.752.129.2.1.3.1"),
    ],
)
def test_a_malformed_identity_number_is_the_contracts_error_result(
    client: Client, plans: Plans, official: xmlschema.XMLSchema10, patient_id: str, kind: str
) -> None:
    found = answer(call(client, envelope(patient_id, kind), plans.header("owner")), official)
    assert found.findall("r:carePlan", NS) == []
    assert found.findtext("r:result/c:resultCode", namespaces=NS) == "ERROR"
    assert found.findtext("r:result/c:errorCode", namespaces=NS) == "INVALID_REQUEST"
    assert found.findtext("r:result/c:message", namespaces=NS)


def test_an_impossible_or_reversed_period_is_an_error_result(
    client: Client, plans: Plans, official: xmlschema.XMLSchema10
) -> None:
    for period in (("20260231", "20260301"), ("20260301", "20260201")):
        found = answer(call(client, envelope(period=period), plans.header("owner")), official)
        assert found.findtext("r:result/c:errorCode", namespaces=NS) == "INVALID_REQUEST"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not xml",
        b"<a/>",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
        f'<s:Envelope xmlns:s="{contract.SOAP}"><s:Body><x/></s:Body></s:Envelope>'.encode(),
        # valid XML, not per the schema: no patientId, a period without its end
        f'<s:Envelope xmlns:s="{contract.SOAP}" xmlns:r="{contract.RESPONDER}"><s:Body>'
        f"<r:GetCarePlans/></s:Body></s:Envelope>".encode(),
        envelope().replace(b"<c:type>", b"<c:typo>").replace(b"</c:type>", b"</c:typo>"),
        b"<x>" + b"a" * 300_000 + b"</x>",
    ],
)
def test_a_message_outside_the_contract_is_a_soap_fault(
    client: Client, plans: Plans, body: bytes
) -> None:
    response = call(client, body, plans.header("owner"))
    assert response.status_code == 400
    fault = etree.fromstring(response.content).find("s:Body/s:Fault", NS)
    assert fault.findtext("faultcode") == "soap:Client"
    assert fault.findtext("faultstring")
    assert b"root:" not in response.content


@pytest.mark.parametrize(
    "auth", [{}, {"HTTP_AUTHORIZATION": "Bearer smd_wrong"}, {"HTTP_AUTHORIZATION": "Basic eA=="}]
)
def test_without_a_valid_token_a_fault_and_nothing_read(
    client: Client, plans: Plans, auth: dict[str, str]
) -> None:
    response = call(client, envelope(), auth)
    assert response.status_code == 401
    assert b"Fault" in response.content and b"Lundberg" not in response.content
    assert not AccessLog.objects.filter(via="riv").exists()


def test_a_revoked_token_is_refused(client: Client, plans: Plans) -> None:
    from samordna.api.models import ApiToken

    ApiToken.objects.update(revoked_at=timezone.now())
    assert call(client, envelope(), plans.header("owner")).status_code == 401


def test_a_token_or_certificate_of_a_deactivated_unit_is_refused(
    client: Client, world: World, plans: Plans, settings: Any
) -> None:
    settings.SAMORDNA_CLIENT_CERT_HEADER = "X-Client-Cert-Sha256"
    settings.SAMORDNA_CLIENT_CERTIFICATES = {"ab12": "EHR owner"}
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    cert = {"HTTP_X_CLIENT_CERT_SHA256": "AB:12"}
    assert call(client, envelope(), plans.header("owner")).status_code == 200
    assert call(client, envelope(), cert).status_code == 200
    # an older token under the same name, of another (active) unit, does not take its place
    from samordna.api.models import ApiToken

    newest = ApiToken.objects.get(name="EHR owner")
    older, _secret = ApiToken.issue("EHR owner", world.bob, world.participant_unit)
    ApiToken.objects.filter(pk=older.pk).update(created_at=newest.created_at - dt.timedelta(days=1))
    world.owner_unit.active = False
    world.owner_unit.save(update_fields=["active"])
    assert call(client, envelope(), plans.header("owner")).status_code == 401
    assert call(client, envelope(), cert).status_code == 401
    assert not AccessLog.objects.filter(via="riv", unit=world.participant_unit).exists()


def test_a_client_certificate_from_the_trusted_proxy_stands_for_its_system(
    client: Client, world: World, plans: Plans, settings: Any, official: xmlschema.XMLSchema10
) -> None:
    settings.SAMORDNA_CLIENT_CERT_HEADER = "X-Client-Cert-Sha256"
    settings.SAMORDNA_CLIENT_CERTIFICATES = {"ab12": "EHR owner"}
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    cert = {"HTTP_X_CLIENT_CERT_SHA256": "AB:12"}
    found = answer(call(client, envelope(), cert), official)
    assert len(found.findall("r:carePlan", NS)) == 1
    assert AccessLog.objects.get(via="riv").unit == world.owner_unit
    # not from the proxy: the header is anyone's and counts for nothing
    assert call(client, envelope(), cert | {"REMOTE_ADDR": "10.1.2.3"}).status_code == 401
    assert call(client, envelope(), {"HTTP_X_CLIENT_CERT_SHA256": "ffff"}).status_code == 401


def test_the_wsdl_and_its_schemas_are_served(client: Client) -> None:
    wsdl = client.get(URL + "?wsdl", follow=True)
    assert wsdl.status_code == 200
    assert b"GetCarePlansResponderService" in b"".join(wsdl.streaming_content)
    core = client.get("/riv/schemas/core_components/clinicalprocess_logistics_logistics_3.0.xsd")
    assert core.status_code == 200
    assert client.get("/riv/schemas/../../settings.py").status_code == 404
    assert client.get("/riv/schemas/apps.py").status_code == 404


def test_the_query_count_does_not_grow_with_the_plans(
    client: Client, world: World, plans: Plans, official: xmlschema.XMLSchema10
) -> None:
    with CaptureQueriesContext(connection) as one:
        answer(call(client, envelope(), plans.header("owner")), official)
    for _ in range(3):
        document_version(world, plans.case)
    with CaptureQueriesContext(connection) as four:
        found = answer(call(client, envelope(), plans.header("owner")), official)
    assert len(found.findall("r:carePlan", NS)) == 4
    assert len(four) == len(one)


@pytest.mark.django_db(transaction=True)
def test_zeep_built_from_the_wsdl_calls_the_endpoint_over_http(
    live_server: Any, world: World, plans: Plans
) -> None:
    """A third-party SOAP client: zeep reads the WSDL and its imported schemas from the live
    server, sends GetCarePlans with the LogicalAddress header and parses the answer with the
    contract's types."""
    import requests
    from zeep import Client as SoapClient
    from zeep.transports import Transport

    session = requests.Session()
    session.headers["Authorization"] = plans.tokens["owner"]
    # The WSDL's own address, so that its relative imports resolve (zeep takes the URL it was
    # given as the base, not the one ?wsdl redirects to).
    wsdl = f"{live_server.url}/riv/schemas/{WSDL_PATH}"
    soap = SoapClient(wsdl, transport=Transport(session=session))
    service = soap.create_service(
        "{urn:riv:clinicalprocess:logistics:logistics:GetCarePlans:2:rivtabp21}GetCarePlansResponderBinding",
        f"{live_server.url}{URL}",
    )
    result = service.GetCarePlans(
        patientId={"id": STURE, "type": "1.2.752.129.2.1.3.1"},
        _soapheaders={"LogicalAddress": "SE2321000230-SAMORDNA"},
    )
    assert result.result.resultCode == "OK"
    [plan] = result.carePlan
    assert plan.carePlanHeader.documentId == f"sip-{plans.case.pk}-1"
    assert plan.carePlanHeader.approvedForPatient is True
    assert plan.carePlanBody.typeOfCarePlanEnum == "SIP"
    assert "Huvudmål" in plan.carePlanBody.content[0].value.decode()
    bad = service.GetCarePlans(
        patientId={"id": "193603239091", "type": "1.2.752.129.2.1.3.1"},
        _soapheaders={"LogicalAddress": "SE2321000230-SAMORDNA"},
    )
    assert (bad.result.resultCode, bad.result.errorCode) == ("ERROR", "INVALID_REQUEST")
    assert bad.carePlan == []


@pytest.mark.parametrize("kind", ["multipart/form-data; boundary=x", "application/json", ""])
def test_a_body_that_is_not_xml_is_a_fault(client: Client, plans: Plans, kind: str) -> None:
    response = client.post(URL, envelope(), content_type=kind, **plans.header("owner"))
    assert response.status_code == 400
    assert b"soap:Client" in response.content
    form = client.post(URL, {"a": "b"}, **plans.header("owner"))
    assert form.status_code == 400
