"""Issue 11: on PostgreSQL an act brings the read models up to date with prepared statements
(``core.sql.execute_prepared``): the same rows as the statement run directly, still there after
a rollback, prepared again on a new connection."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection, transaction

from samordna.cases.models import Case
from samordna.core import sql
from samordna.overview import readmodel
from samordna.reporting import rollup, stats_sql
from tests.conftest import World
from tests.overview.test_read_model import START, Play
from tests.overview.test_read_model import home_care as home_care

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's path"
)

STATEMENTS = {
    "overview_rows": readmodel._ROWS_OF_CASES,
    "rollup_facts": rollup._FACTS_OF_CASES,
    "stats_facts": stats_sql.FACTS_OF_CASES,
}


def _played(world: World) -> list[int]:
    """A few cases with every kind of source row: a stay with notices, a SIP with a meeting."""
    with time_machine.travel(START, tick=False) as traveller:
        play = Play(world, traveller)
        for act in ("register_stay", "admission", "expected", "ready", "consent", "invite",
                    "accept", "message", "leave"):  # fmt: skip
            getattr(play, act)()
    return sorted(Case.objects.values_list("pk", flat=True))


def _direct(statement: str, ids: list[int]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement.replace("$1", "%(cases)s::bigint[]"), {"cases": ids})
        return sorted(cursor.fetchall(), key=repr)


def _prepared(name: str, ids: list[int]) -> list[tuple]:
    with connection.cursor() as cursor:
        return sorted(sql.execute_prepared(cursor, name, STATEMENTS[name], ids), key=repr)


@pytest.mark.parametrize("name", sorted(STATEMENTS))
def test_a_prepared_statement_gives_the_rows_of_the_statement_run_directly(
    world: World, home_care: object, name: str
) -> None:
    ids = _played(world)
    direct = _direct(STATEMENTS[name], ids)
    assert direct, "the played cases have rows of every read model"
    assert _prepared(name, ids) == direct
    assert _prepared(name, ids[:1]) == _direct(STATEMENTS[name], ids[:1])  # reused, other cases


def test_the_kept_rows_are_the_rows_the_prepared_statement_finds(
    world: World, home_care: object
) -> None:
    ids = _played(world)
    wanted, stored = readmodel._compared_in_sql(ids)
    assert set(wanted) == set(stored), "the acts left every wanted row stored"
    assert all(stored[key][1] == row for key, row in wanted.items())


def test_a_statement_prepared_in_a_transaction_rolled_back_is_still_prepared(
    world: World, home_care: object
) -> None:
    ids = _played(world)  # its acts prepared the statements already: start again
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
        sql.forget_prepared(cursor.connection)
    with transaction.atomic():
        before = _prepared("overview_rows", ids)
        transaction.set_rollback(True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        assert cursor.fetchall() == [("overview_rows",)]
    assert _prepared("overview_rows", ids) == before


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_the_statement_again() -> None:
    with connection.cursor() as cursor:
        sql.execute_prepared(cursor, "overview_lock", readmodel._LOCK, [1])
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone() == (0,)
        assert sql.execute_prepared(cursor, "overview_lock", readmodel._LOCK, [1]) == []
        cursor.execute("SELECT name FROM pg_prepared_statements")
        assert cursor.fetchall() == [("overview_lock",)]


def test_the_prepared_statements_run_with_the_plan_made_once(
    world: World, home_care: object
) -> None:
    """Left to choose, PostgreSQL plans ``= ANY($1)`` again on every run (settings.DATABASES)."""
    ids = _played(world)
    for _ in range(7):
        _prepared("overview_rows", ids)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = %s",
            ["overview_rows"],
        )
        generic, custom = cursor.fetchone()
    assert custom == 0 and generic >= 7
