"""The individual's access-log extract (PAT-2, issue 15 item 3): the person's own rows only,
newest first, the unit and not the staff member unless the county says so, reads on their own
pages listed as theirs; keyset pages of O(page) from the index on (person, time, id)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samordna.audit import extract
from samordna.audit.models import AccessLog
from samordna.audit.services import log_individual
from samordna.people.models import Person
from tests.conftest import World

START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def entries(world: World, person: Person, first: int, n: int) -> None:
    AccessLog.objects.bulk_create(
        AccessLog(
            user=world.alice,
            unit=world.owner_unit,
            person=person,
            action=AccessLog.Action.READ,
            what="sip.read",
            purpose=f"entry-{serial:04d}",
            at=START + dt.timedelta(minutes=serial // 2),  # two rows in each minute: ties
        )
        for serial in range(first, first + n)
    )


def walk(person: Person, per_page: int) -> list[list[str]]:
    pages, cursor = [], ""
    while True:
        found = extract.page(person, cursor, per_page)
        pages.append([line.at.isoformat() for line in found.lines])
        if found.next_cursor is None:
            return pages
        cursor = found.next_cursor


def test_pages_cover_the_persons_rows_once_newest_first(world: World) -> None:
    other = Person.objects.create(
        identity_number="194007189196", first_name="Ola", last_name="Ek", municipality=world.lulea
    )
    entries(world, world.person, 1, 61)
    entries(world, other, 1, 30)
    pages = walk(world.person, 25)
    assert [len(p) for p in pages] == [25, 25, 11]
    flat = [at for p in pages for at in p]
    assert flat == sorted(flat, reverse=True)
    # Every row once, ties within a minute included: the ids say so.
    ids = list(
        AccessLog.objects.filter(person=world.person).order_by("-at", "-pk").values_list("pk")
    )
    assert len(ids) == len(flat) == 61


def test_the_unit_is_named_not_the_staff_member_unless_the_county_says_so(
    world: World,
) -> None:
    AccessLog.objects.create(
        user=world.bob,
        unit=world.participant_unit,
        person=world.person,
        action=AccessLog.Action.READ,
        what="sip.plan.read",
    )
    log_individual(world.person.identity_number, "self", "read", "mypages.plan", world.person)
    log_individual("198005171239", "trustee", "read", "mypages.plan", world.person)
    lines = extract.page(world.person).lines
    assert [(line.who, line.staff) for line in lines] == [
        ("Din gode man, på dina sidor", ""),
        ("Du själv, på dina egna sidor", ""),
        ("Luleå biståndshandläggning", ""),
    ]
    assert lines[2].what == "SIP-plan läst" and lines[2].kind == "Läsning"
    world.county.rules = {**world.county.rules, "access_log_names_staff": True}
    world.county.save()
    assert [line.staff for line in extract.page(world.person).lines] == ["", "", "Bob"]


def test_the_queries_of_a_page_do_not_grow_with_the_log(world: World) -> None:
    def queries(cursor: str) -> int:
        person = Person.objects.select_related("municipality__county").get(pk=world.person.pk)
        with CaptureQueriesContext(connection) as captured:
            extract.page(person, cursor)
        return len(captured)

    entries(world, world.person, 1, 60)
    second = extract.page(world.person).next_cursor
    assert second is not None
    few = [queries(""), queries(second)]
    entries(world, world.person, 1000, 400)
    assert [queries(""), queries(second)] == few == [1, 1]


@pytest.mark.parametrize(
    "bad",
    ["x", "1-", "-1", "1-1\x00", "9" * 17 + "-1", "1-" + "9" * 19, "0-1", "1764000000000000-0"],
)
def test_a_cursor_that_is_none_of_ours_is_refused(world: World, bad: str) -> None:
    with pytest.raises(extract.BadCursor):
        extract.page(world.person, bad)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan of PostgreSQL")
def test_postgresql_reads_the_extract_from_the_persons_index_range(world: World) -> None:
    # A log of many people, this one's a small part of it, as in production.
    for n in range(10):
        other = Person.objects.create(
            identity_number=f"19400718{n:04d}",  # unique is all the table asks
            first_name="Ola",
            last_name="Ek",
            municipality=world.lulea,
        )
        entries(world, other, 1, 400)
    entries(world, world.person, 1, 200)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_accesslog")
        cursor.execute("SET enable_seqscan = off")
        query = AccessLog.objects.filter(person=world.person).order_by("-at", "-pk")[:26].query
        sql, params = query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "accesslog_person_at_id_idx" in plan
    assert "Sort" not in plan
