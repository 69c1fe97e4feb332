"""What every API router shares: token authentication, the error schema, the acting unit.

Routers import from here (not from ``api.py``, which imports the routers)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Schema
from ninja.security import HttpBearer

from samordna.accounts.actor import Actor
from samordna.accounts.middleware import client_ip
from samordna.api.models import ApiToken, hash_token
from samordna.organisations.models import Membership


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        found = (
            ApiToken.objects.select_related("user", "unit__principal__county")
            .filter(key_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if (
            found is None
            or not Membership.objects.filter(user=found.user, unit=found.unit).exists()
        ):
            return None
        return Actor.for_unit(found.user, found.unit, via="api", ip=client_ip(request))


auth = TokenAuth()


class Error(Schema):
    code: str
    message: str
    field: str | None = None


def actor_of(request: HttpRequest) -> Actor:
    """The actor a token authenticated as (every router uses ``auth=auth``)."""
    actor: Actor = request.auth  # type: ignore[attr-defined]
    return actor


ERRORS: dict[int, type[Schema]] = {
    400: Error,
    401: Error,
    403: Error,
    404: Error,
    409: Error,
    422: Error,
}
