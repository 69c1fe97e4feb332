"""Enrolment in and discharge from home health care (issue 14 item 2; SPEC ORG-6, SIP-24).

Seed 000_106b8acbeb42519c.txt line 132: "Det är endast primärvårdsläkare som kan ta beslut om
patientens in- och utskrivning i hemsjukvård. Beslutet ska dokumenteras i journalen och i
planen." Seed 003_9c6849ff85993bc8.txt lines 98-111 (Halland): the physician responsibility lies
with "den vårdcentral där patienten är listad eller den psykiatriska öppenvårdsmottagning där
patienten har sin läkarkontakt"; line 98: "Personer inskrivna i hemsjukvården ska ha en fast
läkarkontakt utsedd på den vårdcentral där patienten är listad." Seed 001_118551e475ece215.txt
lines 275-278: "Alla patienter inom hemsjukvården ska ha en fast vårdkontakt med samordningsansvar
i den kommunala hälso- och sjukvården och en behandlingsansvarig läkare"; lines 366-367: "en
samordnad individuell plan alltid upprättas/följas upp för hemsjukvårdspatienter".
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samordna.cases.models import Case, Obligation
from samordna.core import deadlines
from samordna.errors import ServiceError
from samordna.organisations.models import County, Membership, Unit, User
from samordna.sip.models import HomeCareDecision
from samordna.sip.services import home_care as acts
from samordna.sip.services import plan_follow_up
from tests.api.test_persons import bearer
from tests.conftest import World, make_user
from tests.sip.conftest import consent_to
from tests.sip.plans import written
from tests.sip.test_plan import contents

ENROL = HomeCareDecision.Decision.ENROLLED
DISCHARGE = HomeCareDecision.Decision.DISCHARGED


def _physician(world: World) -> User:
    return make_user("petra", world.owner_unit, Membership.Role.PHYSICIAN)


def _at(minutes: int = 10) -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=minutes)


def _unit_taking_part(world: World, sip: Case, kind: str, municipal: bool = False) -> Unit:
    unit = Unit.objects.create(
        principal=world.lulea if municipal else world.region,
        code=f"unit-{kind}",
        name=f"Enhet {kind}",
        kind=kind,
    )
    sip.participations.create(unit=unit, role="participant")
    return unit


@pytest.mark.parametrize(
    ("county", "kind", "role", "municipal", "code"),
    [
        # Seed 000 line 132: only a primary-care physician decides.
        ("norrbotten", "primary_care", "physician", False, None),
        ("norrbotten", "primary_care", "nurse", False, "not_primary_care_physician"),
        ("norrbotten", "primary_care", "care_administrator", False, "not_primary_care_physician"),
        ("norrbotten", "inpatient_ward", "physician", False, "not_primary_care_physician"),
        ("norrbotten", "outpatient_psychiatry", "physician", False, "not_primary_care_physician"),
        ("vasterbotten", "outpatient_psychiatry", "physician", False, "not_primary_care_physician"),
        # Seed 003 lines 98-111: in Halland outpatient psychiatry's physicians too.
        ("halland", "outpatient_psychiatry", "physician", False, None),
        ("halland", "outpatient_psychiatry", "nurse", False, "not_primary_care_physician"),
        # Seed 003 line 94: the municipality's licensed staff assess, but do not decide.
        ("norrbotten", "municipal_health_care", "nurse", True, "not_primary_care_physician"),
    ],
)
def test_who_decides_on_home_health_care(
    world: World, sip: Case, county: str, kind: str, role: str, municipal: bool, code: str | None
) -> None:
    world.county.rules = County.default_rules_for(county)
    world.county.save()
    consent_to(world, sip, naming_none=True)
    unit = (
        world.owner_unit
        if kind == "primary_care"
        else _unit_taking_part(world, sip, kind, municipal)
    )
    user = make_user("decider", unit, role)
    actor = world.actor(user, unit)
    if code is None:
        row = acts.decide(actor, sip.pk, ENROL, _at(), "Behöver hjälp med såromläggning")
        assert (row.decided_by, row.role, row.unit, row.physician) == (
            user,
            "physician",
            unit,
            user,
        )
        assert sip.events.filter(kind="home_care_decided").count() == 1
    else:
        with pytest.raises(ServiceError) as refused:
            acts.decide(actor, sip.pk, ENROL, _at())
        assert (refused.value.code, refused.value.status) == (code, 403)
        assert "läkare" in refused.value.message  # Swedish: "Endast en läkare vid ..."
        assert not HomeCareDecision.objects.exists()


def test_enrolment_obliges_a_sip_and_discharge_cancels_it(world: World, sip: Case) -> None:
    """Seed 001 lines 366-367; due at the end of the meeting window (seed 001 lines 391-392)."""
    petra = _physician(world)
    at = _at()
    acts.decide(world.actor(petra), sip.pk, ENROL, at)
    due = Obligation.objects.get(case=sip, kind=Obligation.Kind.HOME_CARE_SIP)
    _first, last = deadlines.meeting_window(at, world.county.rule_set)
    assert (due.unit, due.due_at, due.met_at) == (
        world.owner_unit,
        deadlines.end_of_day(last),
        None,
    )
    # A second enrolment (a new physician, say) keeps the one obligation.
    acts.decide(world.actor(petra), sip.pk, ENROL, _at(5))
    assert Obligation.objects.filter(case=sip, kind=Obligation.Kind.HOME_CARE_SIP).count() == 1
    acts.decide(world.actor(petra), sip.pk, DISCHARGE, _at(1), "Klarar besök på vårdcentralen")
    due.refresh_from_db()
    assert due.cancelled_at is not None
    assert acts.enrolled(sip) is None
    assert HomeCareDecision.objects.filter(case=sip).count() == 3  # all kept


@pytest.mark.parametrize(
    ("decision", "change", "code"),
    [
        (DISCHARGE, "not enrolled", "not_enrolled"),
        (ENROL, "future", "future_date"),
        (ENROL, "a nurse as physician", "not_a_physician"),
        (ENROL, "contact without unit", "not_municipal"),
        (ENROL, "contact at the region", "not_municipal"),
        (ENROL, "unit without contact name", "required"),
        (ENROL, "bad phone", "invalid_phone"),
        ("maybe", "bad decision", "invalid_decision"),
    ],
)
def test_a_bad_decision_is_refused_and_nothing_stored(
    world: World, sip: Case, decision: str, change: str, code: str
) -> None:
    petra = _physician(world)
    at, physician, contact = _at(), None, None
    if change == "future":
        at = timezone.now() + dt.timedelta(hours=1)
    elif change == "a nurse as physician":
        physician = world.alice
    elif change == "contact without unit":
        contact = acts.MunicipalContact("Maja Sjuksköterska")
    elif change == "contact at the region":
        contact = acts.MunicipalContact("Maja", world.ward)
    elif change == "unit without contact name":
        contact = acts.MunicipalContact("", world.participant_unit)
    elif change == "bad phone":
        contact = acts.MunicipalContact("Maja", world.participant_unit, "ring inte")
    with pytest.raises(ServiceError) as refused:
        acts.decide(world.actor(petra), sip.pk, decision, at, "", physician, contact)
    assert refused.value.code == code
    assert not HomeCareDecision.objects.exists()
    assert not Obligation.objects.filter(kind=Obligation.Kind.HOME_CARE_SIP).exists()


def test_the_plan_requires_the_contacts_and_documenting_meets_the_obligation(
    world: World, sip: Case
) -> None:
    """Seed 001 lines 275-278: the municipal care contact with coordination responsibility is
    named (by the municipality: seed 003 line 94) before the plan is documented."""
    petra = _physician(world)
    consent_to(world, sip)
    plan = written(world, sip)
    acts.decide(world.actor(petra), sip.pk, ENROL, _at())
    sip.refresh_from_db()
    found = [
        e for e in plan_follow_up.blockers(sip, contents(sip, 1)) if e.code == "home_care_contacts"
    ]
    assert len(found) == 1 and "kommunal" in found[0].message
    with pytest.raises(ServiceError) as refused:
        plan_follow_up.mark_documented(world.actor(world.alice), sip.pk, 1, plan.version)
    assert refused.value.code == "home_care_contacts"
    # Only the municipality names its contact.
    with pytest.raises(ServiceError) as refused:
        acts.name_contact(
            world.actor(world.alice), sip.pk, acts.MunicipalContact("Maja", world.participant_unit)
        )
    assert refused.value.code == "not_municipal"
    acts.name_contact(
        world.actor(world.bob),
        sip.pk,
        acts.MunicipalContact("Maja Ek", world.participant_unit, "0920-455 00"),
    )
    assert sip.events.filter(kind="home_care_contact_named").count() == 1
    assert acts.missing_contacts(acts.enrolled(sip)) == []
    plan_follow_up.mark_documented(world.actor(world.alice), sip.pk, 1, plan.version)
    due = Obligation.objects.get(case=sip, kind=Obligation.Kind.HOME_CARE_SIP)
    assert due.met_at is not None


def test_decided_on_the_case_page_and_shown_in_the_plan(
    world: World, sip: Case, login: object
) -> None:
    petra = _physician(world)
    consent_to(world, sip)
    written(world, sip)
    client: Client = login(petra, world.owner_unit)  # type: ignore[operator]
    page = client.get(reverse("sip:case", args=[sip.pk])).content.decode()
    assert "Registrera ett beslut om hemsjukvård" in page
    answer = client.post(
        reverse("sip:home-care", args=[sip.pk]),
        {
            "decision": "enrolled",
            "decided_at": timezone.localtime(_at()).strftime("%Y-%m-%dT%H:%M"),
            "reason": "Såromläggning dagligen",
            "contact_name": "Maja Ek",
            "contact_unit": world.participant_unit.pk,
            "contact_phone": "0920-455 00",
        },
    )
    assert answer.status_code == 302
    page = client.get(reverse("sip:case", args=[sip.pk])).content.decode()
    assert "Inskriven i hemsjukvården" in page and "Maja Ek" in page
    plan = client.get(reverse("sip:plan-version", args=[sip.pk, 1])).content.decode()
    assert "Inskriven i hemsjukvården" in plan and "Petra" in plan
    individual = client.get(reverse("sip:for-individual", args=[sip.pk])).content.decode()
    assert "Du är inskriven i hemsjukvården" in individual


def test_a_nurse_is_refused_on_the_page_with_the_reason(
    world: World, sip: Case, login: object
) -> None:
    client: Client = login(world.alice, world.owner_unit)  # type: ignore[operator]
    page = client.get(reverse("sip:case", args=[sip.pk])).content.decode()
    assert "Registrera ett beslut om hemsjukvård" not in page
    answer = client.post(
        reverse("sip:home-care", args=[sip.pk]),
        {
            "decision": "enrolled",
            "decided_at": timezone.localtime(_at()).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert answer.status_code == 403
    assert "Endast en läkare vid en vårdcentral" in answer.content.decode()
    assert not HomeCareDecision.objects.exists()


def test_over_the_api(world: World, sip: Case, client: Client) -> None:
    _physician(world)
    consent_to(world, sip)
    world.petra = User.objects.get(username="petra")  # type: ignore[attr-defined]
    url = f"/api/v1/sip/{sip.pk}/home-care"
    body = {"decision": "enrolled", "decided_at": _at().isoformat(), "reason": "Sår"}
    refused = client.post(
        url, json.dumps(body), content_type="application/json", **bearer(world, "alice")
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "not_primary_care_physician")
    headers = bearer(world, "petra") | {"HTTP_IDEMPOTENCY_KEY": "hc-1"}
    done = client.post(url, json.dumps(body), content_type="application/json", **headers)
    assert done.status_code == 201, done.content
    assert (done.json()["decided_by"], done.json()["physician"]) == ("petra", "petra")
    again = client.post(url, json.dumps(body), content_type="application/json", **headers)
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert HomeCareDecision.objects.count() == 1
    read = client.get(url, **bearer(world, "alice")).json()
    assert read["enrolled"] is True and len(read["missing"]) == 1
    named = client.post(
        f"{url}/contact",
        json.dumps({"contact_name": "Maja Ek", "contact_unit": "lulea-bistand"}),
        content_type="application/json",
        **bearer(world, "bob"),
    )
    assert named.status_code == 200 and named.json()["municipal_contact_unit"] == "lulea-bistand"
    bad = client.post(
        url,
        json.dumps(body | {"decided_at": "2026-01-01T10:00:00"}),
        content_type="application/json",
        **bearer(world, "petra"),
    )
    assert bad.status_code == 422
