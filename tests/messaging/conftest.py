"""Messages between alice's unit (Hertsöns hälsocentral) and bob's (Luleå biståndshandläggning).

``world.case`` is a SIP both units take part in, without a recorded consent; ``loner`` is an
individual alice's unit registered who has no SIP, so a message about them opens a message
case. ``home_care`` is a third connected unit (Luleå municipal health care, nurse dora) for
forwarding; charlie (Piteå LSS) must see nothing.
"""

from __future__ import annotations

from typing import Any

import pytest

from samordna.accounts.actor import Actor
from samordna.cases.models import Delivery
from samordna.messaging.models import Message
from samordna.messaging.services import sending as message_sending
from samordna.organisations.models import Membership, Unit, User
from samordna.people.models import Person
from tests.conftest import World, make_user, valid_identity_number


@pytest.fixture
def home_care(world: World) -> Unit:
    return Unit.objects.create(
        principal=world.lulea,
        code="lulea-hsl",
        name="Luleå kommunal hälso- och sjukvård",
        kind="municipal_health_care",
    )


@pytest.fixture
def dora(home_care: Unit) -> User:
    return make_user("dora", home_care, Membership.Role.NURSE)


@pytest.fixture
def loner(world: World) -> Person:
    return Person.objects.create(
        identity_number=valid_identity_number("19400202", 21),
        first_name="Greta",
        last_name="Ensam",
        municipality=world.lulea,
        listed_primary_care=world.owner_unit,
        registered_by=world.alice,
        registered_by_unit=world.owner_unit,
    )


def alice(world: World) -> Actor:
    return world.actor(world.alice)


def bob(world: World) -> Actor:
    return world.actor(world.bob)


def charlie(world: World) -> Actor:
    return world.actor(world.charlie)


def send(world: World, **kwargs: Any) -> Message:
    """alice writes to bob in the SIP, to acknowledge, unless told otherwise."""
    data: dict[str, Any] = {
        "case_pk": world.case.pk,
        "subject": "Avstämning",
        "body": "Vem kan vi ringa om hemtjänsten?",
    }
    recipients = kwargs.pop("recipients", [(world.participant_unit, Delivery.Mode.ACK)])
    data.update(kwargs)
    return message_sending.send(alice(world), recipients, **data)


@pytest.fixture
def sent(world: World) -> Message:
    return send(world)


@pytest.fixture
def contact(world: World, loner: Person) -> Message:
    """alice writes to bob about an individual without a SIP: a message case."""
    return send(world, case_pk=None, person_pk=loner.pk, consent_confirmed=True)


def own(message: Message, unit: Unit) -> Delivery:
    return message.notice.deliveries.get(unit=unit)
