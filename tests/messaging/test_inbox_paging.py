"""The message inbox in pages of O(page) (BOX-1, issue 11 item 3): what the unit has to
acknowledge or read first, the most urgent first; then what it received and what it sent, the
newest first, in one list; only messages in cases it may read; every page of it; and a number
of queries that stays the same as the unit's messages grow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samordna.audit.models import AccessLog
from samordna.cases.models import Delivery, Notice, Participation
from samordna.messaging.models import Message
from samordna.messaging.services import reading as message_reading
from samordna.messaging.services import sending as message_sending
from tests.conftest import World
from tests.messaging.conftest import alice, bob, own, send


def bob_writes(world: World, subject: str) -> Message:
    return message_sending.send(
        bob(world),
        [(world.owner_unit, Delivery.Mode.ACK)],
        case_pk=world.case.pk,
        subject=subject,
        body="Från biståndshandläggningen",
    )


def read_by_bob(message: Message, world: World) -> Message:
    message_sending.acknowledge(bob(world), own(message, world.participant_unit).pk)
    return message


def pages(world: World, *numbers: int | str) -> list[list[int]]:
    return [[m.pk for m in message_reading.inbox_page(bob(world), n)] for n in numbers]


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(message_reading, "MESSAGES_PER_PAGE", 2)


@pytest.mark.usefixtures("small_pages")
def test_open_ones_by_due_time_then_received_and_sent_newest_first(world: World) -> None:
    later, sooner = send(world, subject="Senare"), send(world, subject="Snart")
    fyi = send(world, subject="För kännedom", recipients=[(world.participant_unit, "fyi")])
    now = timezone.now()
    for message, days in ((later, 3), (sooner, 1)):
        Delivery.objects.filter(notice=message.notice, unit=world.participant_unit).update(
            due_at=now + dt.timedelta(days=days)
        )
    oldest = read_by_bob(send(world, subject="Gammalt"), world)
    bobs = bob_writes(world, "Skickat")
    newest = read_by_bob(send(world, subject="Nytt"), world)
    # Open (FYI not yet read last, it has no due time), then received and sent by creation.
    expected = [sooner.pk, later.pk, fyi.pk, newest.pk, bobs.pk, oldest.pk]

    assert pages(world, 1, 2, 3, 4) == [expected[0:2], expected[2:4], expected[4:6], []]
    windows = [message_reading.inbox_page(bob(world), n) for n in (1, 3)]
    assert [(w.has_previous, w.has_next) for w in windows] == [(False, True), (True, False)]
    assert pages(world, "x", -2) == [expected[0:2], expected[0:2]]
    # alice: bob's message is hers to acknowledge; then all she sent, newest first.
    assert [m.pk for m in message_reading.inbox_page(alice(world), 1)] == [bobs.pk, newest.pk]


def test_a_message_the_unit_sent_and_received_is_listed_once(world: World) -> None:
    message = send(world)
    message_sending.reply(bob(world), message.pk, "Svar")
    listed = [m.pk for m in message_reading.inbox_page(bob(world), 1)]
    assert len(listed) == len(set(listed)) == 2


def test_only_messages_in_cases_the_unit_takes_part_in(world: World) -> None:
    message = read_by_bob(send(world), world)
    bobs = bob_writes(world, "Skickat")
    assert set(pages(world, 1)[0]) == {message.pk, bobs.pk}
    Participation.objects.filter(case=world.case, unit=world.participant_unit).update(
        until=timezone.now()
    )
    assert pages(world, 1) == [[]]


def test_a_page_logs_exactly_the_individuals_it_shows_in_one_insert(world: World) -> None:
    send(world)
    before = AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with CaptureQueriesContext(connection) as queries:
        page = message_reading.inbox_page(bob(world), 1)
    logged = AccessLog.objects.filter(pk__gt=before, user=world.bob, what="messages.read")
    assert set(logged.values_list("person_id", flat=True)) == {world.case.person_id}
    assert len(page) == 1
    assert len([q for q in queries.captured_queries if q["sql"].startswith("INSERT")]) == 1


def grow(world: World, open_ones: int, read: int, sent: int) -> None:
    for i in range(open_ones):
        send(world, subject=f"Öppet {i}")
    for i in range(read):
        read_by_bob(send(world, subject=f"Läst {i}"), world)
    for i in range(sent):
        bob_writes(world, f"Skickat {i}")


def count(client: Client, page: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("messaging:inbox") + f"?page={page}")
    assert response.status_code == 200
    return len(captured)


def test_the_queries_of_a_page_are_the_same_for_5_and_50_messages(
    world: World, login: Callable[..., Client]
) -> None:
    client = login(world.bob)
    client.get(reverse("messaging:inbox"))  # the session is renewed at most once a minute
    grow(world, open_ones=2, read=2, sent=1)
    few = count(client, 1)
    grow(world, open_ones=18, read=13, sent=14)
    assert len(message_reading.inbox_page(bob(world), 2)) == 25
    assert [count(client, 1), count(client, 2)] == [few, few]
    # Past the open ones on every page, the API's pages read as few.
    with CaptureQueriesContext(connection) as captured:
        message_reading.inbox_page(bob(world), 2, everything=True)
    assert len(captured) <= few


def test_the_database_gives_every_delivery_its_notices_kind(world: World) -> None:
    message = send(world)
    notice = Notice.objects.create(
        case=world.case,
        kind=Notice.Kind.INVITATION,
        sender=world.alice,
        sender_unit=world.owner_unit,
    )
    by_hand = Delivery.objects.create(notice=notice, unit=world.participant_unit)
    Delivery.objects.bulk_create([Delivery(notice=notice, unit=world.unrelated_unit)])
    kinds = dict(Delivery.objects.values_list("pk", "kind"))
    assert kinds[own(message, world.participant_unit).pk] == Notice.Kind.MESSAGE
    assert kinds[by_hand.pk] == Notice.Kind.INVITATION
    assert set(kinds.values()) == {Notice.Kind.MESSAGE, Notice.Kind.INVITATION}
