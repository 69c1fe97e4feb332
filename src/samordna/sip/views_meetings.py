"""Needs assessment, invitations, answers and meeting records (SIP-5, SIP-6, SIP-8).

Thin views: parse a form, call one act of ``sip.meetings``, redirect; on bad input show the same
page again with the errors and the act's status (400, 403 or 409), nothing changed (SEC-4).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from samordna.accounts.actor import Actor, UnitRequest
from samordna.accounts.decorators import unit_required
from samordna.cases.models import Case, Delivery
from samordna.deviations.models import Deviation
from samordna.errors import ServiceError
from samordna.organisations.models import Unit
from samordna.sip import meetings, services
from samordna.sip.forms_meetings import (
    AckForm,
    AnswerForm,
    AssessmentForm,
    CancelForm,
    ChangeForm,
    ExternalFormSet,
    ForwardForm,
    InvitationForm,
    RecordForm,
    externals,
)
from samordna.sip.models import LifeArea, Meeting, Participant
from samordna.sip.views import case_context, county_units

# What the case page shows ------------------------------------------------------------------------


@dataclass
class MeetingRow:
    """One meeting on the case page with the forms the actor's unit may use on it."""

    meeting: Meeting
    participants: list[Participant]
    own: Delivery | None = None
    ack_form: forms.Form | None = None
    answer_form: AnswerForm | None = None
    forward_form: ForwardForm | None = None
    change_form: ChangeForm | None = None
    cancel_form: CancelForm | None = None
    record_form: RecordForm | None = None

    @property
    def warning(self) -> bool:
        return meetings.lacks_professional_with_individual(self.meeting)


@dataclass
class DeliveryRow:
    """One invitation in a unit's list, with the forms to answer or forward it."""

    delivery: Delivery
    answer_form: AnswerForm
    forward_form: ForwardForm
    ack_form: forms.Form | None = None


def _forward_units(actor: Actor) -> list[tuple[int, str]]:
    """Connected units of the county a wrongly addressed invitation can go to (one query)."""
    return list(
        Unit.objects.filter(
            principal__county=actor.unit.principal.county_id, active=True, connected=True
        )
        .exclude(pk=actor.unit.pk)
        .order_by("name")
        .values_list("pk", "name")
    )


def _delivery_forms(
    d: Delivery, owner_unit_id: int, units: list[tuple[int, str]]
) -> tuple[AnswerForm, ForwardForm]:
    prefix = f"d{d.pk}"
    return (
        AnswerForm(prefix=prefix, initial={"answer": d.answer or None, "reason": d.answer_reason}),
        ForwardForm(prefix=prefix, units=[u for u in units if u[0] != owner_unit_id]),
    )


# The coordinator's unit first, then the other units, the individual and the people around them.
PARTICIPANT_ORDER: list[str] = [
    Participant.Kind.UNIT,
    Participant.Kind.INDIVIDUAL,
    Participant.Kind.RELATIVE,
    Participant.Kind.REPRESENTATIVE,
    Participant.Kind.EXTERNAL,
]


def _in_order(participants: Iterable[Participant], case: Case) -> list[Participant]:
    return sorted(
        participants,
        key=lambda p: (p.unit_id != case.owner_unit_id, PARTICIPANT_ORDER.index(p.kind), p.pk),
    )


def _meeting_row(
    meeting: Meeting, case: Case, actor: Actor, units: list[tuple[int, str]], now: dt.datetime
) -> MeetingRow:
    participants = _in_order(meeting.participants.all(), case)
    row = MeetingRow(meeting, participants)
    if not case.is_active:
        return row
    row.own = next(
        (
            p.delivery
            for p in participants
            if p.delivery is not None
            and p.delivery.unit_id == actor.unit.pk
            and p.delivery.forwarded_to_id is None
        ),
        None,
    )
    if row.own is not None:
        row.answer_form, row.forward_form = _delivery_forms(row.own, case.owner_unit_id, units)
    if case.owner_unit_id != actor.unit.pk or meeting.cancelled_at is not None:
        return row
    prefix = f"m{meeting.pk}"
    if not meeting.held and meeting.starts_at > now:
        row.change_form = ChangeForm.for_meeting(meeting, prefix)
        row.cancel_form = CancelForm(prefix=prefix, initial={"version": meeting.version})
    if meeting.starts_at <= now:
        row.record_form = RecordForm(
            prefix=prefix, meeting=meeting, participants=_in_order(meetings.expected(meeting), case)
        )
    return row


def _assessment(case: Case) -> list[tuple[Any, list[Any]]]:
    """The areas with content, in the standard order, each with its signed entries."""
    entries: dict[str, list[Any]] = {}
    for entry in case.assessment.select_related("author", "unit"):
        entries.setdefault(entry.area, []).append(entry)
    return [(area.label, entries[area.value]) for area in LifeArea if area.value in entries]


def meetings_context(request: UnitRequest, case: Case) -> dict[str, Any]:
    """The case page's assessment and meetings section."""
    actor = request.actor
    now = timezone.now()
    units = _forward_units(actor)
    rows = [_meeting_row(m, case, actor, units, now) for m in meetings.meetings_of(case)]
    coordinator = case.is_active and case.owner_unit_id == actor.unit.pk
    return {
        "meetings_section": "sip/_meetings.html",
        "now": now,
        "assessment": _assessment(case),
        "assessment_open": meetings.assessment_open(case),
        "assessment_form": AssessmentForm(),
        "meeting_rows": rows,
        "invitation_form": (
            InvitationForm(case=case, units=county_units(actor)) if coordinator else None
        ),
        "external_formset": ExternalFormSet(prefix="external"),
        "deviation_suggestions": case.deviations.filter(
            reporting_unit=actor.unit, status=Deviation.Status.SUGGESTED
        ).select_related("concerned_unit"),
    }


# Running acts ------------------------------------------------------------------------------------


# The acts' field names where the forms split or name them differently.
FORM_FIELDS = {"starts_at": "date", "ends_at": "ends"}


def _run(form: forms.Form, act: Callable[[], Any]) -> int:
    """Run the act if the form is valid; the status to answer with (0: done). A 404 stays one.

    An error for a single checkbox is shown above the form: the field partial shows none there.
    """
    if not form.is_valid():
        return 400
    try:
        act()
    except ServiceError as error:
        if error.status == 404:
            raise
        field = FORM_FIELDS.get(error.field or "", error.field)
        field = field if field in form.fields else None
        if field and form[field].widget_type == "checkbox":
            field = None
        form.add_error(field, error.message)
        return error.status
    return 0


def _case_page(
    request: UnitRequest, pk: int, status: int, place: Callable[[dict[str, Any]], None]
) -> HttpResponse:
    context = case_context(request, services.get(request.actor, pk))
    place(context)
    return render(request, "sip/case.html", context, status=status)


def _on_meeting(meeting_pk: int, name: str, form: forms.Form) -> Callable[[dict[str, Any]], None]:
    """Puts a form with its errors back on its meeting's row of the case page."""

    def place(context: dict[str, Any]) -> None:
        for row in context["meeting_rows"]:
            if row.meeting.pk == meeting_pk:
                setattr(row, name, form)

    return place


def _to_meeting(pk: int, meeting_pk: int) -> HttpResponse:
    return redirect(reverse("sip:case", args=[pk]) + f"#meeting-{meeting_pk}")


@unit_required()
@require_POST
def assessment(request: UnitRequest, pk: int) -> HttpResponse:
    form = AssessmentForm(request.POST)
    status = _run(
        form,
        lambda: meetings.add_assessment(
            request.actor, pk, form.cleaned_data["area"], form.cleaned_data["text"]
        ),
    )
    if not status:
        messages.success(request, _("Your contribution to the assessment is saved."))
        return redirect(reverse("sip:case", args=[pk]) + "#assessment-h")
    return _case_page(request, pk, status, lambda c: c.update(assessment_form=form))


@unit_required()
@require_POST
def invite(request: UnitRequest, pk: int) -> HttpResponse:
    case = services.get(request.actor, pk)
    form = InvitationForm(request.POST, case=case, units=county_units(request.actor))
    formset = ExternalFormSet(request.POST, prefix="external")
    sent: list[Meeting] = []

    def act() -> None:
        sent.append(
            meetings.send_invitation(
                request.actor,
                pk,
                form.details(),
                form.invitees(externals(formset)),
                form.cleaned_data["consent_confirmed"],
                form.cleaned_data["occurred_at"],
            )
        )

    status = _run(form, act) if formset.is_valid() else 400
    if not status:
        messages.success(request, _("The invitation is sent."))
        return _to_meeting(pk, sent[0].pk)
    return _case_page(
        request,
        pk,
        status,
        lambda c: c.update(invitation_form=form, external_formset=formset),
    )


@unit_required()
@require_POST
def change(request: UnitRequest, pk: int, meeting_pk: int) -> HttpResponse:
    form = ChangeForm(request.POST, prefix=f"m{meeting_pk}")
    status = _run(
        form,
        lambda: meetings.change_invitation(
            request.actor, pk, meeting_pk, form.cleaned_data["version"], form.details()
        ),
    )
    if not status:
        messages.success(request, _("The invitation is changed; the recipients are told."))
        return _to_meeting(pk, meeting_pk)
    return _case_page(request, pk, status, _on_meeting(meeting_pk, "change_form", form))


@unit_required()
@require_POST
def cancel(request: UnitRequest, pk: int, meeting_pk: int) -> HttpResponse:
    form = CancelForm(request.POST, prefix=f"m{meeting_pk}")
    status = _run(
        form,
        lambda: meetings.cancel_invitation(
            request.actor, pk, meeting_pk, form.cleaned_data["version"], form.cleaned_data["reason"]
        ),
    )
    if not status:
        messages.success(request, _("The meeting is cancelled; the recipients are told."))
        return _to_meeting(pk, meeting_pk)
    return _case_page(request, pk, status, _on_meeting(meeting_pk, "cancel_form", form))


# Seed 000_106b8acbeb42519c.txt line 212: a warning, never a refusal (SIP-8).
NO_PROFESSIONAL_WARNING = gettext_lazy(
    "The meeting was digital and no professional from the region or municipality was with the "
    "individual in person. The routine says at least one should be."
)


@unit_required()
@require_POST
def record_meeting(request: UnitRequest, pk: int, meeting_pk: int) -> HttpResponse:
    case = services.get(request.actor, pk)
    meeting = meetings.meetings_of(case).filter(pk=meeting_pk).first()
    if meeting is None:
        raise Http404
    form = RecordForm(
        request.POST,
        prefix=f"m{meeting_pk}",
        meeting=meeting,
        participants=_in_order(meetings.expected(meeting), case),
    )
    recorded: list[Meeting] = []

    def act() -> None:
        recorded.append(
            meetings.record_meeting(
                request.actor,
                pk,
                meeting_pk,
                form.cleaned_data["version"],
                form.attendance(),
                form.cleaned_data["chair"],
                form.cleaned_data["documenter"],
                form.cleaned_data.get("professional_with_individual", False),
            )
        )

    status = _run(form, act)
    if not status:
        messages.success(request, _("The meeting is recorded."))
        if meetings.lacks_professional_with_individual(recorded[0]):
            messages.warning(request, str(NO_PROFESSIONAL_WARNING))
        return _to_meeting(pk, meeting_pk)
    return _case_page(request, pk, status, _on_meeting(meeting_pk, "record_form", form))


# The recipients ----------------------------------------------------------------------------------


def _render_invitations(
    request: UnitRequest, status: int = 200, bound: tuple[int, str, forms.Form] | None = None
) -> HttpResponse:
    """The unit's invitation list; ``bound`` puts a form with errors back on its row."""
    page = meetings.invitations_page(request.actor, request.GET.get("page"))
    units = _forward_units(request.actor)
    rows = []
    for d in page:
        answer_form, forward_form = _delivery_forms(d, d.notice.case.owner_unit_id, units)
        row = DeliveryRow(d, answer_form, forward_form)
        if bound is not None and bound[0] == d.pk:
            setattr(row, bound[1], bound[2])
        rows.append(row)
    return render(
        request,
        "sip/invitations.html",
        {"page": page, "rows": rows, "now": timezone.now()},
        status=status,
    )


@unit_required()
def invitations(request: UnitRequest) -> HttpResponse:
    return _render_invitations(request)


def _delivery_act(
    request: UnitRequest,
    delivery_pk: int,
    form: forms.Form,
    form_name: str,
    act: Callable[[], Any],
    done: str,
) -> HttpResponse:
    """Acts on the unit's own invitation, from its list or from the case page (``back``)."""
    status = _run(form, act)
    from_case = request.POST.get("back") == "case"
    case_pk = (
        Delivery.objects.filter(pk=delivery_pk).values_list("notice__case_id", flat=True).first()
    )
    if not status:
        messages.success(request, done)
        if from_case and case_pk is not None:
            return redirect(reverse("sip:case", args=[case_pk]) + "#meetings-h")
        return redirect("sip:invitations")
    if from_case and case_pk is not None:

        def place(context: dict[str, Any]) -> None:
            for row in context["meeting_rows"]:
                if row.own is not None and row.own.pk == delivery_pk:
                    setattr(row, form_name, form)

        return _case_page(request, case_pk, status, place)
    return _render_invitations(request, status, (delivery_pk, form_name, form))


@unit_required()
@require_POST
def ack(request: UnitRequest, delivery_pk: int) -> HttpResponse:
    form = AckForm(request.POST)
    return _delivery_act(
        request,
        delivery_pk,
        form,
        "ack_form",
        lambda: meetings.acknowledge(request.actor, delivery_pk),
        _("The invitation is acknowledged."),
    )


@unit_required()
@require_POST
def answer(request: UnitRequest, delivery_pk: int) -> HttpResponse:
    form = AnswerForm(request.POST, prefix=f"d{delivery_pk}")
    return _delivery_act(
        request,
        delivery_pk,
        form,
        "answer_form",
        lambda: meetings.answer(
            request.actor, delivery_pk, form.cleaned_data["answer"], form.cleaned_data["reason"]
        ),
        _("Your answer is sent to the coordinator."),
    )


@unit_required()
@require_POST
def forward(request: UnitRequest, delivery_pk: int) -> HttpResponse:
    form = ForwardForm(request.POST, prefix=f"d{delivery_pk}", units=_forward_units(request.actor))
    return _delivery_act(
        request,
        delivery_pk,
        form,
        "forward_form",
        lambda: meetings.forward(request.actor, delivery_pk, form.cleaned_data["unit"]),
        _("The invitation is forwarded."),
    )


urlpatterns: list[URLPattern] = [
    path("<int:pk>/assessment/", assessment, name="assessment"),
    path("<int:pk>/invite/", invite, name="invite"),
    path("<int:pk>/meetings/<int:meeting_pk>/change/", change, name="change-invitation"),
    path("<int:pk>/meetings/<int:meeting_pk>/cancel/", cancel, name="cancel-invitation"),
    path("<int:pk>/meetings/<int:meeting_pk>/record/", record_meeting, name="record-meeting"),
    path("invitations/", invitations, name="invitations"),
    path("invitations/<int:delivery_pk>/ack/", ack, name="ack"),
    path("invitations/<int:delivery_pk>/answer/", answer, name="answer"),
    path("invitations/<int:delivery_pk>/forward/", forward, name="forward"),
]
