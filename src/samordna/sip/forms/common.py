"""Form pieces shared by the case page's forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samordna.validation import Form


class CasePageForm(Form):
    """A form shown on the case page beside others: its own id prefix keeps element ids (and so
    every label's ``for``) unique on the page."""

    id_prefix = "case"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def real_time_field() -> forms.DateTimeField:
    """DOC-3: only for an act documented on paper during downtime and registered afterwards."""
    return forms.DateTimeField(
        label=_("Documented on paper during downtime: when it really happened"),
        required=False,
        widget=LocalDateTimeInput(),
        help_text=_(
            "Leave empty when you do it now. Deadlines and the payment liability count from "
            "this time; the time you register it is kept too."
        ),
    )
