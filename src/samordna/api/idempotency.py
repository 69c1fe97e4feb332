"""``Idempotency-Key`` on the API's writes (API-4), after the IETF draft
``draft-ietf-httpapi-idempotency-key-header``:

- the first request with a key is run, and its 2xx answer stored with the key in the act's own
  transaction (``answered_in_one_transaction``): the act and its stored answer commit together
  or not at all;
- the same key again with the same request (method, path, query and body) gets the stored
  answer replayed (``Idempotent-Replayed: true``), and the act is not done again;
- the same key with another request: 422 ``idempotency_key_reused``;
- the same key while the first is still in flight: 409 ``idempotency_key_in_flight``;
- a refusal (4xx) or a server error is not stored: the act did nothing, the key is free again.

Keys are per client (the API token), at most 255 printable ASCII characters, as a bare token or
a quoted structured-header string (``"8e03978e-..."``), kept for ``KEEP``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils import timezone

from samordna.api.models import IdempotencyKey, hash_token

HEADER = "Idempotency-Key"
# A token of visible ASCII, or the same as a quoted structured-header string; nothing around it
# (the OpenAPI document's pattern is this one, so what it calls invalid is refused).
PATTERN = r'^("[!#-~]{1,255}"|[!#-~]{1,255})$'
KEY = re.compile(PATTERN)
# A request in flight longer than this died with its process: its key may be used again.
IN_FLIGHT_TIMEOUT = dt.timedelta(minutes=5)
KEEP = dt.timedelta(hours=24)
SCHEMA = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": "Any unique value (a UUID): a retry with the same key and request gets the "
    "first answer again instead of doing the act twice (IETF draft Idempotency-Key). Kept 24 h.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 257, "pattern": PATTERN},
}


def _error(status: int, code: str, message: str) -> HttpResponse:
    return JsonResponse({"code": code, "message": message, "field": HEADER}, status=status)


@dataclass
class Begun:
    row: IdempotencyKey | None = None  # the key to complete, or
    answer: HttpResponse | None = None  # the answer to give at once


def parse(value: str) -> str | None:
    found = KEY.fullmatch(value)
    return found.group(1).strip('"') if found else None


def client_of(request: HttpRequest) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return hash_token(token.strip()) if scheme.lower() == "bearer" and token.strip() else None


def fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.path, request.META.get("QUERY_STRING", "")):
        digest.update(part.encode() + b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def _replay(row: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(
        bytes(row.body), status=row.status or 200, content_type=row.content_type or None
    )
    response["Idempotent-Replayed"] = "true"
    return response


def begin(request: HttpRequest, header: str) -> Begun:
    """Before the act: its own short transaction, committed at once outside a request's
    transaction, so a concurrent request with the key sees it in flight."""
    key = parse(header)
    if key is None:
        return Begun(
            answer=_error(
                400,
                "invalid_idempotency_key",
                "Ogiltig Idempotency-Key: 1-255 synliga ASCII-tecken.",
            )
        )
    client = client_of(request)
    if client is None:
        return Begun()  # no token: the operation answers 401 and nothing is kept
    print_ = fingerprint(request)
    now = timezone.now()
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return Begun(
                    row=IdempotencyKey.objects.create(
                        client=client, key=key, fingerprint=print_, created_at=now
                    )
                )
        except IntegrityError:
            pass
        with transaction.atomic():
            row = IdempotencyKey.objects.select_for_update().filter(client=client, key=key).first()
            if row is None:
                continue  # released meanwhile: try again
            if row.fingerprint != print_:
                return Begun(
                    answer=_error(
                        422,
                        "idempotency_key_reused",
                        "Idempotency-Key har redan använts för en annan förfrågan.",
                    )
                )
            if row.completed_at is not None:
                return Begun(answer=_replay(row))
            if row.created_at > now - IN_FLIGHT_TIMEOUT:
                return Begun(
                    answer=_error(
                        409,
                        "idempotency_key_in_flight",
                        "En förfrågan med samma Idempotency-Key pågår. Försök igen om en stund.",
                    )
                )
            row.created_at = now  # its first request died in flight: this one takes it over
            row.save(update_fields=["created_at"])
            return Begun(row=row)
    return Begun(answer=_error(409, "idempotency_key_in_flight", "Försök igen om en stund."))


def complete(row: IdempotencyKey, response: HttpResponseBase) -> bool:
    """In the act's transaction: keep a 2xx answer with the key. False for others."""
    if not 200 <= response.status_code < 300 or not isinstance(response, HttpResponse):
        return False
    IdempotencyKey.objects.filter(pk=row.pk).update(
        completed_at=timezone.now(),
        status=response.status_code,
        content_type=response.get("Content-Type", ""),
        body=response.content,
    )
    return True


def release(row: IdempotencyKey) -> None:
    """The act did nothing (a refusal, an error): the key is free for a retry."""
    IdempotencyKey.objects.filter(pk=row.pk, completed_at__isnull=True).delete()


def prune(now: dt.datetime) -> int:
    """Worker job: forget keys (and the answers they keep) after ``KEEP``."""
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=now - KEEP).delete()
    return deleted
