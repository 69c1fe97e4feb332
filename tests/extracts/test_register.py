"""The individual's register extract (GDPR art. 15; issue 16 item 2): everything stored about
Sture Lundberg that the unit administrator's unit may see (the access matrix's world: a SIP with
consents, meetings and plan versions, a stay with its notices, a message, a deviation), and the
unit's access log of his data; as JSON and PDF, on the screen and over the API, logged."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samordna.api.models import ApiToken
from samordna.audit.models import AccessLog
from samordna.cases.models import Case, Delivery, Notice
from samordna.deviations import services as deviations
from samordna.deviations.models import Deviation
from samordna.discharge.models import Stay
from samordna.messaging.models import Message
from samordna.organisations.models import Membership, Unit, User
from samordna.people.models import Relative, Representative
from samordna.sip.models import Consent, Goal, Meeting, PlanVersion
from tests.access.world import build
from tests.conftest import World, make_user
from tests.documents.pdfs import keep, text_of

Login = Callable[[User, Unit | None], Client]


@pytest.fixture
def built(world: World) -> World:
    build(world)
    return world


def json_of(client: Client, url: str, **headers: str) -> dict[str, Any]:
    answer = client.get(url, **headers)
    assert answer.status_code == 200, answer.content
    assert answer["Cache-Control"] == "no-store"
    assert "attachment" in answer["Content-Disposition"]
    data: dict[str, Any] = json.loads(answer.content)
    return data


def test_holds_everything_the_unit_may_see_and_its_log(built: World, login: Login) -> None:
    world = built
    person = world.person
    client = login(world.admin, world.owner_unit)  # Hertsöns hälsocentral: the coordinator's
    logged = AccessLog.objects.filter(person=person, unit=world.owner_unit).count()
    extract = json_of(client, reverse("extracts:register-json", args=[person.pk]))

    assert extract["format"] == "samordna.register-extract" and extract["version"] == 1
    data = extract["data"]
    assert data["people.person"][0]["identity_number"] == "193603239090"
    expected = {
        "people.relative": Relative.objects.filter(person=person),
        "people.representative": Representative.objects.filter(person=person),
        "cases.case": Case.objects.filter(person=person),
        "sip.consent": Consent.objects.filter(case__person=person),
        "sip.meeting": Meeting.objects.filter(case__person=person),
        "sip.planversion": PlanVersion.objects.filter(case__person=person),
        "sip.goal": Goal.objects.filter(plan__case__person=person),
        "cases.notice": Notice.objects.filter(case__person=person),
        "cases.delivery": Delivery.objects.filter(notice__case__person=person),
        "discharge.stay": Stay.objects.filter(case__person=person),
        "messaging.message": Message.objects.filter(notice__case__person=person),
        "deviations.deviation": Deviation.objects.filter(case__person=person),
    }
    for label, rows in expected.items():
        assert rows.exists(), label
        key = rows.model._meta.pk.name  # "case" for a stay, "notice" for a message
        assert sorted(r[key] for r in data[label]) == sorted(rows.values_list("pk", flat=True)), (
            label
        )
    consent = data["sip.consent"][0]
    assert consent["units"] == ["Luleå biståndshandläggning"]  # many-to-many by name
    assert consent["recorded_by"] == str(world.alice)  # staff by name, not by id
    assert "overview.workitem" not in data  # the read model is derived, not data

    assert len(extract["access_log"]) == logged > 0  # the unit's own review scope
    assert {e["unit"] for e in extract["access_log"]} == {str(world.owner_unit)}
    made = AccessLog.objects.get(what="person.register_extract")
    assert (made.user, made.person, made.action, made.purpose) == (
        world.admin,
        person,
        "export",
        "json",
    )
    again = json_of(client, reverse("extracts:register-json", args=[person.pk]))
    assert "Registerutdrag av den enskilde (dataskyddsförordningen art. 15)" in {
        e["what"] for e in again["access_log"]
    }


def test_the_pdf_reads_as_a_document(built: World, login: Login) -> None:
    world = built
    client = login(world.admin, world.owner_unit)
    answer = client.get(reverse("extracts:register-pdf", args=[world.person.pk]))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    keep("register-extract", answer.content)
    text = text_of(answer.content)
    for phrase in (
        "Registerutdrag för Sture Lundberg",
        "artikel 15",
        "Maj Lundkvist",  # the relative
        "Vem kan vi ringa om hemtjänsten?",  # the message
        "Logg över åtkomst till dina uppgifter",
        "Hertsöns hälsocentral",
    ):
        assert phrase in text, phrase
    assert AccessLog.objects.filter(what="person.register_extract", purpose="pdf").count() == 1


def test_narrowed_as_the_screens_narrow(built: World, login: Login) -> None:
    """The covered unit's administrator gets the SIP and the deviation sent to it, but not a
    draft deviation the coordinator's unit keeps to itself."""
    world = built
    draft = deviations.create(
        world.actor(world.alice),
        deviations.Content(
            occurred_at=timezone.now() - dt.timedelta(hours=1),
            event="Ett utkast.",
            consequence="-",
            risk="-",
            action="-",
            improvement="-",
            concerned_unit=world.participant_unit,
            case=world.case.pk,
        ),
    )
    head = make_user("berit", world.participant_unit, Membership.Role.UNIT_ADMIN)
    client = login(head, world.participant_unit)
    data = json_of(client, reverse("extracts:register-json", args=[world.person.pk]))["data"]
    shown = {d["id"] for d in data["deviations.deviation"]}
    assert draft.pk not in shown and shown
    assert world.case.pk in {c["id"] for c in data["cases.case"]}


def test_refused_to_others(built: World, login: Login, client: Client) -> None:
    world = built
    url = reverse("extracts:register-json", args=[world.person.pk])
    assert login(world.alice, world.owner_unit).get(url).status_code == 403  # a nurse
    stranger = make_user("ulrika", world.unrelated_unit, Membership.Role.UNIT_ADMIN)
    assert login(stranger, world.unrelated_unit).get(url).status_code == 404
    missing = reverse("extracts:register-pdf", args=[10**9])
    assert login(world.admin, world.owner_unit).get(missing).status_code == 404
    assert not AccessLog.objects.filter(what="person.register_extract").exists()


def test_over_the_api(built: World, client: Client) -> None:
    world = built
    api = f"/api/v1/extracts/persons/{world.person.pk}/register-extract"
    _token, secret = ApiToken.issue("Registrator", world.admin, world.owner_unit)
    admin = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    extract = json_of(client, f"{api}.json", **admin)
    assert extract["data"]["people.person"][0]["last_name"] == "Lundberg"
    pdf = client.get(f"{api}.pdf", **admin)
    assert "Registerutdrag för Sture Lundberg" in text_of(pdf.content)
    assert set(
        AccessLog.objects.filter(what="person.register_extract").values_list("via", "purpose")
    ) == {("api", "json"), ("api", "pdf")}

    _token, nurse = ApiToken.issue("EHR", world.alice, world.owner_unit)
    refused = client.get(f"{api}.json", HTTP_AUTHORIZATION=f"Bearer {nurse}")
    assert refused.status_code == 403 and refused.json()["code"] == "not_unit_admin"
    unknown = client.get("/api/v1/extracts/persons/999999/register-extract.json", **admin)
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
