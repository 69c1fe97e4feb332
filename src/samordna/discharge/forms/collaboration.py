"""Forms of collaboration during a stay."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samordna.discharge import planning
from samordna.discharge.forms.stays import DateInput, _now
from samordna.sip.forms.common import LocalDateTimeInput
from samordna.validation import Form


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
