from django import forms
from django.utils.translation import gettext_lazy as _

from samordna.overview.services import KINDS, WHEN
from samordna.validation import Form


class FilterForm(Form):
    """The overview's filters; read from the query string, so a filtered view can be linked."""

    kind = forms.ChoiceField(
        label=_("Show"), required=False, choices=[("", _("Everything")), *KINDS.items()]
    )
    when = forms.ChoiceField(
        label=_("When"), required=False, choices=[("", _("Any time")), *WHEN.items()]
    )
