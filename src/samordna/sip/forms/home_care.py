"""Forms of the role-bound decisions: home health care (case page) and self-care (plan page)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samordna.organisations.models import Unit, User
from samordna.sip.forms.common import CasePageForm, LocalDateTimeInput
from samordna.sip.models import HomeCareDecision, SelfCareAssessment


class _UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


class HomeCareDecisionForm(CasePageForm):
    id_prefix = "home_care"
    decision = forms.ChoiceField(
        label=_("Decision"), choices=HomeCareDecision.Decision.choices, widget=forms.RadioSelect
    )
    decided_at = forms.DateTimeField(label=_("Decided at"), widget=LocalDateTimeInput())
    physician = _UserChoice(
        label=_("The individual's physician at the centre"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Me"),
        help_text=_(
            "At enrolment: the named physician at the centre where the individual is listed."
        ),
    )
    contact_name = forms.CharField(
        label=_("Municipal care contact with coordination responsibility"),
        required=False,
        max_length=200,
        help_text=_("May be named later by the municipality."),
    )
    contact_unit = forms.ModelChoiceField(
        label=_("The care contact's unit"), queryset=Unit.objects.none(), required=False
    )
    contact_phone = forms.CharField(label=_("The care contact's phone"), required=False)
    reason = forms.CharField(
        label=_("Reason and notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self, *args: Any, physicians: Any = None, municipal: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        physician = self.fields["physician"]
        assert isinstance(physician, forms.ModelChoiceField)
        physician.queryset = physicians if physicians is not None else User.objects.none()
        unit = self.fields["contact_unit"]
        assert isinstance(unit, forms.ModelChoiceField)
        unit.queryset = municipal if municipal is not None else Unit.objects.none()
        self.fields["decided_at"].initial = timezone.localtime().replace(second=0, microsecond=0)


class HomeCareContactForm(CasePageForm):
    id_prefix = "home_care_contact"
    contact_name = forms.CharField(
        label=_("Municipal care contact with coordination responsibility"), max_length=200
    )
    contact_unit = forms.ModelChoiceField(
        label=_("The care contact's unit"), queryset=Unit.objects.none()
    )
    contact_phone = forms.CharField(label=_("The care contact's phone"), required=False)

    def __init__(self, *args: Any, municipal: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = self.fields["contact_unit"]
        assert isinstance(unit, forms.ModelChoiceField)
        unit.queryset = municipal if municipal is not None else Unit.objects.none()


def _text(label: Any, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label, widget=forms.Textarea(attrs={"rows": 2}), help_text=help_text
    )


class SelfCareForm(CasePageForm):
    """The seven points of seed 001_118551e475ece215.txt lines 1466-1482."""

    id_prefix = "self_care"
    action = forms.IntegerField(widget=forms.HiddenInput)
    supersedes = forms.IntegerField(widget=forms.HiddenInput, required=False)
    assessed_at = forms.DateTimeField(label=_("Assessed at"), widget=LocalDateTimeInput())
    measure = _text(
        _("1. The measure assessed as self-care"),
        _("E.g. which medicine or exercise, and how much."),
    )
    performer = forms.ChoiceField(
        label=_("2. Who performs it"),
        choices=SelfCareAssessment.Performer.choices,
        widget=forms.RadioSelect,
    )
    helper = forms.CharField(label=_("Who helps"), required=False, max_length=200)
    instructions = _text(_("3. How information and instructions are given to whoever performs it"))
    on_harm = _text(
        _("4. What is done and whom to contact if the individual is harmed or at risk of harm")
    )
    on_change = _text(
        _("5. What is done and whom to contact if the individual's situation changes")
    )
    follow_up = _text(_("6. How and when the assessment is followed up"))
    reassess_on = forms.DateField(
        label=_("7. When the assessment is reassessed"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessed_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
