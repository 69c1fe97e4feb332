"""The FHIR R4 facade (issue 12 item 2, API-2): every resource it returns is validated by
``fhir.resources``, by Medplum's validator and by the official R4 JSON schema
(``tests/interop/fhir_validator.py``), and the CarePlan carries what Inera's EHDS CarePlan
profile requires (``../shared/specs/inera-ehds-careplan/IneraEHDSCarePlan.fsh``)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samordna.audit.models import AccessLog
from samordna.interop.fhir.kinds import KINDS
from samordna.people.models import Person
from tests.conftest import World, valid_identity_number
from tests.interop import fhir_validator
from tests.interop.conftest import OWNER_HSA, PARTICIPANT_HSA, Plans, document_version

BASE = "/fhir/r4"
STURE = "193603239090"
PNR = "urn:oid:1.2.752.129.2.1.3.1"
SNR = "urn:oid:1.2.752.129.2.1.3.3"
HSA = "urn:oid:1.2.752.29.4.19"
# TypeOfCarePlanCS (TypeOfCarePlanCS.fsh): the required binding of CarePlan.category.
PLAN_TYPES = {"SIP", "SPLPTLRV", "SPU", "VP", "HP", "RP", "GP", "SVP"}


def get(client: Client, path: str, plans: Plans | None, who: str = "owner", **query: Any) -> Any:
    headers = plans.header(who) if plans else {}
    response = client.get(BASE + path, query, **headers)
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8"
    return response


def body(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.content[:500]
    found: dict[str, Any] = json.loads(response.content)
    fhir_validator.check_all([found])
    return found


def outcome(response: Any, status: int) -> str:
    found = body(response, status)
    assert found["resourceType"] == "OperationOutcome"
    [issue] = found["issue"]
    assert issue["severity"] == "error" and issue["diagnostics"]
    code: str = issue["code"]
    return code


def meets_inera_profile(plan: dict[str, Any]) -> None:
    """IneraEHDSCarePlan's required and must-support elements, element by element."""
    assert plan["meta"]["profile"] == [
        "https://fhir.inera.se/StructureDefinition/inera-ehds-care-plan"
    ]
    assert plan["meta"]["source"] == "urn:oid:1.2.752.129.2.1.4.1#SE2321000230-SAMORDNA"
    assert plan["identifier"][0]["value"].startswith("sip-")  # documentId
    assert plan["subject"]["reference"].startswith("Patient/")
    assert plan["subject"]["identifier"]["system"] in (PNR, SNR)
    assert plan["author"]["reference"].startswith(("Organization/", "PractitionerRole/"))
    assert plan["created"]
    assert plan["status"] in {
        "draft",
        "active",
        "on-hold",
        "revoked",
        "completed",
        "entered-in-error",
        "unknown",
    }
    assert plan["intent"] == "plan"
    codings = [c for cat in plan["category"] for c in cat["coding"]]
    assert codings and all(
        c["system"] == "https://fhir.inera.se/CodeSystem/typeofcareplan-cs"
        and c["code"] in PLAN_TYPES
        for c in codings
    )
    assert plan["title"].strip()  # 1..1
    assert plan["note"][0]["text"]
    [approved] = [e for e in plan["extension"] if e["url"].endswith("/approved-for-patient")]
    assert isinstance(approved["valueBoolean"], bool)


def test_the_capability_statement_describes_every_type(client: Client) -> None:
    found = body(get(client, "/metadata", None))
    assert found["resourceType"] == "CapabilityStatement"
    assert found["fhirVersion"] == "4.0.1"
    [rest] = found["rest"]
    described = {r["type"]: r for r in rest["resource"]}
    assert set(described) == set(KINDS)
    for kind in KINDS.values():
        names = {p["name"] for p in described[kind.name]["searchParam"]}
        assert kind.params <= names
    assert described["CarePlan"]["supportedProfile"] == [
        "https://fhir.inera.se/StructureDefinition/inera-ehds-care-plan"
    ]


def test_the_care_plan_read_meets_the_inera_profile_and_is_logged(
    client: Client, world: World, plans: Plans
) -> None:
    plan = plans.case.plans.get()
    found = body(get(client, f"/CarePlan/{plan.pk}", plans))
    meets_inera_profile(found)
    assert found["subject"]["identifier"] == {"use": "official", "system": PNR, "value": STURE}
    assert found["author"]["identifier"] == {"system": HSA, "value": OWNER_HSA}
    assert [c["identifier"]["value"] for c in found["contributor"]] == [OWNER_HSA, PARTICIPANT_HSA]
    assert found["status"] == "active"
    assert found["category"][0]["coding"][0]["code"] == "SIP"
    assert found["extension"][0]["valueBoolean"] is True
    assert "Huvudmål: Att kunna bo kvar hemma" in found["note"][0]["text"]
    assert len(found["goal"]) == 2 and len(found["activity"]) == 4
    entry = AccessLog.objects.get(via="fhir")
    assert (entry.action, entry.what, entry.person, entry.unit) == (
        "read",
        "fhir.read: CarePlan",
        world.person,
        world.owner_unit,
    )


@pytest.mark.parametrize(
    "token",
    [
        f"{PNR}|{STURE}",
        STURE,
        "19360323-9090",
        f"http://electronichealth.se/identifier/personnummer|{STURE}",
    ],
)
def test_care_plans_are_searched_by_the_patients_identifier(
    client: Client, world: World, plans: Plans, token: str
) -> None:
    found = body(get(client, "/CarePlan", plans, **{"patient.identifier": token}))
    assert (found["type"], found["total"]) == ("searchset", 1)
    [entry] = found["entry"]
    meets_inera_profile(entry["resource"])
    assert entry["fullUrl"].endswith(f"/fhir/r4/CarePlan/{entry['resource']['id']}")
    assert entry["search"] == {"mode": "match"}
    logged = AccessLog.objects.get(via="fhir")
    assert (logged.action, logged.what, logged.person) == (
        "search",
        "fhir.search: CarePlan",
        world.person,
    )


def test_status_and_date_select_versions(client: Client, world: World, plans: Plans) -> None:
    document_version(world, plans.case)
    today = timezone.localdate().isoformat()

    def ids(**query: str) -> list[str]:
        found = body(get(client, "/CarePlan", plans, **query))
        return [e["resource"]["identifier"][0]["value"] for e in found.get("entry", [])]

    first, second = f"sip-{plans.case.pk}-1", f"sip-{plans.case.pk}-2"
    assert ids() == [second, first]
    assert ids(status="active") == [second]
    assert ids(status="revoked") == [first]
    assert ids(status="active,revoked") == [second, first]
    assert ids(status="draft") == []
    assert ids(date=today) == [second, first]
    assert ids(date=f"lt{today}") == []
    assert ids(date=f"ge{today[:7]}") == [second, first]
    assert ids(date=f"gt{today[:4]}") == []


def test_pages_link_onwards_and_cost_the_same_queries(
    client: Client, world: World, plans: Plans
) -> None:
    with CaptureQueriesContext(connection) as one:
        body(get(client, "/CarePlan", plans, _count="2"))
    for _ in range(4):
        document_version(world, plans.case)
    with CaptureQueriesContext(connection) as five:
        first = body(get(client, "/CarePlan", plans, _count="2"))
    assert len(five) == len(one)
    assert first["total"] == 5 and len(first["entry"]) == 2
    links = {link["relation"]: link["url"] for link in first["link"]}
    assert "_page=2" in links["next"] and "_count=2" in links["next"] and "previous" not in links
    last = body(get(client, "/CarePlan", plans, _count="2", _page="3"))
    assert len(last["entry"]) == 1
    assert {link["relation"] for link in last["link"]} == {"self", "previous"}


def test_an_unknown_patient_is_an_empty_bundle_and_still_logged(
    client: Client, world: World, plans: Plans
) -> None:
    for system, date in ((PNR, "19900101"), (SNR, "19900161")):
        number = valid_identity_number(date, 238)
        found = body(
            get(client, "/CarePlan", plans, **{"patient.identifier": f"{system}|{number}"})
        )
        assert found["total"] == 0 and "entry" not in found
    entries = AccessLog.objects.filter(via="fhir")
    assert [(e.what, e.person) for e in entries] == [("fhir.search: unknown_patient", None)] * 2


@pytest.mark.parametrize(
    "token",
    [
        f"{PNR}|193603239091",  # check digit
        f"{PNR}|abc",
        f"{PNR}|",
        f"{SNR}|{STURE}",  # a personnummer said to be a samordningsnummer
        "urn:oid:1.2.752.97.3.1.3|19900101R123",  # a reserve number's system
        "x" * 3000,
    ],
)
def test_a_malformed_identity_number_is_a_400_outcome(
    client: Client, plans: Plans, token: str
) -> None:
    code = outcome(get(client, "/CarePlan", plans, **{"patient.identifier": token}), 400)
    assert code in ("invalid", "not-supported")
    outcome(get(client, "/Patient", plans, identifier=token), 400)


@pytest.mark.parametrize(
    "query",
    [
        {"name": "Sture"},
        {"_sort": "date"},
        {"_format": "xml"},
        {"date": "sa2026-01-01"},
        {"date": "2026-13-01"},
        {"date": "yesterday"},
        {"status": "bogus"},
        {"_count": "0"},
        {"_page": "-1"},
        {"_count": "x"},
        {"patient": "Group/1"},
        {"patient.identifier": [STURE, STURE]},
    ],
)
def test_an_unsupported_or_bad_search_parameter_is_a_400_outcome(
    client: Client, plans: Plans, query: dict[str, Any]
) -> None:
    outcome(get(client, "/CarePlan", plans, **query), 400)
    assert not AccessLog.objects.filter(via="fhir").exists()


def test_a_unit_that_takes_no_part_sees_nothing(client: Client, world: World, plans: Plans) -> None:
    plan = plans.case.plans.get()
    assert outcome(get(client, f"/CarePlan/{plan.pk}", plans, "unrelated"), 404) == "not-found"
    assert (
        outcome(get(client, f"/Patient/{world.person.pk}", plans, "unrelated"), 404) == "not-found"
    )
    found = body(get(client, "/CarePlan", plans, "unrelated", **{"patient.identifier": STURE}))
    assert found["total"] == 0
    assert body(get(client, "/CarePlan", plans, "unrelated"))["total"] == 0
    assert body(get(client, "/Goal", plans, "unrelated"))["total"] == 0
    assert body(get(client, "/CareTeam", plans, "unrelated"))["total"] == 0
    # his asking about Sture is logged, though it found nothing
    assert AccessLog.objects.filter(
        via="fhir", person=world.person, unit=world.unrelated_unit
    ).exists()


def test_the_participant_sees_the_plan_while_the_consent_names_it(
    client: Client, world: World, plans: Plans
) -> None:
    from samordna.sip.services import consent as consent_acts

    assert body(get(client, "/CarePlan", plans, "participant"))["total"] == 1
    consent_acts.withdraw_consent(world.actor(world.alice), plans.case.pk)
    assert body(get(client, "/CarePlan", plans, "participant"))["total"] == 0


@pytest.mark.parametrize("auth", [{}, {"HTTP_AUTHORIZATION": "Bearer smd_wrong"}])
def test_without_a_valid_token_401(client: Client, plans: Plans, auth: dict[str, str]) -> None:
    for path in ("/CarePlan", f"/CarePlan/{plans.case.plans.get().pk}", "/Patient"):
        response = client.get(BASE + path, **auth)
        assert outcome(response, 401) == "login"
        assert b"Lundberg" not in response.content


def test_reads_of_what_is_not_there(client: Client, plans: Plans) -> None:
    for path in (
        "/CarePlan/999999",
        "/CarePlan/abc",
        "/CarePlan/0",
        "/Patient/-1",
        "/Goal/99999999999999999999",
    ):
        assert outcome(get(client, path, plans), 404) == "not-found"
    assert outcome(get(client, "/Observation", plans), 404) == "not-supported"
    assert outcome(get(client, "/", plans), 404) == "not-supported"
    response = client.post(
        BASE + "/CarePlan", "{}", content_type="application/fhir+json", **plans.header("owner")
    )
    assert outcome(response, 405) == "not-supported"


def test_the_patient_by_personnummer_and_samordningsnummer(
    client: Client, world: World, plans: Plans
) -> None:
    found = body(get(client, f"/Patient/{world.person.pk}", plans))
    assert found["identifier"] == [{"use": "official", "system": PNR, "value": STURE}]
    assert found["name"] == [{"use": "official", "family": "Lundberg", "given": ["Sture"]}]
    assert found["birthDate"] == "1936-03-23"
    number = valid_identity_number("19900161", 238)
    other = Person.objects.create(
        identity_number=number,
        first_name="Ali",
        last_name="Hassan",
        municipality=world.lulea,
        registered_by=world.alice,
        registered_by_unit=world.owner_unit,
    )
    bundle = body(get(client, "/Patient", plans, identifier=f"{SNR}|{number}"))
    [entry] = bundle["entry"]
    assert entry["resource"]["id"] == str(other.pk)
    assert entry["resource"]["identifier"][0]["system"] == SNR
    assert entry["resource"]["birthDate"] == "1990-01-01"
    assert AccessLog.objects.filter(via="fhir", person=other, what="fhir.search: Patient").exists()


def test_organizations_by_hsa_id(client: Client, world: World, plans: Plans) -> None:
    bundle = body(get(client, "/Organization", plans, identifier=f"{HSA}|{OWNER_HSA}"))
    [entry] = bundle["entry"]
    assert entry["resource"]["name"] == "Hertsöns hälsocentral"
    assert entry["resource"]["identifier"] == [
        {"use": "official", "system": HSA, "value": OWNER_HSA}
    ]
    assert body(get(client, "/Organization", plans, identifier="SE-NONE"))["total"] == 0
    outcome(get(client, "/Organization", plans, identifier="urn:x|y"), 400)
    body(get(client, f"/Organization/{world.ward.pk}", plans))


def test_goals_and_the_care_team_of_the_plan(client: Client, world: World, plans: Plans) -> None:
    care_plan = body(get(client, f"/CarePlan/{plans.case.plans.get().pk}", plans))
    goal_ids = [g["reference"] for g in care_plan["goal"]]
    goals = body(get(client, "/Goal", plans, patient=f"Patient/{world.person.pk}"))
    assert [f"Goal/{e['resource']['id']}" for e in goals["entry"]] == goal_ids
    assert goals["entry"][0]["resource"]["description"]["text"] == "Klara morgonrutinerna"
    assert goals["entry"][0]["resource"]["lifecycleStatus"] == "active"
    body(get(client, "/" + goal_ids[0], plans))
    team = body(get(client, care_plan["careTeam"][0]["reference"].join(["/", ""]), plans))
    members = [p["member"]["display"] for p in team["participant"]]
    # The units, then the plan's designated care contact (tests/sip/plans.py draft).
    assert members == [
        "Hertsöns hälsocentral",
        "Luleå biståndshandläggning",
        "Karin Holm, Hertsöns hälsocentral",
    ]
    assert team["participant"][2]["role"] == [{"text": "Fast vårdkontakt"}]
    assert body(get(client, "/CareTeam", plans, status="active"))["total"] == 1
    assert body(get(client, "/CareTeam", plans, status="inactive"))["total"] == 1  # world.case


def test_the_care_team_marks_the_physician_and_who_holds_the_coordination(
    client: Client, world: World, plans: Plans
) -> None:
    """SIP-18 (seed 001 lines 253-260): the plan names which care contact holds the
    coordination and one at physician level; the care team read by other systems says the same,
    from the plan in force (the latest documented version), and a page costs the same queries."""
    from samordna.sip.services.plan import ContactIn

    path = f"/CareTeam/{plans.case.pk}"
    with CaptureQueriesContext(connection) as before:
        body(get(client, path, plans))
    document_version(
        world,
        plans.case,
        care_contacts=[
            ContactIn("Johan Ek", "Hertsöns hälsocentral", "0920-123 46", physician=True),
            ContactIn("Karin Holm", "Hertsöns hälsocentral", "0920-123 45", coordinates=True),
        ],
    )
    with CaptureQueriesContext(connection) as after:
        team = body(get(client, path, plans))
    roles = {p["member"]["display"]: p["role"][0]["text"] for p in team["participant"][2:]}
    assert roles == {
        "Johan Ek, Hertsöns hälsocentral": "Fast vårdkontakt, läkare",
        "Karin Holm, Hertsöns hälsocentral": "Fast vårdkontakt, har samordningsuppdraget",
    }
    assert len(after) == len(before)


def test_the_stay_as_an_episode_of_care(client: Client, world: World, plans: Plans) -> None:
    from samordna.api.models import ApiToken
    from samordna.discharge.services import stays as stays_acts
    from samordna.organisations.models import Membership
    from tests.conftest import make_user
    from tests.discharge.conftest import stay_data

    wanda = make_user("wanda", world.ward, Membership.Role.NURSE)
    stay = stays_acts.register_stay(
        world.actor(wanda, world.ward), world.person.identity_number, stay_data()
    )
    _token, secret = ApiToken.issue("Ward EHR", wanda, world.ward)
    plans.tokens["ward"] = f"Bearer {secret}"
    bundle = body(get(client, "/EpisodeOfCare", plans, "ward", **{"patient.identifier": STURE}))
    [entry] = bundle["entry"]
    assert entry["resource"]["status"] == "active"
    assert entry["resource"]["managingOrganization"]["display"] == "Sunderby medicin 5"
    body(get(client, f"/EpisodeOfCare/{stay.pk}", plans, "ward"))
    assert outcome(get(client, f"/EpisodeOfCare/{stay.pk}", plans, "unrelated"), 404) == "not-found"
    assert body(get(client, "/EpisodeOfCare", plans, "ward", status="finished"))["total"] == 0


def test_an_identity_number_never_leaks_to_the_unrelated_unit(
    client: Client, world: World, plans: Plans
) -> None:
    for kind in KINDS:
        response = get(client, f"/{kind}", plans, "unrelated")
        assert response.status_code == 200
        text = response.content.decode()
        assert STURE not in text and "Lundberg" not in text, kind


def test_the_validators_refuse_a_broken_resource() -> None:
    """The checks can fail: a CarePlan without its required status, intent and subject, and a
    Patient whose gender is outside its required value set."""
    errors = fhir_validator.medplum([{"resourceType": "CarePlan", "title": "x"}])
    assert len(errors[0]) == 3
    assert fhir_validator.json_schema({"resourceType": "Patient", "gender": "x"})
    with pytest.raises((AssertionError, ValueError)):  # pydantic's ValidationError
        fhir_validator.check_all([{"resourceType": "CarePlan", "status": "active"}])


def test_the_consent_names_the_units_it_permits(client: Client, world: World, plans: Plans) -> None:
    """CON-1: the consent in force permits information exchange with the units it names; a
    withdrawn one is inactive and permits nothing from then on."""
    from samordna.sip.services import consent as consent_acts

    mine = plans.case.consents.get()
    bundle = body(get(client, "/Consent", plans, **{"patient.identifier": STURE}))
    # this SIP's consent, and world.case's (closed, still the coordinator's unit's to read)
    assert bundle["total"] == 2
    [found] = [e["resource"] for e in bundle["entry"] if e["resource"]["id"] == str(mine.pk)]
    assert found["status"] == "active"
    assert found["patient"]["identifier"]["value"] == STURE
    assert found["performer"] == [{"display": "Sture Lundberg"}]
    assert [a["reference"]["display"] for a in found["provision"]["actor"]] == [
        "Luleå biståndshandläggning"
    ]
    assert body(get(client, "/Consent", plans, "participant"))["total"] == 2  # named in both
    assert body(get(client, "/Consent", plans, "unrelated"))["total"] == 0
    consent_acts.withdraw_consent(world.actor(world.alice), plans.case.pk)
    assert body(get(client, "/Consent", plans, status="active"))["total"] == 1  # world.case's
    assert body(get(client, "/Consent", plans, status="inactive"))["total"] == 1
    withdrawn = body(get(client, f"/Consent/{found['id']}", plans))
    assert withdrawn["status"] == "inactive" and withdrawn["provision"]["period"]["end"]
    assert outcome(get(client, f"/Consent/{found['id']}", plans, "participant"), 404) == "not-found"
