"""Forms of a stay itself and shared widgets."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samordna.discharge.models import Stay
from samordna.sip.forms.common import LocalDateTimeInput
from samordna.validation import Form, Window

YES_NO = [(True, _("Yes")), (False, _("No"))]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _now() -> Any:
    return timezone.localtime().replace(second=0, microsecond=0)


def yes_no(label: Any, help_text: Any = "") -> forms.TypedChoiceField:
    """A required yes/no question: a checkbox could not tell "no" from "not answered"."""
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=YES_NO,
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
    )


class AfterRegistrationForm(Form):
    """DOC-3: the real time of an acknowledgement made on paper during downtime."""

    occurred_at = forms.DateTimeField(
        label=_("Acknowledged on paper at"), widget=LocalDateTimeInput()
    )


class StayForm(Form):
    """SVU-1 and CON-4: the stay's details, at registration and when corrected."""

    admitted_at = forms.DateTimeField(label=_("Admitted"), widget=LocalDateTimeInput())
    cause = forms.CharField(
        label=_("Cause of admission"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    treating_physician = forms.CharField(label=_("Treating physician"), max_length=200)
    needs_assessed_at = forms.DateTimeField(
        label=_("When the physician assessed that interventions may be needed"),
        widget=LocalDateTimeInput(),
        required=False,
        help_text=_("The admission notice is due within 24 hours of this assessment."),
    )
    consent_to_transfer = yes_no(
        _("Has the patient consented to information transfer?"),
        _(
            "Without consent the recipients get only name, identity number, address and expected "
            "discharge date, and the discharge notice."
        ),
    )
    only_social_services = yes_no(
        _("Does the patient need interventions from social services only?"),
        _("Then no SIP invitation is needed for the payment liability."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial:
            self.fields["admitted_at"].initial = _now()
            self.fields["needs_assessed_at"].initial = _now()
            self.fields["only_social_services"].initial = False


class RegisterForm(StayForm):
    windows = {"expected_discharge_on": Window.STAY}

    expected_discharge_on = forms.DateField(label=_("Expected discharge date"), widget=DateInput())

    field_order = [
        "admitted_at",
        "cause",
        "expected_discharge_on",
        "treating_physician",
        "needs_assessed_at",
        "consent_to_transfer",
        "only_social_services",
    ]


class EditForm(StayForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def of(cls, stay: Stay) -> EditForm:
        fields = [name for name in cls.base_fields if name != "version"]
        initial = {name: getattr(stay, name) for name in fields}
        return cls(initial={**initial, "version": stay.version}, prefix="edit")


class DeathForm(Form):
    """SVU-9, seed 001_118551e475ece215.txt lines 931-934."""

    windows = {"died_on": Window.LIFE}

    died_on = forms.DateField(label=_("Date of death"), widget=DateInput())
