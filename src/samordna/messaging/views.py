"""Message screens (MSG-1 to MSG-3). Thin: each POST runs one act of ``messaging.services``; on
bad input the same page is shown again with the errors and the act's status, nothing changed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages as flash
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from samordna.accounts.actor import Actor, UnitRequest
from samordna.accounts.decorators import unit_required
from samordna.cases.models import Case, Delivery
from samordna.cases.views import run_act
from samordna.discharge.services.notices import recipient_choices
from samordna.errors import ServiceError
from samordna.messaging import content
from samordna.messaging.forms import ComposeForm, ForwardForm, ReplyForm
from samordna.messaging.models import Message, Template
from samordna.messaging.services import reading as message_reading
from samordna.messaging.services import sending as message_sending
from samordna.organisations.models import Principal
from samordna.people import services as people


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def case_url(case: Case) -> str | None:
    """The page of the case a message belongs to; a message case has only its threads."""
    if case.kind == Case.Kind.SIP:
        return reverse("sip:case", args=[case.pk])
    if case.kind == Case.Kind.DISCHARGE:
        return reverse("discharge:stay", args=[case.pk])
    return None


@unit_required()
@require_http_methods(["GET", "POST"])
def compose(request: UnitRequest) -> HttpResponse:
    """From a stay or SIP page (``case``), an individual (``person``) or an identity number."""
    actor = request.actor
    case_pk, person_pk = _int(request.GET.get("case")), _int(request.GET.get("person"))
    if case_pk is None and person_pk is None:
        try:
            found = people.lookup(actor, request.GET.get("identity_number", ""))
        except ServiceError as error:  # no number, or not a valid one
            flash.error(request, error.message)
            return redirect("messaging:inbox")
        if found.person is None or not found.visible:
            flash.error(
                request,
                _(
                    "Your unit can write only about individuals it has registered or takes part "
                    "in a case of."
                ),
            )
            return redirect("messaging:inbox")
        person_pk = found.person.pk
    where = message_sending.target(actor, case_pk, person_pk)
    template = request.GET.get("template", Template.GENERAL)
    if template not in Template.values:
        template = Template.GENERAL
    data = request.POST if request.method == "POST" else None
    form = ComposeForm(
        data,
        choices=recipient_choices(actor),
        new_case=where.case is None,
        general=template == Template.GENERAL,
        initial={"ack_units": _proposed(where.case, actor.unit.pk)},
    )
    fields_form = content.form_for(template, data, prefix="t")
    status = 200
    if data is not None:
        status = 400
        fields_ok = fields_form is None or fields_form.is_valid()
        if form.is_valid() and fields_ok:
            try:
                message = message_sending.send(
                    actor,
                    form.recipients(),
                    case_pk=where.case.pk if where.case else None,
                    person_pk=where.person.pk,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    template=template,
                    fields=_raw(fields_form),
                    consent_confirmed=form.cleaned_data.get("consent_confirmed", False),
                )
            except ServiceError as error:
                status = error.status
                _add_error(error, form, fields_form)
            else:
                flash.success(request, _("The message is sent."))
                if content.suggests_home_care(message.template, message.fields):
                    flash.warning(request, str(content.HOME_CARE_SUGGESTION))
                return redirect("messaging:message", message.pk)
    return render(
        request,
        "messaging/compose.html",
        {
            "form": form,
            "fields_form": fields_form,
            "target": where,
            "template": template,
            "template_label": Template(template).label,
            "templates": _templates(actor),
            "action": request.path
            + "?"
            + urlencode({"case": case_pk} if case_pk else {"person": where.person.pk})
            + "&template="
            + template,
        },
        status=status,
    )


def _templates(actor: Actor) -> list[tuple[str, Any]]:
    """The templates the unit may use: the request for a SIP is the municipality's (SIP-20)."""
    municipal = actor.unit.principal.kind == Principal.Kind.MUNICIPALITY
    return [
        (value, label)
        for value, label in Template.choices
        if value != Template.SIP_REQUEST or municipal
    ]


def _proposed(case: Case | None, own_unit_pk: int) -> list[int]:
    """Within a stay or a SIP, the other units taking part are proposed as recipients."""
    if case is None:
        return []
    return list(
        case.participations.filter(until__isnull=True)
        .exclude(unit_id=own_unit_pk)
        .values_list("unit_id", flat=True)
    )


def _raw(form: forms.Form | None) -> dict[str, Any]:
    """The template's fields as typed, for the service to validate again (as from the API)."""
    if form is None:
        return {}
    return {name: form.data.get(form.add_prefix(name), "") for name in form.fields}


def _add_error(error: ServiceError, form: forms.Form, fields_form: forms.Form | None) -> None:
    if fields_form is not None and error.field in fields_form.fields:
        fields_form.add_error(error.field, error.message)
    elif error.field in form.fields:
        form.add_error(error.field, error.message)
    elif error.field in ("recipients",):
        form.add_error("ack_units", error.message)
    else:
        form.add_error(None, error.message)


# The thread --------------------------------------------------------------------------------------


@dataclass
class Row:
    """One message of a thread with what the actor's unit may do with it."""

    message: Message
    fields: list[tuple[str, str]]
    deliveries: list[tuple[Delivery, str]]
    suggests_home_care: bool
    suggests_sip: bool
    own: Delivery | None = None
    forward_form: ForwardForm | None = None


def render_thread(
    request: UnitRequest,
    pk: int,
    status: int = 200,
    reply_form: ReplyForm | None = None,
    forward_form: tuple[int, ForwardForm] | None = None,
) -> HttpResponse:
    actor = request.actor
    found = message_reading.thread(actor, pk)
    now = timezone.now()
    units = [(u.pk, u.name) for u in recipient_choices(actor)]
    rows = []
    for m in found.messages:
        row = Row(
            m,
            content.rows(m.template, m.fields),
            [(d, message_reading.status(d, now)) for d in m.notice.deliveries.all()],
            content.suggests_home_care(m.template, m.fields),
            content.suggests_sip(m.template, m.fields),
        )
        own = message_reading.own_delivery(actor, m)
        row.own = own if own is not None and own.forwarded_to_id is None else None
        if row.own is not None and found.case.is_active:
            bound = forward_form if forward_form and forward_form[0] == row.own.pk else None
            row.forward_form = (
                bound[1]
                if bound
                else ForwardForm(
                    prefix=f"f{row.own.pk}",
                    units=[u for u in units if u[0] != m.notice.sender_unit_id],
                )
            )
        rows.append(row)
    answered = message_reading.reply_to(actor, found.messages) if found.case.is_active else None
    return render(
        request,
        "messaging/thread.html",
        {
            "thread": found,
            "case": found.case,
            "person": found.case.person,
            "case_url": case_url(found.case),
            "rows": rows,
            "answered": answered,
            "reply_form": reply_form or (ReplyForm(prefix="reply") if answered else None),
            "home_care_suggestion": content.HOME_CARE_SUGGESTION,
            "sip_suggestion": content.SIP_SUGGESTION,
            "sip_request_suggestion": content.sip_suggestion(Template.SIP_REQUEST),
        },
        status=status,
    )


@unit_required()
def message(request: UnitRequest, pk: int) -> HttpResponse:
    return render_thread(request, pk)


@unit_required()
@require_POST
def reply(request: UnitRequest, pk: int) -> HttpResponse:
    form = ReplyForm(request.POST, prefix="reply")
    return run_act(
        request,
        form,
        lambda f: message_sending.reply(
            request.actor, pk, f.cleaned_data["body"], f.cleaned_data["mode"]
        ),
        _("The reply is sent."),
        reverse("messaging:message", args=[pk]) + "#reply-h",
        lambda status: render_thread(request, pk, status, reply_form=form),
    )


def _message_of(actor: Actor, delivery_pk: int) -> int:
    pk = message_sending.message_of(actor, delivery_pk)
    if pk is None:
        raise Http404
    return pk


@unit_required()
@require_POST
def acknowledge(request: UnitRequest, delivery_pk: int) -> HttpResponse:
    """From the thread or the message list (``back``); a refusal is shown as a message."""
    try:
        message_sending.acknowledge(request.actor, delivery_pk)
    except ServiceError as error:
        if error.status == 404:
            raise
        flash.error(request, error.message)
    else:
        flash.success(request, _("The message is acknowledged."))
    if request.POST.get("back") == "inbox":
        return redirect("messaging:inbox")
    pk = _message_of(request.actor, delivery_pk)
    return redirect(reverse("messaging:message", args=[pk]) + f"#m{pk}")


@unit_required()
@require_POST
def forward(request: UnitRequest, delivery_pk: int) -> HttpResponse:
    pk = _message_of(request.actor, delivery_pk)
    units = [(u.pk, u.name) for u in recipient_choices(request.actor)]
    form = ForwardForm(request.POST, prefix=f"f{delivery_pk}", units=units)
    return run_act(
        request,
        form,
        lambda f: message_sending.forward(
            request.actor, delivery_pk, f.cleaned_data["unit"], f.cleaned_data["note"]
        ),
        _("The message is forwarded."),
        reverse("messaging:message", args=[pk]),
        lambda status: render_thread(request, pk, status, forward_form=(delivery_pk, form)),
    )


@unit_required()
def inbox(request: UnitRequest) -> HttpResponse:
    """The unit's messages, received and sent: to acknowledge or unread first."""
    actor = request.actor
    page = message_reading.inbox_page(actor, request.GET.get("page"))
    now = timezone.now()
    rows = []
    for m in page:
        own = message_reading.own_delivery(actor, m)
        to = ", ".join(d.unit.name for d in m.notice.deliveries.all())
        rows.append((m, own, message_reading.status(own, now) if own else "sent", to))
    return render(request, "messaging/inbox.html", {"page": page, "rows": rows})
