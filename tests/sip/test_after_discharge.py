"""The SIP after discharge, opened from the stay it follows (SIP-7, SVU-10; seeds 001, 002).

The invitation deadline runs from the ready-for-discharge notice, the invitation is recorded on
the stay as the payment-liability condition, and the stay's discharge gives the SIP its
21-day plan deadline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from samordna.cases.acts import touch
from samordna.cases.models import Case, Obligation
from samordna.core import deadlines
from samordna.discharge.services import notices as notices_acts
from samordna.discharge.services import stays as stays_acts
from samordna.errors import ServiceError
from samordna.organisations.models import User
from samordna.sip.services import case as case_acts
from tests.conftest import World, make_user
from tests.discharge.conftest import stay_data, version, ward
from tests.discharge.test_stay import ready_data
from tests.sip.test_meetings import invite


@pytest.fixture
def nurse(world: World) -> User:
    """A nurse at the inpatient ward (the discharge tests' own fixture lives in their folder)."""
    return make_user("wanda", world.ward, "nurse")


@pytest.fixture
def ready(world: World, nurse: User) -> Case:
    """A stay whose admission and ready notices went to alice's and bob's units."""
    world.case.closed_at = timezone.now()
    world.case.close_reason = "other"
    world.case.save()
    touch(world.case.pk)  # closed by hand: the read model follows
    stay = stays_acts.register_stay(ward(world, nurse), world.person.identity_number, stay_data())
    notices_acts.send_admission_notice(
        ward(world, nurse), stay.pk, notices_acts.default_recipients(world.person)
    )
    notices_acts.send_ready_notice(ward(world, nurse), stay.pk, version(stay), ready_data(stay))
    stay.refresh_from_db()
    return stay


def test_opened_from_the_stay_counts_from_the_ready_notice(world: World, ready: Case) -> None:
    sip = case_acts.open_case(
        world.actor(world.alice),
        world.person.identity_number,
        "after_discharge",
        timezone.now(),
        origin=ready,
    )
    assert sip.sip.origin == ready
    assert sip.sip.need_known_at == ready.stay.ready_at
    rules = world.county.rule_set
    due = sip.obligations.get(kind=Obligation.Kind.SIP_INVITATION).due_at
    # Seed 002 line 156: "senast tre dagar efter det att meddelande om utskrivningsklar är skickat".
    assert due == deadlines.discharge_invitation_due(ready.stay.ready_at, rules)


def test_invitation_is_recorded_on_the_stay_and_discharge_sets_the_plan_deadline(
    world: World, ready: Case, nurse: User
) -> None:
    sip = case_acts.open_case(
        world.actor(world.alice),
        world.person.identity_number,
        "after_discharge",
        timezone.now(),
        origin=ready,
    )
    # The consent given with the admission notice carried over (SIP-21, seed 004 lines 81-83).
    assert sip.consents.get().carried_from == ready
    invite(world, sip)
    ready.stay.refresh_from_db()
    assert ready.stay.sip_invited_at is not None  # SVU-10 condition
    left = timezone.now() - dt.timedelta(minutes=1)
    notices_acts.send_discharge_notice(ward(world, nurse), ready.pk, version(ready), left, False)
    plan_due = sip.obligations.get(kind=Obligation.Kind.PLAN_AFTER_DISCHARGE)
    # Seed 001 lines 606-611: a plan within 21 days after discharge.
    assert plan_due.due_at == deadlines.discharge_plan_due(left, world.county.rule_set)
    assert plan_due.unit == world.owner_unit


@pytest.mark.parametrize(
    ("type", "ready_sent", "code"),
    [("outpatient", True, "invalid_type"), ("after_discharge", False, "not_ready")],
)
def test_bad_origin_is_refused(
    world: World, nurse: User, type: str, ready_sent: bool, code: str
) -> None:
    world.case.closed_at = timezone.now()
    world.case.close_reason = "other"
    world.case.save()
    touch(world.case.pk)  # closed by hand: the read model follows
    stay = stays_acts.register_stay(ward(world, nurse), world.person.identity_number, stay_data())
    if ready_sent:
        notices_acts.send_admission_notice(
            ward(world, nurse), stay.pk, notices_acts.default_recipients(world.person)
        )
        notices_acts.send_ready_notice(ward(world, nurse), stay.pk, version(stay), ready_data(stay))
        stay.refresh_from_db()
    with pytest.raises(ServiceError) as caught:
        case_acts.open_case(
            world.actor(world.alice),
            world.person.identity_number,
            type,
            timezone.now(),
            origin=stay,
        )
    assert caught.value.code == code


def test_open_from_the_stay_page(login, world: World, ready: Case) -> None:  # type: ignore[no-untyped-def]
    client = login(world.alice)
    stay_page = client.get(reverse("discharge:stay", args=[ready.pk])).content.decode()
    url = reverse("sip:open") + f"?stay={ready.pk}"
    assert url.replace("&", "&amp;") in stay_page or url in stay_page
    form = client.get(url)
    assert form.status_code == 200 and 'value="after_discharge" selected' in form.content.decode()
    response = client.post(url, {"type": "after_discharge", "need_known_at": "2026-11-20T10:00"})
    sip = Case.objects.get(kind="sip", closed_at__isnull=True)
    assert response.status_code == 302 and sip.sip.origin == ready
    # A unit that does not take part in the stay cannot use it as origin.
    assert login(world.charlie).get(url).status_code == 404
