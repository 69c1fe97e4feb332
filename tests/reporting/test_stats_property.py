"""The plain measures' rollup (waiting and liable days, counts) kept by the acts equals a
recomputation from the source tables after any sequence of real acts: the overview's game
(``Play``) with days passing, a stay needing only social services (so that liability can
arise without a SIP) and deviations sent about the cases."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable

import time_machine
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samordna.deviations import services as deviation_acts
from samordna.errors import ServiceError
from samordna.organisations.models import Unit
from samordna.reporting import rollup, stats
from tests.conftest import World
from tests.overview.test_read_model import ACTS, START, Play
from tests.overview.test_read_model import home_care as home_care


class StatsPlay(Play):
    def register_social_stay(self) -> None:
        self.register_stay(only_social_services=True)

    def days_later(self) -> None:
        self.traveller.shift(dt.timedelta(days=3, hours=2))

    def deviation(self) -> None:
        case = self.stay or self.sip
        content = deviation_acts.Content(
            occurred_at=timezone.now() - dt.timedelta(hours=1),
            event="Kallelsen kom för sent",
            consequence="Mötet flyttades",
            risk="Försenad hemgång",
            action="Ringde enheten",
            improvement="Påminnelse",
            concerned_unit=self.w.participant_unit,
            case=case.pk,
        )
        draft = deviation_acts.create(self.alice, content)
        deviation_acts.send(self.alice, draft.pk, draft.version)


STATS_ACTS = [*ACTS, "register_social_stay", "days_later", "deviation"]


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(acts=st.lists(st.sampled_from(STATS_ACTS), max_size=20))
def test_the_measures_kept_by_the_acts_equal_a_recomputation(
    world: World, home_care: Unit, acts: list[str]
) -> None:
    rollup.rebuild()  # the fixture's facts were written by hand
    with time_machine.travel(START, tick=False) as traveller:
        play = StatsPlay(world, traveller)
        for name in acts:
            act: Callable[[], None] = getattr(play, name)
            with contextlib.suppress(ServiceError):  # refused at this point: nothing changes
                act()
        kept = stats.snapshot()
    facts, counts = stats.recomputed()
    assert kept[0] == facts, (acts, kept[0] ^ facts)
    assert kept[1] == counts, acts


def test_a_social_stay_discharged_after_the_liability_started_is_counted(
    world: World, home_care: Unit
) -> None:
    """The honest case the random game may miss: admission notice to the municipality, ready
    notice on Monday 2026-11-23 at 08:00 (by 12:00: liability from Thursday 11-26, seed 001
    lines 1550-1553), discharge on Sunday 11-29 at 10:00: liable 26, 27, 28 (the day of
    discharge not counted, line 1560) = 3 days; waiting 6 days."""
    rollup.rebuild()
    with time_machine.travel(START, tick=False) as traveller:
        play = StatsPlay(world, traveller)
        play.register_social_stay()
        play.admission()
        play.ready()
        traveller.move_to(dt.datetime(2026, 11, 29, 10, 0, tzinfo=START.tzinfo))
        play.leave()
    assert play.stay is not None
    found = {(f.stat, f.key): f.value for f in stats.StatFact.objects.filter(case=play.stay)}
    assert found == {
        ("stays", ""): 1,
        ("waiting_days", "6"): 6,
        ("liable_stays", ""): 3,
        ("liable_days", "2026"): 3,
    }
    assert stats.snapshot() == stats.recomputed()
