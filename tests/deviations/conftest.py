"""Deviation fixtures: a sent invitation whose acknowledgement deadline has passed, and a
helper writing a complete deviation as alice's unit (hc-hertson) concerning bob's."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from samordna.cases.models import Delivery, Notice
from samordna.deviations import services
from samordna.deviations.models import Deviation
from tests.conftest import World

COMPLETE = {
    "event": "Kallelsen kvitterades inte i tid.",
    "consequence": "Mötet fick flyttas.",
    "risk": "Fördröjd planering.",
    "action": "Kontakt togs per telefon.",
    "improvement": "Se över bevakningen av inkorgen.",
}


def content(world: World, **extra: Any) -> services.Content:
    fields: dict[str, Any] = {
        "occurred_at": timezone.now() - dt.timedelta(hours=2),
        "concerned_unit": world.participant_unit,
        "case": world.case.pk,
        **COMPLETE,
        **extra,
    }
    return services.Content(**fields)


def write(world: World, **extra: Any) -> Deviation:
    return services.create(world.actor(world.alice), content(world, **extra))


def sent(world: World, **extra: Any) -> Deviation:
    d = write(world, **extra)
    return services.send(world.actor(world.alice), d.pk, d.version)


def overdue_delivery(world: World, hours: int = 3, mode: str = Delivery.Mode.ACK) -> Delivery:
    """An invitation from alice's unit that bob's unit should have acknowledged ``hours`` ago."""
    now = timezone.now()
    notice = Notice.objects.create(
        case=world.case,
        kind=Notice.Kind.INVITATION,
        sender=world.alice,
        sender_unit=world.owner_unit,
        sent_at=now - dt.timedelta(days=1),
    )
    return Delivery.objects.create(
        notice=notice,
        unit=world.participant_unit,
        mode=mode,
        due_at=now - dt.timedelta(hours=hours),
    )


@pytest.fixture
def overdue(world: World) -> Delivery:
    return overdue_delivery(world)
