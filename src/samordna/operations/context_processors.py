"""The operating-status banners (OPS-2) on every page of a logged-in user.

Every page shows them, so a process reads the banners that have not yet ended at most once every
``READ_EVERY`` seconds and decides on each request which of them are current (``is_current``, so
a banner still starts and ends on the second). A banner saved or deleted in this process is read
again at once; one saved through another process (another web worker) shows there within
``READ_EVERY`` seconds. Pages before login are left without: they must render when the database
does not answer, and the downtime page linked from every footer shows the status to everyone.
"""

from __future__ import annotations

import time
from typing import Any

from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from samordna.operations.models import Banner

READ_EVERY = 10.0
_clock = time.monotonic
_read: tuple[float, list[Banner]] | None = None


def not_ended() -> list[Banner]:
    """The banners that are current or still to come, as this process last read them."""
    global _read
    now = _clock()
    if _read is None or not 0 <= now - _read[0] < READ_EVERY:
        rows = list(Banner.objects.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=timezone.now())))
        _read = (now, rows)
    return _read[1]


def forget() -> None:
    """Read the banners again on the next page (a banner changed)."""
    global _read
    _read = None


@receiver(post_save, sender=Banner)
@receiver(post_delete, sender=Banner)
def _banner_changed(**kwargs: Any) -> None:
    forget()


def banners(request: HttpRequest) -> dict[str, Any]:
    """The current banners, read only when the page shows them (not by an htmx fragment)."""
    if not request.user.is_authenticated:
        return {"banners": []}
    return {"banners": SimpleLazyObject(lambda: [b for b in not_ended() if b.is_current])}
