"""What every API router shares: token authentication, the error schema, the acting unit.

Routers import from here (not from ``api.py``, which imports the routers)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from functools import wraps
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponseBase
from ninja import Schema
from ninja.security import HttpBearer

from samordna.accounts import throttle
from samordna.accounts.actor import Actor
from samordna.accounts.middleware import client_ip
from samordna.api import idempotency
from samordna.api.models import ApiToken, hash_token
from samordna.errors import ServiceError


class TokenAuth(HttpBearer):
    """A token names its user and unit. Tokens that match none issued are counted per address
    (``accounts/throttle.py``): past the limit the address gets 429 with ``Retry-After``,
    whatever token it sends, until the window has passed. A token that was issued but no longer
    holds (revoked, its user or unit closed, the membership ended) is refused, 401, without
    being counted: it is no guess, and an integration engine that still sends a closed unit's
    token must not lock out the other units' systems behind the same address."""

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        ip = client_ip(request)
        if lock := throttle.locked(throttle.Kind.TOKEN, None, ip):
            raise throttle.Locked(lock)
        found = (
            ApiToken.objects.select_related("user", "unit__principal__county")
            .filter(key_hash=hash_token(token))
            .first()
        )
        if found is None:
            if lock := throttle.fail(throttle.Kind.TOKEN, None, ip, via="api"):
                raise throttle.Locked(lock)
            return None
        holds = found.revoked_at is None and found.user.is_active and found.unit.active
        # As a session's active unit (``Actor.member``): the roles held at the token's unit are
        # the membership check: none, no member.
        actor = Actor.for_unit(found.user, found.unit, via="api", ip=ip) if holds else None
        if actor is None or not actor.roles:
            return None
        return replace(actor, system=found.name)


auth = TokenAuth()


def require_object(request: HttpRequest) -> None:
    """Every field of the body has a default, and django-ninja then takes any JSON body, a number
    or a list too, for an empty object (the fuzzer's ST201): refuse what is not an object, 400,
    before the act."""
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ServiceError("invalid_body", "Innehållet ska vara ett JSON-objekt.")


class Error(Schema):
    code: str
    message: str
    field: str | None = None


def actor_of(request: HttpRequest) -> Actor:
    """The actor a token authenticated as (every router uses ``auth=auth``)."""
    actor: Actor = request.auth  # type: ignore[attr-defined]
    return actor


def file(media_type: str) -> dict[str, Any]:
    """The OpenAPI description of a file answer (``openapi_extra``)."""
    return {
        "responses": {
            200: {
                "description": "The file, as an attachment.",
                "content": {media_type: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


# Every operation may answer these: 400 a body that is not JSON, 401 no or a bad token, 422
# input outside the schema, 429 too many bad tokens from the address; the others are the acts'
# refusals.
ERRORS: dict[int, type[Schema]] = {
    400: Error,
    401: Error,
    403: Error,
    404: Error,
    409: Error,
    422: Error,
    429: Error,
}


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def answered_in_one_transaction(run: Callable[..., HttpResponseBase]) -> Callable[..., Any]:
    """Run an API write and the building of its answer in one transaction (issue 10 item 7).

    Each act commits its own transaction; were the answer then built outside it, an error
    there (a serializer bug, a response outside its schema) would answer 500 for a write that
    was stored, and a client retrying it would store it twice. Wrapped around ninja's whole
    operation (``api.add_decorator(..., mode="view")``), a server error rolls the act back:
    an exception propagates out of the block, and a 5xx answer (ninja's with DEBUG) marks it
    for rollback. A 4xx answer is the act's own refusal: the act rolled itself back already,
    and what it keeps on purpose outside its transaction (the log of a refusal) stays.

    With an ``Idempotency-Key`` header (``api/idempotency.py``) the key is taken before the
    act and its 2xx answer is stored inside this same transaction, so a retry of a committed
    act gets the stored answer and never does it twice."""

    @wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method in READ_METHODS:
            return run(request, *args, **kwargs)
        header = request.headers.get(idempotency.HEADER)
        begun = idempotency.begin(request, header) if header is not None else None
        if begun is not None and begun.answer is not None:
            return begun.answer
        row = begun.row if begun is not None else None
        kept = False
        try:
            with transaction.atomic():
                response = run(request, *args, **kwargs)
                if response.status_code >= 500:
                    transaction.set_rollback(True)
                elif row is not None:
                    kept = idempotency.complete(row, response)
        finally:
            if row is not None and not kept:
                idempotency.release(row)
        return response

    return wrapper
