"""OPS-2: health, downtime banner and blank forms."""

from ninja import Router

router = Router(tags=["operations"])
