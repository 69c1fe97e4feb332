"""Forms of the message screens. They parse input; the rules live in ``messaging.services`` and
the template fields in ``messaging.content``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samordna.cases.models import Delivery
from samordna.discharge.forms.notices import UnitsField
from samordna.organisations.models import Unit
from samordna.validation import Form


class ComposeForm(Form):
    """MSG-1, MSG-2: recipients in two lists, to acknowledge and for information (seed
    004_2b6a4bde1435f963.txt lines 50-52)."""

    subject = forms.CharField(
        label=_("Subject"),
        max_length=200,
        required=False,
        help_text=_("Empty: the template's name."),
    )
    ack_units = UnitsField(
        label=_("To acknowledge"),
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("These units acknowledge the message by the county's next reading time."),
    )
    fyi_units = UnitsField(
        label=_("For information"),
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("These units only read the message."),
    )
    body = forms.CharField(
        label=_("Message"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    consent_confirmed = forms.BooleanField(
        label=_("The individual consents to the recipients getting this message"),
        required=False,
    )

    def __init__(
        self, *args: Any, choices: Any, new_case: bool, general: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for name in ("ack_units", "fyi_units"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = choices
        if not new_case:
            del self.fields["consent_confirmed"]
        if general:
            self.fields["body"].required = True
        else:
            self.fields["body"].label = _("Other information")

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        both = set(data.get("ack_units") or []) & set(data.get("fyi_units") or [])
        if both:
            self.add_error(
                "fyi_units",
                _("A unit cannot be both to acknowledge and for information: %(units)s.")
                % {"units": ", ".join(sorted(u.name for u in both))},
            )
        return data

    def recipients(self) -> list[tuple[Unit, str]]:
        return [(u, Delivery.Mode.ACK) for u in self.cleaned_data["ack_units"]] + [
            (u, Delivery.Mode.FYI) for u in self.cleaned_data["fyi_units"]
        ]


class ReplyForm(Form):
    body = forms.CharField(
        label=_("Reply"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 4})
    )
    mode = forms.ChoiceField(
        label=_("The recipient should"),
        choices=[
            (Delivery.Mode.ACK, _("Acknowledge the reply")),
            (Delivery.Mode.FYI, _("Only read the reply (for information)")),
        ],
        initial=Delivery.Mode.ACK,
        widget=forms.RadioSelect,
    )


class ForwardForm(Form):
    unit = forms.TypedChoiceField(label=_("Forward to"), coerce=int)
    note = forms.CharField(
        label=_("Why it is forwarded"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "—"), *units]
