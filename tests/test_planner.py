"""A set-based rebuild refreshes PostgreSQL's planner statistics first (``core.planner``).

After a bulk load or a restore the statistics describe an empty or small database, and the read
model's rebuild at 100,000 cases then ran for over 24 minutes (a hash join of every delivery
with every participation of its unit) instead of seconds. The proof here is what ANALYZE
writes: ``pg_class.reltuples``, the row count the planner estimates from, equals the table's
rows after the rebuild, including rows inserted just before it in the same transaction, which
no autovacuum can have seen.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection

from samordna.cases.models import Case
from samordna.overview import readmodel
from samordna.people.models import Person
from samordna.reporting import rollup
from tests.conftest import World, valid_identity_number

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's planner statistics"
)


def _estimated(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        (reltuples,) = cursor.fetchone()
    return float(reltuples)


def _bulk_load(world: World, n: int) -> None:
    """Cases of new individuals, written past the acts as ``generate_county`` does."""
    people = Person.objects.bulk_create(
        Person(
            identity_number=valid_identity_number("19400101", 500 + i),
            first_name="Bulk",
            last_name=f"Laddad{i}",
            municipality=world.lulea,
            registered_by=world.alice,
        )
        for i in range(n)
    )
    Case.objects.bulk_create(
        Case(person=p, kind=Case.Kind.DISCHARGE, owner_unit=world.ward, opened_by=world.alice)
        for p in people
    )  # fmt: skip


@pytest.mark.parametrize("rebuild", [readmodel.rebuild, rollup.rebuild], ids=["overview", "rollup"])
def test_a_rebuild_plans_with_statistics_of_the_rows_it_reads(
    world: World, rebuild: Callable[[], int]
) -> None:
    with connection.cursor() as cursor:  # what the planner knew before the bulk load
        cursor.execute("ANALYZE cases_case, people_person")
    _bulk_load(world, 37)
    cases, people = Case.objects.count(), Person.objects.count()
    assert (_estimated("cases_case"), _estimated("people_person")) == (cases - 37, people - 37)
    rebuild()
    assert _estimated("cases_case") == cases
    if rebuild is rollup.rebuild:
        assert _estimated("people_person") == people
