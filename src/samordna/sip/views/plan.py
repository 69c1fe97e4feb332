"""Plan views: a version, start, edit, compare, the individual's copy.

Thin: each POST calls one act of ``sip.services.plan``; a refused act shows its page again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from samordna.accounts.actor import UnitRequest
from samordna.accounts.decorators import unit_required
from samordna.cases.models import Case
from samordna.errors import ServiceError
from samordna.mypages import services as mypages
from samordna.sip.forms.plan import (
    ActionFormSet,
    ContactFormSet,
    GoalFormSet,
    PlanForm,
)
from samordna.sip.models import Action, PlanVersion
from samordna.sip.services import case as case_acts
from samordna.sip.services import plan as plan_acts
from samordna.sip.services import plan_follow_up as plan_follow_up_acts
from samordna.sip.services.plan_compare import compare, snapshot
from samordna.sip.views.case_page import render_case
from samordna.sip.views.home_care_section import self_care_forms
from samordna.sip.views.plan_section import READ, _plan_page, _start_form, layout, next_meeting


def _version_context(request: UnitRequest, case: Case, number: int) -> dict[str, Any]:
    plan = plan_acts.plan_version(case, number, contents=True)
    versions = list(case.plans.select_related("meeting").order_by("-number"))
    force = next((p for p in versions if p.documented_at), None)
    comments = list(plan.follow_up_comments.select_related("author", "unit"))
    evaluations = list(plan.evaluations.select_related("author"))
    context = _plan_page(case, plan)
    context.update(
        {
            "blocks": layout(plan, comments),
            "comments": comments,
            # SIP-11: what the individual wrote on their own pages about their actions.
            "own_comments": mypages.own_comments(plan),
            "versions": versions,
            "in_force": force is not None and force.pk == plan.pk,
            "is_coordinator_unit": case.owner_unit_id == request.actor.unit.pk,
            "blockers": plan_follow_up_acts.blockers(case, plan)
            if plan.documented_at is None
            else [],
            "main_evaluation": next(
                (e for e in evaluations if e.goal_id is None and e.action_id is None), None
            ),
            "goal_evaluations": [
                (g, next((e for e in evaluations if e.goal_id == g.pk), None))
                for g in plan.goals.all()
            ],
            "action_evaluations": [
                (a, next((e for e in evaluations if e.action_id == a.pk), None))
                for a in plan.actions.all()
            ],
            "start_version_form": _start_form(case, versions, list(case.meetings.all())),
        }
    )
    context.update(self_care_forms(request, case, context["self_care_rows"]))  # ORG-6
    return context


@unit_required()
def version(request: UnitRequest, pk: int, number: int) -> HttpResponse:
    case = case_acts.get(request.actor, pk, READ)
    return render(request, "sip/plan_version.html", _version_context(request, case, number))


def _button(
    request: UnitRequest, pk: int, number: int, run: Callable[[], object], done: str
) -> HttpResponse:
    """Run a one-button act; when refused, show the version page with why."""
    try:
        run()
    except ServiceError as error:
        if error.status == 404:
            raise
        case = case_acts.get(request.actor, pk, READ)
        context = _version_context(request, case, number)
        context["error"] = error.message
        return render(request, "sip/plan_version.html", context, status=error.status)
    messages.success(request, done)
    return redirect("sip:plan-version", pk=pk, number=number)


@unit_required()
@require_POST
def start_version(request: UnitRequest, pk: int) -> HttpResponse:
    meeting = request.POST.get("meeting", "")
    if meeting and not meeting.isdigit():
        meeting = "0"
    try:
        plan = plan_acts.start_version(request.actor, pk, int(meeting) if meeting else None)
    except ServiceError as error:
        if error.status == 404:
            raise
        messages.error(request, error.message)
        return render_case(request, case_acts.get(request.actor, pk), status=error.status)
    messages.success(request, _("Plan version %(number)s is started.") % {"number": plan.number})
    return redirect("sip:plan-edit", pk=pk, number=plan.number)


@dataclass
class EditForms:
    plan: PlanForm
    goals: Any
    actions: Any
    contacts: Any

    def all_valid(self) -> bool:
        return all(
            [
                self.plan.is_valid(),
                self.goals.is_valid(),
                self.actions.is_valid(),
                self.contacts.is_valid(),
            ]
        )


# The editor's rows: "Add" asks for one more of these (issue 18 item 10).
ROWS = ("goals", "actions", "contacts")


def _rows(data: Any, prefix: str) -> int:
    """How many rows of a formset were posted (bounded as the formset bounds them)."""
    total = str(data.get(f"{prefix}-TOTAL_FORMS", "")) if data is not None else ""
    return min(int(total), 1000) if total.isdigit() else 0


def _new_goals(data: Any) -> list[tuple[int, str]]:
    """The sub-goals written on the page and not saved yet: (row, text)."""
    if data is None:
        return []
    rows = [(i, str(data.get(f"goals-{i}-text", "")).strip()) for i in range(_rows(data, "goals"))]
    return [
        (i, text)
        for i, text in rows
        if text and not data.get(f"goals-{i}-id") and not data.get(f"goals-{i}-DELETE")
    ]


def _one_more(data: Any, prefix: str) -> Any:
    """The posted data with one more (empty) row of ``prefix``: an "Add" that could not save."""
    data = data.copy()
    data[f"{prefix}-TOTAL_FORMS"] = str(_rows(data, prefix) + 1)
    return data


def _edit_forms(data: Any, case: Case, plan: PlanVersion, more: str = "") -> EditForms:
    """The editor's forms; ``more`` (one of ``ROWS``) adds an empty row to that list."""
    now = timezone.now()
    units = [
        p.unit
        for p in case.participations.filter(Q(until__isnull=True) | Q(until__gt=now))
        .select_related("unit")
        .order_by("unit__name")
    ]
    goals = list(plan.goals.all())
    return EditForms(
        PlanForm(
            data,
            initial={name: getattr(plan, name) for name in plan_acts.PLAN_FIELDS},
            child=case.person.is_child(),
        ),
        _extra(GoalFormSet, more == "goals")(
            data,
            prefix="goals",
            initial=[{"id": g.pk, "text": g.text, "ORDER": i} for i, g in enumerate(goals, 1)],
        ),
        _extra(ActionFormSet, more == "actions")(
            data,
            prefix="actions",
            form_kwargs={"units": units, "goals": goals, "new_goals": _new_goals(data)},
            initial=[_action_initial(a, i) for i, a in enumerate(plan.actions.all(), 1)],
        ),
        _extra(ContactFormSet, more == "contacts")(
            data,
            prefix="contacts",
            initial=[
                {
                    "name": c.name,
                    "workplace": c.workplace,
                    "phone": c.phone,
                    "physician": c.physician,
                    "coordinates": c.coordinates,
                }
                for c in plan.care_contacts.all()
            ],
        ),
    )


def _extra(formset: Any, more: bool) -> Any:
    return type(formset.__name__, (formset,), {"extra": formset.extra + 1}) if more else formset


def _action_initial(a: Action, order: int) -> dict[str, Any]:
    responsible = f"unit:{a.responsible_unit_id}" if a.responsible_unit_id else a.responsible
    return {
        "id": a.pk,
        "text": a.text,
        "goal": str(a.goal_id or ""),
        "responsible": responsible,
        "responsible_name": a.responsible_name,
        "care_type": a.care_type,
        "starts_on": a.starts_on,
        "ends_on": a.ends_on,
        "ORDER": order,
    }


def _kept(formset: Any) -> list[forms.Form]:
    """Filled-in rows that are not removed, in the order the writer gave; a row given the same
    number as another comes first if its number was just typed."""
    rows = [
        (f.cleaned_data.get("ORDER") or len(formset.forms) + i, "ORDER" not in f.changed_data, i, f)
        for i, f in enumerate(formset.forms)
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]
    return [row[-1] for row in sorted(rows, key=lambda row: row[:3])]


def _draft(edit: EditForms) -> tuple[plan_acts.Draft, dict[str, list[forms.Form]]] | None:
    """The submitted draft, and which form each submitted row came from (to place errors)."""
    if not edit.all_valid():
        return None
    goals, actions, contacts = _kept(edit.goals), _kept(edit.actions), _kept(edit.contacts)
    # An action serves a saved sub-goal by its id, or one written now by its row: "new:<row>".
    index: dict[str, int] = {}
    for i, f in enumerate(goals):
        saved = f.cleaned_data.get("id")
        index[str(saved) if saved else f"new:{edit.goals.forms.index(f)}"] = i
    action_rows = []
    for f in actions:
        d = f.cleaned_data
        goal = index.get(d["goal"]) if d["goal"] else None
        if d["goal"] and goal is None:
            f.add_error("goal", _("This sub-goal is being removed: choose another or none."))
        kind, unit = f.responsible_unit()  # type: ignore[attr-defined]
        action_rows.append(
            plan_acts.ActionIn(
                d["text"],
                kind,
                d["care_type"],
                unit,
                d["responsible_name"],
                goal,
                d["starts_on"],
                d["ends_on"],
                d.get("id"),
            )
        )
    if any(f.errors for f in actions):
        return None
    draft = plan_acts.Draft(
        **edit.plan.cleaned_data,
        goals=[plan_acts.GoalIn(f.cleaned_data["text"], f.cleaned_data.get("id")) for f in goals],
        actions=action_rows,
        care_contacts=[
            plan_acts.ContactIn(
                f.cleaned_data["name"],
                f.cleaned_data["workplace"],
                f.cleaned_data["phone"],
                f.cleaned_data["physician"],
                f.cleaned_data["coordinates"],
            )
            for f in contacts
        ],
    )
    return draft, {"goals": goals, "actions": actions, "care_contacts": contacts}


FORM_FIELDS = {"unit": "responsible", "name": "responsible_name"}


def _place(error: ServiceError, main: forms.Form, rows: dict[str, list[forms.Form]]) -> None:
    """Show a refused act's message at the field it is about: ``actions.2.unit`` is the third
    submitted action's responsible."""
    target, name = main, error.field or ""
    kind, _sep, rest = name.partition(".")
    if kind in rows and rest:
        position, _sep, name = rest.partition(".")
        if position.isdigit() and int(position) < len(rows[kind]):
            target = rows[kind][int(position)]
        name = FORM_FIELDS.get(name, name)
    target.add_error(name if name in target.fields else None, error.message)


@unit_required()
@require_http_methods(["GET", "POST"])
def edit(request: UnitRequest, pk: int, number: int) -> HttpResponse:
    """The whole draft on one page, saved at once; a second writer's text is shown back."""
    actor = request.actor
    case = case_acts.get(actor, pk, READ)
    plan = plan_acts.plan_version(case, number, contents=True)
    if plan.documented_at is not None or not case.is_active:
        messages.info(request, _("This version can no longer be changed."))
        return redirect("sip:plan-version", pk=pk, number=number)
    # What the writer asked for besides saving: another row ("add:goals"), or to document.
    then = request.POST.get("then", "") if request.method == "POST" else ""
    more = then.removeprefix("add:") if then.removeprefix("add:") in ROWS else ""
    if request.method == "GET" and request.GET.get("more", "") in ROWS:
        more = request.GET["more"]  # back from an "Add" without JavaScript
    data = request.POST if request.method == "POST" else None
    # An "Add" posts one more row: empty, it is ignored when saving and shown beside any errors.
    if data is None:
        edit_forms = _edit_forms(None, case, plan, more)
    else:
        edit_forms = _edit_forms(_one_more(data, more) if more else data, case, plan)
    status = 200
    if request.method == "POST":
        submitted = _draft(edit_forms)
        version = request.POST.get("version", "")
        if submitted is None or not version.isdigit():
            status = 400
        else:
            draft, rows = submitted
            try:
                saved = plan_acts.save_draft(actor, pk, number, int(version), draft)
            except ServiceError as error:
                if error.status == 404:
                    raise
                status = error.status
                _place(error, edit_forms.plan, rows)
            else:
                return _after_saving(request, pk, number, saved.version, then, more)
        plan = plan_acts.plan_version(case, number, contents=True)
    # What the individual wrote as mattering most before the meeting (issue 15): offered as the
    # main goal in their own words, filled in while the draft has none.
    own_words = mypages.own_words(case, plan.meeting_id)
    if own_words is not None and data is None and not plan.main_goal:
        edit_forms.plan.initial["main_goal"] = own_words.what_matters
    context = _plan_page(case, plan)
    context.update(
        {
            "own_words": own_words,
            "form": edit_forms.plan,
            "goal_formset": edit_forms.goals,
            "action_formset": edit_forms.actions,
            "contact_formset": edit_forms.contacts,
            "conflict": status == 409,
            "blocks": layout(plan),
            "blockers": plan_follow_up_acts.blockers(case, plan),
            "is_coordinator_unit": case.owner_unit_id == actor.unit.pk,
            "more": more,
        }
    )
    return render(request, "sip/plan_edit.html", context, status=status)


def _after_saving(
    request: UnitRequest, pk: int, number: int, version: int, then: str, more: str
) -> HttpResponse:
    """The draft is saved: back to the editor (with the row asked for), or documented."""
    edit_url = reverse("sip:plan-edit", args=[pk, number])
    if then != "document":
        messages.success(request, _("The draft is saved."))
        return redirect(f"{edit_url}?more={more}#{more}-new" if more else edit_url)
    try:
        plan_follow_up_acts.mark_documented(request.actor, pk, number, version)
    except ServiceError as error:
        if error.status == 404:
            raise
        why = {"why": error.message}
        messages.error(request, _("The draft is saved, but not documented: %(why)s") % why)
        return redirect(f"{edit_url}#document-h")
    messages.success(
        request,
        _("The plan is documented. It can no longer be changed; changes go into a new version."),
    )
    return redirect("sip:plan-version", pk=pk, number=number)


@unit_required()
def compare_versions(request: UnitRequest, pk: int) -> HttpResponse:
    case = case_acts.get(request.actor, pk, READ)
    numbers = list(case.plans.order_by("-number").values_list("number", flat=True))
    if not numbers:
        return redirect("sip:case", pk=pk)
    new = _number(request.GET.get("new"), numbers[0])
    old = _number(request.GET.get("old"), max(new - 1, 1))
    if old not in numbers or new not in numbers:
        context = {"case": case, "person": case.person, "numbers": numbers, "old": old, "new": new}
        context["error"] = _("Choose two versions of this plan.")
        return render(request, "sip/plan_compare.html", context, status=400)
    plans = {p.number: p for p in plan_acts.with_contents(case.plans.filter(number__in=[old, new]))}
    comparison = compare(snapshot(plans[old]), snapshot(plans[new]))
    context = {
        "case": case,
        "person": case.person,
        "numbers": numbers,
        "old": old,
        "new": new,
        "old_plan": plans[old],
        "new_plan": plans[new],
        "comparison": comparison,
        "sections": [
            (_("Sub-goals"), comparison.goals),
            (_("Actions"), comparison.actions),
            (_("Designated care contacts"), comparison.care_contacts),
        ],
    }
    return render(request, "sip/plan_compare.html", context)


def _number(raw: str | None, default: int) -> int:
    return int(raw) if raw and raw.isdigit() else default


@unit_required()
def for_individual(request: UnitRequest, pk: int) -> HttpResponse:
    """PAT-1: the current plan in plain words, to show the individual on screen or on paper."""
    case = case_acts.get(request.actor, pk, "sip.individual_view.read")
    shown = plan_acts.current(case)
    context: dict[str, Any] = {"case": case, "person": case.person, "plan": None}
    if shown is not None:
        context = _plan_page(case, plan_acts.plan_version(case, shown.number, contents=True))
        context["blocks"] = layout(context["plan"])
    context["meeting"] = next_meeting(case)
    context["coordinator"] = case_acts.current_coordinator(case)
    return render(request, "sip/plan_individual.html", context)
