"""The county's rule set as a Swedish form, field by field (issue 18 item 13).

Each rule of ``core.rules.RuleSet`` gets a field with its name, what it means, its unit (days,
working days, hours, a clock time) and its source in the routine, named by the routine rather
than by its file. ``RuleSet`` still decides what is valid: the form collects the values, builds a
rule set with ``RuleSet.from_json`` and puts its message (which starts with the rule's key) on
the rule's field. A change is written to the access log with who, when and what changed; the
deadlines already computed are stored on the notices and obligations, so they keep their values.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import time
from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from samordna.core import rules
from samordna.core.rules import SOURCES, RuleSet
from samordna.organisations.models import County
from samordna.validation import ModelForm

DAYS = _("days")
WORKING_DAYS = _("working days")
HOURS = _("hours")
CLOCK = _("clock time")

# Label, meaning and unit of each rule. A rule missing here fails the test that walks RuleSet.
TEXTS: dict[str, tuple[Any, Any, Any]] = {
    "reading_times": (
        _("Reading times"),
        _("When the units read Samordna and acknowledge what has come in, e.g. 09:00, 13:00."),
        CLOCK,
    ),
    "reading_days": (
        _("Reading days"),
        _("The days the reading times apply."),
        None,
    ),
    "read_on_day_3_of_long_holidays": (
        _("Read on day 3 of long holidays"),
        _("With reading on working days only: also read on day 3 of a run of holidays."),
        None,
    ),
    "long_holiday_min_days": (
        _("Days that make a long holiday"),
        _("How many days off in a row, around a major holiday, count as a long holiday."),
        DAYS,
    ),
    "outpatient_invitation_working_days": (
        _("Invitation to an outpatient SIP"),
        _("The invitation is sent within this time after the need became known."),
        WORKING_DAYS,
    ),
    "meeting_min_days": (
        _("Earliest meeting"),
        _("The meeting takes place no sooner than this after the need became known."),
        DAYS,
    ),
    "meeting_max_days": (
        _("Latest meeting"),
        _("The meeting takes place no later than this after the need became known."),
        DAYS,
    ),
    "plan_documented_days": (
        _("Plan documented"),
        _("Each participant documents its part of the plan within this time after the meeting."),
        DAYS,
    ),
    "plan_handed_over_days": (
        _("Plan handed to the individual"),
        _("The individual has the plan within this time after the meeting."),
        DAYS,
    ),
    "follow_up_max_days": (
        _("Longest time to the next follow-up"),
        _("A plan is followed up at least this often."),
        DAYS,
    ),
    "follow_up_comment_days_before": (
        _("Comments before the follow-up"),
        _("The units comment on their actions this long before the follow-up date."),
        DAYS,
    ),
    "discharge_invitation_days": (
        _("SIP invitation after ready for discharge"),
        _("The SIP invitation is sent within this time after the ready-for-discharge notice."),
        DAYS,
    ),
    "discharge_plan_days": (
        _("Plan after discharge"),
        _("A plan, or the follow-up of an existing plan, within this time after discharge."),
        DAYS,
    ),
    "admission_notice_hours": (
        _("Admission notice"),
        _("Sent within this time after the treating physician's assessment."),
        HOURS,
    ),
    "planning_basis_hours": (
        _("Planning basis"),
        _("Filled in within this time after the admission notice was sent."),
        HOURS,
    ),
    "plan_holiday_discharges_before": (
        _("Plan weekend and red-day discharges the working day before"),
        _(
            "A discharge expected on a weekend or red day is planned by every party on the "
            "working day before; the stay page warns with that date."
        ),
        None,
    ),
    "payment_cutoff": (
        _("Cut-off time for the payment liability"),
        _("A ready-for-discharge notice sent at or before this time counts as sent in time."),
        CLOCK,
    ),
    "payment_days_by_cutoff": (
        _("Payment liability, notice in time"),
        _("The municipality's payment liability starts this many days after such a notice."),
        DAYS,
    ),
    "payment_days_after_cutoff": (
        _("Payment liability, notice after the cut-off"),
        _("The payment liability starts this many days after a notice sent after the cut-off."),
        DAYS,
    ),
    "deviations_to_mas": (
        _("Deviations concerning a municipality to its MAS"),
        _(
            "A sent deviation concerning a municipality's unit also reaches the unit of the "
            "municipality's medically responsible nurse (a staff member with the MAS role)."
        ),
        None,
    ),
    "deviations_to_municipality_on_paper": (
        _("Deviations from the region to a municipality on paper"),
        _("The deviation page tells the region's units to print such deviations and post them."),
        None,
    ),
    "children_consent_stored": (
        _("Children's consent stored in Samordna"),
        _("Whether the guardians' consent for a child is recorded here (else in each record)."),
        None,
    ),
    "plan_needs_required": (
        _("The plan describes needs and own resources"),
        _("Whether a plan is documented only once it describes the needs and own resources."),
        None,
    ),
    "own_access_min_age": (
        _("A child's own access to their pages"),
        _(
            "From this age a child logs in to their own pages in Samordna; below it only the "
            "guardians do (13 to 18)."
        ),
        _("years"),
    ),
    "access_log_names_staff": (
        _("The individual's log extract names the staff member"),
        _("Whether the individual's extract shows who read, not only which unit, when and what."),
        None,
    ),
    "home_care_by_outpatient_psychiatry": (
        _("Outpatient psychiatry decides on home health care too"),
        _(
            "Whether a physician at outpatient psychiatry, besides one at a primary care "
            "centre, may enrol in and discharge from home health care."
        ),
        None,
    ),
}


def source_text(name: str) -> str:
    """The rule's source with each routine named instead of its file."""
    return rules.routine_names(SOURCES[name])


def _help(name: str) -> str:
    _label, meaning, unit = TEXTS[name]
    parts = [str(meaning)]
    if unit is not None:
        parts.append(str(_("Unit: %(unit)s.") % {"unit": unit}))
    parts.append(str(_("Source: %(source)s") % {"source": source_text(name)}))
    return " ".join(parts)


_lazy_help = lazy(_help, str)


def _field(name: str, kind: Any) -> forms.Field:
    label = TEXTS[name][0]
    if name == "reading_times":
        return forms.CharField(label=label, max_length=100, help_text=_lazy_help(name))
    if name == "reading_days":
        return forms.ChoiceField(
            label=label,
            choices=[("all", _("Every day of the year")), ("working", _("Working days"))],
            help_text=_lazy_help(name),
        )
    if kind is bool:
        return forms.BooleanField(label=label, required=False, help_text=_lazy_help(name))
    if kind is time:
        return forms.TimeField(
            label=label,
            input_formats=["%H:%M"],
            widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
            help_text=_lazy_help(name),
        )
    low = rules._MINIMUM.get(name, 1)
    return forms.IntegerField(
        label=label, min_value=low, max_value=rules._MAX_COUNT, help_text=_lazy_help(name)
    )


RULES = [f.name for f in fields(RuleSet)]


class _CountyRulesForm(ModelForm[County]):
    """The county with its rule set as one field per rule (``rules`` itself is not shown)."""

    rule_set: RuleSet

    class Meta:
        model = County
        fields = ["code", "name"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = (self.instance.rule_set if self.instance.pk else RuleSet()).to_json()
        for name in RULES:
            value = current[name]
            self.initial.setdefault(name, ", ".join(value) if name == "reading_times" else value)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if any(name in self.errors for name in RULES):
            return data
        values: dict[str, Any] = {}
        for name in RULES:
            value = data.get(name)
            if name == "reading_times":
                value = [part.strip() for part in str(value or "").split(",") if part.strip()]
            elif isinstance(value, time):
                value = value.strftime("%H:%M")
            values[name] = value
        try:
            self.rule_set = RuleSet.from_json(values)
        except ValueError as error:
            message = str(error)
            key, _sep, rest = message.partition(": ")
            self.add_error(key if key in RULES else None, rest if key in RULES else message)
        return data

    def save(self, commit: bool = True) -> County:
        self.instance.rules = self.rule_set.to_json()
        return super().save(commit)


# The rule fields are declared on the class, so that the admin's fieldsets may name them.
CountyRulesForm: type[_CountyRulesForm] = type(
    "CountyRulesForm",
    (_CountyRulesForm,),
    {f.name: _field(f.name, f.type) for f in fields(RuleSet)},
)


def changed_rules(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """ "rule: old → new" for each rule that changed, for the access log."""

    def shown(value: Any) -> str:
        return ", ".join(value) if isinstance(value, list) else str(value)

    return [
        f"{name}: {shown(before.get(name))} → {shown(after[name])}"
        for name in RULES
        if before.get(name) != after[name]
    ]
