"""The payment liability export's form: which municipality, which month (SVU-10)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samordna.organisations.models import Principal
from samordna.validation import Form

# The payment liability of Lag (2017:612) om samverkan vid utskrivning från sluten hälso- och
# sjukvård runs from its entry into force, 1 January 2018: no month before it has any.
FIRST_MONTH = dt.date(2018, 1, 1)
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class MonthInput(forms.TextInput):
    input_type = "month"


class LiabilityForm(Form):
    municipality = forms.ChoiceField(label=_("Municipality"))
    month = forms.CharField(
        label=_("Month"),
        max_length=7,
        widget=MonthInput(),
        help_text=_("As YYYY-MM, e.g. 2026-11."),
    )

    def __init__(self, *args: Any, municipalities: list[Principal], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "liability_%s")
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(m.code, m.name) for m in municipalities]
        if len(municipalities) == 1:
            field.initial = municipalities[0].code
        last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
        self.fields["month"].initial = last_month.strftime("%Y-%m")

    def clean_month(self) -> str:
        text: str = self.cleaned_data["month"].strip()
        match = MONTH.match(text)
        if not match or not 1 <= int(match[2]) <= 12:
            raise forms.ValidationError(_("Give the month as YYYY-MM."))
        first = dt.date(int(match[1]), int(match[2]), 1)
        if first < FIRST_MONTH:
            raise forms.ValidationError(
                _("Payment liability exists from January 2018 (Lag 2017:612).")
            )
        if first > timezone.localdate():
            raise forms.ValidationError(_("The month has not begun yet."))
        return text
