"""The forms of the coordinated care plan for ÖPT/ÖRV (SVP, SIP-16) on the SIP case page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samordna.organisations.models import Unit
from samordna.sip.forms.common import CasePageForm, LocalDateTimeInput
from samordna.sip.models import CareForm, SvpDetail
from samordna.sip.models.svp import TEXT_MAX


class SvpDetailsForm(CasePageForm):
    id_prefix = "svp"
    care_form = forms.ChoiceField(
        label=_("Form of care"), choices=CareForm.choices, widget=forms.RadioSelect
    )
    exchange_routine = forms.CharField(
        label=_("How region and municipality keep each other informed"),
        help_text=_("Seed 001: a suitable order is to state it in the coordinated care plan."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX,
        required=False,
    )
    extension_application_by = forms.DateField(
        label=_("Application for continued care to be made by"),
        help_text=_(
            "The plan is followed up before the application: the deadline is the day before."
        ),
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)

    def __init__(self, *args: Any, detail: SvpDetail | None = None, **kwargs: Any) -> None:
        if detail is not None:
            kwargs.setdefault(
                "initial",
                {
                    "care_form": detail.care_form,
                    "exchange_routine": detail.exchange_routine,
                    "extension_application_by": detail.extension_application_by,
                    "version": detail.version,
                },
            )
        super().__init__(*args, **kwargs)


class ObjectionForm(CasePageForm):
    id_prefix = "objection"
    objection = forms.CharField(
        label=_("What the individual objects to"),
        help_text=_(
            "The objection is normally respected; only what the planning needs may be shared "
            "despite it, and each such exchange is recorded."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX,
    )
    objection_at = forms.DateTimeField(label=_("When it was stated"), widget=LocalDateTimeInput())
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)

    def __init__(self, *args: Any, detail: SvpDetail | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["objection_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        if detail is not None:
            self.fields["version"].initial = detail.version
            self.fields["objection"].initial = detail.objection


class ExchangeForm(CasePageForm):
    id_prefix = "exchange"
    unit = forms.ModelChoiceField(
        label=_("Shared with a unit"), queryset=Unit.objects.none(), required=False
    )
    recipient = forms.CharField(
        label=_("Or with (outside the system)"),
        help_text=_("E.g. Försäkringskassan, a named case officer."),
        max_length=200,
        required=False,
    )
    what = forms.CharField(
        label=_("What was shared"), widget=forms.Textarea(attrs={"rows": 2}), max_length=TEXT_MAX
    )
    why = forms.CharField(
        label=_("Why it was necessary for the planning"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXT_MAX,
    )
    shared_at = forms.DateTimeField(label=_("When it was shared"), widget=LocalDateTimeInput())

    def __init__(self, *args: Any, county_units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = self.fields["unit"]
        assert isinstance(unit, forms.ModelChoiceField)
        unit.queryset = county_units if county_units is not None else Unit.objects.none()
        self.fields["shared_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
