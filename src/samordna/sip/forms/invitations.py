"""Forms sending, changing and cancelling invitations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samordna.cases.models import Case
from samordna.organisations.models import Unit
from samordna.people.models import Relative, Representative
from samordna.sip.forms.common import real_time_field
from samordna.sip.models import Meeting, SipCase
from samordna.sip.services.invitations import Details, External, Invitees
from samordna.validation import Form, Window


class DateInput(forms.DateInput):
    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"


class DetailsForm(Form):
    """The meeting as the invitation describes it: what a change may alter too."""

    windows = {"date": Window.ACT}

    purpose = forms.ChoiceField(
        label=_("Purpose"), choices=Meeting.Purpose.choices, widget=forms.RadioSelect
    )
    form = forms.ChoiceField(
        label=_("Meeting form"),
        choices=Meeting.Form.choices,
        widget=forms.RadioSelect,
        help_text=_("A phone meeting is only an emergency solution when video is not possible."),
    )
    date = forms.DateField(label=_("Date"), widget=DateInput())
    starts = forms.TimeField(label=_("Start time"), widget=TimeInput())
    ends = forms.TimeField(label=_("End time"), widget=TimeInput())
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_("Required for a meeting in person."),
    )
    video_link = forms.URLField(
        label=_("Video link"),
        required=False,
        assume_scheme="https",
        help_text=_("Required for a video meeting."),
    )
    phone_number = forms.CharField(
        label=_("Phone number to call"),
        max_length=40,
        required=False,
        help_text=_("Required for a phone meeting, with the code."),
    )
    phone_code = forms.CharField(label=_("Code"), max_length=40, required=False)
    agenda = forms.CharField(
        label=_("Agenda and comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("State the purpose and the questions briefly."),
    )

    def details(self) -> Details:
        data = self.cleaned_data
        return Details(
            purpose=data["purpose"],
            form=data["form"],
            starts_at=timezone.make_aware(dt.datetime.combine(data["date"], data["starts"])),
            ends_at=timezone.make_aware(dt.datetime.combine(data["date"], data["ends"])),
            place=data["place"],
            video_link=data["video_link"],
            phone_number=data["phone_number"],
            phone_code=data["phone_code"],
            agenda=data["agenda"],
        )


class UnitChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        if obj.connected:
            return str(obj.name)
        return str(_("%(unit)s (not connected: gets a letter)") % {"unit": obj.name})


class InvitationForm(DetailsForm):
    units = UnitChoiceField(
        label=_("Units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Connected units get the invitation to acknowledge; the others a letter."),
    )
    individual = forms.BooleanField(label=_("The individual"), required=False)
    relatives = forms.ModelMultipleChoiceField(
        label=_("Relatives"),
        queryset=Relative.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("If the individual wishes it."),
    )
    representatives = forms.ModelMultipleChoiceField(
        label=_("Legal representatives"),
        queryset=Representative.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent_confirmed = forms.BooleanField(
        label=_("The individual has consented to the meeting"), required=False
    )
    occurred_at = real_time_field()

    def __init__(self, *args: Any, case: Case, units: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "invite_%s")  # unique ids beside the consent form
        super().__init__(*args, **kwargs)
        person = case.person
        # The individual's relatives and representatives are part of the record the consent
        # opens to the coordinator (``ParticipationQuerySet.informed``, seed
        # 000_106b8acbeb42519c.txt line 110); no invitation is sent before it anyway.
        consented = case.consents.in_force().exists()
        choices: dict[str, Any] = {
            "units": units.exclude(pk=case.owner_unit_id),
            "relatives": person.relatives.all() if consented else person.relatives.none(),
            "representatives": person.representatives.all()
            if consented
            else person.representatives.none(),
        }
        for name, queryset in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = queryset
        # Seed 000_106b8acbeb42519c.txt lines 206-207: an outpatient SIP has no preselected
        # recipients but the individual; after discharge the units already taking part are
        # proposed (default addressing, ORG-4) and can be removed.
        self.fields["individual"].initial = True
        if case.sip.type == SipCase.Type.ACTOR_MEETING:
            # SIP-1, seed 001: the actor/planning meeting is held without the individual.
            del self.fields["individual"]
        if case.sip.type == SipCase.Type.AFTER_DISCHARGE:
            self.fields["units"].initial = list(
                case.participations.filter(until__isnull=True)
                .exclude(unit=case.owner_unit_id)
                .values_list("unit", flat=True)
            )

    def invitees(self, externals: list[External]) -> Invitees:
        data = self.cleaned_data
        return Invitees(
            units=list(data["units"]),
            individual=data.get("individual", False),
            relatives=list(data["relatives"]),
            representatives=list(data["representatives"]),
            externals=externals,
        )


class ExternalForm(Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    street = forms.CharField(label=_("Street address"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=10, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)


ExternalFormSet = forms.formset_factory(ExternalForm, extra=2, max_num=10)


def externals(formset: Any) -> list[External]:
    """The filled-in rows; a half-filled row reaches the service, which names what is missing."""
    return [
        External(
            **{k: f.cleaned_data.get(k, "") for k in ("name", "street", "postal_code", "city")}
        )
        for f in formset.forms
        if any(f.cleaned_data.values())
    ]


class VersionForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ChangeForm(VersionForm, DetailsForm):
    @classmethod
    def for_meeting(cls, meeting: Meeting, prefix: str) -> ChangeForm:
        starts, ends = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
        return cls(
            prefix=prefix,
            initial={
                "version": meeting.version,
                "purpose": meeting.purpose,
                "form": meeting.form,
                "date": starts.date(),
                "starts": starts.time(),
                "ends": ends.time(),
                "place": meeting.place,
                "video_link": meeting.video_link,
                "phone_number": meeting.phone_number,
                "phone_code": meeting.phone_code,
                "agenda": meeting.agenda,
            },
        )


class CancelForm(VersionForm):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=300, required=False)
