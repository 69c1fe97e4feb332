"""Forms of the SIP case itself: open, coordinator, close."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samordna.cases.models import Case
from samordna.organisations.models import User
from samordna.sip.forms.common import CasePageForm, LocalDateTimeInput
from samordna.sip.models import SipCase
from samordna.sip.services.case import CLOSE_REASONS
from samordna.validation import Form


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


class CoordinatorWishForm(CasePageForm):
    """SIP-21: the individual's wish about who coordinates (seed 004 lines 208-210)."""

    id_prefix = "wish"
    wish = forms.CharField(
        label=_("The individual's wish about who coordinates"),
        help_text=_("Met as far as possible. Leave it empty to remove a recorded wish."),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
