"""``cases.services.get_case`` reads the kind's own row (the SIP's, the stay's) in the same
statement for a page, never for an act's locked read: PostgreSQL re-reads only the locked rows
after waiting for another act (``EvalPlanQual``), so a joined row would be the one from before
that act committed."""

from __future__ import annotations

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from samordna.cases.models import Case
from samordna.discharge.services import stays as stays_acts
from samordna.sip.services import case as sip_acts
from tests.conftest import World
from tests.discharge.conftest import nurse, stay, ward  # noqa: F401 - fixtures

ONE = re.compile(r"LIMIT 1( FOR UPDATE OF .*)?$")  # ``.first()``, locked on PostgreSQL


def _read(get: object, *args: object, lock: bool) -> tuple[Case, list[str]]:
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        case = get(*args, lock=lock)  # type: ignore[operator]
    # The one case asked for (the read models, kept at once outside an act, ask for theirs too).
    whole = 'SELECT "cases_case"."id", "cases_case"."person_id"'
    return case, [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith(whole) and ONE.search(q["sql"])
    ]


@pytest.mark.parametrize("lock", [False, True])
def test_the_kinds_row_is_joined_for_a_read_and_read_after_the_lock_for_an_act(
    world: World,
    nurse: object,  # noqa: F811
    stay: Case,  # noqa: F811
    lock: bool,
) -> None:
    for get, args, table, name in [
        (sip_acts.get, (world.actor(world.alice), world.case.pk), "sip_sipcase", "sip"),
        (stays_acts.get, (ward(world, nurse), stay.pk), "discharge_stay", "stay"),  # type: ignore[arg-type]
    ]:
        case, statements = _read(get, *args, lock=lock)
        (statement,) = statements
        assert (f'JOIN "{table}"' in statement) is not lock, statement
        with CaptureQueriesContext(connection) as later:
            getattr(case, name)
        assert len(later.captured_queries) == (1 if lock else 0)
