"""A ward user and stays registered through the service, for tests of discharge acts.

``world.ward`` (Sunderby medicin 5) gets ward staff here. Default addressing for ``world.person``
(Luleå, listed at Hertsöns hälsocentral) proposes bob's unit (Luleå biståndshandläggning) and
alice's (Hertsöns hälsocentral), so both are recipients once the admission notice is sent;
charlie (Piteå LSS) must see nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from samordna.accounts.actor import Actor
from samordna.cases.models import Case
from samordna.discharge.services import notices as notices_acts
from samordna.discharge.services import stays as stays_acts
from samordna.organisations.models import Membership, User
from tests.conftest import World, make_user


@pytest.fixture
def nurse(world: World) -> User:
    """Wanda, a nurse at the inpatient ward."""
    return make_user("wanda", world.ward, Membership.Role.NURSE)


def ward(world: World, nurse: User) -> Actor:
    return world.actor(nurse, world.ward)


def stay_data(**extra: Any) -> dict[str, Any]:
    now = timezone.now()
    return {
        "admitted_at": now - dt.timedelta(hours=5),
        "cause": "Höftfraktur efter fall i hemmet",
        "expected_discharge_on": timezone.localdate() + dt.timedelta(days=5),
        "treating_physician": "Erik Berg",
        "needs_assessed_at": now - dt.timedelta(hours=4),
        "consent_to_transfer": True,
        "only_social_services": False,
        **extra,
    }


@pytest.fixture
def stay(world: World, nurse: User) -> Case:
    """A stay at the ward with consent; no notice sent yet."""
    return stays_acts.register_stay(ward(world, nurse), world.person.identity_number, stay_data())


@pytest.fixture
def sent(world: World, nurse: User, stay: Case) -> Case:
    """The stay after the admission notice went to the default recipients (bob's and alice's
    units)."""
    notices_acts.send_admission_notice(
        ward(world, nurse), stay.pk, notices_acts.default_recipients(world.person)
    )
    return stay


def version(case: Case) -> int:
    case.stay.refresh_from_db()
    return case.stay.version
