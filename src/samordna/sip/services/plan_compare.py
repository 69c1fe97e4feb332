"""Comparison of two plan versions, field by field and word by word (SIP-7)."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext

from samordna.sip.forms.plan import ActionForm, ContactForm, GoalForm, PlanForm
from samordna.sip.models import Action, PlanVersion
from samordna.sip.services.plan import PLAN_FIELDS

Values = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Item:
    key: str
    title: str
    values: Values


@dataclass(frozen=True)
class Snapshot:
    fields: Values
    goals: tuple[Item, ...]
    actions: tuple[Item, ...]
    care_contacts: tuple[Item, ...]


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str

    @property
    def segments(self) -> list[tuple[str, str]]:
        return word_diff(self.old, self.new)


@dataclass(frozen=True)
class ItemChange:
    status: str  # "added", "removed" or "changed"
    title: str
    changes: list[Change]


@dataclass(frozen=True)
class Comparison:
    fields: list[Change]
    goals: list[ItemChange]
    actions: list[ItemChange]
    care_contacts: list[ItemChange]

    def __bool__(self) -> bool:
        return bool(self.fields or self.goals or self.actions or self.care_contacts)


def _labels(form: type[forms.Form]) -> dict[str, str]:
    """The labels people know from the edit page."""
    return {name: str(f.label) for name, f in form.base_fields.items()}


def responsible_text(action: Action) -> str:
    if action.responsible == Action.Responsible.UNIT:
        return action.responsible_unit.name if action.responsible_unit else ""
    if action.responsible == Action.Responsible.INDIVIDUAL:
        return str(action.get_responsible_display())
    return f"{action.get_responsible_display()}: {action.responsible_name}"


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value is not None else ""


def snapshot(plan: PlanVersion) -> Snapshot:
    """Display values of a plan with its contents (see ``plan.with_contents``)."""
    labels, action, contact = _labels(PlanForm), _labels(ActionForm), _labels(ContactForm)
    fields: list[tuple[str, str]] = []
    for name in PLAN_FIELDS:
        value = getattr(plan, name)
        if name == "plan_format":
            value = plan.get_plan_format_display()
        elif isinstance(value, bool):
            value = gettext("Yes") if value else gettext("No")
        elif name.endswith("_on"):
            value = _date(value)
        fields.append((labels[name], str(value)))
    return Snapshot(
        fields=tuple(fields),
        goals=tuple(
            Item(str(g.uid), g.text, ((str(_labels(GoalForm)["text"]), g.text),))
            for g in plan.goals.all()
        ),
        actions=tuple(
            Item(
                str(a.uid),
                a.text,
                (
                    (action["text"], a.text),
                    (action["goal"], a.goal.text if a.goal else ""),
                    (action["responsible"], responsible_text(a)),
                    (action["care_type"], str(a.get_care_type_display())),
                    (action["starts_on"], _date(a.starts_on)),
                    (action["ends_on"], _date(a.ends_on)),
                ),
            )
            for a in plan.actions.all()
        ),
        care_contacts=tuple(
            Item(
                c.name.casefold(),
                c.name,
                (
                    (contact["name"], c.name),
                    (contact["workplace"], c.workplace),
                    (contact["phone"], c.phone),
                    (contact["physician"], gettext("Yes") if c.physician else gettext("No")),
                    (
                        contact["coordinates"],
                        gettext("Yes") if c.coordinates else gettext("No"),
                    ),
                ),
            )
            for c in plan.care_contacts.all()
        ),
    )


def compare(old: Snapshot, new: Snapshot) -> Comparison:
    return Comparison(
        fields=_changes(old.fields, new.fields),
        goals=_item_changes(old.goals, new.goals),
        actions=_item_changes(old.actions, new.actions),
        care_contacts=_item_changes(old.care_contacts, new.care_contacts),
    )


def _changes(old: Values, new: Values) -> list[Change]:
    return [
        Change(label, before, after)
        for (label, before), (_same, after) in zip(old, new, strict=True)
        if before != after
    ]


def _item_changes(old: tuple[Item, ...], new: tuple[Item, ...]) -> list[ItemChange]:
    before = {item.key: item for item in old}
    after = {item.key for item in new}
    found: list[ItemChange] = []
    for item in new:
        was = before.get(item.key)
        if was is None:
            added = [Change(label, "", value) for label, value in item.values if value]
            found.append(ItemChange("added", item.title, added))
        elif changes := _changes(was.values, item.values):
            found.append(ItemChange("changed", item.title, changes))
    for item in old:
        if item.key not in after:
            removed = [Change(label, value, "") for label, value in item.values if value]
            found.append(ItemChange("removed", item.title, removed))
    return found


# Words, punctuation and spaces: "rätt" and "rätt," share the word.
_WORDS = re.compile(r"\w+|[^\w\s]+|\s+")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """A text's changes word by word, as ("equal" | "delete" | "insert", text) segments: the
    equal and deleted segments make up ``old``, the equal and inserted ones ``new``. A lone
    space between two changes joins them, so a changed phrase reads as one."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    ops: list[tuple[str, int, int, int, int]] = []
    for kind, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if (
            kind != "equal"
            and len(ops) >= 2
            and ops[-1][0] == "equal"
            and ops[-2][0] != "equal"
            and "".join(a[ops[-1][1] : ops[-1][2]]).isspace()
        ):
            start = ops[-2]
            ops[-2:] = [("replace", start[1], i2, start[3], j2)]
        else:
            ops.append((kind, i1, i2, j1, j2))
    segments: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in ops:
        if op == "equal":
            segments.append(("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            segments.append(("delete", "".join(a[i1:i2])))
        if j2 > j1:
            segments.append(("insert", "".join(b[j1:j2])))
    return segments
