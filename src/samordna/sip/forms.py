from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samordna.cases.models import Case
from samordna.organisations.models import Unit, User
from samordna.sip.models import Consent, SipCase
from samordna.sip.services import CLOSE_REASONS
from samordna.validation import Form


class CasePageForm(Form):
    """A form shown on the case page beside others: its own id prefix keeps element ids (and so
    every label's ``for``) unique on the page."""

    id_prefix = "case"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def real_time_field() -> forms.DateTimeField:
    """DOC-3: only for an act documented on paper during downtime and registered afterwards."""
    return forms.DateTimeField(
        label=_("Documented on paper during downtime: when it really happened"),
        required=False,
        widget=LocalDateTimeInput(),
        help_text=_(
            "Leave empty when you do it now. Deadlines and the payment liability count from "
            "this time; the time you register it is kept too."
        ),
    )


class OpenCaseForm(Form):
    type = forms.ChoiceField(label=_("Kind of SIP"), choices=SipCase.Type.choices)
    need_known_at = forms.DateTimeField(
        label=_("When did the need for coordination become known?"),
        widget=LocalDateTimeInput(),
        help_text=_("The invitation deadline is counted from this time."),
    )
    reason = forms.CharField(
        label=_("Reason for coordination"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["need_known_at"].initial = timezone.localtime().replace(second=0, microsecond=0)


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


class CoordinatorForm(CasePageForm):
    id_prefix = "coordinator"
    coordinator = forms.ChoiceField(label=_("New coordinator"))
    reason = forms.CharField(label=_("Reason for the change"), max_length=300)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = [
            p.unit for p in case.participations.filter(until__isnull=True).select_related("unit")
        ]
        users = (
            User.objects.filter(memberships__unit__in=units, is_active=True)
            .values_list(
                "pk", "first_name", "last_name", "memberships__unit__pk", "memberships__unit__name"
            )
            .distinct()
            .order_by("memberships__unit__name", "last_name")
        )
        field = self.fields["coordinator"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—")] + [
            (f"{pk}:{unit_pk}", f"{first} {last} ({unit_name})")
            for pk, first, last, unit_pk, unit_name in users
        ]

    def chosen(self) -> tuple[int, int]:
        user, unit = self.cleaned_data["coordinator"].split(":")
        return int(user), int(unit)


class CloseForm(CasePageForm):
    id_prefix = "close"
    reason = forms.ChoiceField(
        label=_("Reason for closing"),
        choices=[(r.value, r.label) for r in CLOSE_REASONS],
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
