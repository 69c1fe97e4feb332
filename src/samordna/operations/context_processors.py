from typing import Any

from django.http import HttpRequest

from samordna.operations.models import Banner


def banners(request: HttpRequest) -> dict[str, Any]:
    """The current operating-status banners on every page of a logged-in user (OPS-2): one
    query on a small table. Pages before login are left without: they must render when the
    database does not answer, and the downtime page linked from every footer shows the
    status to everyone."""
    if not request.user.is_authenticated:
        return {"banners": []}
    return {"banners": list(Banner.objects.current())}
