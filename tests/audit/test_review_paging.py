"""The access-log review in pages of O(page) (SEC-2, issue 11 item 3): newest first, every
page of it, and a number of queries that does not grow with the size of the log."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samordna.audit.models import AccessLog
from tests.conftest import World

PER_PAGE = 50
START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def entries(world: World, first: int, n: int) -> None:
    AccessLog.objects.bulk_create(
        AccessLog(
            user=world.alice,
            unit=world.owner_unit,
            action=AccessLog.Action.READ,
            what=f"entry-{serial:04d}",
            at=START + dt.timedelta(minutes=serial),
        )
        for serial in range(first, first + n)
    )


def shown(client: Any, page: int | str) -> list[int]:
    response = client.get(reverse("audit:review"), {"page": page} if page else {})
    assert response.status_code == 200
    return [int(n) for n in re.findall(r"entry-(\d{4})", response.content.decode())]


def test_pages_newest_first_to_the_last_and_past_it(login: Any, world: World) -> None:
    entries(world, 1, 120)
    client = login(world.admin)
    assert shown(client, 1) == list(range(120, 70, -1))
    assert shown(client, 2) == list(range(70, 20, -1))
    assert shown(client, 3) == list(range(20, 0, -1))  # the last page: the oldest twenty
    assert shown(client, 4) == []
    assert shown(client, "nonsense") == shown(client, 1)
    page = client.get(reverse("audit:review"), {"page": 2}).content.decode()
    assert "Sida 2" in page and "page=1" in page and "page=3" in page
    last = client.get(reverse("audit:review"), {"page": 3}).content.decode()
    assert "page=4" not in last  # the LIMIT page + 1 row said there is no next page


def test_a_filtered_review_pages_too(login: Any, world: World) -> None:
    entries(world, 1, 60)
    client = login(world.admin)
    day = timezone.localtime(START + dt.timedelta(minutes=1)).date().isoformat()
    response = client.get(reverse("audit:review"), {"user": "alice", "date_from": day, "page": 2})
    found = [int(n) for n in re.findall(r"entry-(\d{4})", response.content.decode())]
    assert found == list(range(10, 0, -1))


def test_the_queries_of_a_page_do_not_grow_with_the_log(login: Any, world: World) -> None:
    client = login(world.admin)

    def queries(page: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("audit:review"), {"page": page}).status_code == 200
        return len(captured)

    entries(world, 1, 120)
    few = [queries(n) for n in (1, 2, 3)]
    entries(world, 1000, 360)
    assert [queries(n) for n in (1, 2, 3)] == few
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("audit:review"), {"page": 2})
    log_counts = [
        q
        for q in one.captured_queries
        if "COUNT(" in q["sql"].upper() and "audit_accesslog" in q["sql"]
    ]
    assert not log_counts
