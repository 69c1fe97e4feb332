"""The form recording a held meeting."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samordna.cases.models import Delivery
from samordna.sip.forms.invitations import VersionForm
from samordna.sip.models import Meeting, Participant


class RecordForm(VersionForm):
    """Attendance per participant, chair and documenter; and for a digital meeting whether a
    professional was with the individual (seed 000_106b8acbeb42519c.txt lines 212-214)."""

    chair = forms.CharField(
        label=_("Chair"),
        max_length=200,
        help_text=_("Preferably the professional who is with the individual."),
    )
    documenter = forms.CharField(label=_("Documenter"), max_length=200)
    professional_with_individual = forms.BooleanField(
        label=_("A professional from the region or municipality was with the individual in person"),
        required=False,
    )

    def __init__(self, *args: Any, meeting: Meeting, participants: list[Participant], **kw: Any):
        super().__init__(*args, **kw)
        self.participants = participants
        choices = [("", "—")] + [
            c for c in Participant.Attendance.choices if c[0] != Participant.Attendance.UNKNOWN
        ]
        for p in participants:
            declined = p.delivery is not None and p.delivery.answer == Delivery.Answer.DECLINED
            self.fields[f"attendance_{p.pk}"] = forms.ChoiceField(
                label=p.name,
                choices=choices,
                # A unit that declined gave notice of its absence (seed 002 line 140).
                initial=p.attendance
                or (Participant.Attendance.ABSENT_WITH_NOTICE if declined else ""),
            )
        if meeting.form not in (Meeting.Form.VIDEO, Meeting.Form.PHONE):
            del self.fields["professional_with_individual"]
        if not self.is_bound:
            self.initial.update(
                version=meeting.version,
                chair=meeting.chair,
                documenter=meeting.documenter,
                professional_with_individual=meeting.professional_with_individual,
            )

    def attendance(self) -> dict[int, str]:
        return {p.pk: self.cleaned_data[f"attendance_{p.pk}"] for p in self.participants}
