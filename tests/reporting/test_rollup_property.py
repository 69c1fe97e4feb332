"""The indicators' rollup kept by the acts equals a recomputation from the source tables after
any sequence of real acts (the overview's read-model test plays them: ``Play``)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samordna.errors import ServiceError
from samordna.organisations.models import Unit
from samordna.reporting import rollup
from tests.conftest import World
from tests.overview.test_read_model import ACTS, START, Play
from tests.overview.test_read_model import home_care as home_care


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(acts=st.lists(st.sampled_from(ACTS), max_size=18))
def test_the_rollup_kept_by_the_acts_equals_a_recomputation(
    world: World,
    home_care: Unit,
    acts: list[str],
) -> None:
    rollup.rebuild()  # the fixture's facts were written by hand
    with time_machine.travel(START, tick=False) as traveller:
        play = Play(world, traveller)
        for name in acts:
            act: Callable[[], None] = getattr(play, name)
            with contextlib.suppress(ServiceError):  # refused at this point: nothing changes
                act()
        kept = rollup.snapshot()
    facts, counts = rollup.recomputed()
    assert kept[0] == facts, (acts, kept[0] ^ facts)
    assert kept[1] == counts, acts
