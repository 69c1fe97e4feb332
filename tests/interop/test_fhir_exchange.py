"""The FHIR facade's Appointment (the SIP meetings), Communication (the messages) and Task (the
acknowledgements a notice asks for): issue 12 item 2. Every answer is validated by
``fhir.resources``, Medplum and the R4 JSON schema (``body``), reads go through the choke
point and are logged, and a message is only for the units party to its thread."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samordna.audit.models import AccessLog
from samordna.cases.models import Delivery
from samordna.messaging.services import sending
from samordna.sip.models import Meeting
from samordna.sip.services import invitations as invitations_acts
from samordna.sip.services.invitations import External, Invitees
from tests.conftest import World, valid_identity_number
from tests.interop.conftest import PARTICIPANT_HSA, Plans
from tests.interop.test_fhir import STURE, body, get, outcome
from tests.sip.test_meetings import details


def invite(world: World, plans: Plans) -> Meeting:
    return invitations_acts.send_invitation(
        world.actor(world.alice),
        plans.case.pk,
        details(agenda="Hur blir det med hemtjänsten?"),
        Invitees(
            units=[world.participant_unit],
            individual=True,
            externals=[External("Arbetsförmedlingen Luleå", "Storgatan 9", "972 31", "Luleå")],
        ),
        True,
    )


def message(world: World, plans: Plans, body_text: str = "Vem kan vi ringa?") -> Any:
    return sending.send(
        world.actor(world.alice),
        [(world.participant_unit, Delivery.Mode.ACK)],
        case_pk=plans.case.pk,
        subject="Avstämning",
        body=body_text,
    )


def test_the_sip_meeting_is_an_appointment_with_its_invitees(
    client: Client, world: World, plans: Plans
) -> None:
    meeting = invite(world, plans)
    found = body(get(client, f"/Appointment/{meeting.pk}", plans))
    assert found["status"] == "booked"
    assert found["start"].startswith(timezone.localtime(meeting.starts_at).date().isoformat())
    assert found["comment"] == "Hur blir det med hemtjänsten?"
    assert found["supportingInformation"] == [
        {"reference": f"CareTeam/{plans.case.pk}", "type": "CareTeam"}
    ]
    actors = {
        p["actor"].get("reference", p["actor"].get("display")): p for p in found["participant"]
    }
    assert actors[f"Patient/{world.person.pk}"]["actor"]["identifier"]["value"] == STURE
    unit = actors[f"Organization/{world.participant_unit.pk}"]
    assert unit["status"] == "needs-action"
    assert unit["actor"]["identifier"]["value"] == PARTICIPANT_HSA
    assert "Arbetsförmedlingen Luleå" in actors
    logged = AccessLog.objects.get(via="fhir")
    assert (logged.what, logged.person) == ("fhir.read: Appointment", world.person)

    # the unit answers: accepted; the meeting is cancelled: the search by status follows
    delivery = Delivery.objects.get(notice=meeting.notice, unit=world.participant_unit)
    delivery.answer = Delivery.Answer.ACCEPTED
    delivery.save()
    found = body(get(client, f"/Appointment/{meeting.pk}", plans))
    participant = f"Organization/{world.participant_unit.pk}"
    [unit] = [p for p in found["participant"] if p["actor"].get("reference") == participant]
    assert unit["status"] == "accepted"
    assert body(get(client, "/Appointment", plans, status="booked"))["total"] == 1
    Meeting.objects.filter(pk=meeting.pk).update(cancelled_at=timezone.now())
    assert body(get(client, "/Appointment", plans, status="booked"))["total"] == 0
    bundle = body(get(client, "/Appointment", plans, status="cancelled,fulfilled"))
    assert bundle["entry"][0]["resource"]["status"] == "cancelled"


def test_appointments_by_patient_and_date(client: Client, world: World, plans: Plans) -> None:
    meeting = invite(world, plans)
    day = timezone.localtime(meeting.starts_at).date().isoformat()
    query = {"patient.identifier": STURE}
    assert body(get(client, "/Appointment", plans, **query, date=day))["total"] == 1
    assert body(get(client, "/Appointment", plans, **query, date=f"lt{day}"))["total"] == 0
    assert body(get(client, "/Appointment", plans, "participant", date=day))["total"] == 1
    assert body(get(client, "/Appointment", plans, "unrelated"))["total"] == 0
    assert outcome(get(client, f"/Appointment/{meeting.pk}", plans, "unrelated"), 404) == (
        "not-found"
    )
    outcome(get(client, "/Appointment", plans, status="done"), 400)
    outcome(get(client, "/Appointment", plans, actor="Organization/1"), 400)


def test_a_message_is_a_communication_for_the_parties_only(
    client: Client, world: World, plans: Plans
) -> None:
    sent = message(world, plans)
    found = body(get(client, f"/Communication/{sent.pk}", plans))
    assert found["status"] == "completed"
    assert found["sender"]["reference"] == f"Organization/{world.owner_unit.pk}"
    assert [r["reference"] for r in found["recipient"]] == [
        f"Organization/{world.participant_unit.pk}"
    ]
    assert found["payload"] == [{"contentString": "Vem kan vi ringa?"}]
    assert found["topic"] == {"text": "Avstämning"}
    assert found["subject"]["identifier"]["value"] == STURE
    assert AccessLog.objects.filter(via="fhir", what="fhir.read: Communication").count() == 1
    reply = sending.reply(world.actor(world.bob, world.participant_unit), sent.pk, "Ring mig.")
    answer = body(get(client, f"/Communication/{reply.pk}", plans, "participant"))
    assert answer["inResponseTo"] == [{"reference": f"Communication/{sent.pk}"}]
    assert body(get(client, "/Communication", plans, "participant"))["total"] == 2

    # A third unit of the SIP, covered by the consent, is no party to the thread: nothing.
    from samordna.cases.models import Participation
    from samordna.sip.models import Consent

    plans.case.participations.create(unit=world.unrelated_unit, role=Participation.Role.PARTICIPANT)
    Consent.objects.get(case=plans.case).units.add(world.unrelated_unit)
    assert body(get(client, "/CarePlan", plans, "unrelated"))["total"] == 1  # sees the SIP
    assert body(get(client, "/Communication", plans, "unrelated"))["total"] == 0
    assert outcome(get(client, f"/Communication/{sent.pk}", plans, "unrelated"), 404)


def test_an_acknowledgement_is_a_task_of_the_unit_that_owes_it(
    client: Client, world: World, plans: Plans
) -> None:
    sent = message(world, plans)
    meeting = invite(world, plans)
    owed = Delivery.objects.get(notice=sent.notice, unit=world.participant_unit)
    found = body(get(client, f"/Task/{owed.pk}", plans, "participant"))
    assert (found["status"], found["intent"]) == ("requested", "order")
    assert found["owner"]["reference"] == f"Organization/{world.participant_unit.pk}"
    assert found["requester"]["reference"] == f"Organization/{world.owner_unit.pk}"
    assert found["focus"] == {"reference": f"Communication/{sent.pk}", "type": "Communication"}
    assert found["for"]["identifier"]["value"] == STURE
    assert found["restriction"]["period"]["end"]
    # the sender's unit sees whom it asked; an unrelated unit nothing
    both = body(get(client, "/Task", plans, "owner", status="requested"))
    foci = {e["resource"]["focus"]["reference"] for e in both["entry"]}
    assert foci == {f"Communication/{sent.pk}", f"Appointment/{meeting.pk}"}
    assert body(get(client, "/Task", plans, "unrelated"))["total"] == 0
    assert outcome(get(client, f"/Task/{owed.pk}", plans, "unrelated"), 404) == "not-found"

    sending.acknowledge(world.actor(world.bob, world.participant_unit), owed.pk)
    done = body(get(client, f"/Task/{owed.pk}", plans, "participant"))
    assert done["status"] == "completed" and done["executionPeriod"]["end"]
    assert body(get(client, "/Task", plans, "participant", status="completed"))["total"] == 1
    entries = AccessLog.objects.filter(via="fhir", what__startswith="fhir.read: Task")
    assert {e.unit for e in entries} == {world.participant_unit}


@pytest.mark.parametrize("kind", ["Appointment", "Communication", "Task"])
def test_a_page_costs_the_same_queries_however_many_rows(
    client: Client, world: World, plans: Plans, kind: str
) -> None:
    invite(world, plans)
    message(world, plans)
    with CaptureQueriesContext(connection) as one:
        body(get(client, f"/{kind}", plans, _count="10"))
    for n in range(3):
        invite(world, plans)
        message(world, plans, f"Meddelande {n}")
    with CaptureQueriesContext(connection) as four:
        found = body(get(client, f"/{kind}", plans, _count="10"))
    assert found["total"] >= 4
    assert len(four) == len(one)


@pytest.mark.parametrize("kind", ["Appointment", "Communication", "Task"])
def test_bad_searches_and_unknown_patients(client: Client, plans: Plans, kind: str) -> None:
    outcome(get(client, f"/{kind}", plans, **{"patient.identifier": "193603239091"}), 400)
    outcome(get(client, f"/{kind}", plans, date="2026-02-30"), 400)
    outcome(get(client, f"/{kind}", plans, _sort="date"), 400)
    assert not AccessLog.objects.filter(via="fhir").exists()
    unknown = valid_identity_number("19900101", 238)
    found = body(get(client, f"/{kind}", plans, **{"patient.identifier": unknown}))
    assert found["total"] == 0
    assert AccessLog.objects.filter(via="fhir", what="fhir.search: unknown_patient").exists()
