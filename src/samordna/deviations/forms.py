"""Forms of the deviation pages. They parse input; the rules live in ``deviations.services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samordna.deviations.models import Deviation
from samordna.deviations.services import MAX_TEXT, TEXTS, Content, shows_case
from samordna.organisations.models import Unit
from samordna.sip.forms.common import LocalDateTimeInput
from samordna.validation import Form


def _text(label: Any, help_text: Any = "", required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DeviationForm(Form):
    """The report's content, in the order of seed 000_106b8acbeb42519c.txt lines 260-266."""

    occurred_at = forms.DateTimeField(
        label=_("Date and time of the event"), widget=LocalDateTimeInput()
    )
    concerned_unit = forms.ModelChoiceField(
        label=_("Concerned unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("No other unit"),
        help_text=_("The unit sees the deviation once it is sent, and marks it handled."),
    )
    case = forms.IntegerField(
        label=_("Case number"),
        required=False,
        min_value=1,
        help_text=_(
            "Optional. Only units that take part in the case see who the deviation concerns."
        ),
    )
    event = _text(
        _("Event"),
        _(
            "What happened, including any departure from the routine. Do not write the "
            "individual's name or identity number."
        ),
        required=True,
    )
    consequence = _text(_("Consequence"))
    risk = _text(_("Risk"))
    action = _text(_("Action taken"))
    improvement = _text(_("Improvement proposal"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["concerned_unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Unit.objects.filter(
            active=True, principal__county=unit.principal.county_id
        ).exclude(pk=unit.pk)
        if not self.is_bound and not self.initial.get("occurred_at"):
            self.fields["occurred_at"].initial = timezone.localtime().replace(
                second=0, microsecond=0
            )

    @classmethod
    def of(cls, deviation: Deviation, unit: Unit) -> DeviationForm:
        """The form filled in from a stored deviation; the case only if the unit sees it."""
        initial = {name: getattr(deviation, name) for name in ("occurred_at", *TEXTS)}
        initial.update(
            concerned_unit=deviation.concerned_unit_id,
            case=deviation.case_id if shows_case(deviation) else None,
            version=deviation.version,
        )
        return cls(initial=initial, unit=unit)

    def content(self) -> Content:
        data = self.cleaned_data
        return Content(
            occurred_at=data["occurred_at"],
            concerned_unit=data["concerned_unit"],
            case=data["case"],
            **{name: data[name] for name in TEXTS},
        )


class VersionForm(Form):
    """The confirm, dismiss and send buttons: the version the user saw."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class HandleForm(VersionForm):
    comment = _text(_("How it was handled"), _("Optional: what your unit did about it."))
