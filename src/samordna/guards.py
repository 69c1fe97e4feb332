"""The boundary's last lines, behind the forms and schemas of ``samordna.validation``: no model
saves a datetime no later read survives, and no NUL in a query string or a posted form reaches a
view. Split from ``validation`` to keep each module under 500 lines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import models
from django.db.models import signals
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

from samordna.errors import ServiceError
from samordna.validation import BAD_OFFSET, MAX_OFFSET, NUL, OUT_OF_RANGE, Refused, has_nul

# The last line: what is saved --------------------------------------------------------------------


def check_storable(value: dt.datetime) -> dt.datetime:
    """An aware datetime PostgreSQL stores and Python reads back: an offset below 16 hours and a
    UTC time inside Python's years 1 to 9999 (``0001-01-01 00:00+01:00`` is 1 BC in UTC, which
    PostgreSQL stores and no read of the row survives)."""
    offset = value.utcoffset()
    if offset is not None and abs(offset) >= MAX_OFFSET:
        raise Refused(BAD_OFFSET, _("The time zone offset must be less than 16 hours."))
    try:
        value.astimezone(dt.UTC)
    except OverflowError:
        raise Refused(
            OUT_OF_RANGE,
            _("The date must be between %(first)s and %(last)s.")
            % {"first": "0001-01-02", "last": "9999-12-30"},
        ) from None
    return value


def _refuse_unstorable(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    for field in sender._meta.concrete_fields:
        if isinstance(field, models.DateTimeField):
            value = getattr(instance, field.attname)
            if isinstance(value, dt.datetime) and value.tzinfo is not None:
                try:
                    check_storable(value)
                except Refused as refused:
                    raise ServiceError(refused.code, refused.message, field.name) from None


def guard_storage() -> None:
    """Defense in depth (issue 10 item 7): whatever bypasses a form or a schema, no model saves a
    datetime that would break every later read of its row, and of every page listing it."""
    signals.pre_save.connect(_refuse_unstorable, dispatch_uid="samordna.validation.storable")


# Query strings and posted forms ------------------------------------------------------------------


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class NulGuardMiddleware:
    """400 for a NUL anywhere in the query string or a posted form, before any view runs: a
    backstop for views that read ``request.GET`` themselves (a JSON body is the schemas' job).
    The API answers its JSON error, screens a plain Swedish message."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            refused = self._has_nul(request)
            code, message = NUL, _("The request contains a NUL character, which cannot be stored.")
        except MultiPartParserError:
            # A multipart body without a boundary, or cut short: nothing can be read from it.
            refused, code, message = True, "invalid_body", _("The request could not be read.")
        if refused:
            if request.path.startswith("/api/"):
                return JsonResponse({"code": code, "message": message, "field": None}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path or any(has_nul(request.GET.getlist(k)) for k in request.GET):
            return True
        if request.method == "POST" and request.content_type in _FORM_TYPES:
            return any(has_nul(k) or has_nul(request.POST.getlist(k)) for k in request.POST)
        return False
