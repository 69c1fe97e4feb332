"""Discharge acts over the API: the same rules, visibility and CON-4 as the screens."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from samordna.api import discharge_stays
from samordna.api.models import ApiToken
from samordna.audit.models import AccessLog
from samordna.cases.models import Case, Delivery
from samordna.discharge.models import PlanningAnswer, Stay
from samordna.messaging.services import sending as message_sending
from samordna.organisations.models import User
from tests.conftest import World, force_full_login
from tests.discharge.conftest import version, ward
from tests.people.test_services import PROTECTED_ADULT


def bearer(user: User) -> dict[str, str]:
    membership = user.memberships.first()
    assert membership is not None
    _token, secret = ApiToken.issue("EHR", user, membership.unit)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(client: Client, url: str, body: object, headers: dict[str, str]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def register(client: Client, world: World, headers: dict[str, str], **extra: object) -> Any:
    now = timezone.now()
    body = {
        "identity_number": world.person.identity_number,
        "admitted_at": (now - dt.timedelta(hours=3)).isoformat(),
        "cause": "Pneumoni",
        "expected_discharge_on": (timezone.localdate() + dt.timedelta(days=4)).isoformat(),
        "treating_physician": "Erik Berg",
        "consent_to_transfer": True,
        **extra,
    }
    return post(client, "/api/v1/stays", body, headers)


def test_the_whole_process(client: Client, world: World, nurse: User) -> None:
    ward = bearer(nurse)
    created = register(client, world, ward)
    assert created.status_code == 201, created.content
    stay_id = created.json()["id"]
    assert created.json()["details"]["cause"] == "Pneumoni"
    sent = post(client, f"/api/v1/stays/{stay_id}/admission-notice", {}, ward)
    assert sent.status_code == 200, sent.content
    notice = sent.json()["notices"][0]
    assert notice["kind"] == "admission"
    assert {d["unit"] for d in notice["deliveries"]} == {"lulea-bistand", "hc-hertson"}
    bob = bearer(world.bob)
    own = next(d for d in notice["deliveries"] if d["unit"] == "lulea-bistand")
    other = next(d for d in notice["deliveries"] if d["unit"] == "hc-hertson")
    ack_url = f"/api/v1/stays/{stay_id}/deliveries/{{}}/acknowledge"
    assert post(client, ack_url.format(other["id"]), {}, bob).status_code == 403
    acked = post(client, ack_url.format(own["id"]), {}, bob)
    assert acked.status_code == 200
    delivery = next(
        d for d in acked.json()["notices"][0]["deliveries"] if d["unit"] == "lulea-bistand"
    )
    assert delivery["acknowledged_by"] == "bob" and delivery["status"] == "acknowledged"
    version = acked.json()["version"]
    later = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    moved = post(
        client,
        f"/api/v1/stays/{stay_id}/expected-discharge",
        {"version": version, "expected_discharge_on": later},
        ward,
    )
    assert moved.status_code == 200
    resent = moved.json()["notices"][1]
    assert resent["expected_discharge_on"] == later
    assert resent["previous_expected_discharge_on"] is not None
    stale = post(
        client,
        f"/api/v1/stays/{stay_id}/ready-notice",
        {
            "version": version,
            "ready_at": timezone.now().isoformat(),
            "ready_physician": "Erik Berg",
            "ready_nurse": "Anna Lind",
            "medical_responsibility_to": "Johan Ek",
        },
        ward,
    )
    assert stale.status_code == 409 and stale.json()["code"] == "edit_conflict"
    ready = post(
        client,
        f"/api/v1/stays/{stay_id}/ready-notice",
        {
            "version": moved.json()["version"],
            "ready_at": timezone.now().isoformat(),
            "ready_physician": "Erik Berg",
            "ready_nurse": "Anna Lind",
            "medical_responsibility_to": "Johan Ek",
        },
        ward,
    )
    assert ready.status_code == 200 and ready.json()["notices"][2]["kind"] == "ready"
    liability = client.get(f"/api/v1/stays/{stay_id}/liability", **bob)
    assert liability.status_code == 200
    assert liability.json()["days"] == 0 and liability.json()["reasons"]
    left = post(
        client,
        f"/api/v1/stays/{stay_id}/discharge-notice",
        {"version": ready.json()["version"], "discharged_at": timezone.now().isoformat()},
        ward,
    )
    assert left.status_code == 200 and left.json()["close_reason"] == "discharged"


def test_con4_in_the_api(client: Client, world: World, nurse: User) -> None:
    """CON-4: without consent recipients get no details and no cause in the notices."""
    ward = bearer(nurse)
    stay_id = register(client, world, ward, consent_to_transfer=False).json()["id"]
    post(client, f"/api/v1/stays/{stay_id}/admission-notice", {}, ward)
    seen = client.get(f"/api/v1/stays/{stay_id}", **bearer(world.bob)).json()
    assert seen["details"] is None
    assert seen["identity_number"] == world.person.identity_number
    assert seen["expected_discharge_on"]
    assert seen["notices"][0]["cause"] is None
    assert "Pneumoni" not in json.dumps(seen) and "Erik Berg" not in json.dumps(seen)
    own = client.get(f"/api/v1/stays/{stay_id}", **ward).json()
    assert own["details"]["cause"] == "Pneumoni"


@pytest.mark.parametrize(
    ("extra", "status", "code"),
    [
        ({"cause": ""}, 400, "required"),
        ({"admitted_at": "soon"}, 422, "invalid_input"),
        ({"identity_number": "19920918-2394"}, 404, "not_registered"),
        ({"expected_discharge_on": "2000-01-01"}, 400, "before_admission"),
    ],
)
def test_bad_registrations(
    client: Client, world: World, nurse: User, extra: dict[str, object], status: int, code: str
) -> None:
    response = register(client, world, bearer(nurse), **extra)
    assert response.status_code == status and response.json()["code"] == code
    assert not Case.objects.filter(kind="discharge").exists()


def test_only_a_ward_registers(client: Client, world: World) -> None:
    response = register(client, world, bearer(world.alice))
    assert response.status_code == 403 and response.json()["code"] == "not_inpatient_ward"


def test_unrelated_unit_gets_404_for_every_act(client: Client, world: World, nurse: User) -> None:
    ward = bearer(nurse)
    stay_id = register(client, world, ward).json()["id"]
    post(client, f"/api/v1/stays/{stay_id}/admission-notice", {}, ward)
    delivery = Delivery.objects.filter(notice__case_id=stay_id).first()
    assert delivery is not None
    charlie = bearer(world.charlie)
    for path in ["", "/liability"]:
        assert client.get(f"/api/v1/stays/{stay_id}{path}", **charlie).status_code == 404
    now = timezone.now().isoformat()
    for path, body in [
        (
            "details",
            {
                "version": 1,
                "admitted_at": now,
                "cause": "x",
                "treating_physician": "x",
                "consent_to_transfer": True,
            },
        ),
        ("admission-notice", {"recipients": ["pitea-lss"]}),
        (
            "expected-discharge",
            {"version": 1, "expected_discharge_on": f"{timezone.localdate().year + 1}-01-01"},
        ),
        (f"deliveries/{delivery.pk}/acknowledge", {}),
        (
            "ready-notice",
            {
                "version": 1,
                "ready_at": now,
                "ready_physician": "x",
                "ready_nurse": "x",
                "medical_responsibility_to": "x",
            },
        ),
        ("discharge-notice", {"version": 1, "discharged_at": now}),
        ("unavailable", {"starts_on": "2099-01-01", "reason": "x"}),
    ]:
        response = post(client, f"/api/v1/stays/{stay_id}/{path}", body, charlie)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"
    assert Case.objects.get(pk=stay_id).is_active
    assert Stay.objects.get(pk=stay_id).version == 1
    assert not Delivery.objects.filter(acknowledged_at__isnull=False).exists()


def test_unknown_recipient_is_refused(client: Client, world: World, nurse: User) -> None:
    ward = bearer(nurse)
    stay_id = register(client, world, ward).json()["id"]
    response = post(
        client, f"/api/v1/stays/{stay_id}/admission-notice", {"recipients": ["nowhere"]}, ward
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_recipient"
    assert not Case.objects.get(pk=stay_id).notices.exists()


def test_the_schema_documents_the_stay_endpoints(client: Client, db: None) -> None:
    paths = client.get("/api/v1/schema").json()["paths"]
    for path in [
        "/api/v1/stays",
        "/api/v1/stays/{stay_id}",
        "/api/v1/stays/{stay_id}/admission-notice",
        "/api/v1/stays/{stay_id}/deliveries/{delivery_id}/acknowledge",
        "/api/v1/stays/{stay_id}/liability",
    ]:
        assert path in paths, path


def test_daily_amounts_are_edited_in_the_admin(client: Client, db: None) -> None:
    """Socialstyrelsen sets a new amount every year: administrators add it with its source."""
    force_full_login(client, User.objects.create_superuser("root", password="x"))
    assert client.get("/admin/discharge/dailyamount/").status_code == 200
    added = client.post(
        "/admin/discharge/dailyamount/add/",
        {"year": "2030", "amount_sek": "12000", "source": "HSLF-FS 2029:1"},
    )
    assert added.status_code == 302
    assert client.get("/admin/discharge/stay/").status_code == 404  # SEC-1: no case contents


def test_planning_basis_care_contact_replies_and_information(
    client: Client, world: World, nurse: User, sent: Case
) -> None:
    """SVU-3 to SVU-6 and SVU-9 over the API, with the same refusals as the screens."""
    ward, bob, alice = bearer(nurse), bearer(world.bob), bearer(world.alice)
    base = f"/api/v1/stays/{sent.pk}"
    questions = client.get("/api/v1/stays/planning-basis/questions", **ward).json()
    assert {"mobility", "known"} <= {q["key"] for q in questions}
    answer = {"answers": [{"question": "mobility", "answer": True, "comment": "Rollator"}]}
    assert post(client, f"{base}/planning-basis", answer, ward).status_code == 200
    wrong = post(client, f"{base}/planning-basis", answer, bob)  # the ward's question
    assert (wrong.status_code, wrong.json()["code"]) == (400, "invalid_question")
    delivery = Delivery.objects.get(notice__case=sent, unit__code="lulea-bistand")
    acked = post(
        client,
        f"{base}/deliveries/{delivery.pk}/acknowledge",
        {"answers": [{"question": "known", "answer": False}]},
        bob,
    )
    assert acked.status_code == 200, acked.content
    basis = {
        (a["unit"], a["question"]): a["answer"] for a in acked.json()["details"]["planning_basis"]
    }
    assert basis == {("sunderby-med5", "mobility"): True, ("lulea-bistand", "known"): False}

    version = Stay.objects.get(pk=sent.pk).version
    contact = {"version": version, "name": "Karin Holm", "phone": "0920-1"}
    assert post(client, f"{base}/care-contact", contact, bob).status_code == 403
    named = post(client, f"{base}/care-contact", contact, alice)
    assert named.json()["details"]["care_contact_name"] == "Karin Holm"

    when = (timezone.now() + dt.timedelta(hours=5)).isoformat()
    early = post(client, f"{base}/replies", {"can_receive_at": when}, bob)
    assert (early.status_code, early.json()["code"]) == (400, "not_ready")
    version = Stay.objects.get(pk=sent.pk).version
    ready = {
        "version": version,
        "ready_at": (timezone.now() - dt.timedelta(minutes=5)).isoformat(),
        "ready_physician": "Erik Berg",
        "ready_nurse": "Anna Lind",
        "medical_responsibility_to": "Johan Ek",
    }
    assert post(client, f"{base}/ready-notice", ready, ward).status_code == 200
    replied = post(
        client, f"{base}/replies", {"can_receive_at": when, "interventions": "Hemtjänst"}, bob
    )
    assert replied.json()["details"]["replies"][0]["interventions"] == "Hemtjänst"
    info = client.get(f"{base}/discharge-information", **ward).json()
    assert info["care_contact"]["name"] == "Karin Holm"
    assert [i["interventions"] for i in info["interventions"]] == ["Hemtjänst"]
    charlie = bearer(world.charlie)
    assert client.get(f"{base}/discharge-information", **charlie).status_code == 404

    version = Stay.objects.get(pk=sent.pk).version
    declined = post(
        client,
        f"{base}/sip-declined",
        {"version": version, "declined_at": timezone.now().isoformat()},
        ward,
    )
    assert declined.json()["details"]["sip_declined_at"] is not None
    died = post(client, f"{base}/death", {"died_on": timezone.localdate().isoformat()}, ward)
    assert died.json()["close_reason"] == "deceased"


def test_a_time_without_a_time_zone_is_refused_with_422(
    client: Client, world: World, nurse: User, sent: Case
) -> None:
    """A system that leaves out the offset would otherwise be read in the server's zone."""
    delivery = Delivery.objects.get(notice__case=sent, unit__code="lulea-bistand")
    response = post(
        client,
        f"/api/v1/stays/{sent.pk}/deliveries/{delivery.pk}/acknowledge",
        {"occurred_at": "2026-01-01T10:00:00"},
        bearer(world.bob),
    )
    assert (response.status_code, response.json()["field"]) == (422, "occurred_at")
    delivery.refresh_from_db()
    assert delivery.acknowledged_at is None


def test_details_change_only_the_fields_given(client: Client, world: World, nurse: User) -> None:
    """SEC-4 (issue 10 item 1): an omitted field keeps its stored value. Before, omitting
    ``sip_invited_at`` and ``needs_assessed_at`` cleared them, which changed the payment
    liability; the invitation time is set by the SIP invitation alone and not editable."""
    ward = bearer(nurse)
    assessed = timezone.now() - dt.timedelta(hours=2)
    stay_id = register(
        client, world, ward, needs_assessed_at=assessed.isoformat(), only_social_services=True
    ).json()["id"]
    invited = timezone.now() - dt.timedelta(hours=1)
    Stay.objects.filter(pk=stay_id).update(sip_invited_at=invited)  # as send_invitation does
    url = f"/api/v1/stays/{stay_id}/details"
    changed = post(client, url, {"version": 1, "cause": "Fall i hemmet"}, ward)
    assert changed.status_code == 200, changed.content
    stay = Stay.objects.get(pk=stay_id)
    assert (stay.cause, stay.version) == ("Fall i hemmet", 2)
    assert stay.needs_assessed_at == assessed
    assert stay.sip_invited_at == invited
    assert stay.only_social_services is True and stay.consent_to_transfer is True
    assert stay.treating_physician == "Erik Berg"
    details = changed.json()["details"]
    assert details["sip_invited_at"] is not None and details["needs_assessed_at"] is not None

    cleared = post(client, url, {"version": 2, "needs_assessed_at": None}, ward)
    assert cleared.status_code == 200, cleared.content
    stay.refresh_from_db()
    assert stay.needs_assessed_at is None and stay.sip_invited_at == invited

    for body in (
        {"version": 3, "sip_invited_at": None},
        {"version": 3, "sip_invited_at": timezone.now().isoformat()},
    ):
        refused = post(client, url, body, ward)
        assert refused.status_code == 422, body
        assert refused.json()["field"] == "sip_invited_at"
    for body in ({"version": 3, "cause": None}, {"version": 3, "admitted_at": None}):
        assert post(client, url, body, ward).status_code == 422, body
    stay.refresh_from_db()
    assert (stay.version, stay.sip_invited_at, stay.cause) == (3, invited, "Fall i hemmet")


def _row_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models()}


def test_a_stay_with_a_message_answers(
    client: Client, world: World, nurse: User, sent: Case
) -> None:
    """Issue 10 item 7: a message in the stay is a notice without stay content; reading the
    stay answered 500 with one, after every write to it had already been stored."""
    message_sending.send(
        ward(world, nurse),
        [(world.participant_unit, Delivery.Mode.ACK)],
        case_pk=sent.pk,
        subject="Hemgång",
        body="Kan ni ta emot på fredag?",
        consent_confirmed=True,
    )
    headers = bearer(nurse)
    read = client.get(f"/api/v1/stays/{sent.pk}", **headers)
    assert read.status_code == 200, read.content
    assert [n["kind"] for n in read.json()["notices"]] == ["admission"]
    before = PlanningAnswer.objects.count()
    answer = {"answers": [{"question": "mobility", "answer": True}]}
    written = post(client, f"/api/v1/stays/{sent.pk}/planning-basis", answer, headers)
    assert written.status_code == 200, written.content
    assert PlanningAnswer.objects.count() == before + 1


@pytest.mark.parametrize("debug", [False, True])
def test_a_write_whose_answer_fails_changes_nothing(
    world: World,
    nurse: User,
    sent: Case,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    debug: bool,
) -> None:
    """Issue 10 item 7: an API write answers only after its answer is built, in the same
    transaction; when building it fails, the act is rolled back and the client may retry."""
    settings.DEBUG = debug  # ninja answers the exception itself with DEBUG, raises it without

    def broken(actor: Any, case: Case) -> dict[str, Any]:
        raise RuntimeError("the answer could not be built")

    monkeypatch.setattr(discharge_stays, "stay_out", broken)
    client = Client(raise_request_exception=False)
    before = _row_counts()
    answer = {"answers": [{"question": "mobility", "answer": True}]}
    response = post(client, f"/api/v1/stays/{sent.pk}/planning-basis", answer, bearer(nurse))
    assert response.status_code == 500
    assert Stay.objects.get(pk=sent.pk).version == version(sent)
    after = _row_counts()
    assert {k: v for k, v in after.items() if v != before[k]} == {"api.ApiToken": 1}


def test_a_refusal_keeps_its_log(client: Client, world: World) -> None:
    """A 4xx answer is the act's own refusal, which it logs outside its transaction (PER-1):
    the API's transaction around every write keeps that log."""
    body = {"identity_number": PROTECTED_ADULT, "first_name": "A", "last_name": "B"}
    refused = post(client, "/api/v1/persons", {**body, "municipality": "lulea"}, bearer(world.bob))
    assert (refused.status_code, refused.json()["code"]) == (400, "protected_identity")
    assert AccessLog.objects.filter(action=AccessLog.Action.REFUSE, via="api").exists()
