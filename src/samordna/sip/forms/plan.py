"""Forms drafting a plan version."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from samordna.organisations.models import Unit
from samordna.people.models import PlanFormat
from samordna.sip.models import Action, Goal, Meeting
from samordna.validation import Form

NAMED = (Action.Responsible.RELATIVE, Action.Responsible.EXTERNAL)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _area(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class PlanForm(Form):
    main_goal = forms.CharField(
        label=_("Main goal: “What matters to you?”"),
        help_text=_("In the individual's own words."),
        widget=_area(),
        required=False,
    )
    needs = forms.CharField(
        label=_("Described needs"),
        help_text=_("What the individual needs help with, as described together with them."),
        widget=_area(),
        required=False,
    )
    own_resources = forms.CharField(
        label=_("The individual's own resources"),
        help_text=_("What the individual can do and has: abilities, network, interests."),
        widget=_area(),
        required=False,
    )
    initiated_by = forms.CharField(
        label=_("Who initiated the SIP"),
        help_text=_("For example the individual, a relative or a unit."),
        max_length=200,
        required=False,
    )
    child_perspective = forms.CharField(
        label=_("Child perspective"),
        help_text=_("How the child's perspective is considered."),
        widget=_area(),
        required=False,
    )
    if_worse = forms.CharField(
        label=_("If the condition worsens"),
        help_text=_("What happens then, and whom to contact."),
        widget=_area(),
        required=False,
    )
    time_plan = forms.CharField(
        label=_("Time plan"),
        help_text=_("For the goals, the actions, follow-up and evaluation."),
        widget=_area(2),
        required=False,
    )
    follow_up_on = forms.DateField(
        label=_("Follow-up date"),
        help_text=_(
            "At least once a year. Each responsible party comments on its actions no later "
            "than the day before."
        ),
        widget=DateInput(),
        required=False,
    )
    follow_up_caller = forms.CharField(
        label=_("Who calls to the follow-up"), max_length=200, required=False
    )
    evaluation_on = forms.DateField(label=_("Evaluation date"), widget=DateInput(), required=False)
    # SIP-15, seed 000_106b8acbeb42519c.txt line 132: "Det är endast primärvårdsläkare som kan
    # ta beslut om patientens in- och utskrivning i hemsjukvård. Beslutet ska dokumenteras [...]
    # i planen." Free text: who decided and when.
    home_care_decision = forms.CharField(
        label=_("Enrolment in home health care"),
        help_text=_(
            "Only a primary-care physician decides on enrolment. Write who decided and when, "
            "e.g. “Decided by district physician Johan Ek 2026-11-20”."
        ),
        widget=_area(2),
        required=False,
    )
    plan_format = forms.ChoiceField(
        label=_("How the individual wants the plan"),
        choices=PlanFormat.choices,
        widget=forms.RadioSelect,
    )
    # SIP-18, seed 001_118551e475ece215.txt lines 258-260.
    life_threatening = forms.BooleanField(
        label=_("The individual has a life-threatening condition"),
        help_text=_("Then one of the designated care contacts is at physician level."),
        required=False,
    )

    def __init__(self, *args: Any, child: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if child:
            self.fields["child_perspective"].help_text = _(
                "The plan is for a child: describe how the child's perspective is considered. "
                "Required before the plan is documented."
            )


class GoalForm(Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(label=_("Sub-goal"), widget=_area(2))


class ActionForm(Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(label=pgettext_lazy("plan", "Action"), widget=_area(2))
    goal = forms.ChoiceField(label=_("Sub-goal"), required=False)
    responsible = forms.ChoiceField(label=_("Responsible"))
    responsible_name = forms.CharField(
        label=_("Name of the relative or external actor"), max_length=200, required=False
    )
    # SIP-14, seed 000_106b8acbeb42519c.txt line 128: "Det ska tydligt framgå vem som ansvarar
    # för egenvård respektive hälso- och sjukvårdsåtgärder"; seed 001 lines 1497-1498.
    care_type = forms.ChoiceField(
        label=_("Kind of care"), choices=[("", "—"), *Action.CareType.choices]
    )
    starts_on = forms.DateField(label=_("Start"), widget=DateInput(), required=False)
    ends_on = forms.DateField(label=_("End"), widget=DateInput(), required=False)

    def __init__(
        self,
        *args: Any,
        units: Sequence[Unit] = (),
        goals: Sequence[Goal] = (),
        new_goals: Sequence[tuple[int, str]] = (),
        **kwargs: Any,
    ) -> None:
        """``new_goals``: sub-goals written on the page but not saved yet, as (row of the goal
        formset, text); an action can serve one at once, as ``new:<row>`` (issue 18 item 10)."""
        super().__init__(*args, **kwargs)
        goal = self.fields["goal"]
        assert isinstance(goal, forms.ChoiceField)
        goal.choices = (
            [("", "—")]
            + [(str(g.pk), f"{i}. {g.text[:80]}") for i, g in enumerate(goals, 1)]
            + [
                (f"new:{row}", f"{len(goals) + i}. {text[:80]}")
                for i, (row, text) in enumerate(new_goals, 1)
            ]
        )
        responsible = self.fields["responsible"]
        assert isinstance(responsible, forms.ChoiceField)
        responsible.choices = [
            ("", "—"),
            (_("Units taking part"), [(f"unit:{u.pk}", u.name) for u in units]),
            (
                _("Others"),
                [
                    (Action.Responsible.INDIVIDUAL, _("The individual")),
                    (Action.Responsible.RELATIVE, _("A relative (give the name)")),
                    (
                        Action.Responsible.EXTERNAL,
                        _("An external actor, e.g. Försäkringskassan (give the name)"),
                    ),
                ],
            ),
        ]

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        if data.get("responsible") in NAMED and not data.get("responsible_name", "").strip():
            self.add_error(
                "responsible_name", _("Give the name of the relative or the external actor.")
            )
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end cannot be before the start."))
        return data

    def responsible_unit(self) -> tuple[str, int | None]:
        """The chosen responsible as (kind, unit pk)."""
        value = self.cleaned_data["responsible"]
        if value.startswith("unit:"):
            return Action.Responsible.UNIT, int(value.removeprefix("unit:"))
        return value, None


class ContactForm(Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    workplace = forms.CharField(label=_("Workplace"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=40)
    # SIP-18, seed 001 lines 253-260: which care contact holds the coordination (at most one),
    # and whether they are at physician level.
    physician = forms.BooleanField(label=_("Physician"), required=False)
    coordinates = forms.BooleanField(label=_("Holds the coordination"), required=False)


# One empty row each, which keeps the page short during a meeting; "Add" gives another in place
# (a script), or saves and comes back with one more (without JavaScript).
GoalFormSet = formset_factory(GoalForm, extra=1, can_delete=True, can_order=True)


ActionFormSet = formset_factory(ActionForm, extra=1, can_delete=True, can_order=True)


ContactFormSet = formset_factory(ContactForm, extra=1, can_delete=True)


def _local(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


class StartVersionForm(Form):
    meeting = forms.ChoiceField(
        label=_("From the meeting"),
        required=False,
        help_text=_("Each meeting produces a new version of the plan."),
    )

    def __init__(self, *args: Any, meetings: Sequence[Meeting] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["meeting"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("No meeting"))] + [
            (str(m.pk), f"{m.get_purpose_display()}, {_local(m.starts_at)}") for m in meetings
        ]
