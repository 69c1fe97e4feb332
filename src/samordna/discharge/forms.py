"""Forms of the stay page. They parse input; the rules live in ``discharge.services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samordna.discharge import planning
from samordna.discharge.models import Stay
from samordna.organisations.models import Unit
from samordna.sip.forms import LocalDateTimeInput, real_time_field
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


class UnavailableForm(Form):
    """SVU-10, seed 001_118551e475ece215.txt lines 1546-1548."""

    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(
        label=_("To"), widget=DateInput(), required=False, help_text=_("Empty: still so.")
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)


ANSWER_CHOICES = [("yes", _("Yes")), ("no", _("No")), ("", _("Not answered"))]
ANSWER_VALUES = {"yes": True, "no": False, "": None}


class PlanningBasisForm(Form):
    """SVU-3: one yes/no question with a comment per row, grouped as in ``planning``."""

    def __init__(
        self,
        *args: Any,
        questions: tuple[planning.Question, ...],
        current: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        current = current or {}
        for q in questions:
            old = current.get(q.key)
            answer = {True: "yes", False: "no"}.get(old.answer, "") if old else ""
            self.fields[q.key] = forms.ChoiceField(
                label=q.text,
                choices=ANSWER_CHOICES,
                required=False,
                initial=answer,
                widget=forms.RadioSelect(attrs={"class": "inline"}),
            )
            self.fields[f"{q.key}_comment"] = forms.CharField(
                label=_("Comment"),
                required=False,
                max_length=2000,
                initial=old.comment if old else "",
                widget=forms.TextInput(),
            )

    def groups(self) -> list[tuple[Any, list[tuple[Any, Any]]]]:
        """(group, [(answer field, comment field)]) for the template."""
        grouped: dict[Any, list[tuple[Any, Any]]] = {}
        for q in self.questions:
            grouped.setdefault(q.group, []).append((self[q.key], self[f"{q.key}_comment"]))
        return list(grouped.items())

    def answers(self) -> dict[str, tuple[bool | None, str]]:
        data = self.cleaned_data
        return {
            q.key: (ANSWER_VALUES[data[q.key]], data[f"{q.key}_comment"]) for q in self.questions
        }


class CareContactForm(Form):
    """SVU-4, seed 001_118551e475ece215.txt lines 781-813."""

    care_contact_name = forms.CharField(label=_("Name"), max_length=200)
    care_contact_workplace = forms.CharField(
        label=_("Workplace"), max_length=200, required=False, help_text=_("Empty: your unit.")
    )
    care_contact_phone = forms.CharField(label=_("Phone"), max_length=40)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReplyForm(Form):
    """SVU-5 and SVU-6, seed 001_118551e475ece215.txt lines 867-886."""

    can_receive_at = forms.DateTimeField(
        label=_("We can receive the patient from"), widget=LocalDateTimeInput()
    )
    interventions = forms.CharField(
        label=_("Planned interventions after discharge"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Written for the patient: it is printed in the discharge information. What, how "
            "often and from when; no clinical notes."
        ),
    )


class SipDeclinedForm(Form):
    """SVU-9, seed 001_118551e475ece215.txt lines 930-931."""

    sip_declined_at = forms.DateTimeField(
        label=_("When the patient declined"), widget=LocalDateTimeInput()
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sip_declined_at"].initial = _now()


class DeathForm(Form):
    """SVU-9, seed 001_118551e475ece215.txt lines 931-934."""

    windows = {"died_on": Window.LIFE}

    died_on = forms.DateField(label=_("Date of death"), widget=DateInput())
