"""The documents and the operating status over the API (API-1): the same files, visibility and
access log as the screens, errors as ``{"code", "message", "field"}``."""

from __future__ import annotations

from django.test import Client
from icalendar import Calendar

from samordna.audit.models import AccessLog
from samordna.cases.models import Case
from samordna.documents import blank
from samordna.operations.models import Banner
from samordna.organisations.models import User
from samordna.sip.models import Meeting, Participant
from tests.api.test_persons import bearer
from tests.conftest import World
from tests.documents.pdfs import text_of

API = "/api/v1/documents"


def test_the_plan_consent_and_calendar_come_from_the_api_as_from_the_screens(
    world: World, client: Client, meeting: Meeting
) -> None:
    case = meeting.case_id
    alice, bob = bearer(world, "alice"), bearer(world, "bob")
    plan = client.get(f"{API}/sip/{case}/plan.pdf", **bob)
    assert plan.status_code == 200 and plan["Content-Type"] == "application/pdf"
    assert "Din plan, Sture Lundberg" in text_of(plan.content)
    consent = client.get(f"{API}/sip/{case}/consent.pdf", **alice)
    assert "Den enskildes namn Sture Lundberg" in text_of(consent.content)
    ics = client.get(f"{API}/sip/{case}/meetings/{meeting.pk}.ics", **bob)
    assert Calendar.from_ical(ics.content).events[0]["SEQUENCE"] == 0
    reads = AccessLog.objects.filter(person=world.person, what__startswith="documents.")
    assert {(r.user.username, r.what) for r in reads} >= {
        ("bob", "documents.plan.read"),
        ("alice", "documents.consent_form.read"),
        ("bob", "documents.meeting_calendar.read"),
    }
    for url in (f"sip/{case}/plan.pdf", f"sip/{case}/meetings/{meeting.pk}.ics"):
        refused = client.get(f"{API}/{url}", **bearer(world, "charlie"))
        assert refused.status_code == 404
        assert refused.json()["code"] == "not_found"


def test_letters_over_the_api_are_for_the_coordinators_unit(
    world: World, client: Client, meeting: Meeting
) -> None:
    external = meeting.participants.get(kind=Participant.Kind.EXTERNAL)
    url = f"{API}/sip/{meeting.case_id}/meetings/{meeting.pk}/letters/{external.pk}.pdf"
    letter = client.get(url, **bearer(world, "alice"))
    assert "Arbetsförmedlingen Luleå Storgatan 9" in text_of(letter.content)
    refused = client.get(url, **bearer(world, "bob"))
    assert (refused.status_code, refused.json()["code"]) == (403, "not_coordinator")


def test_an_undocumented_plan_is_a_structured_404(world: World, client: Client, sip: Case) -> None:
    sip.plans.update(documented_at=None)
    response = client.get(f"{API}/sip/{sip.pk}/plan.pdf", **bearer(world, "alice"))
    assert response.status_code == 404
    assert response.json()["code"] == "plan_not_documented"


def test_discharge_information_and_blank_forms_over_the_api(
    world: World, client: Client, nurse: User, sent: Case
) -> None:
    response = client.get(
        f"{API}/stays/{sent.pk}/discharge-information.pdf", **bearer(world, "bob")
    )
    assert "Information vid utskrivning för Sture Lundberg" in text_of(response.content)
    response = client.get(f"{API}/blank/all.pdf", **bearer(world, "charlie"))
    assert all(form.title in text_of(response.content) for form in blank.FORMS)
    missing = client.get(f"{API}/blank/recipe.pdf", **bearer(world, "charlie"))
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    assert client.get(f"{API}/blank/all.pdf").status_code == 401


def test_the_current_banners_over_the_api(world: World, client: Client) -> None:
    Banner.objects.create(kind="outage", message="Samordna ligger nere.")
    response = client.get("/api/v1/operations/banners", **bearer(world, "charlie"))
    assert [(b["kind"], b["message"]) for b in response.json()] == [
        ("outage", "Samordna ligger nere.")
    ]
