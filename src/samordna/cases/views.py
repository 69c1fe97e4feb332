"""What every case page's forms share: run one act from a posted form, the same way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect

from samordna.accounts.actor import UnitRequest
from samordna.errors import ServiceError


def run_act(
    request: UnitRequest,
    form: forms.Form,
    run: Callable[[Any], Any],
    done: str,
    success_url: str,
    show_again: Callable[[int], HttpResponse],
) -> HttpResponse:
    """Validate a form, run one act and redirect; on bad input show the page again with the
    errors (400, or 403/409 when refused or someone else saved first) and nothing changed.
    A refusal that concerns no field is shown at the top of the page, where it is seen even
    when the form's section is no longer on the page. Not found stays a 404."""
    status = 400
    if form.is_valid():
        try:
            run(form)
        except ServiceError as error:
            if error.status == 404:
                raise
            status = error.status
            if error.field in form.fields:
                form.add_error(error.field, error.message)
            else:
                messages.error(request, error.message)
        else:
            messages.success(request, done)
            return redirect(success_url)
    return show_again(status)
