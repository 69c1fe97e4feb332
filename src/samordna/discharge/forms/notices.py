"""Forms sending notices."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samordna.discharge.forms.stays import DateInput, _now
from samordna.organisations.models import Unit, User
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


class PhysicianField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class ReadyForm(Form):
    """SVU-5, seed 001_118551e475ece215.txt lines 855-866; the physician is a staff member with
    the physician role at the ward, or one the sender names (ORG-6, lines 833-835)."""

    ready_at = forms.DateTimeField(
        label=_("Assessed ready for discharge"), widget=LocalDateTimeInput()
    )
    ready_physician_user = PhysicianField(
        label=_("Responsible physician"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Another physician: give the name below"),
        help_text=_(
            "The treating physician assesses when the patient is ready; no other profession can."
        ),
    )
    ready_physician = forms.CharField(
        label=_("Physician not in the list"),
        max_length=200,
        required=False,
        help_text=_("Name and title. It is recorded that you named the physician."),
    )
    ready_nurse = forms.CharField(label=_("Responsible nurse"), max_length=200)
    medical_responsibility_to = forms.CharField(
        label=_("Medical responsibility handed to"),
        max_length=200,
        help_text=_("A named person in primary care."),
    )
    # SVU-12, seed 001 lines 824-826.
    self_care_certificate = forms.BooleanField(
        label=_("A self-care certificate goes home with the patient"),
        required=False,
        help_text=_(
            "A copy of the self-care planning, where the patient needs one. The discharge "
            "information lists it with the updated medication list."
        ),
    )
    occurred_at = real_time_field()
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, physicians: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ready_at"].initial = _now()
        field = self.fields["ready_physician_user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = physicians


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
