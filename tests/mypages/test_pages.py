"""The individual's own pages (issue 15 items 1 and 2; SPEC PAT-1): logging in through a real
OpenID provider, a session of its own kind, pages reached only through one's own SIP, and what the
individual writes reaching the coordinator."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from samordna.audit.models import AccessLog
from samordna.cases.models import Case, Obligation
from samordna.mypages.models import MeetingReply, OwnComment, Preparation, WithdrawalRequest
from samordna.mypages.session import SESSION_KEY
from samordna.sip.models import Meeting, PlanVersion
from samordna.sip.services import case as case_acts
from samordna.sip.services import consent as consent_acts
from samordna.sip.services import plan as plan_acts
from tests.conftest import World
from tests.mypages.conftest import log_in
from tests.oidc_provider import LocalProvider
from tests.sip.plans import documented
from tests.sip.test_meetings import invite

Fixture = tuple[Case, PlanVersion, Meeting]
pytestmark = pytest.mark.usefixtures("individual_idp")


def test_login_gives_an_individual_session_and_the_plan(
    client: Client, world: World, plan_and_meeting: Fixture
) -> None:
    _case, plan, _meeting = plan_and_meeting
    log_in(client)
    data = client.session[SESSION_KEY]
    assert data["viewer"] == world.person.identity_number
    assert data["person"] == world.person.pk
    assert "_auth_user_id" not in client.session  # never a user of a unit
    response = client.get("/mina-sidor/plan/")
    body = response.content.decode()
    assert response.status_code == 200
    assert plan.main_goal in body and "Hemtjänst hjälper till med dusch" in body
    assert "ring 112" in body  # whom to call for urgent matters
    entry = AccessLog.objects.filter(via="mypages", what="mypages.plan.read: 1").get()
    assert entry.user is None and entry.unit is None and entry.person == world.person
    assert AccessLog.objects.filter(via="mypages", action=AccessLog.Action.LOGIN).exists()


def test_a_protected_identity_is_shown_nothing(client: Client, world: World) -> None:
    """Jessica has a protected identity in the register: no session, nothing shown."""
    log_in(client, "jessica")
    assert SESSION_KEY not in client.session
    response = client.get("/mina-sidor/")
    assert response.status_code == 302 and "/mina-sidor/logga-in/" in response["Location"]


def test_someone_samordna_does_not_know_sees_that_there_is_nothing(
    client: Client, world: World
) -> None:
    log_in(client, "signe")
    response = client.get("/mina-sidor/plan/")
    assert response.status_code == 200
    assert "Det finns ingen plan för dig i Samordna" in response.content.decode()


def test_staff_sessions_and_individual_sessions_do_not_mix(
    client: Client,
    login,
    world: World,
    plan_and_meeting: Fixture,  # type: ignore[no-untyped-def]
) -> None:
    log_in(client)
    # An individual's session reaches no staff page.
    response = client.get(f"/sip/{plan_and_meeting[0].pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    # A staff session reaches no page of /mina-sidor/.
    staff = login(world.alice, world.owner_unit)
    assert staff.get("/mina-sidor/plan/").status_code == 403
    assert staff.get("/mina-sidor/").status_code == 403


def test_the_idle_timeout_is_the_individuals_own(
    client: Client,
    world: World,
    plan_and_meeting: Fixture,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    assert settings.INDIVIDUAL_IDLE_TIMEOUT_SECONDS == 15 * 60
    log_in(client)
    assert client.session.get_expiry_age() == 15 * 60
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=14)):
        assert client.get("/mina-sidor/plan/").status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=14 + 16)):
        response = client.get("/mina-sidor/plan/")
    assert response.status_code == 302 and "/mina-sidor/logga-in/" in response["Location"]


def test_what_matters_and_a_decline_reach_the_coordinator(
    client: Client,
    login,
    world: World,
    plan_and_meeting: Fixture,  # type: ignore[no-untyped-def]
) -> None:
    case, _plan, meeting = plan_and_meeting
    log_in(client)
    url = f"/mina-sidor/moten/{meeting.pk}/forbered/"
    response = client.post(url, {"what_matters": "Att <b>bo kvar</b> hemma", "questions": "Hur?"})
    assert response.status_code == 302
    response = client.post(
        f"/mina-sidor/moten/{meeting.pk}/kan-inte-komma/", {"reason": "Tandläkare"}
    )
    assert response.status_code == 302
    staff = login(world.alice, world.owner_unit)
    body = staff.get(f"/sip/{case.pk}/").content.decode()
    assert "Att &lt;b&gt;bo kvar&lt;/b&gt; hemma" in body  # escaped
    assert "Tandläkare" in body
    # Offered as the main goal "in my own words" when the next version is written.
    started = plan_acts.start_version(world.actor(world.alice), case.pk)
    edit = staff.get(f"/sip/{case.pk}/plans/{started.number}/edit/").content.decode()
    offer = edit[edit.index('data-testid="own-words"') :]
    assert "Att &lt;b&gt;bo kvar&lt;/b&gt; hemma" in offer[:1000]


def test_bad_input_is_refused_and_nothing_changes(
    client: Client, world: World, plan_and_meeting: Fixture
) -> None:
    _case, _plan, meeting = plan_and_meeting
    log_in(client)
    url = f"/mina-sidor/moten/{meeting.pk}/forbered/"
    for data in (
        {"what_matters": "x" * 1001, "questions": ""},
        {"what_matters": "", "questions": ""},
        {"what_matters": "a\x00b", "questions": ""},
    ):
        response = client.post(url, data)
        assert 400 <= response.status_code < 500, data
    assert not Preparation.objects.exists()
    response = client.post(f"/mina-sidor/moten/{meeting.pk}/kan-inte-komma/", {"reason": "x" * 301})
    assert response.status_code == 302
    assert not MeetingReply.objects.exists()


def test_one_individual_never_reaches_anothers_pages(
    client: Client,
    world: World,
    signe,
    plan_and_meeting: Fixture,  # type: ignore[no-untyped-def]
) -> None:
    """Signe, with a SIP and a meeting of her own, tries Sture's meeting and plan by their ids."""
    case, plan, meeting = plan_and_meeting
    signes = case_acts.open_case(
        world.actor(world.alice), signe.identity_number, "outpatient", timezone.now()
    )
    consent_acts.record_consent(
        world.actor(world.alice),
        signes.pk,
        {
            "decision": "given",
            "giver": "individual",
            "giver_name": "Signe Lindqvist",
            "form": "oral",
            "given_at": timezone.now() - dt.timedelta(minutes=5),
            "units": [world.participant_unit],
        },
    )
    signes_meeting = invite(world, signes)
    log_in(client, "signe")
    assert client.get(f"/mina-sidor/moten/{signes_meeting.pk}/forbered/").status_code == 200
    for url in (
        f"/mina-sidor/moten/{meeting.pk}/forbered/",
        f"/mina-sidor/moten/{meeting.pk}.ics",
    ):
        assert client.get(url).status_code == 404, url
    for url, data in (
        (f"/mina-sidor/moten/{meeting.pk}/forbered/", {"what_matters": "x"}),
        (f"/mina-sidor/moten/{meeting.pk}/kan-inte-komma/", {"reason": "x"}),
        (
            f"/mina-sidor/plan/{plan.number}/kommentar/",
            {"action": plan.actions.first().pk, "text": "x"},
        ),  # type: ignore[union-attr]
        ("/mina-sidor/samtycke/aterkalla/", {"consent": case.consents.get().pk}),
    ):
        assert client.post(url, data).status_code == 404, url
    assert client.get("/mina-sidor/plan/1/").status_code == 404  # she has no plan version 1
    body = client.get("/mina-sidor/moten/").content.decode()
    assert "Sture" not in body and "Lundberg" not in body
    assert not Preparation.objects.exists() and not MeetingReply.objects.exists()
    assert not OwnComment.objects.exists() and not WithdrawalRequest.objects.exists()


def test_withdrawing_consent_is_a_request_to_the_coordinator(
    client: Client,
    login,
    world: World,
    plan_and_meeting: Fixture,  # type: ignore[no-untyped-def]
) -> None:
    case, _plan, _meeting = plan_and_meeting
    consent = case.consents.get()
    log_in(client)
    response = client.post(
        "/mina-sidor/samtycke/aterkalla/", {"consent": consent.pk, "reason": "Vill inte"}
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.in_force  # the withdrawal itself stays with the coordinator
    obligation = Obligation.objects.get(kind=Obligation.Kind.CONSENT_WITHDRAWAL)
    assert obligation.unit == case.owner_unit and obligation.met_at is None
    # Asked once.
    client.post("/mina-sidor/samtycke/aterkalla/", {"consent": consent.pk})
    assert WithdrawalRequest.objects.count() == 1
    # The coordinator's unit has it on its overview, and records the withdrawal: met.
    staff = login(world.alice, world.owner_unit)
    overview = staff.get("/overview/").content.decode()
    assert "Den enskilde vill ta tillbaka sitt samtycke" in overview
    assert staff.post(f"/sip/{case.pk}/consent/withdraw/").status_code == 302
    obligation.refresh_from_db()
    assert obligation.met_at is not None


def test_own_comment_on_my_action_before_follow_up(  # type: ignore[no-untyped-def]
    client: Client, login, world: World, plan_and_meeting: Fixture, individual_idp: LocalProvider
) -> None:
    case, plan, _meeting = plan_and_meeting
    mine = plan.actions.get(responsible="individual")
    units = plan.actions.get(responsible="unit")
    log_in(client)
    url = f"/mina-sidor/plan/{plan.number}/kommentar/"
    assert client.post(url, {"action": units.pk, "text": "inte min"}).status_code == 404
    assert client.post(url, {"action": mine.pk, "text": "Går bra"}).status_code == 302
    assert OwnComment.objects.get().text == "Går bra"
    # The follow-up page shows the staff what the individual wrote (SIP-11).
    staff = login(world.alice, world.owner_unit)
    page = staff.get(f"/sip/{case.pk}/plans/{plan.number}/follow-up/").content.decode()
    assert "Går bra" in page and "Den enskildes egna kommentarer" in page
    assert plan.follow_up_on is not None
    with time_machine.travel(
        dt.datetime.combine(plan.follow_up_on, dt.time(9), tzinfo=timezone.get_current_timezone())
    ):
        individual_idp.follow_python_clock()
        log_in(client)
        response = client.post(url, {"action": mine.pk, "text": "För sent"})
        assert response.status_code == 302
        page = client.get("/mina-sidor/plan/").content.decode()
        assert "Dagen för uppföljningen har kommit" in page
    assert OwnComment.objects.count() == 1


def test_earlier_versions_and_calendar(
    client: Client, world: World, plan_and_meeting: Fixture
) -> None:
    _case, _plan, meeting = plan_and_meeting
    log_in(client)
    response = client.get(f"/mina-sidor/moten/{meeting.pk}.ics")
    assert response.status_code == 200 and b"BEGIN:VCALENDAR" in response.content
    assert client.get("/mina-sidor/plan/1/").status_code == 200
    assert client.get("/mina-sidor/plan/2/").status_code == 404


def test_the_provider_is_real(individual_idp: LocalProvider) -> None:
    assert individual_idp.issuer.startswith("http://127.0.0.1:")


_ = documented  # imported for other modules' fixtures
