"""The access-log review (SEC-2): who may review, which rows, the filter and the CSV rows, shared
by the review page and the API."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samordna.accounts.actor import Actor
from samordna.audit.models import AccessLog
from samordna.organisations.models import Membership
from samordna.validation import Form

REVIEWERS = (Membership.Role.UNIT_ADMIN, Membership.Role.COUNTY_ADMIN)


class LogFilterForm(Form):
    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    user = forms.CharField(label=gettext_lazy("User name"), required=False, max_length=150)
    identity_number = forms.CharField(
        label=gettext_lazy("Identity number of the individual"), required=False, max_length=20
    )
    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        required=False,
        choices=[("", gettext_lazy("All")), *AccessLog.Action.choices],
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data


def scope(actor: Actor) -> QuerySet[AccessLog]:
    """County administrators review their whole county; unit administrators their own unit."""
    entries = AccessLog.objects.select_related("user", "unit", "person")
    if actor.has_role(Membership.Role.COUNTY_ADMIN):
        return entries.filter(unit__principal__county=actor.unit.principal.county)
    return entries.filter(unit=actor.unit)


def filtered(actor: Actor, form: LogFilterForm) -> QuerySet[AccessLog]:
    entries = scope(actor)
    if not form.is_valid():
        return entries.none()
    data = form.cleaned_data
    tz = timezone.get_current_timezone()
    if data["date_from"]:
        entries = entries.filter(at__gte=dt.datetime.combine(data["date_from"], dt.time(), tz))
    if data["date_to"]:
        end = dt.datetime.combine(data["date_to"] + dt.timedelta(days=1), dt.time(), tz)
        entries = entries.filter(at__lt=end)
    if data["user"]:
        entries = entries.filter(user__username=data["user"].strip())
    if data["identity_number"]:
        digits = "".join(c for c in data["identity_number"] if c.isdigit())
        entries = entries.filter(person__identity_number__endswith=digits[-10:])
    if data["action"]:
        entries = entries.filter(action=data["action"])
    return entries


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(entries: QuerySet[AccessLog]) -> Iterator[str]:
    """The export's lines, streamed: ``;`` separated, a BOM first (Excel, Swedish settings).
    The header is translated now, in the request's language, not while streaming."""
    writer = csv.writer(_Echo(), delimiter=";")
    header = [
        _("Time"),
        _("User"),
        _("Unit"),
        _("Individual"),
        _("Action"),
        _("What"),
        _("Purpose"),
        _("Via"),
        _("IP address"),
    ]

    def rows() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(header)
        for e in entries.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    timezone.localtime(e.at).isoformat(timespec="seconds"),
                    e.user.username if e.user else e.reader_relation,
                    e.unit.name if e.unit else "",
                    e.person.identity_number if e.person else "",
                    e.get_action_display(),
                    e.what_display,
                    e.purpose,
                    e.via,
                    e.ip or "",
                ]
            )

    return rows()
