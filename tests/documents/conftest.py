"""A SIP with a documented plan and a sent invitation, for tests of its documents; the stay
fixtures of the discharge tests for the discharge information."""

from __future__ import annotations

import pytest
from django.utils import timezone

from samordna.cases.acts import touch
from samordna.cases.models import Case
from samordna.sip.models import Meeting
from samordna.sip.services import case as case_acts
from samordna.sip.services import invitations as invitations_acts
from samordna.sip.services.invitations import External, Invitees
from tests.conftest import World
from tests.discharge.conftest import nurse, sent, stay  # noqa: F401
from tests.sip.plans import documented
from tests.sip.test_meetings import details


@pytest.fixture
def sip(world: World) -> Case:
    """An outpatient SIP for Sture Lundberg (who has a postal address) opened by alice, with
    consent naming bob's unit and version 1 of the plan documented."""
    world.case.closed_at = timezone.now()
    world.case.close_reason = Case.CloseReason.OTHER
    world.case.save()
    touch(world.case.pk)  # closed by hand: the read model follows
    person = world.person
    person.street, person.postal_code, person.city = "Hertsövägen 12", "973 34", "Luleå"
    person.save()
    case = case_acts.open_case(
        world.actor(world.alice), person.identity_number, "outpatient", timezone.now()
    )
    case.participations.create(unit=world.participant_unit, role="participant")
    documented(world, case)
    return case


@pytest.fixture
def meeting(world: World, sip: Case) -> Meeting:
    """An invitation to bob's unit (in the system), Sture and Arbetsförmedlingen (by letter),
    the day after tomorrow 10-11."""
    return invitations_acts.send_invitation(
        world.actor(world.alice),
        sip.pk,
        details(agenda="Hur blir det med hemtjänsten?"),
        Invitees(
            units=[world.participant_unit],
            individual=True,
            externals=[External("Arbetsförmedlingen Luleå", "Storgatan 9", "972 31", "Luleå")],
        ),
        True,
    )
