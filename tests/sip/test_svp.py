"""The coordinated care plan for ÖPT/ÖRV (SVP, issue 14 item 4, SIP-16): who calls it, the
objection to information exchange, the follow-up before the application for continued care.

Seed 001_118551e475ece215.txt lines 1184-1274 (cited per test)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from samordna import validation
from samordna.audit.models import AccessLog
from samordna.cases.models import Case, Obligation
from samordna.core import deadlines
from samordna.errors import Conflict, Forbidden, ServiceError
from samordna.organisations.models import Membership, Unit
from samordna.reporting.models import ProcedureCode
from samordna.sip.models import NecessaryExchange, SipCase, SvpDetail
from samordna.sip.services import case as case_acts
from samordna.sip.services import consent as consent_acts
from samordna.sip.services import invitations as invitations_acts
from samordna.sip.services import meetings as meetings_acts
from samordna.sip.services import plan as plan_acts
from samordna.sip.services import plan_follow_up as plan_follow_up_acts
from samordna.sip.services import svp as svp_acts
from samordna.sip.services.invitations import Invitees
from tests.conftest import World, make_user
from tests.sip.plans import draft
from tests.sip.svp import chief, consent, open_svp, psychiatry
from tests.sip.test_meetings import attendance, details

APPLY_BY = "extension_application_by"


@pytest.fixture
def svp(world: World) -> Case:
    return open_svp(world)


# Who calls it (lines 1212-1214, 1229-1230, 1234-1236) -------------------------------------------


@pytest.mark.parametrize(
    ("kind", "roles", "allowed"),
    [
        # "chefsöverläkaren eller specialist inom psykiatri med chefsöverläkaruppdrag"
        ("outpatient_psychiatry", ("physician", "chief_psychiatrist"), True),
        ("outpatient_psychiatry", ("chief_psychiatrist",), True),
        ("inpatient_ward", ("chief_psychiatrist",), True),  # the psychiatric clinic's ward
        # not any psychiatry physician, nor anyone else there
        ("outpatient_psychiatry", ("physician",), False),
        ("outpatient_psychiatry", ("nurse",), False),
        # the assignment is psychiatry's
        ("primary_care", ("physician", "chief_psychiatrist"), False),
        ("needs_assessment", ("chief_psychiatrist",), False),
    ],
)
def test_only_the_chief_physicians_assignment_opens_an_svp(
    world: World, kind: str, roles: tuple[str, ...], allowed: bool
) -> None:
    """Seed 001 lines 1212-1214 and 1234-1236."""
    world.case.closed_at = timezone.now()
    world.case.close_reason = Case.CloseReason.OTHER
    world.case.save()
    unit = Unit.objects.create(principal=world.region, code=f"u-{kind}", name=kind, kind=kind)
    user = make_user(f"doc-{kind}-{len(roles)}", unit, *roles)

    def opened() -> Case:
        return case_acts.open_case(
            world.actor(user, unit), world.person.identity_number, "svp", timezone.now()
        )

    if allowed:
        case = opened()
        assert case.sip.type == SipCase.Type.SVP
        assert SvpDetail.objects.filter(case=case).exists()
    else:
        with pytest.raises(Forbidden) as caught:
            opened()
        assert caught.value.code == "svp_by_chief_psychiatrist"
        assert "chefsöverläkaruppdrag" in caught.value.message
        assert not Case.objects.filter(kind="sip", closed_at__isnull=True).exists()


def test_the_invitation_is_sent_by_the_assignment_holder_not_a_colleague(
    world: World, svp: Case
) -> None:
    """Line 1235: "kallar chefsöverläkare/specialist i psykiatri med chefsöverläkaruppdrag ...
    till samordnad vårdplanering"; a physician of the same unit without it is refused."""
    consent(world, svp)
    colleague = make_user("petra", psychiatry(world), Membership.Role.PHYSICIAN)
    invitees = Invitees(units=[world.participant_unit], individual=True)
    with pytest.raises(Forbidden) as caught:
        invitations_acts.send_invitation(world.actor(colleague), svp.pk, details(), invitees, True)
    assert caught.value.code == "svp_by_chief_psychiatrist"
    assert not svp.meetings.exists()
    meeting = invitations_acts.send_invitation(
        world.actor(chief(world)), svp.pk, details(), invitees, True
    )
    assert meeting.case_id == svp.pk


# The follow-up before the application for continued care (lines 1229-1232) ------------------------


def _details(world: World, case: Case, **values: object) -> SvpDetail:
    found = SvpDetail.objects.get(case=case)
    args: dict[str, object] = {
        "care_form": "opt",
        "exchange_routine": "Kommunen ringer psykiatrin vid försämring; avstämning varje månad.",
        "extension_application_by": None,
        "version": found.version,
        **values,
    }
    return svp_acts.record_details(world.actor(chief(world)), case.pk, **args)  # type: ignore[arg-type]


def _open_follow_ups(case: Case) -> list[Obligation]:
    return list(
        case.obligations.filter(
            kind=Obligation.Kind.SVP_FOLLOW_UP, met_at__isnull=True, cancelled_at__isnull=True
        )
    )


def test_the_application_date_sets_a_follow_up_the_day_before_shown_as_a_deadline(
    world: World, svp: Case
) -> None:
    """Lines 1231-1232: "Inför ansökan om fortsatt ÖPT eller ÖRV ska en uppföljning av den
    samordnade vårdplanen göras": due by the end of the day before the application."""
    applies_on = timezone.localdate() + dt.timedelta(days=100)
    found = _details(world, svp, extension_application_by=applies_on)
    assert found.version == 2 and found.care_form == "opt"
    [due] = _open_follow_ups(svp)
    assert due.unit == svp.owner_unit
    assert due.due_at == deadlines.end_of_day(applies_on - dt.timedelta(days=1))
    assert svp.events.filter(kind="svp_details").count() == 1
    # Moved: one open deadline, at the new date; cleared: none.
    later = applies_on + dt.timedelta(days=7)
    _details(world, svp, extension_application_by=later)
    [moved] = _open_follow_ups(svp)
    assert moved.due_at == deadlines.end_of_day(later - dt.timedelta(days=1))
    _details(world, svp, extension_application_by=None)
    assert _open_follow_ups(svp) == []


@pytest.mark.parametrize(
    ("purpose", "meets"),
    [("follow_up", True), ("evaluate", True), ("establish", False)],
)
def test_a_follow_up_meeting_held_meets_the_deadline_an_establishing_one_codes_xu042(
    world: World, svp: Case, purpose: str, meets: bool
) -> None:
    """Lines 1231-1232: the follow-up is a meeting that follows up (or evaluates) the plan."""
    _details(world, svp, extension_application_by=timezone.localdate() + dt.timedelta(days=30))
    consent(world, svp)
    meeting = invitations_acts.send_invitation(
        world.actor(chief(world)),
        svp.pk,
        details(purpose=purpose),
        Invitees(units=[world.participant_unit], individual=True),
        True,
    )
    meeting.refresh_from_db()
    with time_machine.travel(meeting.starts_at + dt.timedelta(minutes=50), tick=False):
        meetings_acts.record_meeting(
            world.actor(chief(world)),
            svp.pk,
            meeting.pk,
            meeting.version,
            attendance=attendance(meeting),
            chair="Dora",
            documenter="Lena Björk",
        )
    follow_up = svp.obligations.get(kind=Obligation.Kind.SVP_FOLLOW_UP)
    assert (follow_up.met_at == meeting.starts_at) is meets
    # Seed 002_ca8314ba67d4fca6.txt line 282: establishing it is coded XU042, not AU124.
    codes = set(ProcedureCode.objects.filter(case=svp).values_list("code", "unit_id"))
    assert codes == ({("XU042", svp.owner_unit_id)} if purpose == "establish" else set())


@pytest.mark.parametrize(
    ("values", "code", "field"),
    [
        ({"care_form": "lpt"}, "invalid_choice", "care_form"),
        ({"exchange_routine": "a\x00b"}, validation.NUL, "exchange_routine"),
        ({"exchange_routine": "x" * 4001}, validation.TOO_LONG, "exchange_routine"),
        ({"extension_application_by": dt.date(2000, 1, 1)}, "out_of_range", APPLY_BY),
        ({"extension_application_by": dt.date(2999, 1, 1)}, "out_of_range", APPLY_BY),
    ],
)  # fmt: skip
def test_bad_details_are_refused_and_nothing_changes(
    world: World, svp: Case, values: dict[str, object], code: str, field: str
) -> None:
    """SEC-4: bad input gets a clear error and changes nothing."""
    with pytest.raises(ServiceError) as caught:
        _details(world, svp, **values)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert SvpDetail.objects.get(case=svp).version == 1
    assert not svp.events.filter(kind="svp_details").exists()


def test_a_stale_version_is_a_conflict(world: World, svp: Case) -> None:
    _details(world, svp)
    with pytest.raises(Conflict):
        _details(world, svp, version=1)


def test_an_ordinary_sip_has_no_svp_details(world: World, sip: Case) -> None:
    with pytest.raises(ServiceError) as caught:
        svp_acts.record_details(world.actor(world.alice), sip.pk, "opt", "", None, 1)
    assert caught.value.code == "not_svp"


# The objection to information exchange (lines 1239-1244) ----------------------------------------


def _object(world: World, case: Case) -> SvpDetail:
    found = SvpDetail.objects.get(case=case)
    return svp_acts.record_objection(
        world.actor(chief(world)),
        case.pk,
        "Vill inte att socialtjänsten får veta något om min behandling.",
        timezone.now() - dt.timedelta(hours=2),
        found.version,
    )


def _share(world: World, case: Case, **values: object) -> NecessaryExchange:
    args: dict[str, object] = {
        "unit": world.participant_unit,
        "recipient": "",
        "what": "Att Sture behöver stöd med boende och medicinering efter utskrivning.",
        "why": "Boendestödet måste planeras för att ÖPT ska kunna ansökas.",
        "shared_at": timezone.now() - dt.timedelta(hours=1),
        **values,
    }
    return svp_acts.record_exchange(world.actor(chief(world)), case.pk, **args)  # type: ignore[arg-type]


def test_the_objection_is_recorded_and_what_was_shared_anyway_with_whom_and_why(
    world: World, svp: Case
) -> None:
    """Lines 1240-1244: the objection "skall i normalfallet respekteras, men utbyte av sådan
    information som är nödvändig för att genomföra en samordnad vårdplanering hindras inte":
    recorded as such, on the timeline and in the access log."""
    with pytest.raises(ServiceError) as caught:
        _share(world, svp)
    assert caught.value.code == "no_objection"
    objected = _object(world, svp)
    assert objected.objects_to_exchange and objected.objection_by == chief(world)
    exchange = _share(world, svp)
    assert exchange.shared_with == world.participant_unit.name
    other = _share(world, svp, unit=None, recipient="Försäkringskassan Luleå")
    assert other.shared_with == "Försäkringskassan Luleå"
    kinds = list(svp.events.values_list("kind", flat=True))
    assert kinds.count("svp_objection") == 1 and kinds.count("svp_necessary_exchange") == 2
    logged = AccessLog.objects.filter(what="sip.svp.necessary_exchange", person=svp.person)
    assert logged.count() == 2 and logged.first().action == AccessLog.Action.EXPORT  # type: ignore[union-attr]
    assert [e.pk for e in svp_acts.exchanges(svp)] == [exchange.pk, other.pk]


def test_an_exchange_despite_the_objection_is_the_assignment_holders_decision(
    world: World, svp: Case
) -> None:
    """Line 1246: "Det är chefsöverläkaren som svarar för att en samordnad vårdplan upprättas";
    a colleague at the same unit records the objection but shares nothing despite it."""
    colleague = make_user("petra", psychiatry(world), Membership.Role.PHYSICIAN)
    found = SvpDetail.objects.get(case=svp)
    svp_acts.record_objection(
        world.actor(colleague), svp.pk, "Motsätter sig.", timezone.now(), found.version
    )
    with pytest.raises(Forbidden):
        svp_acts.record_exchange(
            world.actor(colleague), svp.pk, world.participant_unit, "", "x", "y", timezone.now()
        )
    assert not NecessaryExchange.objects.exists()


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"what": ""}, "required"),
        ({"why": "  "}, "required"),
        ({"unit": None, "recipient": ""}, "required"),
        ({"what": "a\x00"}, "nul_character"),
        ({"shared_at": "in two days"}, "future_date"),  # on the test clock, below
    ],
)
def test_a_bad_exchange_is_refused_and_nothing_is_stored(
    world: World, svp: Case, values: dict[str, object], code: str
) -> None:
    _object(world, svp)
    if values.get("shared_at") == "in two days":
        values = {"shared_at": timezone.now() + dt.timedelta(days=2)}
    with pytest.raises(ServiceError) as caught:
        _share(world, svp, **values)
    assert caught.value.code == code
    assert not NecessaryExchange.objects.exists()
    assert not svp.events.filter(kind="svp_necessary_exchange").exists()


def test_under_an_objection_the_planning_goes_on_with_what_it_needs(
    world: World, svp: Case
) -> None:
    """Lines 1240-1244 and 1253-1255: the objection is respected, but information necessary for
    the planning may be exchanged and the plan is established and attached all the same. A
    refusal of consent would close the SVP, so it is recorded as an objection instead; a unit
    is invited only once what is shared with it is recorded; the plan is documented without
    consent."""
    dora = world.actor(chief(world))
    with pytest.raises(ServiceError) as caught:
        consent_acts.record_consent(
            dora,
            svp.pk,
            {"decision": "refused", "giver": "individual", "giver_name": "Sture Lundberg",
             "form": "oral", "given_at": timezone.now(), "units": []},
        )  # fmt: skip
    assert caught.value.code == "svp_objection_instead"
    svp.refresh_from_db()
    assert svp.closed_at is None
    _object(world, svp)
    invitees = Invitees(units=[world.participant_unit], individual=True)
    with pytest.raises(ServiceError) as refused:
        invitations_acts.send_invitation(dora, svp.pk, details(), invitees, False)
    assert refused.value.code == "outside_exchange"
    _share(world, svp)  # with bob's unit
    meeting = invitations_acts.send_invitation(dora, svp.pk, details(), invitees, False)
    assert meeting.consent_confirmed is False  # what the invitation says: no consent
    started = plan_acts.start_version(dora, svp.pk)
    saved = plan_acts.save_draft(dora, svp.pk, started.number, started.version, draft(world))
    assert "no_consent" not in [b.code for b in plan_follow_up_acts.blockers(svp, saved)]
