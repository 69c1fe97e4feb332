from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from samordna.overview.views import header_counts, poll_since


def active_unit(request: HttpRequest) -> dict[str, Any]:
    """The acting unit and, for the header and the menu, the overview's counts (BOX-1), read
    when the template first shows them: a fragment without the header (an htmx answer) costs
    no query for them, and a page that computed them itself (the overview) lends its own."""
    actor = getattr(request, "actor", None)
    return {
        "actor": actor,
        "active_unit": actor.unit if actor else None,
        "overview_counts": SimpleLazyObject(lambda: header_counts(request)) if actor else None,
        "overview_since": poll_since(request),
    }
