from typing import Any

from django.http import HttpRequest

from samordna.overview.services import INVITATION
from samordna.overview.views import header_counts, poll_since


def active_unit(request: HttpRequest) -> dict[str, Any]:
    """The acting unit and, for the header and the menu, the overview's counts (computed once
    per request from the unit's counters, BOX-1): the invitations to acknowledge among them."""
    actor = getattr(request, "actor", None)
    counts = header_counts(request)
    return {
        "actor": actor,
        "active_unit": actor.unit if actor else None,
        "open_invitations": counts.of(INVITATION) if counts else 0,
        "overview_counts": counts,
        "overview_since": poll_since(request),
    }
