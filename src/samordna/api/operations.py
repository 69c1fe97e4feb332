"""OPS-2: the operating-status banners over REST, for systems that show Samordna's status.
Monitoring uses the open ``/health`` endpoint instead."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from samordna.api.common import ERRORS, auth
from samordna.operations.models import Banner, BannerKind

router = Router(tags=["operations"], auth=auth)


class BannerOut(Schema):
    kind: BannerKind
    message: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None


@router.get("/banners", response={200: list[BannerOut], **ERRORS})
def banners(request: HttpRequest) -> list[Banner]:
    """The banners shown now: planned maintenance, an outage, operating information."""
    return list(Banner.objects.current())
