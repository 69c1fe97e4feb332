"""Assessment, invitations, answers and meeting records over the API (API-1): the same rules and
visibility as the screens, errors as ``{"code", "message", "field"}``."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from samordna.audit.models import AccessLog
from samordna.cases.acts import touch
from samordna.cases.models import Case
from samordna.deviations.models import Deviation
from samordna.sip.models import Meeting
from samordna.sip.services import case as case_acts
from tests.api.test_persons import bearer
from tests.conftest import World
from tests.sip.test_meetings import bobs, details, give_consent


def post(client: Client, url: str, body: object, headers: dict[str, str]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def invitation(world: World, **extra: Any) -> dict[str, Any]:
    meeting = details()
    return {
        "purpose": "establish",
        "form": "in_person",
        "place": "Hertsöns hälsocentral",
        "starts_at": meeting.starts_at.isoformat(),
        "ends_at": meeting.ends_at.isoformat(),
        "consent_confirmed": True,
        "units": [world.participant_unit.code],
        "externals": [
            {
                "name": "Arbetsförmedlingen",
                "street": "Storgatan 9",
                "postal_code": "972 31",
                "city": "Luleå",
            }
        ],
        **extra,
    }


@pytest.fixture
def consented(world: World) -> Case:
    """An outpatient SIP opened by alice, with consent and bob's unit taking part."""
    world.case.closed_at = timezone.now()
    world.case.close_reason = "other"
    world.case.save()
    touch(world.case.pk)  # closed by hand: the read model follows
    case = case_acts.open_case(
        world.actor(world.alice), world.person.identity_number, "outpatient", timezone.now()
    )
    case.participations.create(unit=world.participant_unit, role="participant")
    give_consent(world, case)
    return case


def test_invite_answer_and_record_over_the_api(
    client: Client, world: World, consented: Case
) -> None:
    alice, bob = bearer(world, "alice"), bearer(world, "bob")
    sent = post(client, f"/api/v1/sip/{consented.pk}/invitations", invitation(world), alice)
    assert sent.status_code == 201, sent.json()
    meeting = sent.json()
    assert {p["kind"] for p in meeting["participants"]} == {"unit", "individual", "external"}

    # The recipient's list: /sip/invitations is not taken for a case id.
    listed = client.get("/api/v1/sip/invitations", **bob)
    assert listed.status_code == 200
    [item] = listed.json()["items"]
    assert (item["case_id"], item["identity_number"]) == (
        consented.pk,
        world.person.identity_number,
    )
    assert client.get("/api/v1/sip/invitations", **alice).json()["items"] == []

    declined = post(
        client, f"/api/v1/sip/invitations/{item['id']}/answer", {"answer": "declined"}, bob
    )
    assert (declined.status_code, declined.json()["code"]) == (400, "reason_required")
    assert declined.json()["field"] == "reason"
    acked = post(client, f"/api/v1/sip/invitations/{item['id']}/ack", {}, bob)
    assert acked.status_code == 200 and acked.json()["acknowledged_at"]
    answered = post(
        client, f"/api/v1/sip/invitations/{item['id']}/answer", {"answer": "accepted"}, bob
    )
    assert answered.json()["answer"] == "accepted"
    not_hers = post(client, f"/api/v1/sip/invitations/{item['id']}/ack", {}, alice)
    assert (not_hers.status_code, not_hers.json()["code"]) == (403, "not_your_invitation")

    changed = post(
        client,
        f"/api/v1/sip/{consented.pk}/meetings/{meeting['id']}",
        {**invitation(world), "place": "Rum 5", "version": 1},
        alice,
    )
    assert (changed.json()["place"], changed.json()["sequence"]) == ("Rum 5", 1)
    stale = post(
        client,
        f"/api/v1/sip/{consented.pk}/meetings/{meeting['id']}",
        {**invitation(world), "place": "Rum 6", "version": 1},
        alice,
    )
    assert (stale.status_code, stale.json()["code"]) == (409, "edit_conflict")

    starts = Meeting.objects.get().starts_at
    participants = changed.json()["participants"]
    body = {
        "version": 2,
        "chair": "Karin Holm",
        "documenter": "Lena Björk",
        "attendance": [
            {
                "participant": p["id"],
                "attendance": "absent" if p["kind"] == "external" else "in_person",
            }
            for p in participants
        ],
    }
    with time_machine.travel(starts + dt.timedelta(minutes=30), tick=False):
        recorded = post(
            client, f"/api/v1/sip/{consented.pk}/meetings/{meeting['id']}/record", body, alice
        )
    assert recorded.status_code == 200, recorded.json()
    assert recorded.json()["held"] and not recorded.json()["no_professional_with_individual"]
    assert Deviation.objects.get().concerned_unit is None  # the external actor
    assert AccessLog.objects.filter(via="api", what="sip.record_meeting").exists()


@pytest.mark.parametrize(
    ("extra", "code", "field"),
    [
        ({"form": "video"}, "video_link_required", "video_link"),
        ({"consent_confirmed": False}, "consent_not_confirmed", "consent_confirmed"),
        ({"units": ["no-such-unit"]}, "invalid_unit", "units"),
        ({"relatives": [999999]}, "invalid_participant", None),
        ({"purpose": "party"}, "invalid_input", "purpose"),
    ],
)
def test_bad_invitations_are_refused_with_a_code(
    client: Client, world: World, consented: Case, extra: dict[str, Any], code: str, field: str
) -> None:
    response = post(
        client,
        f"/api/v1/sip/{consented.pk}/invitations",
        invitation(world, **extra),
        bearer(world, "alice"),
    )
    assert response.status_code in (400, 422)
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    assert not Meeting.objects.exists()


def test_forward_and_assessment(client: Client, world: World, consented: Case) -> None:
    alice, bob = bearer(world, "alice"), bearer(world, "bob")
    post(client, f"/api/v1/sip/{consented.pk}/invitations", invitation(world), alice)
    delivery = bobs(Meeting.objects.get(), world)
    forwarded = post(
        client, f"/api/v1/sip/invitations/{delivery.pk}/forward", {"unit": world.ward.code}, bob
    )
    assert forwarded.status_code == 201 and forwarded.json()["id"] != delivery.pk
    added = post(
        client,
        f"/api/v1/sip/{consented.pk}/assessment",
        {"area": "housing", "text": "Bor ensam."},
        bob,
    )
    assert added.status_code == 201 and added.json()["unit"] == world.participant_unit.code
    listed = client.get(f"/api/v1/sip/{consented.pk}/assessment", **alice).json()
    assert [e["text"] for e in listed] == ["Bor ensam."]
    assert AccessLog.objects.filter(what="sip.assessment.read", via="api").exists()


def test_charlie_gets_404_everywhere(client: Client, world: World, consented: Case) -> None:
    alice, charlie = bearer(world, "alice"), bearer(world, "charlie")
    meeting = post(
        client, f"/api/v1/sip/{consented.pk}/invitations", invitation(world), alice
    ).json()
    delivery = bobs(Meeting.objects.get(), world).pk
    case = consented.pk
    for method, url, body in [
        ("get", f"/api/v1/sip/{case}/assessment", None),
        ("post", f"/api/v1/sip/{case}/assessment", {"area": "health", "text": "x"}),
        ("get", f"/api/v1/sip/{case}/meetings", None),
        ("post", f"/api/v1/sip/{case}/invitations", invitation(world)),
        (
            "post",
            f"/api/v1/sip/{case}/meetings/{meeting['id']}",
            {**invitation(world), "version": 1},
        ),
        ("post", f"/api/v1/sip/{case}/meetings/{meeting['id']}/cancel", {"version": 1}),
        (
            "post",
            f"/api/v1/sip/{case}/meetings/{meeting['id']}/record",
            {"version": 1, "chair": "A", "documenter": "B", "attendance": []},
        ),
        ("post", f"/api/v1/sip/invitations/{delivery}/ack", {}),
        ("post", f"/api/v1/sip/invitations/{delivery}/answer", {"answer": "accepted"}),
        ("post", f"/api/v1/sip/invitations/{delivery}/forward", {"unit": world.ward.code}),
    ]:
        if method == "get":
            response = client.get(url, **charlie)
        else:
            response = post(client, url, body, charlie)
        assert (response.status_code, response.json()["code"]) == (404, "not_found"), url
    assert client.get("/api/v1/sip/invitations", **charlie).json()["items"] == []
    assert Meeting.objects.get().version == 1
