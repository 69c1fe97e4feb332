from typing import Any

from django.http import HttpRequest

from samordna.overview.views import header_counts, poll_since
from samordna.sip.meetings import open_invitation_count


def active_unit(request: HttpRequest) -> dict[str, Any]:
    """The acting unit, and for the menu how many invitations it has to acknowledge (one COUNT
    over the partial index of open deliveries), and the overview's counts (one query, BOX-1)."""
    actor = getattr(request, "actor", None)
    return {
        "actor": actor,
        "active_unit": actor.unit if actor else None,
        "open_invitations": open_invitation_count(actor) if actor else 0,
        "overview_counts": header_counts(request),
        "overview_since": poll_since(request),
    }
