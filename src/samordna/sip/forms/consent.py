"""The consent form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samordna.organisations.models import Unit
from samordna.sip.forms.common import CasePageForm, LocalDateTimeInput
from samordna.sip.models import Consent


class ConsentForm(CasePageForm):
    id_prefix = "consent"
    decision = forms.ChoiceField(
        label=_("Consent"), choices=Consent.Decision.choices, widget=forms.RadioSelect
    )
    giver = forms.ChoiceField(label=_("Given by"), choices=Consent.Giver.choices)
    giver_name = forms.CharField(
        label=_("Name of the person who gave it"), required=False, max_length=200
    )
    form = forms.ChoiceField(
        label=_("Form"), choices=Consent.Form.choices, widget=forms.RadioSelect
    )
    given_at = forms.DateTimeField(label=_("When"), widget=LocalDateTimeInput())
    units = forms.ModelMultipleChoiceField(
        label=_("Units that may exchange information and be invited"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    child_view = forms.CharField(
        label=_("The child's own view"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("According to the child's age and maturity."),
    )

    def __init__(
        self, *args: Any, county_units: Any = None, child: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if child:  # CON-3: guardians consent and the child's own view is recorded
            giver = self.fields["giver"]
            assert isinstance(giver, forms.ChoiceField)
            giver.choices = [c for c in Consent.Giver.choices if c[0] != Consent.Giver.INDIVIDUAL]
        else:
            del self.fields["child_view"]
        units = self.fields["units"]
        assert isinstance(units, forms.ModelMultipleChoiceField)
        units.queryset = county_units if county_units is not None else Unit.objects.none()
        self.fields["given_at"].initial = timezone.localtime().replace(second=0, microsecond=0)


class AmendConsentForm(ConsentForm):
    """A new version of the consent in force, prefilled with it (issue 18 item 2)."""

    id_prefix = "amend"
    reason = forms.CharField(
        label=_("What is corrected or added, and why"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    widening_confirmed = forms.BooleanField(
        label=_("The individual has agreed to share information with the added units"),
        required=False,
        help_text=_("Needed only when you add units, or remove every unit named."),
    )
    widened_at = forms.DateTimeField(
        label=_("When the individual agreed to the added units"),
        widget=LocalDateTimeInput(),
        required=False,
    )

    def __init__(self, *args: Any, consent: Consent | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["decision"]
        if consent is not None and not self.is_bound:
            for name in ("giver", "giver_name", "form", "child_view"):
                if name in self.fields:
                    self.fields[name].initial = getattr(consent, name)
            self.fields["given_at"].initial = timezone.localtime(consent.given_at).replace(
                second=0, microsecond=0
            )
            self.fields["units"].initial = [u.pk for u in consent.units.all()]
