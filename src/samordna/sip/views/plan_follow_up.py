"""Views of a plan after drafting: documented, handed over, follow-up, evaluation."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST

from samordna.accounts.actor import UnitRequest
from samordna.accounts.decorators import unit_required
from samordna.errors import ServiceError
from samordna.sip.forms.plan_follow_up import CommentForm, EvaluationForm
from samordna.sip.models import Action, FollowUpComment
from samordna.sip.services import case as case_acts
from samordna.sip.services import plan as plan_acts
from samordna.sip.services import plan_follow_up as plan_follow_up_acts
from samordna.sip.views.plan import _button, _version_context
from samordna.sip.views.plan_section import READ


@unit_required()
@require_POST
def documented(request: UnitRequest, pk: int, number: int) -> HttpResponse:
    version = request.POST.get("version", "")
    return _button(
        request,
        pk,
        number,
        lambda: plan_follow_up_acts.mark_documented(
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
        lambda: plan_follow_up_acts.mark_handed_over(request.actor, pk, number),
        _("The plan is recorded as handed over to the individual."),
    )


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
                plan_follow_up_acts.comment(
                    actor, pk, number, failed.cleaned_data["text"], action, goal
                )
            except ServiceError as error:
                if error.status == 404:
                    raise
                failed.add_error("text" if error.field == "text" else None, error.message)
                status = error.status
            else:
                messages.success(request, _("The follow-up comment is saved."))
                return redirect("sip:follow-up-comment", pk=pk, number=number)
    case = case_acts.get(actor, pk, READ)
    context = _version_context(request, case, number)
    plan = context["plan"]
    mine_actions, mine_goals = plan_follow_up_acts.commentable(plan, case, actor.unit.pk)
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


def responsible_of(action: Action) -> str:
    """Who does the action, in words: the unit, the individual, or the named relative or actor."""
    if action.responsible == Action.Responsible.UNIT and action.responsible_unit is not None:
        return action.responsible_unit.name
    if action.responsible_name:
        return action.responsible_name
    return str(action.get_responsible_display())


@unit_required()
@require_http_methods(["GET", "POST"])
def evaluate(request: UnitRequest, pk: int, number: int) -> HttpResponse:
    """The coordinator's unit rates the goals with the individual (SIP-12); a new version may be
    started from here at the same meeting."""
    actor = request.actor
    case = case_acts.get(actor, pk, READ)
    plan = plan_acts.plan_version(case, number)
    goals = list(plan.goals.all())
    actions = list(plan.actions.select_related("responsible_unit"))
    form = EvaluationForm(request.POST or None, goals=goals, actions=actions)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                plan_follow_up_acts.evaluate(
                    actor,
                    pk,
                    number,
                    plan_follow_up_acts.Rating(d["main_rating"], d["main_comment"]),
                    {
                        g.pk: plan_follow_up_acts.Rating(
                            d[f"goal_{g.pk}_rating"], d[f"goal_{g.pk}_comment"]
                        )
                        for g in goals
                    },
                    d["with_individual"],
                    {
                        a.pk: plan_follow_up_acts.Rating(
                            d[f"action_{a.pk}_rating"], d[f"action_{a.pk}_comment"]
                        )
                        for a in actions
                    },
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
    # Seed 000 line 235: each action with the party responsible for it (SIP-22).
    titles += [
        (
            _("Action %(number)s (%(responsible)s)")
            % {"number": i, "responsible": responsible_of(a)},
            a.text,
        )
        for i, a in enumerate(actions, 1)
    ]
    context["form"] = form
    context["rows"] = [(*title, *pair) for title, pair in zip(titles, form.pairs(), strict=True)]
    return render(request, "sip/plan_evaluate.html", context, status=status)
