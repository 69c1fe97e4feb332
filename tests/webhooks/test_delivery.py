"""Webhooks end to end (API-3, issue 12 item 3): acts write the outbox in their own
transaction, the worker's job posts it to a real receiver on 127.0.0.1 that verifies every
signature with the ``standardwebhooks`` reference library, retries what failed with exponential
backoff, and every event arrives exactly once after de-duplication, in order per case."""

from __future__ import annotations

import datetime as dt
import socket

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from samordna.cases.models import Case
from samordna.discharge.services import notices as notices_acts
from samordna.operations import metrics
from samordna.organisations.models import User
from samordna.sip.services import case as sip_acts
from samordna.webhooks import apps, delivery, outbox
from samordna.webhooks.models import Attempt, EventType, OutboxDelivery, OutboxEvent, Subscription
from tests.conftest import World
from tests.discharge.conftest import nurse, stay, ward  # noqa: F401 - fixtures
from tests.discharge.test_stay import ready_data
from tests.webhooks.receiver import Receiver, dumps, running, types

ALL = [t.value for t in EventType]


def subscribe(unit: object, url: str, kinds: list[str] | None = None) -> Subscription:
    return Subscription.objects.create(
        name="Journalsystem", unit=unit, url=url, event_types=kinds or ALL
    )


def version(case: Case) -> int:
    case.stay.refresh_from_db()
    return case.stay.version


def drain(traveller: time_machine.Coordinates, rounds: int = 40) -> None:
    """The worker's job, run until nothing is pending, the clock moved past each backoff."""
    for _ in range(rounds):
        delivery.run(timezone.now())
        pending = OutboxDelivery.objects.filter(state=OutboxDelivery.State.PENDING)
        if not pending.exists():
            return
        waiting = pending.filter(next_attempt_at__gt=timezone.now())
        due = min(waiting.values_list("next_attempt_at", flat=True), default=timezone.now())
        traveller.move_to(due + dt.timedelta(seconds=1))
    rows = list(OutboxDelivery.objects.values("state", "attempts", "last_error", "last_status"))
    raise AssertionError(f"deliveries still pending: {rows}")


def a_stay_through_discharge(world: World, nurse: User, stay: Case) -> None:  # noqa: F811
    wanda = ward(world, nurse)
    notices_acts.send_admission_notice(
        wanda, stay.pk, notices_acts.default_recipients(world.person)
    )
    new = timezone.localdate() + dt.timedelta(days=3)
    notices_acts.change_expected_discharge(wanda, stay.pk, version(stay), new)
    notices_acts.send_ready_notice(wanda, stay.pk, version(stay), ready_data(stay))
    left = timezone.now() - dt.timedelta(minutes=1)
    notices_acts.send_discharge_notice(wanda, stay.pk, version(stay), left, False)


def test_every_event_arrives_once_in_order_signed(
    world: World,
    nurse: User,  # noqa: F811
    stay: Case,  # noqa: F811
) -> None:
    # Requests 1-2 fail outright, 3 is stored by the receiver but answered 500 (so the retry is
    # a duplicate it must drop), 4 drops the connection; everything after succeeds.
    plan = {1: "500", 2: "drop", 3: "stored-500", 4: "500"}
    with (
        time_machine.travel(timezone.now(), tick=False) as traveller,
        running(Receiver(secret="", plan=plan)) as receiver,
    ):
        sub = subscribe(world.participant_unit, "http://placeholder.invalid/")
        receiver.secret = sub.secret
        Subscription.objects.filter(pk=sub.pk).update(url=receiver.url)
        a_stay_through_discharge(world, nurse, stay)
        sip_acts.close_case(world.actor(world.alice), world.case.pk, "goals_met", "Klart.")
        assert receiver.requests == 0  # acts post nothing: the worker does
        drain(traveller)

    stay_events = list(OutboxEvent.objects.filter(case=stay).order_by("pk"))
    sip_events = list(OutboxEvent.objects.filter(case=world.case).order_by("pk"))
    # Bob's unit took part in the stay from the admission notice on: its registration is not
    # news to it (it did not see the stay then).
    assert [e.type for e in stay_events] == [
        "admission_notice.sent",
        "expected_discharge.changed",
        "ready_notice.sent",
        "discharge_notice.sent",
        "case.closed",
    ]
    assert [e.type for e in sip_events] == ["case.closed"]
    assert receiver.bad_signatures == 0
    # Exactly once after de-duplication, every event, and in order per case.
    assert sorted(receiver.order) == sorted(e.message_id for e in stay_events + sip_events)
    per_case = [i for i in receiver.order if i in {e.message_id for e in stay_events}]
    assert per_case == [e.message_id for e in stay_events]
    assert len(receiver.arrivals) == len(receiver.order) + 1  # the one stored-500 duplicate
    assert set(types(receiver)) >= {"admission_notice.sent", "case.closed"}
    assert OutboxDelivery.objects.filter(state=OutboxDelivery.State.SENT).count() == 6
    # No personal data: ids only (the person's name, identity number, the closing comment).
    text = dumps(receiver)
    for secret in ["Sture", "Lundberg", "193603239090", "360323", "Klart", "Erik Berg"]:
        assert secret not in text
    first = receiver.events[stay_events[0].message_id]
    assert first["data"]["case_id"] == stay.pk
    assert first["data"]["case_url"] == f"/api/v1/stays/{stay.pk}"
    assert set(first["data"]["units"]) == {world.participant_unit.pk, world.owner_unit.pk}
    errors = set(Attempt.objects.values_list("error", flat=True))
    assert errors == {"", "HTTP 500", "ConnectionError"}  # the dropped connection included


def test_the_outbox_is_written_in_the_acts_transaction(
    world: World,
    nurse: User,  # noqa: F811
    stay: Case,  # noqa: F811
) -> None:
    subscribe(world.participant_unit, "http://127.0.0.1:9/")
    with pytest.raises(RuntimeError), transaction.atomic():
        notices_acts.send_admission_notice(
            ward(world, nurse), stay.pk, notices_acts.default_recipients(world.person)
        )
        assert OutboxDelivery.objects.count() == 1
        raise RuntimeError("the caller's transaction rolls back")
    assert not OutboxEvent.objects.exists() and not OutboxDelivery.objects.exists()


def test_only_units_that_see_the_case_hear_of_it_and_only_what_they_chose(
    world: World,
    nurse: User,  # noqa: F811
    stay: Case,  # noqa: F811
) -> None:
    bob = subscribe(world.participant_unit, "http://127.0.0.1:9/", ["ready_notice.sent"])
    charlie = subscribe(world.unrelated_unit, "http://127.0.0.1:9/")
    ward_sub = subscribe(world.ward, "http://127.0.0.1:9/", ["stay.registered"])
    off = subscribe(world.owner_unit, "http://127.0.0.1:9/")
    Subscription.objects.filter(pk=off.pk).update(active=False)
    a_stay_through_discharge(world, nurse, stay)
    assert not charlie.deliveries.exists()
    assert not off.deliveries.exists()
    assert [d.event.type for d in bob.deliveries.all()] == ["ready_notice.sent"]
    assert not ward_sub.deliveries.exists()  # registered before the subscription existed


def test_a_closed_unit_hears_of_nothing_and_gets_nothing_it_had_queued(
    world: World,
    nurse: User,  # noqa: F811
    stay: Case,  # noqa: F811
) -> None:
    """A unit closed (``Unit.active`` off) is refused its tokens and certificates; its
    subscriptions neither queue new events nor send the ones queued before it closed."""
    unit = world.participant_unit
    with (
        time_machine.travel(timezone.now(), tick=False) as traveller,
        running(Receiver(secret="")) as receiver,
    ):
        bob = subscribe(unit, "http://placeholder.invalid/")
        receiver.secret = bob.secret
        Subscription.objects.filter(pk=bob.pk).update(url=receiver.url)
        wanda = ward(world, nurse)
        notices_acts.send_admission_notice(
            wanda, stay.pk, notices_acts.default_recipients(world.person)
        )
        queued = list(bob.deliveries.values_list("event__type", flat=True))
        assert queued == ["admission_notice.sent"]
        unit.active = False
        unit.save(update_fields=["active"])
        new = timezone.localdate() + dt.timedelta(days=3)
        notices_acts.change_expected_discharge(wanda, stay.pk, version(stay), new)
        assert list(bob.deliveries.values_list("event__type", flat=True)) == queued
        delivery.run(timezone.now())
        assert receiver.requests == 0
        assert set(bob.deliveries.values_list("state", flat=True)) == {"pending"}
        traveller.shift(dt.timedelta(hours=5))  # held on purpose: not the worker's lag
        assert apps.oldest_due_webhook(timezone.now()) is None
        unit.active = True  # opened again: what was queued before it closed goes out
        unit.save(update_fields=["active"])
        drain(traveller)
        assert types(receiver) == queued


def test_a_receiver_that_is_down_never_holds_up_an_act(
    world: World,
    nurse: User,  # noqa: F811
    stay: Case,  # noqa: F811
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    subscribe(world.participant_unit, f"http://127.0.0.1:{port}/")
    with time_machine.travel(timezone.now(), tick=False):
        notices_acts.send_admission_notice(
            ward(world, nurse), stay.pk, notices_acts.default_recipients(world.person)
        )
        row = OutboxDelivery.objects.get()
        assert (row.state, row.attempts) == ("pending", 0)
        assert delivery.run(timezone.now()) == 0
        row.refresh_from_db()
        assert (row.state, row.attempts, row.last_status) == ("pending", 1, None)
        assert row.last_error == "ConnectionError"
        assert row.next_attempt_at == timezone.now() + delivery.FIRST_DELAY
        assert row.attempt_log.get().error == "ConnectionError"


def test_a_failing_case_holds_back_only_its_own_later_events(world: World) -> None:
    sub = subscribe(world.owner_unit, "http://127.0.0.1:9/")
    other = Case.objects.create(
        person=world.person,
        kind=Case.Kind.CONTACT,
        owner_unit=world.owner_unit,
        opened_by=world.alice,
    )
    events = []
    for case in [world.case, world.case, other]:
        event = OutboxEvent.objects.create(type="case.closed", case=case, payload={})
        OutboxDelivery.objects.create(event=event, subscription=sub, case=case)
        events.append(event)
    claimed = delivery.claim(timezone.now())
    assert [c.message_id for c in claimed] == [events[0].message_id, events[2].message_id]


def test_a_lease_keeps_a_delivery_to_one_worker_until_it_runs_out(world: World) -> None:
    """What a worker killed mid-delivery leaves: its lease. No other worker takes the delivery
    until it has run out; then one does, and the killed worker's late answer changes nothing."""
    sub = subscribe(world.owner_unit, "http://127.0.0.1:9/")
    event = OutboxEvent.objects.create(type="case.closed", case=world.case, payload={})
    OutboxDelivery.objects.create(event=event, subscription=sub, case=world.case)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        (killed,) = delivery.claim(timezone.now())
        assert delivery.claim(timezone.now()) == []
        traveller.shift(killed.lease_until - timezone.now() + dt.timedelta(seconds=1))
        (second,) = delivery.claim(timezone.now())
        assert second.token != killed.token and second.message_id == killed.message_id
        assert delivery.finish(killed, 204, "", 5) is False
        assert delivery.finish(second, 204, "", 5) is True
    row = OutboxDelivery.objects.get()
    assert (row.state, row.attempts, row.attempt_log.count()) == ("sent", 1, 1)
    assert apps.oldest_due_webhook(timezone.now()) is None


def test_sends_failures_and_take_overs_are_counted(world: World) -> None:
    def counted(outcome: str) -> float:
        return metrics.OUTGOING.labels("webhook", outcome)._value.get()

    before = {o: counted(o) for o in ("sent", "failed", "taken_over")}
    sub = subscribe(world.owner_unit, "http://127.0.0.1:9/")
    event = OutboxEvent.objects.create(type="case.closed", case=world.case, payload={})
    row = OutboxDelivery.objects.create(event=event, subscription=sub, case=world.case)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert apps.oldest_due_webhook(timezone.now()) == row.next_attempt_at  # the lag
        (first,) = delivery.claim(timezone.now())
        assert delivery.finish(first, 503, "HTTP 503", 1)
        traveller.shift(delivery.backoff(1) + dt.timedelta(seconds=1))
        (second,) = delivery.claim(timezone.now())
        traveller.shift(second.lease_until - timezone.now() + dt.timedelta(seconds=1))
        (third,) = delivery.claim(timezone.now())  # the second's worker died
        assert delivery.finish(third, 200, "", 1)
    after = {o: counted(o) for o in ("sent", "failed", "taken_over")}
    assert {o: after[o] - before[o] for o in after} == {"sent": 1, "failed": 1, "taken_over": 1}


@pytest.mark.parametrize(
    ("attempts", "wait"),
    [
        (1, dt.timedelta(seconds=30)),
        (2, dt.timedelta(minutes=1)),
        (5, dt.timedelta(minutes=8)),
        (11, dt.timedelta(seconds=30 * 1024)),
        (12, dt.timedelta(hours=12)),
        (13, dt.timedelta(hours=12)),
    ],
)
def test_backoff_doubles_up_to_twelve_hours(attempts: int, wait: dt.timedelta) -> None:
    assert delivery.backoff(attempts) == wait


def test_after_the_last_attempt_the_delivery_is_failed(world: World) -> None:
    sub = subscribe(world.owner_unit, "http://127.0.0.1:9/")
    event = OutboxEvent.objects.create(type="case.closed", case=world.case, payload={})
    OutboxDelivery.objects.create(
        event=event, subscription=sub, case=world.case, attempts=delivery.MAX_ATTEMPTS - 1
    )
    (item,) = delivery.claim(timezone.now())
    assert delivery.finish(item, 503, "HTTP 503", 3)
    row = OutboxDelivery.objects.get()
    assert (row.state, row.last_status, row.last_error) == ("failed", 503, "HTTP 503")
    # A failed delivery holds back nothing after it.
    later = OutboxEvent.objects.create(type="case.closed", case=world.case, payload={})
    OutboxDelivery.objects.create(event=later, subscription=sub, case=world.case)
    assert [c.message_id for c in delivery.claim(timezone.now())] == [later.message_id]


def test_an_overdue_acknowledgement_is_announced_once(
    world: World,
    nurse: User,  # noqa: F811
    stay: Case,  # noqa: F811
) -> None:
    sub = subscribe(world.participant_unit, "http://127.0.0.1:9/", ["acknowledgement.overdue"])
    notice = notices_acts.send_admission_notice(
        ward(world, nurse), stay.pk, notices_acts.default_recipients(world.person)
    )
    assert outbox.announce_overdue(timezone.now()) == 0  # nothing due yet
    due = max(d.due_at for d in notice.deliveries.all() if d.due_at)
    later = due + dt.timedelta(minutes=1)
    assert outbox.announce_overdue(later) == 2  # both recipients' deliveries
    assert outbox.announce_overdue(later) == 0
    events = OutboxEvent.objects.filter(type="acknowledgement.overdue")
    assert {e.payload["data"]["delivery_id"] for e in events} == {
        d.pk for d in notice.deliveries.all()
    }
    assert sub.deliveries.count() == 2  # bob's unit sees the stay: both reach it
