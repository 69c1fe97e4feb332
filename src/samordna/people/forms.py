from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samordna.organisations.models import Principal, Unit
from samordna.people.models import Person, Relative, Representative
from samordna.people.services import EDITABLE_FIELDS
from samordna.validation import Form, ModelForm, Window


class IdentityNumberForm(Form):
    identity_number = forms.CharField(
        label=_("Personal identity number or coordination number"),
        max_length=20,
        help_text=_("12 digits, e.g. 19121212-1212"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )


class PersonForm(ModelForm[Person]):
    """The details staff enter or correct; the services decide what is stored."""

    class Meta:
        model = Person
        fields = EDITABLE_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        municipality = self.fields["municipality"]
        care = self.fields["listed_primary_care"]
        assert isinstance(municipality, forms.ModelChoiceField)
        assert isinstance(care, forms.ModelChoiceField)
        municipality.queryset = Principal.objects.filter(kind=Principal.Kind.MUNICIPALITY).order_by(
            "name"
        )
        care.queryset = Unit.objects.filter(kind=Unit.Kind.PRIMARY_CARE, active=True).order_by(
            "name"
        )
        self.fields["phone"].widget.attrs["autocomplete"] = "off"


class DeathForm(Form):
    windows = {"died_on": Window.LIFE}

    died_on = forms.DateField(
        label=_("Date of death"), widget=forms.DateInput(attrs={"type": "date"})
    )


class RelativeForm(ModelForm[Relative]):
    class Meta:
        model = Relative
        fields = ["name", "relation", "phone", "is_guardian"]


class RepresentativeForm(ModelForm[Representative]):
    class Meta:
        model = Representative
        fields = ["kind", "name", "identity_number", "phone", "street", "postal_code", "city"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Typed with hyphen or century left out: the service parses and checks it.
        number = self.fields["identity_number"]
        assert isinstance(number, forms.CharField)
        number.max_length = 20
        number.widget.attrs.update(
            {"maxlength": "20", "autocomplete": "off", "inputmode": "numeric"}
        )
