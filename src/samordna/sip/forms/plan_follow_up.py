"""Forms following up and evaluating a plan."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samordna.sip.forms.plan import _area
from samordna.sip.models import Action, Evaluation, Goal
from samordna.validation import Form


class CommentForm(Form):
    item = forms.RegexField(regex=r"^(action|goal):\d+$", widget=forms.HiddenInput)
    text = forms.CharField(label=_("Follow-up comment"), widget=_area())

    def target(self) -> tuple[int | None, int | None]:
        """(action pk, goal pk) of the commented item."""
        kind, pk = self.cleaned_data["item"].split(":")
        return (int(pk), None) if kind == "action" else (None, int(pk))


class EvaluationForm(Form):
    """The main goal, each sub-goal and each action: met, partly met or not met, with a comment
    (SIP-12, SIP-22)."""

    with_individual = forms.BooleanField(
        label=_("The goals were evaluated together with the individual"), required=False
    )

    def __init__(
        self,
        *args: Any,
        goals: Sequence[Goal] = (),
        actions: Sequence[Action] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.keys = ["main"] + [f"goal_{g.pk}" for g in goals]
        self.keys += [f"action_{a.pk}" for a in actions]
        for key in self.keys:
            self.fields[f"{key}_rating"] = forms.ChoiceField(
                label=_("Rating"), choices=Evaluation.Rating.choices, widget=forms.RadioSelect
            )
            self.fields[f"{key}_comment"] = forms.CharField(
                label=_("Comment"), widget=_area(2), required=False
            )
        self.order_fields([f for f in self.fields if f != "with_individual"] + ["with_individual"])

    def pairs(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        """(rating, comment) fields of the main goal, then of each sub-goal and each action."""
        return [(self[f"{k}_rating"], self[f"{k}_comment"]) for k in self.keys]
