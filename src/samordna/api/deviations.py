"""DEV-1: the deviation register."""

from ninja import Router

router = Router(tags=["deviations"])
