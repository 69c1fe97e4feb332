"""Plan versions, follow-up, evaluation and the individual's view (SIP-9 to SIP-12, PAT-1).

Thin: each POST calls one act of ``sip.plan``; a refused act shows its page again with the
message and the act's status (400 bad input, 403 not this unit's act, 409 changed meanwhile).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST

from samordna.accounts.actor import UnitRequest
from samordna.accounts.decorators import unit_required
from samordna.cases.models import Case
from samordna.errors import ServiceError
from samordna.sip import plan as acts
from samordna.sip import services
from samordna.sip.forms_plan import (
    ActionFormSet,
    CommentForm,
    ContactFormSet,
    EvaluationForm,
    GoalFormSet,
    PlanForm,
    StartVersionForm,
)
from samordna.sip.models import Action, FollowUpComment, Goal, Meeting, PlanVersion
from samordna.sip.plan_compare import compare, snapshot
from samordna.sip.views import render_case

READ = "sip.plan.read"


# What the pages show ------------------------------------------------------------------------------


@dataclass
class Block:
    """A sub-goal with its actions and follow-up comments; ``goal`` is None for the actions
    that serve the main goal directly."""

    goal: Goal | None
    actions: list[tuple[Action, list[FollowUpComment]]]
    comments: list[FollowUpComment] = field(default_factory=list)


def layout(plan: PlanVersion, comments: list[FollowUpComment] | None = None) -> list[Block]:
    """The plan as people read it: each sub-goal followed by its actions, in order."""
    on_action: dict[int, list[FollowUpComment]] = {}
    on_goal: dict[int, list[FollowUpComment]] = {}
    for c in comments or []:
        if c.action_id:
            on_action.setdefault(c.action_id, []).append(c)
        elif c.goal_id:
            on_goal.setdefault(c.goal_id, []).append(c)
    actions = list(plan.actions.all())
    blocks = [
        Block(
            g,
            [(a, on_action.get(a.pk, [])) for a in actions if a.goal_id == g.pk],
            on_goal.get(g.pk, []),
        )
        for g in plan.goals.all()
    ]
    loose = [(a, on_action.get(a.pk, [])) for a in actions if a.goal_id is None]
    if loose:
        blocks.append(Block(None, loose))
    return blocks


def _plan_page(case: Case, plan: PlanVersion) -> dict[str, Any]:
    """What every page showing a whole plan needs (see ``sip/_plan_body.html``)."""
    actions = list(plan.actions.all())
    return {
        "case": case,
        "person": case.person,
        "plan": plan,
        "coordinator": services.current_coordinator(case),
        "consent": services.consent_in_force(case),
        # SIP-14: which measures are self-care and who does them (seed 000 line 128).
        "self_care": [a for a in actions if a.care_type == Action.CareType.SELF_CARE],
        "by_others": [a for a in actions if acts.by_others(a)],
    }


def _start_form(case: Case, versions: list[PlanVersion]) -> StartVersionForm | None:
    """Offered while the case is active and no draft is being written; the latest held meeting
    that has no version yet is proposed."""
    if not case.is_active or (versions and versions[0].documented_at is None):
        return None
    used = [p.meeting_id for p in versions if p.meeting_id]
    meetings = list(
        case.meetings.filter(cancelled_at__isnull=True).exclude(pk__in=used).order_by("starts_at")
    )
    held = [m for m in meetings if m.held]
    initial = {"meeting": str(held[-1].pk)} if held else {}
    return StartVersionForm(meetings=meetings, initial=initial)


def plan_context(request: UnitRequest, case: Case) -> dict[str, Any]:
    """The plan section of the case page: the plan in force (else the draft), all versions."""
    versions = list(case.plans.select_related("meeting").order_by("-number"))
    shown = next((p for p in versions if p.documented_at), versions[0] if versions else None)
    plan = acts.with_contents(case.plans.all()).get(pk=shown.pk) if shown else None
    return {
        "plan_section": "sip/_plan.html",
        "plan": plan,
        "plan_blocks": layout(plan) if plan else [],
        "plan_versions": versions,
        "plan_draft": versions[0] if versions and versions[0].documented_at is None else None,
        "start_version_form": _start_form(case, versions),
    }


def _version_context(request: UnitRequest, case: Case, number: int) -> dict[str, Any]:
    plan = acts.plan_version(case, number, contents=True)
    versions = list(case.plans.select_related("meeting").order_by("-number"))
    force = next((p for p in versions if p.documented_at), None)
    comments = list(plan.follow_up_comments.select_related("author", "unit"))
    evaluations = list(plan.evaluations.select_related("author"))
    context = _plan_page(case, plan)
    context.update(
        {
            "blocks": layout(plan, comments),
            "comments": comments,
            "versions": versions,
            "in_force": force is not None and force.pk == plan.pk,
            "is_coordinator_unit": case.owner_unit_id == request.actor.unit.pk,
            "blockers": acts.blockers(case, plan) if plan.documented_at is None else [],
            "main_evaluation": next((e for e in evaluations if e.goal_id is None), None),
            "goal_evaluations": [
                (g, next((e for e in evaluations if e.goal_id == g.pk), None))
                for g in plan.goals.all()
            ],
            "start_version_form": _start_form(case, versions),
        }
    )
    return context


# Pages --------------------------------------------------------------------------------------------


@unit_required()
def version(request: UnitRequest, pk: int, number: int) -> HttpResponse:
    case = services.get(request.actor, pk, READ)
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
        case = services.get(request.actor, pk, READ)
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
        plan = acts.start_version(request.actor, pk, int(meeting) if meeting else None)
    except ServiceError as error:
        if error.status == 404:
            raise
        messages.error(request, error.message)
        return render_case(request, services.get(request.actor, pk), status=error.status)
    messages.success(request, _("Plan version %(number)s is started.") % {"number": plan.number})
    return redirect("sip:plan-edit", pk=pk, number=plan.number)


@unit_required()
@require_POST
def documented(request: UnitRequest, pk: int, number: int) -> HttpResponse:
    version = request.POST.get("version", "")
    return _button(
        request,
        pk,
        number,
        lambda: acts.mark_documented(
            request.actor, pk, number, int(version) if version.isdigit() else 0
        ),
        _("The plan is documented. It can no longer be changed; changes go into a new version."),
    )


@unit_required()
@require_POST
def handed_over(request: UnitRequest, pk: int, number: int) -> HttpResponse:
    return _button(
        request,
        pk,
        number,
        lambda: acts.mark_handed_over(request.actor, pk, number),
        _("The plan is recorded as handed over to the individual."),
    )


# Writing the draft --------------------------------------------------------------------------------


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


def _edit_forms(data: Any, case: Case, plan: PlanVersion) -> EditForms:
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
            initial={name: getattr(plan, name) for name in acts.PLAN_FIELDS},
            child=case.person.is_child(),
        ),
        GoalFormSet(
            data,
            prefix="goals",
            initial=[{"id": g.pk, "text": g.text, "ORDER": i} for i, g in enumerate(goals, 1)],
        ),
        ActionFormSet(
            data,
            prefix="actions",
            form_kwargs={"units": units, "goals": goals},
            initial=[_action_initial(a, i) for i, a in enumerate(plan.actions.all(), 1)],
        ),
        ContactFormSet(
            data,
            prefix="contacts",
            initial=[
                {"name": c.name, "workplace": c.workplace, "phone": c.phone}
                for c in plan.care_contacts.all()
            ],
        ),
    )


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


def _draft(edit: EditForms) -> tuple[acts.Draft, dict[str, list[forms.Form]]] | None:
    """The submitted draft, and which form each submitted row came from (to place errors)."""
    if not edit.all_valid():
        return None
    goals, actions, contacts = _kept(edit.goals), _kept(edit.actions), _kept(edit.contacts)
    index = {f.cleaned_data["id"]: i for i, f in enumerate(goals) if f.cleaned_data.get("id")}
    action_rows = []
    for f in actions:
        d = f.cleaned_data
        goal = index.get(int(d["goal"])) if d["goal"] else None
        if d["goal"] and goal is None:
            f.add_error("goal", _("This sub-goal is being removed: choose another or none."))
        kind, unit = f.responsible_unit()  # type: ignore[attr-defined]
        action_rows.append(
            acts.ActionIn(
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
    draft = acts.Draft(
        **edit.plan.cleaned_data,
        goals=[acts.GoalIn(f.cleaned_data["text"], f.cleaned_data.get("id")) for f in goals],
        actions=action_rows,
        care_contacts=[
            acts.ContactIn(
                f.cleaned_data["name"], f.cleaned_data["workplace"], f.cleaned_data["phone"]
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
    case = services.get(actor, pk, READ)
    plan = acts.plan_version(case, number, contents=True)
    if plan.documented_at is not None or not case.is_active:
        messages.info(request, _("This version can no longer be changed."))
        return redirect("sip:plan-version", pk=pk, number=number)
    edit_forms = _edit_forms(request.POST if request.method == "POST" else None, case, plan)
    status = 200
    if request.method == "POST":
        submitted = _draft(edit_forms)
        version = request.POST.get("version", "")
        if submitted is None or not version.isdigit():
            status = 400
        else:
            draft, rows = submitted
            try:
                acts.save_draft(actor, pk, number, int(version), draft)
            except ServiceError as error:
                if error.status == 404:
                    raise
                status = error.status
                _place(error, edit_forms.plan, rows)
            else:
                messages.success(request, _("The draft is saved."))
                return redirect("sip:plan-edit", pk=pk, number=number)
        plan = acts.plan_version(case, number, contents=True)
    context = _plan_page(case, plan)
    context.update(
        {
            "form": edit_forms.plan,
            "goal_formset": edit_forms.goals,
            "action_formset": edit_forms.actions,
            "contact_formset": edit_forms.contacts,
            "conflict": status == 409,
            "blocks": layout(plan),
            "blockers": acts.blockers(case, plan),
        }
    )
    return render(request, "sip/plan_edit.html", context, status=status)


# Comparing versions -------------------------------------------------------------------------------


@unit_required()
def compare_versions(request: UnitRequest, pk: int) -> HttpResponse:
    case = services.get(request.actor, pk, READ)
    numbers = list(case.plans.order_by("-number").values_list("number", flat=True))
    if not numbers:
        return redirect("sip:case", pk=pk)
    new = _number(request.GET.get("new"), numbers[0])
    old = _number(request.GET.get("old"), max(new - 1, 1))
    if old not in numbers or new not in numbers:
        context = {"case": case, "person": case.person, "numbers": numbers, "old": old, "new": new}
        context["error"] = _("Choose two versions of this plan.")
        return render(request, "sip/plan_compare.html", context, status=400)
    plans = {p.number: p for p in acts.with_contents(case.plans.filter(number__in=[old, new]))}
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


# Follow-up and evaluation -------------------------------------------------------------------------


def _item(c: FollowUpComment) -> str:
    return f"action:{c.action_id}" if c.action_id else f"goal:{c.goal_id}"


@unit_required()
@require_http_methods(["GET", "POST"])
def follow_up(request: UnitRequest, pk: int, number: int) -> HttpResponse:
    """Each responsible unit comments on its own actions and sub-goals (SIP-11)."""
    actor = request.actor
    failed: CommentForm | None = None
    status = 200
    if request.method == "POST":
        failed = CommentForm(request.POST)
        status = 400
        if failed.is_valid():
            action, goal = failed.target()
            try:
                acts.comment(actor, pk, number, failed.cleaned_data["text"], action, goal)
            except ServiceError as error:
                if error.status == 404:
                    raise
                failed.add_error("text" if error.field == "text" else None, error.message)
                status = error.status
            else:
                messages.success(request, _("The follow-up comment is saved."))
                return redirect("sip:follow-up-comment", pk=pk, number=number)
    case = services.get(actor, pk, READ)
    context = _version_context(request, case, number)
    plan = context["plan"]
    mine_actions, mine_goals = acts.commentable(plan, case, actor.unit.pk)
    items = [(f"goal:{g.pk}", g.text, _("Sub-goal")) for g in mine_goals] + [
        (f"action:{a.pk}", a.text, pgettext("plan", "Action")) for a in mine_actions
    ]
    context["comment_forms"] = []
    for item, text, kind in items:
        form = failed if failed is not None and failed.data.get("item") == item else None
        # Several comment forms on one page: each needs its own element ids.
        auto_id = "id_" + item.replace(":", "_") + "_%s"
        if form is None:
            form = CommentForm(initial={"item": item}, auto_id=auto_id)
        form.auto_id = auto_id
        earlier = [c for c in context["comments"] if _item(c) == item]
        context["comment_forms"].append((text, kind, form, earlier))
    context["failed"] = failed
    return render(request, "sip/plan_follow_up.html", context, status=status)


@unit_required()
@require_http_methods(["GET", "POST"])
def evaluate(request: UnitRequest, pk: int, number: int) -> HttpResponse:
    """The coordinator's unit rates the goals with the individual (SIP-12); a new version may be
    started from here at the same meeting."""
    actor = request.actor
    case = services.get(actor, pk, READ)
    goals = list(acts.plan_version(case, number).goals.all())
    form = EvaluationForm(request.POST or None, goals=goals)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                acts.evaluate(
                    actor,
                    pk,
                    number,
                    acts.Rating(d["main_rating"], d["main_comment"]),
                    {
                        g.pk: acts.Rating(d[f"goal_{g.pk}_rating"], d[f"goal_{g.pk}_comment"])
                        for g in goals
                    },
                    d["with_individual"],
                )
            except ServiceError as error:
                if error.status == 404:
                    raise
                form.add_error(error.field if error.field in form.fields else None, error.message)
                status = error.status
            else:
                messages.success(
                    request,
                    _("The plan is evaluated. A new version can be started at the same meeting."),
                )
                return redirect("sip:evaluate", pk=pk, number=number)
        else:
            status = 400
    context = _version_context(request, case, number)
    titles = [(_("Main goal"), context["plan"].main_goal)] + [
        (_("Sub-goal %(number)s") % {"number": i}, g.text) for i, g in enumerate(goals, 1)
    ]
    context["form"] = form
    context["rows"] = [(*title, *pair) for title, pair in zip(titles, form.pairs(), strict=True)]
    return render(request, "sip/plan_evaluate.html", context, status=status)


# The individual's view ----------------------------------------------------------------------------


def next_meeting(case: Case) -> Meeting | None:
    return (
        case.meetings.filter(cancelled_at__isnull=True, starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )


@unit_required()
def for_individual(request: UnitRequest, pk: int) -> HttpResponse:
    """PAT-1: the current plan in plain words, to show the individual on screen or on paper."""
    case = services.get(request.actor, pk, "sip.individual_view.read")
    shown = acts.current(case)
    context: dict[str, Any] = {"case": case, "person": case.person, "plan": None}
    if shown is not None:
        context = _plan_page(case, acts.plan_version(case, shown.number, contents=True))
        context["blocks"] = layout(context["plan"])
    context["meeting"] = next_meeting(case)
    context["coordinator"] = services.current_coordinator(case)
    return render(request, "sip/plan_individual.html", context)


urlpatterns: list[URLPattern] = [
    path("<int:pk>/plans/new/", start_version, name="plan-new"),
    path("<int:pk>/plans/compare/", compare_versions, name="plan-compare"),
    path("<int:pk>/plans/<int:number>/", version, name="plan-version"),
    path("<int:pk>/plans/<int:number>/edit/", edit, name="plan-edit"),
    path("<int:pk>/plans/<int:number>/documented/", documented, name="plan-documented"),
    path("<int:pk>/plans/<int:number>/handed-over/", handed_over, name="plan-handed-over"),
    path("<int:pk>/plans/<int:number>/follow-up/", follow_up, name="follow-up-comment"),
    path("<int:pk>/plans/<int:number>/evaluation/", evaluate, name="evaluate"),
    path("<int:pk>/for-the-individual/", for_individual, name="for-individual"),
]
