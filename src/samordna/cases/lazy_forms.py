"""Forms a case page offers folded up, rendered only when someone opens them (issue 11).

Most visitors of a SIP case page or a stay page never open the folded forms (change the
coordinator, amend the consent, correct the stay, ...), yet rendering them was most of the
page's CPU. The page now shows each such form as a ``<details>`` whose body is a link to the
form's own page: a GET of the form's action URL (``form_page``). Without JavaScript the link
opens that page, whose form posts to the same URL; with htmx, opening the ``<details>`` loads
the form into it (``hx-trigger="toggle once"``). A form sent back with errors is rendered on
the case page itself, open, as before. The form's page reads the case as the case page does,
so its access is logged the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise

from samordna.accounts.actor import UnitRequest
from samordna.cases.models import Case


@dataclass(frozen=True)
class LazyForm:
    """``build`` gives the body's context (``summary`` there overrides this one's), or None where
    the unit is not offered the form."""

    summary: str | Promise
    body: str  # the template of what the <details> holds: help texts and the form
    build: Callable[[UnitRequest, Case], dict[str, Any] | None]


def form_page(
    forms: dict[str, LazyForm], name: str, get_case: Callable[[UnitRequest, int], Case], page: str
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A POST view whose URL also answers GET with its form: the whole page, or for htmx only
    the body. Where the unit is not offered the form, the GET sends on to the case page."""
    lazy = forms[name]

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: UnitRequest, pk: int, **kwargs: Any) -> HttpResponse:
            if request.method != "GET":
                return view(request, pk, **kwargs)
            case = get_case(request, pk)
            context = lazy.build(request, case)
            if context is None:
                return redirect(page, pk=pk)
            context.update(
                {
                    "case": case,
                    "person": case.person,
                    "summary": context.get("summary", lazy.summary),
                    "body": lazy.body,
                    "back": reverse(page, args=[pk]),
                }
            )
            template = lazy.body if getattr(request, "htmx", False) else "_form_page.html"
            return render(request, template, context)

        return wrapped

    return decorate
