"""The one error type services raise for bad input or a refused act.

``code`` is stable and machine-readable (the API returns it); ``message`` is for a person, in
Swedish by default. Views show the message, the API returns both with a 4xx status.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404


class ServiceError(Exception):
    status = 400

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class NotFound(ServiceError, Http404):
    """Also an Http404, so a view that does not catch it answers 404 like for any unknown page."""

    status = 404


class Conflict(ServiceError):
    """Someone else changed the record since the form was opened (optimistic locking)."""

    status = 409


class Forbidden(ServiceError, PermissionDenied):
    """The actor's role or unit may not do this act on a case it can otherwise see. Also a
    PermissionDenied, so a view that does not catch it answers 403."""

    status = 403
