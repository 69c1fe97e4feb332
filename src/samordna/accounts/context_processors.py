from typing import Any

from django.http import HttpRequest


def active_unit(request: HttpRequest) -> dict[str, Any]:
    actor = getattr(request, "actor", None)
    return {"actor": actor, "active_unit": actor.unit if actor else None}
