"""The operations that the screens had and the API lacked (issue 12 item 4): the person page's
acts, the name search, the SIP after discharge from a stay, the plan comparison and the
individual's view. Same services, so same rules, same visibility and the access log."""

from __future__ import annotations

import json

from django.test import Client

from samordna.audit.models import AccessLog
from samordna.cases.models import Case
from samordna.organisations.models import User
from samordna.sip.services import plan as plan_acts
from samordna.sip.services import plan_follow_up as plan_follow_up_acts
from tests.api.test_persons import bearer
from tests.conftest import World
from tests.sip.plans import draft, written
from tests.sip.test_after_discharge import nurse, ready  # noqa: F401 - fixtures


def send(client: Client, method: str, url: str, body: object, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.generic(method, url, json.dumps(body), content_type="application/json", **headers)


def test_person_update_with_the_version_read(client: Client, world: World) -> None:
    alice = bearer(world, "alice")
    url = f"/api/v1/persons/{world.person.pk}"
    body = {
        "version": world.person.version,
        "first_name": "Sture",
        "last_name": "Lundberg",
        "street": "Storgatan 1",
        "postal_code": "97231",
        "municipality": "lulea",
        "phone": "0920-123 45",
    }
    saved = send(client, "PUT", url, body, alice)
    assert saved.status_code == 200, saved.content
    assert (saved.json()["street"], saved.json()["postal_code"]) == ("Storgatan 1", "972 31")
    stale = send(client, "PUT", url, {**body, "street": "Annan väg 2"}, alice)
    assert stale.status_code == 409 and stale.json()["code"] == "edit_conflict"
    bad = send(client, "PUT", url, {**body, "version": 2, "postal_code": "00000"}, alice)
    assert bad.status_code == 422 and bad.json()["field"] == "postal_code"
    hidden = send(client, "PUT", url, {**body, "version": 2}, bearer(world, "charlie"))
    assert hidden.status_code == 404
    world.person.refresh_from_db()
    assert (world.person.street, world.person.version) == ("Storgatan 1", 2)


def test_relatives_and_representatives(client: Client, world: World) -> None:
    alice = bearer(world, "alice")
    base = f"/api/v1/persons/{world.person.pk}"
    relative = send(client, "POST", f"{base}/relatives", {"name": "Olle", "relation": "son"}, alice)
    assert relative.status_code == 201, relative.content
    rep = send(
        client,
        "POST",
        f"{base}/representatives",
        {"kind": "trustee", "name": "Gun Man", "postal_code": "97231"},
        alice,
    )
    assert rep.status_code == 201 and rep.json()["postal_code"] == "972 31"
    detail = client.get(base, **alice).json()
    assert [r["name"] for r in detail["relatives"]] == ["Olle"]
    assert [r["kind"] for r in detail["representatives"]] == ["trustee"]
    wrong = send(client, "POST", f"{base}/representatives", {"kind": "king", "name": "X"}, alice)
    assert wrong.status_code == 422
    relative_id, rep_id = relative.json()["id"], rep.json()["id"]
    charlie = bearer(world, "charlie")
    assert client.delete(f"{base}/relatives/{relative_id}", **charlie).status_code == 404
    assert client.delete(f"{base}/relatives/{relative_id}", **alice).status_code == 204
    assert client.delete(f"{base}/relatives/{relative_id}", **alice).status_code == 404
    assert client.delete(f"{base}/representatives/{rep_id}", **alice).status_code == 204
    assert not world.person.relatives.exists() and not world.person.representatives.exists()


def test_name_search_shows_and_logs_only_whom_the_unit_sees(client: Client, world: World) -> None:
    found = client.get("/api/v1/persons/search?q=Lundb", **bearer(world, "alice"))
    assert found.status_code == 200
    assert [p["last_name"] for p in found.json()["results"]] == ["Lundberg"]
    assert found.json()["mode"] == "prefix"
    assert AccessLog.objects.filter(what="person.search", person=world.person).count() == 1
    hidden = client.get("/api/v1/persons/search?q=Lundb", **bearer(world, "charlie"))
    assert hidden.status_code == 200 and hidden.json()["results"] == []
    assert client.get("/api/v1/persons/search?q=", **bearer(world, "alice")).status_code == 422


def test_the_sip_after_discharge_opens_from_the_stay(
    client: Client,
    world: World,
    ready: Case,  # noqa: F811
    nurse: User,  # noqa: F811
) -> None:
    # A body that is no object is refused before the act, though every field has a default
    # (the fuzzer's ST201: a number was taken for an empty object and the SIP was opened).
    for not_an_object in (5, [1], "x"):
        refused = send(
            client, "POST", f"/api/v1/stays/{ready.pk}/sip", not_an_object, bearer(world, "alice")
        )
        assert refused.status_code == 400 and refused.json()["code"] == "invalid_body"
    assert not Case.objects.filter(kind="sip", sip__origin=ready).exists()
    opened = send(client, "POST", f"/api/v1/stays/{ready.pk}/sip", {}, bearer(world, "alice"))
    assert opened.status_code == 201, opened.content
    body = opened.json()
    assert body["type"] == "after_discharge"
    sip = Case.objects.get(pk=body["id"])
    assert sip.sip.origin == ready and sip.sip.need_known_at == ready.stay.ready_at
    again = send(client, "POST", f"/api/v1/stays/{ready.pk}/sip", {}, bearer(world, "alice"))
    assert again.status_code == 409 and again.json()["code"] == "active_sip_exists"
    hidden = send(client, "POST", f"/api/v1/stays/{ready.pk}/sip", {}, bearer(world, "charlie"))
    assert hidden.status_code == 404


def test_plan_comparison_and_the_individuals_view(client: Client, world: World) -> None:
    alice_actor = world.actor(world.alice)
    saved = written(world, world.case)  # world.case has its consent already
    first = plan_follow_up_acts.mark_documented(
        alice_actor, world.case.pk, saved.number, saved.version
    )
    second = plan_acts.start_version(alice_actor, world.case.pk)
    plan_acts.save_draft(
        alice_actor,
        world.case.pk,
        second.number,
        second.version,
        draft(world, main_goal="Sture bor kvar hemma med stöd"),
    )
    alice = bearer(world, "alice")
    url = f"/api/v1/sip/{world.case.pk}/plan-comparison?old={first.number}&new={second.number}"
    compared = client.get(url, **alice)
    assert compared.status_code == 200, compared.content
    changed = {c["label"]: c for c in compared.json()["fields"]}
    assert any(
        new == "Sture bor kvar hemma med stöd" for new in [c["new"] for c in changed.values()]
    )
    kinds = {kind for c in changed.values() for kind, _text in c["segments"]}
    assert kinds <= {"equal", "delete", "insert"} and "insert" in kinds
    missing = client.get(f"/api/v1/sip/{world.case.pk}/plan-comparison?old=1&new=9", **alice)
    assert missing.status_code == 400 and missing.json()["code"] == "plan_not_found"
    assert client.get(url, **bearer(world, "charlie")).status_code == 404

    view = client.get(f"/api/v1/sip/{world.case.pk}/for-the-individual", **alice)
    assert view.status_code == 200
    assert view.json()["plan"]["number"] == first.number  # the plan in force, not the draft
    assert AccessLog.objects.filter(what="sip.individual_view.read").exists()
