"""Forms answering an invitation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samordna.cases.models import Delivery
from samordna.validation import Form


class AckForm(Form):
    """Acknowledging takes no input; the form carries a refusal back to its row."""


class AnswerForm(Form):
    answer = forms.ChoiceField(
        label=_("Answer"),
        choices=[(Delivery.Answer.ACCEPTED, _("Accept")), (Delivery.Answer.DECLINED, _("Decline"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason or comment"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Required when declining."),
    )


class ForwardForm(Form):
    unit = forms.TypedChoiceField(label=_("Forward to"), coerce=int)

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "—"), *units]
