"""The demo county loads, covers what the README promises, and its logins work."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from samordna.organisations import demo
from samordna.organisations.models import Membership, Unit, User
from samordna.people.models import Person


@pytest.fixture
def demo_county(db: None) -> None:
    call_command("load_demo")


def test_demo_has_every_unit_kind_and_role(demo_county: None) -> None:
    assert set(Unit.Kind.values) <= set(Unit.objects.values_list("kind", flat=True))
    roles = set(Membership.objects.values_list("role", flat=True))
    assert {
        "physician",
        "nurse",
        "case_officer",
        "care_administrator",
        "unit_admin",
        "county_admin",
        "chief_psychiatrist",  # lars: the README's SVP (SIP-16) needs one who may call it
    } <= roles
    chief = Membership.objects.get(role="chief_psychiatrist")
    assert (chief.user.username, chief.unit.kind) == ("lars", Unit.Kind.OUTPATIENT_PSYCHIATRY)
    assert User.objects.count() >= 15
    assert Unit.objects.filter(connected=False).exists()


def test_demo_population(demo_county: None) -> None:
    persons = list(Person.objects.all())
    assert len(persons) >= 30
    assert any(p.identity.is_coordination_number for p in persons)
    assert any(p.is_child() and p.relatives.filter(is_guardian=True).count() == 2 for p in persons)
    assert any(p.age() >= 100 for p in persons)
    assert any(p.representatives.exists() for p in persons)


def test_no_protected_person_is_loaded(demo_county: None) -> None:
    assert not Person.objects.filter(identity_number__in=["198503149885", "201204052383"]).exists()


def test_demo_password_logs_in(demo_county: None, client: Client) -> None:
    response = client.post("/login/", {"username": "lena", "password": demo.DEMO_PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db(transaction=True)
def test_reset_reloads() -> None:
    """As `samordna demo --reset` runs: each command in its own transaction (TRUNCATE on
    PostgreSQL refuses tables with pending deferred checks in the same transaction)."""
    call_command("load_demo")
    call_command("load_demo", reset=True)
    assert User.objects.filter(username="karin").count() == 1


def test_demo_stays_show_the_discharge_process(demo_county: None) -> None:
    """One stay ready for discharge with answers, care contact and a reply; one admission
    notice waiting for acknowledgement; one stay not yet notified (README walkthrough)."""
    from samordna.cases.models import Case, Delivery
    from samordna.discharge.models import RecipientPlan

    stays = Case.objects.filter(kind="discharge", owner_unit__code="sunderby-med5")
    assert stays.count() == 3
    assert (
        stays.filter(stay__ready_at__isnull=False, stay__care_contact_name="Karin Holm").count()
        == 1
    )
    assert RecipientPlan.objects.filter(unit__code="lulea-bistand").exists()
    waiting = Delivery.objects.filter(unit__code="lulea-bistand", acknowledged_at__isnull=True)
    assert waiting.filter(notice__kind="admission").exists()


def test_the_generated_history_keeps_to_the_background_units(demo_county: None) -> None:
    """Issue 13: the demo's generated cases go to units no demo login works at, so the logins'
    lists start with their curated cases; held establishing meetings carry their KVÅ code for
    each region unit taking part (RPT-2, seed 002_ca8314ba67d4fca6.txt lines 282-287)."""
    from samordna.cases.models import Case, Participation
    from samordna.overview.dataset import generate
    from samordna.reporting.models import ProcedureCode, StatCount

    curated = set(Case.objects.values_list("pk", flat=True))
    generate(120, exclude_units=demo.login_units())
    generated = Case.objects.exclude(pk__in=curated)
    assert generated.count() == 120
    logins = Unit.objects.filter(code__in=demo.login_units())
    assert not Participation.objects.filter(case__in=generated, unit__in=logins).exists()
    assert not generated.filter(owner_unit__in=logins).exists()
    codes = ProcedureCode.objects.filter(case__in=generated)
    assert codes.exists()
    assert set(codes.values_list("code", flat=True)) == {"AU124"}
    assert set(codes.values_list("unit__principal__kind", flat=True)) == {"region"}
    # The follow-up has something to show: stays, waiting days, SIPs opened.
    assert {"stays", "waiting_days", "sip_opened"} <= set(
        StatCount.objects.values_list("stat", flat=True)
    )
    assert not User.objects.get(username="bakgrund").has_usable_password()


def test_demo_representatives_reach_the_pages_they_represent(demo_county: None) -> None:
    """Issue 15 item 4: the demo's guardian of Noah (15, below the county's 16) and Elsa
    Nyström's trustee have identity numbers, so the individual's pages show them a chooser."""
    import datetime as dt

    from samordna.people.subjects import subjects_for

    day = dt.date(2026, 12, 1)  # Noah (born 2011-09-19) is 15, whatever the run's clock
    found = [(s.person.first_name, s.relation) for s in subjects_for("198005171239", day)]
    assert found == [("Noah", "guardian")]
    found = [(s.person.first_name, s.relation) for s in subjects_for("195804122710", day)]
    assert found == [("Elsa", "trustee")]
    assert subjects_for("201109192391", day) == []  # Noah himself, below the age


def test_other_systems_read_a_documented_plan_in_the_demo(demo_county: None) -> None:
    """Issue 12's "done when": GetCarePlans and the FHIR facade show something in the demo. The
    SIP's units have HSA-ids, the plan is documented and wanted digitally (approvedForPatient),
    the named unit was invited and asked to acknowledge a message."""
    import json

    from samordna.api.models import ApiToken

    karin = User.objects.get(username="karin")
    lena = User.objects.get(username="lena")
    assert karin.hsa_id == "SE2321000230-KARIN"

    def fhir(user: User, unit: str, path: str) -> dict[str, object]:
        _row, secret = ApiToken.issue("NPÖ", user, Unit.objects.get(code=unit))
        response = Client().get(f"/fhir/r4/{path}", HTTP_AUTHORIZATION=f"Bearer {secret}")
        assert response.status_code == 200, response.content[:300]
        found: dict[str, object] = json.loads(response.content)
        return found

    plans = fhir(karin, "hc-hertson", f"CarePlan?patient.identifier={demo.DEMO_SIP_PERSON}")
    assert plans["total"] == 1
    [entry] = plans["entry"]  # type: ignore[misc]
    plan = entry["resource"]
    assert plan["author"]["identifier"]["value"] == "SE2321000230-HCHERTSON"
    assert plan["extension"][0]["valueBoolean"] is True  # Gunilla wants it digitally
    # the invitation, the message and the waiting stay's admission notice to acknowledge
    expected = {"Appointment": 1, "Communication": 1, "CarePlan": 1, "Task?status=requested": 3}
    for kind, total in expected.items():
        assert fhir(lena, "lulea-bistand", kind)["total"] == total, kind


def test_get_care_plans_answers_with_the_demo_plan(demo_county: None) -> None:
    """The NPÖ/1177-style call against the demo county: the plan with its HSA-ids, validated
    against the contract's official schema (as tests/interop/test_riv.py)."""
    import xmlschema

    from samordna.api.models import ApiToken
    from tests.interop.test_riv import NS, RESPONDER_XSD, answer, call, envelope

    _row, secret = ApiToken.issue(
        "NPO", User.objects.get(username="karin"), Unit.objects.get(code="hc-hertson")
    )
    found = answer(
        call(Client(), envelope(demo.DEMO_SIP_PERSON), {"HTTP_AUTHORIZATION": f"Bearer {secret}"}),
        xmlschema.XMLSchema10(str(RESPONDER_XSD)),
    )
    [plan] = found.findall("r:carePlan", NS)
    header = plan.find("c:carePlanHeader", NS)
    assert header is not None
    professional = "c:accountableHealthcareProfessional/c:healthcareProfessionalHSAId"
    assert header.findtext(professional, namespaces=NS) == "SE2321000230-KARIN"
    assert header.findtext("c:approvedForPatient", namespaces=NS) == "true"
