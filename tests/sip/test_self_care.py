"""Self-care: who assessed it, when, and the written self-care plan on the plan's action, a new
assessment when conditions change (issue 14 item 3; SPEC ORG-6, extending SIP-14).

Seed 001_118551e475ece215.txt lines 1349-1355 ("Vem kan bedöma egenvård? Den behandlande
legitimerade hälso- och sjukvårdspersonalen ... Den behandlande läkaren i samband med utskrivning
från slutenvård"), lines 1376-1378 ("När bedömningen görs i samband med slutenvård är det endast
den behandlande läkaren som kan bedöma om åtgärden kan utföras som egenvård. Denna bedömning kan
inte delegeras."), lines 1466-1482 (the seven points of the plan) and lines 1517-1518 ("Om
förutsättningarna ändras ska egenvårdsbedömningen omprövas").
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samordna.cases.models import Case
from samordna.errors import ServiceError
from samordna.organisations.models import Unit
from samordna.sip.models import Action, SelfCareAssessment
from samordna.sip.services import plan as plan_acts
from samordna.sip.services import self_care as acts
from tests.api.test_persons import bearer
from tests.conftest import World, make_user
from tests.documents.pdfs import text_of
from tests.sip.conftest import consent_to
from tests.sip.plans import documented, written


def care_plan(**changes: object) -> acts.SelfCarePlan:
    values: dict[str, object] = {
        "measure": "Insulin, Novorapid 8 E morgon och kväll",
        "performer": "self",
        "helper": "",
        "instructions": "Distriktssköterskan visar med teach-back första veckan.",
        "on_harm": "Vid känning: drick juice, ring hälsocentralen 0920-123 45.",
        "on_change": "Ring distriktssköterskan om han inte längre klarar sprutan.",
        "follow_up": "Distriktssköterskan följer upp vid hembesök om två veckor.",
        "reassess_on": timezone.localdate() + dt.timedelta(days=90),
    }
    values.update(changes)
    return acts.SelfCarePlan(**values)  # type: ignore[arg-type]


def self_care_action(case: Case, number: int = 1) -> Action:
    return Action.objects.get(plan__case=case, plan__number=number, care_type="self_care")


def _at() -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=15)


@pytest.mark.parametrize(
    ("kind", "role", "code"),
    [
        # Lines 1349-1351: the treating licensed health care staff, region or municipality.
        ("primary_care", "nurse", None),
        ("primary_care", "physician", None),
        ("municipal_health_care", "therapist", None),
        ("municipal_health_care", "mas", None),
        # Not licensed health care staff.
        ("needs_assessment", "case_officer", "not_licensed"),
        ("primary_care", "other_professional", "not_licensed"),
        ("primary_care", "care_administrator", "not_licensed"),
        # Lines 1376-1378: at an inpatient ward only the treating physician, not delegable.
        ("inpatient_ward", "physician", None),
        ("inpatient_ward", "nurse", "treating_physician_only"),
        ("inpatient_ward", "therapist", "treating_physician_only"),
    ],
)
def test_who_assesses_self_care(
    world: World, sip: Case, kind: str, role: str, code: str | None
) -> None:
    consent_to(world, sip, naming_none=True)
    written(world, sip)
    unit = Unit.objects.filter(kind=kind).first() or Unit.objects.create(
        principal=world.lulea, code=f"u-{kind}", name=f"Enhet {kind}", kind=kind
    )
    if not sip.participations.filter(unit=unit, until__isnull=True).exists():
        sip.participations.create(unit=unit, role="participant")
    user = make_user("assessor", unit, role)
    actor = world.actor(user, unit)
    action = self_care_action(sip)
    if code is None:
        row = acts.assess(actor, sip.pk, action.pk, _at(), care_plan())
        assert (row.assessed_by, row.role, row.unit) == (user, role, unit)
        assert row.during_stay == (kind == "inpatient_ward")
        assert sip.events.filter(kind="self_care_assessed").count() == 1
    else:
        with pytest.raises(ServiceError) as refused:
            acts.assess(actor, sip.pk, action.pk, _at(), care_plan())
        assert (refused.value.code, refused.value.status) == (code, 403)
        assert "legitimerad" in refused.value.message or "behandlande läkaren" in (
            refused.value.message
        )
        assert not SelfCareAssessment.objects.exists()


def test_a_new_assessment_supersedes_and_follows_the_action_into_new_versions(
    world: World, sip: Case
) -> None:
    """Lines 1517-1518: when the conditions change the assessment is made anew."""
    documented(world, sip)
    alice = world.actor(world.alice)
    first = acts.assess(alice, sip.pk, self_care_action(sip).pk, _at(), care_plan())
    with pytest.raises(ServiceError) as stale:  # the assessor had not seen the first one
        acts.assess(alice, sip.pk, self_care_action(sip).pk, _at(), care_plan())
    assert stale.value.code == "edit_conflict"
    plan_acts.start_version(alice, sip.pk)  # version 2 copies the action with its uid
    in_two = self_care_action(sip, 2)
    assert acts.current(sip)[in_two.uid] == first
    second = acts.assess(
        alice,
        sip.pk,
        in_two.pk,
        timezone.now() - dt.timedelta(minutes=1),
        care_plan(performer="with_help", helper="Hemtjänsten"),
        supersedes=first.pk,
    )
    first.refresh_from_db()
    assert first.superseded_at is not None and second.supersedes == first
    assert acts.current(sip) == {in_two.uid: second}
    assert [a.pk for a in acts.history(sip, in_two.uid)] == [second.pk, first.pk]


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"measure": " "}, "required", "measure"),
        ({"instructions": ""}, "required", "instructions"),
        ({"on_harm": ""}, "required", "on_harm"),
        ({"on_change": ""}, "required", "on_change"),
        ({"follow_up": ""}, "required", "follow_up"),
        ({"performer": "with_help"}, "required", "helper"),
        ({"performer": "anyone"}, "invalid_performer", "performer"),
        ({"reassess_on": dt.date(2001, 1, 1)}, "reassess_before", "reassess_on"),
    ],
)
def test_the_written_plan_has_every_point(
    world: World, sip: Case, change: dict[str, object], code: str, field: str
) -> None:
    """Lines 1466-1482: the seven points are all part of the plan."""
    written(world, sip)
    with pytest.raises(ServiceError) as refused:
        acts.assess(
            world.actor(world.alice), sip.pk, self_care_action(sip).pk, _at(), care_plan(**change)
        )
    assert (refused.value.code, refused.value.field) == (code, field)
    assert not SelfCareAssessment.objects.exists()


def test_only_a_self_care_action_and_not_in_the_future(world: World, sip: Case) -> None:
    written(world, sip)
    alice = world.actor(world.alice)
    other = Action.objects.filter(plan__case=sip).exclude(care_type="self_care").first()
    assert other is not None
    with pytest.raises(ServiceError) as refused:
        acts.assess(alice, sip.pk, other.pk, _at(), care_plan())
    assert refused.value.code == "not_self_care"
    with pytest.raises(ServiceError) as refused:
        acts.assess(
            alice,
            sip.pk,
            self_care_action(sip).pk,
            timezone.now() + dt.timedelta(hours=1),
            care_plan(),
        )
    assert refused.value.code == "future_date"
    with pytest.raises(ServiceError) as refused:
        acts.assess(alice, sip.pk, 999999, _at(), care_plan())
    assert refused.value.status == 404


def _form(action: Action, **changes: object) -> dict[str, object]:
    plan = care_plan()
    data: dict[str, object] = {
        "action": action.pk,
        "assessed_at": timezone.localtime(_at()).strftime("%Y-%m-%dT%H:%M"),
        "measure": plan.measure,
        "performer": plan.performer,
        "instructions": plan.instructions,
        "on_harm": plan.on_harm,
        "on_change": plan.on_change,
        "follow_up": plan.follow_up,
        "reassess_on": plan.reassess_on.isoformat(),
    }
    data.update(changes)
    return data


def test_on_the_plan_page_and_in_the_plan_for_the_individual(
    world: World, sip: Case, login: object
) -> None:
    consent_to(world, sip)
    written(world, sip)
    action = self_care_action(sip)
    bob: Client = login(world.bob, world.participant_unit)  # type: ignore[operator]
    page = bob.get(reverse("sip:plan-version", args=[sip.pk, 1])).content.decode()
    assert "Egenvårdsbedömningar" not in page  # a case officer is not licensed
    refused = bob.post(reverse("sip:self-care", args=[sip.pk, 1]), _form(action))
    assert refused.status_code == 403
    assert "legitimerad hälso- och sjukvårdspersonal" in refused.content.decode()
    client: Client = login(world.alice, world.owner_unit)  # type: ignore[operator]
    page = client.get(reverse("sip:plan-version", args=[sip.pk, 1])).content.decode()
    assert "Egenvårdsbedömningar" in page and "Ingen egenvårdsbedömning" in page
    bad = client.post(reverse("sip:self-care", args=[sip.pk, 1]), _form(action, on_harm=""))
    assert bad.status_code == 400 and not SelfCareAssessment.objects.exists()
    done = client.post(reverse("sip:self-care", args=[sip.pk, 1]), _form(action))
    assert done.status_code == 302
    page = client.get(reverse("sip:plan-version", args=[sip.pk, 1])).content.decode()
    assert "Bedömd av Alice (Sjuksköterska)" in page and "teach-back" in page
    individual = client.get(reverse("sip:for-individual", args=[sip.pk])).content.decode()
    assert "Om något går fel:" in individual and "drick juice" in individual


def test_over_the_api(world: World, sip: Case, client: Client) -> None:
    consent_to(world, sip)
    written(world, sip)
    action = self_care_action(sip)
    plan = care_plan()
    body = {
        "action": action.pk,
        "assessed_at": _at().isoformat(),
        "measure": plan.measure,
        "performer": "self",
        "instructions": plan.instructions,
        "on_harm": plan.on_harm,
        "on_change": plan.on_change,
        "follow_up": plan.follow_up,
        "reassess_on": plan.reassess_on.isoformat(),
    }
    url = f"/api/v1/sip/{sip.pk}/self-care"
    refused = client.post(
        url, json.dumps(body), content_type="application/json", **bearer(world, "bob")
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "not_licensed")
    done = client.post(
        url, json.dumps(body), content_type="application/json", **bearer(world, "alice")
    )
    assert done.status_code == 201, done.content
    assert (done.json()["assessed_by"], done.json()["role"]) == ("alice", "nurse")
    stale = client.post(
        url, json.dumps(body), content_type="application/json", **bearer(world, "alice")
    )
    assert stale.status_code == 409
    again = client.post(
        url,
        json.dumps(body | {"supersedes": done.json()["id"]}),
        content_type="application/json",
        **bearer(world, "alice"),
    )
    assert again.status_code == 201
    read = client.get(url, **bearer(world, "bob")).json()
    assert [r["superseded_at"] is None for r in read] == [True, False]
    nul = client.post(
        url,
        json.dumps(body | {"measure": "a\u0000b"}),
        content_type="application/json",
        **bearer(world, "alice"),
    )
    assert nul.status_code == 422


def test_the_plan_pdf_for_the_individual_carries_the_self_care_plan(
    world: World, sip: Case, login: object
) -> None:
    """Line 1356: the individual needs a copy of the self-care plan (egenvårdsintyg)."""
    documented(world, sip)
    acts.assess(world.actor(world.alice), sip.pk, self_care_action(sip).pk, _at(), care_plan())
    client: Client = login(world.alice, world.owner_unit)  # type: ignore[operator]
    answer = client.get(reverse("documents:plan", args=[sip.pk]))
    assert answer.status_code == 200
    text = text_of(answer.content)
    assert "Bedömd av Alice, Hertsöns hälsocentral" in text
    assert "Om något går fel Vid känning: drick juice" in text
