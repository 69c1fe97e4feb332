"""The designated care contact calls the SIP after discharge and is carried into the plan; the
plan shows who holds the coordination; a life-threatening condition needs a physician (issue 14
item 6, SPEC SIP-18).

Seed 001_118551e475ece215.txt lines 971-973: "Ansvarig för att kallelse till samordnad
individuell planering skickas är den utsedda fasta vårdkontakten i den regionfinansierade
öppenvården." Seed 000_106b8acbeb42519c.txt line 171: "Den fasta vårdkontakten i den
regionfinansierade öppna vården kallar vid behov av en SIP efter utskrivning". Seed 001 lines
253-260: the plan shows the care contacts and "vem av de fasta vårdkontakterna som har
samordningsuppdraget"; "För personer med livshotande tillstånd ska en fast vårdkontakt utses på
läkarnivå. Samordningsuppdraget kan ligga på en annan fast vårdkontakt än läkaren."
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from samordna.cases.models import Case
from samordna.discharge.services import collaboration
from samordna.errors import ServiceError
from samordna.organisations.models import User
from samordna.sip.models import CareContact, PlanVersion, SipCase
from samordna.sip.services import case as case_acts
from samordna.sip.services import plan as plan_acts
from tests.conftest import World, make_user
from tests.discharge.conftest import version
from tests.discharge.test_api import bearer
from tests.sip.test_consent_carry_over import stay_for

Login = Callable[..., Client]

CONTACT = {
    "care_contact_name": "Karin Ek",
    "care_contact_workplace": "Hertsöns hälsocentral, team 2",
    "care_contact_phone": "0920-123 45",
}


@pytest.fixture
def nurse(world: World) -> User:
    return make_user("wanda", world.ward, "nurse")


def designated(world: World, nurse: User) -> Case:
    """A stay ready for discharge whose care contact alice's primary care centre named."""
    stay = stay_for(world, nurse, world.person, consent=True)
    collaboration.designate_care_contact(
        world.actor(world.alice), stay.pk, version(stay), dict(CONTACT)
    )
    stay.refresh_from_db()
    return stay


def open_after(world: World, user: User, stay: Case) -> Case:
    return case_acts.open_case(
        world.actor(user),
        world.person.identity_number,
        SipCase.Type.AFTER_DISCHARGE,
        stay.opened_at,
        origin=stay,
    )


# (care contact named on the stay, who opens, refusal code or "") — seed 001 lines 971-973.
OPENERS = [
    (True, "alice", ""),  # the care contact's primary care centre calls
    (True, "bob", "not_care_contact_unit"),  # the municipality does not
    (True, "nurse", "not_care_contact_unit"),  # nor the ward
    (False, "bob", ""),  # no care contact yet: SIP-16 as before
]


@pytest.mark.parametrize(("named", "opener", "code"), OPENERS)
def test_the_care_contacts_unit_calls_the_sip_after_discharge(
    world: World, nurse: User, named: bool, opener: str, code: str
) -> None:
    stay = designated(world, nurse) if named else stay_for(world, nurse, world.person, True)
    if named:
        assert stay.stay.care_contact_unit == world.owner_unit
    user = {"alice": world.alice, "bob": world.bob, "nurse": nurse}[opener]
    before = Case.objects.filter(kind=Case.Kind.SIP).count()
    if code:
        with pytest.raises(ServiceError) as caught:
            open_after(world, user, stay)
        assert caught.value.code == code
        assert caught.value.status == 403
        assert "Karin Ek" in caught.value.message
        assert Case.objects.filter(kind=Case.Kind.SIP).count() == before
        return
    case = open_after(world, user, stay)
    assert case.owner_unit == user.memberships.first().unit  # type: ignore[union-attr]


def test_the_stays_care_contact_is_carried_into_the_plan(world: World, nurse: User) -> None:
    stay = designated(world, nurse)
    case = open_after(world, world.alice, stay)
    plan = plan_acts.start_version(world.actor(world.alice), case.pk)
    (contact,) = plan.care_contacts.all()
    assert (contact.name, contact.workplace, contact.phone) == (
        "Karin Ek",
        "Hertsöns hälsocentral, team 2",
        "0920-123 45",
    )
    assert contact.coordinates and not contact.physician
    # The next version copies them, with the marks.
    plan_acts.save_draft(
        world.actor(world.alice),
        case.pk,
        plan.number,
        plan.version,
        plan_acts.Draft(
            main_goal="Klara mig hemma",
            care_contacts=[plan_acts.ContactIn("Karin Ek", "HC", "0920", False, True)],
        ),
    )
    PlanVersion.objects.filter(pk=plan.pk).update(documented_at=plan.created_at)
    second = plan_acts.start_version(world.actor(world.alice), case.pk)
    assert list(second.care_contacts.values_list("name", "coordinates")) == [("Karin Ek", True)]


def test_an_outpatient_plan_starts_without_a_care_contact(world: World) -> None:
    plan = plan_acts.start_version(world.actor(world.alice), world.case.pk)
    assert not plan.care_contacts.exists()


def c(name: str, physician: bool = False, coordinates: bool = False) -> plan_acts.ContactIn:
    return plan_acts.ContactIn(name, "Hertsöns hälsocentral", "0920-1", physician, coordinates)


# (why, life-threatening, contacts, refusal code or "") — seed 001 lines 253-260.
RULES = [
    ("several care contacts, one coordinates", False, [c("A", coordinates=True), c("B")], ""),
    (
        "at most one holds the coordination",
        False,
        [c("A", coordinates=True), c("B", coordinates=True)],
        "several_coordinating",
    ),
    (
        "life-threatening without a physician",
        True,
        [c("A", coordinates=True)],
        "physician_contact_required",
    ),
    ("life-threatening with no care contact", True, [], "physician_contact_required"),
    (
        "life-threatening: the coordination may lie with a non-physician",
        True,
        [c("Doktor", physician=True), c("Sjuksköterska", coordinates=True)],
        "",
    ),
    ("life-threatening: the physician coordinates", True, [c("D", True, True)], ""),
    ("not life-threatening: no physician needed", False, [c("A")], ""),
]


@pytest.mark.parametrize(
    ("why", "life_threatening", "contacts", "code"), RULES, ids=[r[0] for r in RULES]
)
def test_coordination_and_physician_rules(
    world: World,
    why: str,
    life_threatening: bool,
    contacts: list[plan_acts.ContactIn],
    code: str,
) -> None:
    actor = world.actor(world.alice)
    plan = plan_acts.start_version(actor, world.case.pk)
    draft = plan_acts.Draft(
        main_goal="Må bra", life_threatening=life_threatening, care_contacts=contacts
    )
    if code:
        with pytest.raises(ServiceError) as caught:
            plan_acts.save_draft(actor, world.case.pk, plan.number, plan.version, draft)
        assert caught.value.code == code, why
        plan.refresh_from_db()
        assert plan.main_goal == "" and not plan.life_threatening  # nothing changed
        assert not CareContact.objects.filter(plan=plan).exists()
        return
    saved = plan_acts.save_draft(actor, world.case.pk, plan.number, plan.version, draft)
    assert saved.life_threatening == life_threatening
    stored = [(x.name, x.physician, x.coordinates) for x in saved.care_contacts.order_by("pk")]
    assert stored == [(x.name, x.physician, x.coordinates) for x in contacts]


def post(client: Client, url: str, body: object, headers: dict[str, str]) -> object:
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_over_the_api(client: Client, world: World, nurse: User) -> None:
    stay = designated(world, nurse)
    shown = client.get(f"/api/v1/stays/{stay.pk}", **bearer(world.bob)).json()
    assert shown["details"]["care_contact_unit"] == "hc-hertson"
    refused = post(client, f"/api/v1/stays/{stay.pk}/sip", {}, bearer(world.bob))
    assert refused.status_code == 403  # type: ignore[attr-defined]
    assert refused.json()["code"] == "not_care_contact_unit"  # type: ignore[attr-defined]
    alice = bearer(world.alice)
    opened = post(client, f"/api/v1/stays/{stay.pk}/sip", {}, alice)
    assert opened.status_code == 201, opened.content  # type: ignore[attr-defined]
    case_id = opened.json()["id"]  # type: ignore[attr-defined]
    plan = post(client, f"/api/v1/sip/{case_id}/plans", {}, alice).json()  # type: ignore[attr-defined]
    assert plan["care_contacts"][0]["name"] == "Karin Ek"
    assert plan["care_contacts"][0]["coordinates"] is True
    assert plan["life_threatening"] is False
    body = {
        "version": plan["version"],
        "main_goal": "Hemma",
        "life_threatening": True,
        "care_contacts": [{**plan["care_contacts"][0], "physician": False}],
    }
    url = f"/api/v1/sip/{case_id}/plans/{plan['number']}"
    bad = client.put(url, json.dumps(body), content_type="application/json", **alice)
    assert bad.status_code == 400
    assert bad.json()["code"] == "physician_contact_required"
    doctor = {"name": "Dr Lind", "workplace": "HC", "phone": "0920-2", "physician": True}
    body["care_contacts"] = [*body["care_contacts"], doctor]
    good = client.put(url, json.dumps(body), content_type="application/json", **alice)
    assert good.status_code == 200, good.content
    assert [x["physician"] for x in good.json()["care_contacts"]] == [False, True]


def test_in_the_browser(login: Login, world: World, nurse: User) -> None:
    stay = designated(world, nurse)
    municipality = login(world.bob)
    page = municipality.get(reverse("discharge:stay", args=[stay.pk])).content.decode()
    assert 'data-testid="sip-called-by-care-contact"' in page
    assert "Karin Ek" in page
    region = login(world.alice)
    page = region.get(reverse("discharge:stay", args=[stay.pk])).content.decode()
    assert f"?stay={stay.pk}" in page
    case = open_after(world, world.alice, stay)
    plan = plan_acts.start_version(world.actor(world.alice), case.pk)
    edit = reverse("sip:plan-edit", kwargs={"pk": case.pk, "number": plan.number})
    form = region.get(edit).content.decode()
    assert 'name="life_threatening"' in form
    assert 'name="contacts-0-coordinates"' in form
    data = {
        "version": plan.version,
        "main_goal": "Hemma",
        "plan_format": "paper",
        "life_threatening": "on",
        "goals-TOTAL_FORMS": 0,
        "goals-INITIAL_FORMS": 0,
        "actions-TOTAL_FORMS": 0,
        "actions-INITIAL_FORMS": 0,
        "contacts-TOTAL_FORMS": 1,
        "contacts-INITIAL_FORMS": 1,
        "contacts-0-name": "Karin Ek",
        "contacts-0-workplace": "HC",
        "contacts-0-phone": "0920-123 45",
        "contacts-0-coordinates": "on",
    }
    refused = region.post(edit, data)
    assert refused.status_code == 400
    assert "läkarnivå" in refused.content.decode()
    assert not PlanVersion.objects.get(pk=plan.pk).life_threatening
    saved = region.post(edit, {**data, "contacts-0-physician": "on"})
    assert saved.status_code == 302
    version_url = reverse("sip:plan-version", kwargs={"pk": case.pk, "number": plan.number})
    shown = region.get(version_url).content.decode()
    assert 'data-testid="coordinating-care-contact"' in shown
    assert 'data-testid="life-threatening"' in shown
