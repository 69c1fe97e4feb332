"""core.paging: pages of segmented lists, dense or sparse, equal the same list paged in full."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Q

from samordna.audit.models import AccessLog
from samordna.core.paging import Segment, segmented
from tests.conftest import World

START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def entries(world: World, whats: list[str]) -> None:
    AccessLog.objects.bulk_create(
        AccessLog(
            user=world.alice,
            unit=world.owner_unit,
            action=AccessLog.Action.READ,
            what=what,
            at=START + dt.timedelta(minutes=n),
        )
        for n, what in enumerate(whats)
    )


@pytest.mark.parametrize("every", [1, 2, 37])  # dense, half, sparse (the joined fallback)
def test_every_page_equals_the_full_list_paged(world: World, every: int) -> None:
    entries(world, ["open" if n % 5 == 0 else "done" for n in range(400)])
    kept = {
        pk
        for n, pk in enumerate(AccessLog.objects.order_by("pk").values_list("pk", flat=True))
        if n % every == 0
    }
    keep = Q(pk__in=kept)
    mine = AccessLog.objects.filter(unit=world.owner_unit)
    parts = [
        Segment(mine.filter(what="open").order_by("at", "pk"), keep),
        Segment(mine.filter(what="done").order_by("-pk"), keep),
    ]
    full = [pk for part in parts for pk in part.order.filter(keep).values_list("pk", flat=True)]
    per = 7
    for number in range(1, len(full) // per + 3):
        page = segmented(parts, lambda keys: AccessLog.objects.filter(pk__in=keys), number, per)
        assert [e.pk for e in page] == full[(number - 1) * per : number * per], number
        assert page.has_next == (number * per < len(full))
