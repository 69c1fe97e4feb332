from django import forms
from django.utils.translation import gettext_lazy as _

from samordna.notifications.models import Preference
from samordna.validation import Form


class PreferenceForm(Form):
    digest = forms.BooleanField(
        label=Preference._meta.get_field("digest").verbose_name, required=False
    )
    address = forms.CharField(
        label=_("E-mail address"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
