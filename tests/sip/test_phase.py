"""The phase of a SIP, on the case and in the list, filterable (issue 14 item 7, SPEC SIP-19
extending SIP-4).

Seed 004_2b6a4bde1435f963.txt lines 26-30: "Vid samordnad individuell planering i Prator utförs
arbetet i tre faser: Förberedelse, genomförande och avslut"; lines 39-46 preparation (initiative,
assessment, invitation), 89-98 the meeting with goals and activities, 129-136 the invitation to
the evaluation and the evaluation; SPEC SIP-4 adds the repeatable follow-up.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samordna.audit.models import AccessLog
from samordna.cases.models import Case, Participation
from samordna.overview import readmodel
from samordna.people.models import Person
from samordna.sip import listing
from samordna.sip.models import Coordinator, SipCase
from samordna.sip.phase import Facts, phase_of
from samordna.sip.services import case as case_acts
from samordna.sip.services import invitations as invitations_acts
from samordna.sip.services import plan as plan_acts
from samordna.sip.services import plan_follow_up as follow_up_acts
from tests.api.test_persons import bearer
from tests.conftest import World
from tests.sip.plans import draft, give_consent
from tests.sip.test_meetings import details, invite, record

P = SipCase.Phase


@pytest.mark.parametrize(
    ("facts", "phase"),
    [
        # Lines 39-46: initiative, consent, assessment and invitation are preparation.
        (Facts(), P.PREPARATION),
        # Lines 89-98: the meeting and the plan made at it.
        (Facts(meeting_held=True), P.MEETING),
        (Facts(plan_started=True), P.MEETING),
        # SIP-4: the documented plan is followed up (repeatably) ...
        (Facts(meeting_held=True, plan_started=True, plan_documented=True), P.FOLLOW_UP),
        # ... and a version drafted at a follow-up meeting stays in follow-up,
        (
            Facts(plan_started=True, earlier_documented=True, plan_meeting_purpose="follow_up"),
            P.FOLLOW_UP,
        ),
        # while a new establishing meeting starts the plan again (lines 119-121: "genomförande-
        # fasen kan starta om").
        (
            Facts(plan_started=True, earlier_documented=True, plan_meeting_purpose="establish"),
            P.MEETING,
        ),
        # Lines 129-136: the invitation to the evaluation and the evaluation are the closure.
        (Facts(plan_documented=True, plan_started=True, evaluation_invited=True), P.EVALUATION),
        (Facts(plan_documented=True, plan_started=True, plan_evaluated=True), P.EVALUATION),
        (Facts(closed=True), P.EVALUATION),
    ],
)
def test_the_phase_is_a_function_of_the_facts(facts: Facts, phase: str) -> None:
    assert phase_of(facts) == phase


def phase(case: Case) -> str:
    return SipCase.objects.get(pk=case.pk).phase


def test_the_acts_keep_the_phase(world: World, sip: Case) -> None:
    alice = world.actor(world.alice)
    assert phase(sip) == P.PREPARATION
    give_consent(world, sip)
    meeting = invite(world, sip)
    assert phase(sip) == P.PREPARATION  # the invitation is still preparation (line 44)
    record(world, meeting)
    assert phase(sip) == P.MEETING
    started = plan_acts.start_version(alice, sip.pk)
    saved = plan_acts.save_draft(alice, sip.pk, started.number, started.version, draft(world))
    assert phase(sip) == P.MEETING
    follow_up_acts.mark_documented(alice, sip.pk, saved.number, saved.version)
    assert phase(sip) == P.FOLLOW_UP
    evaluation = invitations_acts.send_invitation(
        alice,
        sip.pk,
        details(
            purpose="evaluate",
            starts_at=meeting.starts_at + dt.timedelta(days=30),
            ends_at=meeting.starts_at + dt.timedelta(days=30, hours=1),
        ),
        invitations_acts.Invitees(units=[world.participant_unit], individual=True),
        True,
    )
    assert phase(sip) == P.EVALUATION
    invitations_acts.cancel_invitation(alice, sip.pk, evaluation.pk, evaluation.version, "Sjuk")
    assert phase(sip) == P.FOLLOW_UP  # cancelled: back to following up
    case_acts.close_case(alice, sip.pk, "goals_met")
    assert phase(sip) == P.EVALUATION


def test_the_list_filters_by_phase_with_counts(world: World, sip: Case) -> None:
    give_consent(world, sip)
    record(world, invite(world, sip))
    alice, bob, charlie = (world.actor(u) for u in (world.alice, world.bob, world.charlie))
    for actor in (alice, bob):  # the coordinator's unit and the unit the consent covers
        assert [r.case.pk for r in listing.sip_list(actor, P.MEETING, 1).rows] == [sip.pk]
        assert listing.sip_list(actor, P.PREPARATION, 1).rows == []
        counts = listing.counts(actor)
        assert counts == {"": 1, P.PREPARATION: 0, P.MEETING: 1, P.FOLLOW_UP: 0, P.EVALUATION: 0}
    assert listing.sip_list(charlie, None, 1).rows == []
    assert listing.counts(charlie)[""] == 0
    # An unknown phase is the whole list, never an error.
    assert [r.case.pk for r in listing.sip_list(alice, "nonsense", "x").rows] == [sip.pk]


def many(world: World, first: int, n: int, phase: str = P.PREPARATION) -> None:
    """n active SIPs of alice's unit, written in bulk (then the read model is rebuilt)."""
    persons = Person.objects.bulk_create(
        Person(
            identity_number=f"1950{serial:08d}",
            first_name="Test",
            last_name=f"Person {serial}",
            municipality=world.lulea,
            registered_by=world.alice,
            registered_by_unit=world.owner_unit,
        )
        for serial in range(first, first + n)
    )
    cases = Case.objects.bulk_create(
        Case(person=p, kind=Case.Kind.SIP, owner_unit=world.owner_unit, opened_by=world.alice)
        for p in persons
    )
    SipCase.objects.bulk_create(
        SipCase(case=c, type=SipCase.Type.OUTPATIENT, need_known_at=c.opened_at) for c in cases
    )
    Participation.objects.bulk_create(
        Participation(case=c, unit=world.owner_unit, role=Participation.Role.OWNER) for c in cases
    )
    Coordinator.objects.bulk_create(
        Coordinator(case=c, user=world.alice, unit=world.owner_unit, assigned_by=world.alice)
        for c in cases
    )
    readmodel.rebuild()


def test_a_page_costs_the_same_whatever_the_number_of_cases(world: World) -> None:
    actor = world.actor(world.alice)

    def queries(phase: str | None, page: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            found = listing.sip_list(actor, phase, page)
        assert found.rows  # a full page is shown, not an empty one
        return len(captured)

    many(world, 1, 60)
    few = [queries(None, 1), queries(None, 2), queries(P.PREPARATION, 1)]
    many(world, 1000, 240)
    assert [queries(None, 1), queries(None, 2), queries(P.PREPARATION, 1)] == few
    page = listing.sip_list(actor, P.PREPARATION, 1)
    assert len(page.rows) == listing.PER_PAGE and page.page.has_next
    assert page.total == 301  # 300 here and the world's own SIP


def test_the_page_in_the_browser_sense(login: Any, world: World, sip: Case) -> None:
    give_consent(world, sip)
    client = login(world.alice)
    before = AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    page = client.get(reverse("sip:cases") + "?phase=preparation").content.decode()
    assert reverse("sip:case", args=[sip.pk]) in page and "Förberedelse" in page
    assert 'aria-current="page">Förberedelse (1)' in page
    logged = AccessLog.objects.filter(pk__gt=before, what="sip.list")
    assert list(logged.values_list("person_id", flat=True)) == [sip.person_id]
    other = client.get(reverse("sip:cases") + "?phase=follow_up").content.decode()
    assert reverse("sip:case", args=[sip.pk]) not in other
    case_page = client.get(reverse("sip:case", args=[sip.pk])).content.decode()
    assert '<li aria-current="step">Förberedelse' in case_page
    assert login(world.charlie).get(reverse("sip:cases")).status_code == 200


def test_through_the_api(client: Client, world: World, sip: Case) -> None:
    give_consent(world, sip)
    auth = bearer(world, "alice")
    found = client.get("/api/v1/sip?phase=preparation", **auth).json()
    assert [i["id"] for i in found["items"]] == [sip.pk]
    assert found["items"][0]["phase"] == "preparation" and found["counts"]["preparation"] == 1
    assert client.get("/api/v1/sip?phase=follow_up", **auth).json()["items"] == []
    assert client.get("/api/v1/sip?phase=nonsense", **auth).status_code == 422
    assert client.get("/api/v1/sip?page=0", **auth).status_code == 422
    one = client.get(f"/api/v1/sip/{sip.pk}", **auth).json()
    assert one["phase"] == "preparation"
    assert json.dumps(found)  # plain JSON
