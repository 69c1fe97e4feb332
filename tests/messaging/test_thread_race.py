"""Two readers of the same unit open a thread with a message for information at once (seed
004_2b6a4bde1435f963.txt line 64: opening it records that the unit has read it). Whoever's
mark is stored first is the one the other is shown: a real second transaction on PostgreSQL
holds the delivery's row while the thread is opened, and commits once the opening waits."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from samordna.cases.models import Delivery
from samordna.messaging.services import reading as message_reading
from samordna.organisations.models import Membership
from tests.conftest import World, make_user
from tests.messaging.conftest import bob, own, send


def _update_waits_for_us() -> bool:
    """Another session's UPDATE of a delivery waits for a lock this session holds (the
    activity view is read afresh: inside a transaction it keeps its first snapshot)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pg_backend_pid() = ANY(pg_blocking_pids(pid))"
            " AND query LIKE 'UPDATE \"cases_delivery\"%%'"
        )
        return bool(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_the_second_reader_is_shown_who_marked_it_read_first(world: World) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's shared in-memory test database cannot run two writers at once")
    message = send(world, recipients=[(world.participant_unit, Delivery.Mode.FYI)])
    delivery = own(message, world.participant_unit)
    berit = make_user("berit", world.participant_unit, Membership.Role.CASE_OFFICER)
    opened: dict[str, message_reading.Thread] = {}

    def bob_opens() -> None:
        try:
            opened["thread"] = message_reading.thread(bob(world), message.pk)
        finally:
            connection.close()

    with transaction.atomic():  # berit's opening, stored first and not committed yet
        Delivery.objects.filter(pk=delivery.pk).update(
            acknowledged_at=timezone.now(), acknowledged_by=berit
        )
        reader = threading.Thread(target=bob_opens)
        reader.start()
        for _ in range(400):  # until bob's marking waits for berit's row
            if _update_waits_for_us() or not reader.is_alive():
                break
            time.sleep(0.05)
        assert _update_waits_for_us(), "bob's opening did not wait for berit's"
    reader.join()
    shown = message_reading.own_delivery(bob(world), opened["thread"].messages[0])  # as shown
    assert shown is not None
    delivery.refresh_from_db()
    assert delivery.acknowledged_by == berit
    assert (shown.acknowledged_by, shown.acknowledged_at) == (berit, delivery.acknowledged_at)
