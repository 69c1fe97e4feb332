"""Forms sending notices."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samordna.discharge.forms.stays import DateInput, _now
from samordna.organisations.models import Unit
from samordna.sip.forms.common import LocalDateTimeInput, real_time_field
from samordna.validation import Form, Window


class UnitsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


class RecipientsForm(Form):
    """ORG-4: default addressing proposes the recipients; staff add or remove units."""

    recipients = UnitsField(
        label=_("Recipients"),
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Proposed by default addressing from the municipality of residence and the listed "
            "primary care centre. Add or remove units as the patient's needs require."
        ),
    )
    occurred_at = real_time_field()

    def __init__(self, *args: Any, choices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["recipients"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = choices


class ExpectedDischargeForm(Form):
    windows = {"expected_discharge_on": Window.STAY}

    expected_discharge_on = forms.DateField(
        label=_("New expected discharge date"), widget=DateInput()
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReadyForm(Form):
    """SVU-5, seed 001_118551e475ece215.txt lines 855-866."""

    ready_at = forms.DateTimeField(
        label=_("Assessed ready for discharge"), widget=LocalDateTimeInput()
    )
    ready_physician = forms.CharField(label=_("Responsible physician"), max_length=200)
    ready_nurse = forms.CharField(label=_("Responsible nurse"), max_length=200)
    medical_responsibility_to = forms.CharField(
        label=_("Medical responsibility handed to"),
        max_length=200,
        help_text=_("A named person in primary care."),
    )
    occurred_at = real_time_field()
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ready_at"].initial = _now()


class DischargeForm(Form):
    """SVU-7, seed 001_118551e475ece215.txt lines 912-924."""

    discharged_at = forms.DateTimeField(label=_("Left the ward"), widget=LocalDateTimeInput())
    self_discharge = forms.BooleanField(
        label=_("The patient left before the interventions were in place (self-discharge)"),
        required=False,
    )
    occurred_at = real_time_field()
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["discharged_at"].initial = _now()
