"""The indicators' facts, hand-computed (RPT-1): on time, late, exactly at the 12:00 boundary,
across a holiday; the rollup the acts keep equals a recomputation from the source tables.

Acknowledgement: seed 001_118551e475ece215.txt lines 689-690, "kvittera ... senast klockan
12.00 årets alla dagar": due at the next 12:00 after sending, any day, 12:00 itself on time.
Outpatient invitation: lines 389-391, "senast inom tre arbetsdagar från det att behovet blivit
känt": weekends and public holidays do not count (BOX-2).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from samordna.cases.models import Case, Delivery, Obligation
from samordna.discharge.services import notices as notices_acts
from samordna.discharge.services import stays as stays_acts
from samordna.organisations.models import User
from samordna.reporting import rollup
from samordna.reporting.models import IndicatorFact
from samordna.sip.services import case as case_acts
from tests.conftest import World
from tests.discharge.conftest import nurse, stay_data, ward  # noqa: F401 (nurse: a fixture)
from tests.sip.test_meetings import give_consent, invite

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=STOCKHOLM)


def close_world_case(world: World) -> None:
    from samordna.cases.acts import touch

    world.case.closed_at = at("2020-01-01T00:00")
    world.case.close_reason = Case.CloseReason.OTHER
    world.case.save()
    touch(world.case.pk)


def admission_notice(world: World, nurse: User, sent: dt.datetime) -> Delivery:  # noqa: F811
    """A stay whose admission notice went to bob's unit at ``sent``."""
    close_world_case(world)
    with time_machine.travel(sent, tick=False):
        stay = stays_acts.register_stay(
            ward(world, nurse), world.person.identity_number, stay_data()
        )
        notices_acts.send_admission_notice(ward(world, nurse), stay.pk, [world.participant_unit])
    return Delivery.objects.get(notice__case=stay, unit=world.participant_unit)


ACKNOWLEDGEMENTS = [
    # sent, acknowledged (None: not yet), looked at, due (hand-computed), outcome, month
    ("2028-03-06T09:00", "2028-03-06T11:30", "2028-03-06T11:30", "2028-03-06T12:00", "on_time",
     "2028-03-01"),
    ("2028-03-06T09:00", "2028-03-06T12:00", "2028-03-06T12:00", "2028-03-06T12:00", "on_time",
     "2028-03-01"),  # exactly at 12:00: "senast klockan 12.00"
    ("2028-03-06T09:00", "2028-03-06T12:00:01", "2028-03-06T12:01", "2028-03-06T12:00", "late",
     "2028-03-01"),
    # Sent exactly at the reading time: due at the next one (deadlines.acknowledgement_due).
    ("2028-03-06T12:00", "2028-03-07T11:00", "2028-03-07T11:00", "2028-03-07T12:00", "on_time",
     "2028-03-01"),
    # Christmas Eve afternoon: due on Christmas Day at 12:00 ("årets alla dagar"); read on the
    # first weekday after the holidays is late.
    ("2027-12-24T13:00", "2027-12-27T08:00", "2027-12-27T08:00", "2027-12-25T12:00", "late",
     "2027-12-01"),
    # The last day of a month at 13:00: due in the next month, counted there.
    ("2028-03-31T13:00", "2028-04-01T10:00", "2028-04-01T10:00", "2028-04-01T12:00", "on_time",
     "2028-04-01"),
    ("2028-03-06T09:00", None, "2028-03-06T11:00", "2028-03-06T12:00", "open", "2028-03-01"),
]  # fmt: skip


@pytest.mark.parametrize(("sent", "acked", "looked", "due", "outcome", "month"), ACKNOWLEDGEMENTS)
def test_acknowledgement_on_time(
    world: World,
    nurse: User,  # noqa: F811
    sent: str,
    acked: str | None,
    looked: str,
    due: str,
    outcome: str,
    month: str,
) -> None:
    delivery = admission_notice(world, nurse, at(sent))
    if acked is not None:
        with time_machine.travel(at(acked), tick=False):
            notices_acts.acknowledge(world.actor(world.bob), delivery.notice.case_id, delivery.pk)
    fact = IndicatorFact.objects.get(indicator="ack_admission", ref=delivery.pk)
    assert (fact.due_at, fact.outcome, fact.month) == (
        at(due),
        outcome,
        dt.date.fromisoformat(month),
    )
    assert fact.unit == world.participant_unit and fact.municipality == world.person.municipality
    assert rollup.snapshot() == rollup.recomputed()
    kept = rollup.snapshot()
    rollup.rebuild()  # on PostgreSQL in SQL, from the same tables of indicators
    assert rollup.snapshot() == kept


OUTPATIENT_INVITATIONS = [
    # need known, invitation sent, due (hand-computed: the end of the 3rd working day), outcome
    ("2028-03-06T10:00", "2028-03-08T15:00", "2028-03-10T00:00", "on_time"),  # Mon → Thu
    ("2028-03-10T10:00", "2028-03-15T23:59", "2028-03-16T00:00", "on_time"),  # Fri → Wed
    ("2028-03-10T10:00", "2028-03-16T00:00", "2028-03-16T00:00", "on_time"),  # at midnight
    ("2028-03-10T10:00", "2028-03-16T08:00", "2028-03-16T00:00", "late"),
    # Maundy Thursday 2028-04-13: Good Friday, Easter Saturday to Monday do not count, so the
    # three working days are Tue 18, Wed 19, Thu 20 April.
    ("2028-04-13T10:00", "2028-04-20T16:00", "2028-04-21T00:00", "on_time"),
    ("2028-04-13T10:00", "2028-04-21T09:00", "2028-04-21T00:00", "late"),
]


@pytest.mark.parametrize(("known", "sent", "due", "outcome"), OUTPATIENT_INVITATIONS)
def test_outpatient_invitation_within_three_working_days(
    world: World, known: str, sent: str, due: str, outcome: str
) -> None:
    close_world_case(world)
    with time_machine.travel(at(known) + dt.timedelta(minutes=5), tick=False):
        case = case_acts.open_case(
            world.actor(world.alice), world.person.identity_number, "outpatient", at(known)
        )
        case.participations.create(unit=world.participant_unit, role="participant")
        give_consent(world, case)
    with time_machine.travel(at(sent), tick=False):
        invite(world, case)
    obligation = case.obligations.get(kind=Obligation.Kind.SIP_INVITATION)
    fact = IndicatorFact.objects.get(indicator="invite_outpatient", ref=obligation.pk)
    assert (fact.due_at, fact.outcome) == (at(due), outcome)
    assert fact.unit == world.owner_unit
    assert rollup.snapshot() == rollup.recomputed()
    kept = rollup.snapshot()
    rollup.rebuild()  # on PostgreSQL in SQL, from the same tables of indicators
    assert rollup.snapshot() == kept


def test_a_cancelled_deadline_is_not_counted_and_the_counts_follow(world: World) -> None:
    close_world_case(world)
    case = case_acts.open_case(
        world.actor(world.alice),
        world.person.identity_number,
        "outpatient",
        timezone.now() - dt.timedelta(hours=1),
    )
    assert IndicatorFact.objects.filter(case=case, indicator="invite_outpatient").exists()
    case_acts.close_case(world.actor(world.alice), case.pk, "no_longer_needed")
    assert not IndicatorFact.objects.filter(case=case, indicator="invite_outpatient").exists()
    facts, counts = rollup.snapshot()
    assert (facts, counts) == rollup.recomputed()
    rollup.rebuild()
    assert rollup.snapshot() == (facts, counts)


def test_the_command_checks_and_rebuilds(world: World) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    close_world_case(world)
    case_acts.open_case(
        world.actor(world.alice),
        world.person.identity_number,
        "outpatient",
        timezone.now() - dt.timedelta(hours=1),
    )
    out = StringIO()
    call_command("rebuild_indicators", "--check", stdout=out)
    assert "equals the facts (2 facts)" in out.getvalue()  # invitation and meeting deadlines
    IndicatorFact.objects.all().delete()  # as a bulk load past the acts would leave it
    with pytest.raises(CommandError, match="2 facts missing"):
        call_command("rebuild_indicators", "--check")
    call_command("rebuild_indicators", stdout=out)
    call_command("rebuild_indicators", "--check", stdout=out)
    assert out.getvalue().count("equals the facts (2 facts)") == 2
