"""A SIP case opened through the service, for tests of SIP acts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from samordna.cases.acts import touch
from samordna.cases.models import Case
from samordna.sip.services import case as case_acts
from tests.conftest import World


@pytest.fixture
def sip(world: World) -> Case:
    """An outpatient SIP for ``world.person`` opened by alice (``world.case`` is closed first),
    with bob's unit taking part."""
    world.case.closed_at = timezone.now()
    world.case.close_reason = Case.CloseReason.OTHER
    world.case.save()
    touch(world.case.pk)  # closed by hand: the read model follows
    case = case_acts.open_case(
        world.actor(world.alice),
        world.person.identity_number,
        "outpatient",
        timezone.now() - dt.timedelta(hours=1),
    )
    case.participations.create(unit=world.participant_unit, role="participant")
    return case
