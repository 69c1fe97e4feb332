"""View guards: a logged-in user working for a chosen unit, optionally with a role there."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

View = Callable[..., HttpResponseBase]


def unit_required(*roles: str) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            actor = request.actor  # type: ignore[attr-defined]
            if actor is None:
                return redirect(
                    reverse("accounts:choose-unit")
                    + "?"
                    + urlencode({"next": request.get_full_path()})
                )
            if roles and not actor.has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
