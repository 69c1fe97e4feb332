"""The needs assessment form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samordna.sip.forms.common import CasePageForm
from samordna.sip.services.assessment import LIFE_AREAS, SBAR_AREAS


class AssessmentForm(CasePageForm):
    id_prefix = "assessment"
    area = forms.ChoiceField(
        label=_("Area"),
        choices=[
            ("", "—"),
            (_("Life areas"), [(a.value, a.label) for a in LIFE_AREAS]),
            (_("SBAR (optional)"), [(a.value, a.label) for a in SBAR_AREAS]),
        ],
    )
    text = forms.CharField(
        label=_("What your unit knows"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Relevant for the participants to prepare; written with the individual."),
    )
