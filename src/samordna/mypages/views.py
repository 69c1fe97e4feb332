"""The individual's own pages (issue 15 item 2): plain Swedish, mobile first.

Every view is behind ``individual_required`` and reaches data only through
``mypages.services`` from ``request.subject``: an id in a URL is looked up within the subject's
own SIP, so another person's id is not found (404), and every read is logged as the individual.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samordna.documents import ics
from samordna.errors import ServiceError
from samordna.mypages import services
from samordna.mypages.forms import CommentForm, DeclineForm, PrepareForm, WithdrawForm
from samordna.mypages.session import IndividualRequest, individual_required
from samordna.sip.views.home_care_section import plan_decisions
from samordna.sip.views.plan_section import layout
from samordna.validation import Form


def _errors(form: Form) -> str:
    return " ".join(str(e) for errs in form.errors.values() for e in errs)


def _base(request: IndividualRequest, **extra: Any) -> dict[str, Any]:
    subject = request.subject
    case = services.current_case(subject)
    return {
        "subject": subject,
        "person": subject.person,
        "case": case,
        "coordinator": services.coordinator(case) if case is not None else None,
        **extra,
    }


@never_cache
@require_GET
@individual_required
def home(request: IndividualRequest) -> HttpResponse:
    context = _base(request)
    case = context["case"]
    if case is not None:
        services.log(request.subject, "mypages.home")
        context["meetings"] = services.upcoming_meetings(case)[:1]
        context["plans"] = services.documented_plans(case)
    return render(request, "mypages/home.html", context)


@never_cache
@require_GET
@individual_required
def plan(request: IndividualRequest, number: int | None = None) -> HttpResponse:
    context = _base(request)
    if context["case"] is None:
        return render(request, "mypages/nothing.html", context)
    case, shown = services.plan(request.subject, number)
    context["plan"] = shown
    context["versions"] = services.documented_plans(case)
    if shown is not None:
        context["blocks"] = layout(shown)
        # ORG-6, SIP-24: the self-care plans and the home health care decision, in plain words.
        context.update(plan_decisions(case, shown, list(shown.actions.all())))
        context["mine"] = services.my_actions(shown)
        context["in_force"] = context["versions"][0].pk == shown.pk
        context["may_comment"] = context["in_force"] and services.may_comment(shown)
        context["comment_form"] = CommentForm()
    return render(request, "mypages/plan.html", context)


@never_cache
@require_GET
@individual_required
def meetings(request: IndividualRequest) -> HttpResponse:
    context = _base(request)
    case = context["case"]
    if case is None:
        return render(request, "mypages/nothing.html", context)
    services.log(request.subject, "mypages.meetings.read")
    found = services.upcoming_meetings(case)
    replies = services.replies(request.subject, found)
    preparations = services.preparations(request.subject, found)
    context["meetings"] = [
        {"meeting": m, "reply": replies.get(m.pk), "preparation": preparations.get(m.pk)}
        for m in found
    ]
    context["decline_form"] = DeclineForm()
    return render(request, "mypages/meetings.html", context)


@never_cache
@require_GET
@individual_required
def meeting_calendar(request: IndividualRequest, meeting_pk: int) -> HttpResponse:
    case, found = services.meeting(request.subject, meeting_pk, "mypages.meeting_calendar.read")
    content = ics.calendar(found, case.owner_unit.principal.county.code, case.owner_unit.name)
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mote-{found.pk}.ics"'
    return response


@never_cache
@require_POST
@individual_required
def decline(request: IndividualRequest, meeting_pk: int) -> HttpResponse:
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return HttpResponseRedirect(reverse("mypages:meetings"))
    try:
        if request.POST.get("undo"):
            services.undo_decline(request.subject, meeting_pk)
            messages.success(request, _("We have noted that you can come after all."))
        else:
            services.decline(request.subject, meeting_pk, form.cleaned_data["reason"])
            messages.success(
                request, _("Your coordinator can now see that you cannot come at that time.")
            )
    except ServiceError as error:
        if error.status == 404:
            raise
        messages.error(request, error.message)
    return HttpResponseRedirect(reverse("mypages:meetings"))


@never_cache
@require_http_methods(["GET", "POST"])
@individual_required
def prepare(request: IndividualRequest, meeting_pk: int) -> HttpResponse:
    _case, found = services.meeting(request.subject, meeting_pk, "mypages.prepare.read")
    existing = services.preparations(request.subject, [found]).get(found.pk)
    status = 200
    if request.method == "POST":
        form = PrepareForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.prepare(
                    request.subject,
                    found.pk,
                    data["what_matters"],
                    data["questions"],
                    data["version"],
                )
            except ServiceError as error:
                if error.status == 404:
                    raise
                form.add_error(error.field if error.field in form.fields else None, error.message)
                status = error.status
            else:
                messages.success(request, _("Saved. Your coordinator sees it before the meeting."))
                return HttpResponseRedirect(reverse("mypages:meetings"))
        else:
            status = 400
    else:
        initial = (
            {
                "what_matters": existing.what_matters,
                "questions": existing.questions,
                "version": existing.version,
            }
            if existing
            else {}
        )
        form = PrepareForm(initial=initial)
    context = _base(request, meeting=found, form=form)
    return render(request, "mypages/prepare.html", context, status=status)


@never_cache
@require_POST
@individual_required
def comment(request: IndividualRequest, number: int) -> HttpResponse:
    form = CommentForm(request.POST)
    target = reverse("mypages:plan")
    if not form.is_valid():
        messages.error(request, _errors(form))
        return HttpResponseRedirect(target)
    try:
        services.comment(
            request.subject, number, form.cleaned_data["action"], form.cleaned_data["text"]
        )
    except ServiceError as error:
        if error.status == 404:
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your comment is saved. It is read at the follow-up."))
    return HttpResponseRedirect(target)


@never_cache
@require_GET
@individual_required
def consents(request: IndividualRequest) -> HttpResponse:
    context = _base(request)
    case = context["case"]
    if case is None:
        return render(request, "mypages/nothing.html", context)
    services.log(request.subject, "mypages.consents.read")
    context["consents"] = services.consents(case)
    context["withdrawal"] = services.open_withdrawal(case)
    context["withdraw_form"] = WithdrawForm()
    return render(request, "mypages/consents.html", context)


@never_cache
@require_POST
@individual_required
def withdraw(request: IndividualRequest) -> HttpResponse:
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return HttpResponseRedirect(reverse("mypages:consents"))
    try:
        services.request_withdrawal(
            request.subject, form.cleaned_data["consent"], form.cleaned_data["reason"]
        )
    except ServiceError as error:
        if error.status == 404:
            raise
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "Your coordinator has got your request and will contact you. The consent is "
                "still in force until then."
            ),
        )
    return HttpResponseRedirect(reverse("mypages:consents"))
