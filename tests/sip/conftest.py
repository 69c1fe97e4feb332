"""A SIP case opened through the service, for tests of SIP acts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from samordna.cases.acts import touch
from samordna.cases.models import Case
from samordna.organisations.models import Unit
from samordna.sip.services import case as case_acts
from samordna.sip.services import consent as consent_acts
from tests.conftest import World


def consent_to(world: World, case: Case, *units: Unit, naming_none: bool = False) -> None:
    """Alice, the coordinator, records the individual's consent naming bob's unit (or
    ``units``, or no unit at all with ``naming_none``, which covers every unit taking part):
    from then on bob's unit, taking part, sees the case (SEC-1). The one helper for it."""
    consent_acts.record_consent(
        world.actor(world.alice),
        case.pk,
        {
            "decision": "given",
            "giver": "individual",
            "giver_name": "Sture Lundberg",
            "form": "oral",
            "given_at": timezone.now() - dt.timedelta(minutes=5),
            "units": [] if naming_none else list(units) or [world.participant_unit],
        },
    )


@pytest.fixture
def sip(world: World) -> Case:
    """An outpatient SIP for ``world.person`` opened by alice (``world.case`` is closed first),
    with bob's unit taking part. No consent is recorded yet, so only alice's unit sees it
    until a test records one (``consent_to``; seed 002_ca8314ba67d4fca6.txt line 156)."""
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
