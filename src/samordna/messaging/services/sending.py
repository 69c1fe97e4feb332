"""Acts on messages: send, reply, acknowledge, forward (MSG-1, MSG-2)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samordna.accounts.actor import Actor
from samordna.audit.models import AccessLog
from samordna.audit.services import log
from samordna.cases import services as cases
from samordna.cases.acts import act
from samordna.cases.models import Case, Delivery, Notice, Participation
from samordna.core import deadlines
from samordna.discharge.services.notices import recipient_choices
from samordna.errors import Conflict, Forbidden, NotFound, ServiceError
from samordna.messaging import content, sip_initiative
from samordna.messaging.models import Forwarding, Message, Template
from samordna.organisations.models import Unit
from samordna.people import services as people
from samordna.people.models import Person
from samordna.sip.services.consent import consent_in_force

MODES = tuple(Delivery.Mode.values)


def _not_found() -> NotFound:
    return NotFound(
        "not_found", _("The message was not found, or your unit does not take part in it.")
    )


@dataclass(frozen=True)
class Target:
    """The case a new message will belong to; ``case`` is None when sending opens a message
    case for the individual (then the sender confirms the individual's consent)."""

    person: Person
    case: Case | None


def _visible_case(actor: Actor, pk: int, what: str, lock: bool = False) -> Case:
    """The case of any kind, through the choke point (one query, the read logged)."""
    return cases.get_case(actor, pk, None, what, lock=lock)


def target(
    actor: Actor,
    case_pk: int | None = None,
    person_pk: int | None = None,
    what: str = "message.compose.read",
) -> Target:
    """Within a stay or a SIP, its case. About an individual otherwise: the individual's active
    SIP when the unit takes part in it, or a new message case (MSG-1, seed 003 lines 86-87,
    104, 126 and 144: "meddelande utanför vårdtillfälle")."""
    if case_pk is not None:
        case = _visible_case(actor, case_pk, what)
        return Target(case.person, case)
    if person_pk is None:
        raise ServiceError("required", _("Choose the individual or the case."), "person")
    person = people.get_visible(actor, person_pk, what)
    sip = (
        Case.objects.visible_to(actor)
        .active()
        .filter(person=person, kind=Case.Kind.SIP)
        .select_related("person", "owner_unit")
        .first()
    )
    return Target(person, sip)


def _check_case(case: Case, units: list[Unit]) -> None:
    """What the case's own consent allows. A stay without consent to information transfer
    sends only the admission and discharge notices (seed 001_118551e475ece215.txt lines
    656-657). In a SIP every recipient must see the case (SEC-1): the coordinator's unit, or a
    unit the consent in force covers (CON-1; ``ParticipationQuerySet.covered``), whether it
    takes part already or not: a unit the consent does not cover would get a message it
    cannot read."""
    cases.require_active(case)
    if case.kind == Case.Kind.DISCHARGE and not case.stay.consent_to_transfer:
        raise ServiceError(
            "no_consent",
            _(
                "The patient has not consented to information transfer: only the admission and "
                "discharge notices may be sent about this stay."
            ),
        )
    if case.kind != Case.Kind.SIP:
        return
    new = [u for u in units if u.pk != case.owner_unit_id]
    if not new:
        return
    consent = consent_in_force(case)
    allowed = {u.pk for u in consent.units.all()} if consent else set()
    outside = sorted(u.name for u in new if consent is None or (allowed and u.pk not in allowed))
    if outside:
        raise ServiceError(
            "outside_consent",
            _(
                "The individual's consent in the SIP does not cover %(units)s. Write only to "
                "units that take part or that the consent names."
            )
            % {"units": ", ".join(outside)},
            "recipients",
        )


def _check_recipients(actor: Actor, recipients: list[tuple[Unit, str]]) -> list[tuple[Unit, str]]:
    """MSG-2: each recipient is a connected unit of the county, once, to acknowledge or for
    information (seed 004_2b6a4bde1435f963.txt lines 50-52)."""
    if not recipients:
        raise ServiceError("no_recipients", _("Choose at least one recipient."), "recipients")
    allowed = set(recipient_choices(actor).values_list("pk", flat=True))
    seen: set[int] = set()
    for unit, mode in recipients:
        if unit.pk not in allowed:
            raise ServiceError(
                "invalid_recipient",
                _("Recipients must be connected units of the county, not your own."),
                "recipients",
            )
        if mode not in MODES:
            raise ServiceError(
                "invalid_mode",
                _("Choose to acknowledge or for information for each recipient."),
                "recipients",
            )
        if unit.pk in seen:
            raise ServiceError(
                "duplicate_recipient",
                _("%(unit)s is chosen twice. Choose each recipient once.") % {"unit": unit.name},
                "recipients",
            )
        seen.add(unit.pk)
    return sorted(recipients, key=lambda r: r[0].name)


def _deliver(case: Case, notice: Notice, unit: Unit, mode: str) -> Delivery:
    """A delivery "to acknowledge" is due at the county's next reading time, like every notice
    (SVU-8); one "for information" has no due time. The unit takes part in the case."""
    due = None
    if mode == Delivery.Mode.ACK:
        due = deadlines.acknowledgement_due(
            notice.sent_at, case.owner_unit.principal.county.rule_set
        )
    cases.take_part(case, unit, Participation.Role.RECIPIENT)
    return Delivery.objects.create(notice=notice, unit=unit, mode=mode, due_at=due)


def _create(
    actor: Actor,
    case: Case,
    recipients: list[tuple[Unit, str]],
    subject: str,
    body: str,
    template: str = Template.GENERAL,
    fields: dict[str, Any] | None = None,
    in_reply_to: Message | None = None,
) -> Message:
    notice = Notice.objects.create(
        case=case,
        kind=Notice.Kind.MESSAGE,
        sender=actor.user,
        sender_unit=actor.unit,
        sent_at=timezone.now(),
        subject=subject,
    )
    message = Message.objects.create(
        notice=notice,
        thread_id=in_reply_to.thread_id if in_reply_to else notice.pk,
        in_reply_to=in_reply_to,
        template=template,
        fields=fields or {},
        body=body,
    )
    for unit, mode in recipients:
        _deliver(case, notice, unit, mode)
    return message


def _body(body: str, required: bool) -> str:
    body = (body or "").strip()
    if required and not body:
        raise ServiceError("required", _("Write the message."), "body")
    if len(body) > 10_000:
        raise ServiceError("too_long", _("The message is too long."), "body")
    return body


@act
def send(
    actor: Actor,
    recipients: list[tuple[Unit, str]],
    *,
    case_pk: int | None = None,
    person_pk: int | None = None,
    subject: str = "",
    body: str = "",
    template: str = Template.GENERAL,
    fields: dict[str, Any] | None = None,
    consent_confirmed: bool = False,
) -> Message:
    """MSG-1: a new message within a case, or about an individual (see ``target``). A message
    case is opened by the sender's unit when needed; it needs the individual's consent, as
    enrolment in home health care does (seed 003 line 102)."""
    clean_fields = content.clean(template, fields or {})
    body = _body(body, required=template == Template.GENERAL)
    subject = (subject or "").strip()[:200] or str(Template(template).label)
    chosen = _check_recipients(actor, recipients)
    sip_initiative.check(actor, template, chosen)
    where = target(actor, case_pk, person_pk, "message.send")
    case = where.case
    if case is None:
        if where.person.deceased_on:
            raise ServiceError("deceased", _("The individual is registered as deceased."))
        if not consent_confirmed:
            raise ServiceError(
                "consent_not_confirmed",
                _("Confirm that the individual consents to the recipients getting the message."),
                "consent_confirmed",
            )
        case = Case.objects.create(
            person=where.person, kind=Case.Kind.CONTACT, owner_unit=actor.unit, opened_by=actor.user
        )
        Participation.objects.create(case=case, unit=actor.unit, role=Participation.Role.OWNER)
        cases.record(actor, case, "opened")
        log(actor, AccessLog.Action.CREATE, "message.open_case", case.person)
    else:
        _check_case(case, [unit for unit, _mode in chosen])
    message = _create(actor, case, chosen, subject, body, template, clean_fields)
    cases.record(
        actor, case, "message_sent", {"message": message.pk, "units": [u.pk for u, _m in chosen]}
    )
    return message


def _is_party(unit: Unit, thread_id: int) -> bool:
    return (
        Message.objects.filter(thread_id=thread_id)
        .filter(Q(notice__sender_unit=unit) | Q(notice__deliveries__unit=unit))
        .exists()
    )


def _message(actor: Actor, pk: int, what: str) -> tuple[Case, Message]:
    """A message of a thread the actor's unit is party to, its case read through the choke
    point (which logs the read). The case is asked once, by ``get_case``: a message whose case
    the unit may not read is not found, as one of a thread it is not party to."""
    message = (
        Message.objects.select_related("notice__sender_unit")
        .annotate(case_kind=F("notice__case__kind"))
        .filter(pk=pk)
        .first()
    )
    if message is None or not _is_party(actor.unit, message.thread_id):
        raise _not_found()
    try:
        case = cases.get_case(actor, message.notice.case_id, message.case_kind, what)
    except NotFound as error:
        raise _not_found() from error
    return case, message


@act
def reply(actor: Actor, message_pk: int, body: str, mode: str = Delivery.Mode.ACK) -> Message:
    """A reply goes to the other party of the message answered: to its sender, or, when the
    sender's unit writes again, to its recipients (those that forwarded it excepted). Replying
    acknowledges the unit's own delivery of that message, as answering an invitation does."""
    case, message = _message(actor, message_pk, "message.reply")
    notice = message.notice
    if notice.sender_unit_id == actor.unit.pk:
        units = [
            d.unit
            for d in notice.deliveries.filter(forwarded_to__isnull=True).select_related("unit")
        ]
    elif notice.deliveries.filter(unit=actor.unit).exists():
        units = [notice.sender_unit]
    else:
        raise Forbidden(
            "not_your_message",
            _("Reply to a message your unit sent or received; this one was not sent to you."),
        )
    units = [u for u in units if u.pk != actor.unit.pk]
    if not units:
        raise ServiceError("no_recipients", _("The message has no one to reply to."))
    _check_case(case, units)  # e.g. consent to information transfer withdrawn since
    if mode not in MODES:
        raise ServiceError("invalid_mode", _("Choose to acknowledge or for information."), "mode")
    body = _body(body, required=True)
    now = timezone.now()
    notice.deliveries.filter(unit=actor.unit, acknowledged_at__isnull=True).update(
        acknowledged_at=now, acknowledged_by=actor.user
    )
    answer = _create(
        actor,
        case,
        [(u, mode) for u in units],
        notice.subject,
        body,
        in_reply_to=message,
    )
    cases.record(actor, case, "message_replied", {"message": answer.pk, "reply_to": message.pk})
    return answer


def message_of(actor: Actor, delivery_pk: int) -> int | None:
    """The message a delivery belongs to, found only in a case the actor's unit takes part in
    (SEC-1): for a unit outside it, None, and nothing is learnt of the delivery."""
    found: int | None = (
        Delivery.objects.filter(
            pk=delivery_pk,
            notice__kind=Notice.Kind.MESSAGE,
            notice__case__in=Case.objects.visible_to(actor),
        )
        .values_list("notice_id", flat=True)
        .first()
    )
    return found


def _own_delivery(actor: Actor, delivery_pk: int, what: str) -> tuple[Case, Delivery]:
    """The actor's unit's delivery of a message, locked. A unit outside the thread gets
    NotFound; another party of it gets Forbidden."""
    message_pk = message_of(actor, delivery_pk)
    if message_pk is None:
        raise _not_found()
    case = _message(actor, message_pk, what)[0]
    delivery = (
        Delivery.objects.select_for_update(of=("self",))
        .select_related("notice", "acknowledged_by")
        .get(pk=delivery_pk)
    )
    if delivery.unit_id != actor.unit.pk:
        raise Forbidden("not_your_message", _("Only the unit the message was sent to can do this."))
    if delivery.forwarded_to_id is not None:
        raise ServiceError("forwarded", _("Your unit has forwarded this message."))
    return case, delivery


@act
def acknowledge(actor: Actor, delivery_pk: int) -> Delivery:
    """MSG-2: "Kvitterar meddelande" records who and when (seed 004 line 64). A message for
    information needs none: opening it records that the unit has read it (``thread``).
    Allowed on a closed case, where the message may still be unread."""
    case, delivery = _own_delivery(actor, delivery_pk, "message.acknowledge")
    if delivery.mode == Delivery.Mode.FYI:
        raise ServiceError(
            "for_information",
            _("The message is for information only and needs no acknowledgement."),
        )
    if delivery.acknowledged_at is not None:
        raise ServiceError(
            "already_acknowledged",
            _("%(user)s already acknowledged the message at %(time)s.")
            % {
                "user": delivery.acknowledged_by,
                "time": f"{timezone.localtime(delivery.acknowledged_at):%Y-%m-%d %H:%M}",
            },
        )
    now = timezone.now()
    delivery.acknowledged_at = now
    delivery.acknowledged_by = actor.user
    delivery.save(update_fields=["acknowledged_at", "acknowledged_by"])
    late = delivery.due_at is not None and now >= delivery.due_at
    cases.record(actor, case, "message_acknowledged", {"delivery": delivery.pk, "late": late})
    return delivery


@act
def forward(actor: Actor, delivery_pk: int, unit_pk: int | None, note: str) -> Delivery:
    """A wrongly addressed message is passed on to the right unit, as invitations are (seed
    002_ca8314ba67d4fca6.txt line 140): the forwarding unit's delivery is closed with the note,
    the new unit gets its own delivery, in the same mode, and takes part in the case."""
    case, delivery = _own_delivery(actor, delivery_pk, "message.forward")
    cases.require_active(case)
    note = (note or "").strip()
    if not note:
        raise ServiceError("required", _("Say why the message is forwarded."), "note")
    unit = (
        recipient_choices(actor)
        .filter(pk=unit_pk or 0)
        .exclude(pk=delivery.notice.sender_unit_id)
        .first()
    )
    if unit is None:
        raise ServiceError(
            "invalid_unit", _("Choose another connected unit of the county."), "unit"
        )
    if delivery.notice.deliveries.filter(unit=unit).exists():
        raise ServiceError(
            "already_recipient",
            _("%(unit)s has already received the message.") % {"unit": unit.name},
            "unit",
        )
    _check_case(case, [unit])
    try:
        with transaction.atomic():
            new = _deliver(case, delivery.notice, unit, delivery.mode)
    except IntegrityError as error:  # another unit forwarded it there at the same moment
        raise Conflict(
            "already_recipient",
            _("%(unit)s has already received the message.") % {"unit": unit.name},
            "unit",
        ) from error
    delivery.forwarded_to = new
    if delivery.acknowledged_at is None:
        delivery.acknowledged_at = timezone.now()
        delivery.acknowledged_by = actor.user
    delivery.save(update_fields=["forwarded_to", "acknowledged_at", "acknowledged_by"])
    Forwarding.objects.create(delivery=delivery, note=note)
    cases.record(actor, case, "message_forwarded", {"delivery": delivery.pk, "to_unit": unit.pk})
    return new
