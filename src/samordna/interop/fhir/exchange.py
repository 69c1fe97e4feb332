"""What passes between the units as FHIR resources: the SIP meetings (``Appointment``), the
messages (``Communication``) and the acknowledgements a notice asks of a unit (``Task``).

Each query starts from the one choke point (``Case.objects.visible_to``) and narrows it as the
screens do: a message only for the units party to its thread (the sender's unit and the units
it went to, ``messaging.services.sending._is_party``), an acknowledgement only for the unit
that owes it and the unit that asked for it (its inbox and the sender's view of who has
acknowledged). A page costs a fixed number of queries (a count, the page, its prefetches).

Ids are the rows' primary keys: ``Appointment/<meeting>``, ``Communication/<message>``,
``Task/<delivery>``. The plan's actions are the CarePlan's ``activity`` (where FHIR puts a
plan's planned actions), not Tasks of their own.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.appointment import Appointment, AppointmentParticipant
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.communication import Communication, CommunicationPayload
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.resource import Resource
from fhir.resources.R4B.task import Task, TaskRestriction

from samordna.accounts.actor import Actor
from samordna.cases.models import Case, Delivery, Notice
from samordna.interop.fhir.base import Found, page_rows, patient_condition, searching
from samordna.interop.fhir.resources import moment, patient_reference, unit_reference
from samordna.interop.fhir.search import Page, dates, tokens
from samordna.messaging.models import Message, Template
from samordna.organisations.models import Unit
from samordna.people.models import Person
from samordna.sip.models import Meeting, Participant


def _case_reference(case: Case) -> Reference | None:
    """The case as the facade shows it: a SIP's team, a stay's episode; a message case has
    none of its own."""
    if case.kind == Case.Kind.SIP:
        return Reference(reference=f"CareTeam/{case.pk}", type="CareTeam")
    if case.kind == Case.Kind.DISCHARGE:
        return Reference(reference=f"EpisodeOfCare/{case.pk}", type="EpisodeOfCare")
    return None


def _statuses(query: QueryDict, allowed: set[str], meaning: dict[str, Q]) -> Q:
    """``status`` as a condition: any of the codes asked for; a valid FHIR code this kind of
    row never has matches nothing."""
    statuses = tokens(query, "status", allowed)
    if statuses is None:
        return Q()
    wanted = Q(pk__in=[])
    for status in statuses & set(meaning):
        wanted |= meaning[status]
    return wanted


# Appointment: the SIP meetings ------------------------------------------------------------------

APPOINTMENT_STATUSES = {
    "proposed", "pending", "booked", "arrived", "fulfilled", "cancelled", "noshow",
    "entered-in-error", "checked-in", "waitlist",
}  # fmt: skip
APPOINTMENT_STATUS = {
    "booked": Q(cancelled_at__isnull=True, held=False),
    "fulfilled": Q(cancelled_at__isnull=True, held=True),
    "cancelled": Q(cancelled_at__isnull=False),
}
PRESENT = {
    Participant.Attendance.IN_PERSON,
    Participant.Attendance.VIDEO,
    Participant.Attendance.PHONE,
}
ABSENT = {Participant.Attendance.ABSENT_WITH_NOTICE, Participant.Attendance.ABSENT_WITHOUT_NOTICE}


def appointment_status(meeting: Meeting) -> str:
    if meeting.cancelled_at is not None:
        return "cancelled"
    return "fulfilled" if meeting.held else "booked"


def _participant_status(participant: Participant) -> str:
    """Who came (the record), else what the unit answered the invitation, else not known."""
    if participant.attendance in PRESENT:
        return "accepted"
    if participant.attendance in ABSENT:
        return "declined"
    delivery = participant.delivery
    if delivery is not None and delivery.answer == Delivery.Answer.ACCEPTED:
        return "accepted"
    if delivery is not None and delivery.answer == Delivery.Answer.DECLINED:
        return "declined"
    return "needs-action"


def _appointment_participant(participant: Participant, person: Person) -> AppointmentParticipant:
    kind = CodeableConcept(text=str(participant.get_kind_display()))
    if participant.kind == Participant.Kind.UNIT and participant.unit is not None:
        actor = unit_reference(participant.unit)
    elif participant.kind == Participant.Kind.INDIVIDUAL:
        actor = patient_reference(person)
    else:
        actor = Reference(display=participant.name or str(participant.get_kind_display()))
    return AppointmentParticipant(
        type=[kind], actor=actor, required="required", status=_participant_status(participant)
    )


def appointment(meeting: Meeting) -> Appointment:
    """A SIP meeting (SIP-6, SIP-8): when, how, its purpose, and who was invited with their
    answers; the individual always among them (the meeting is about him)."""
    case = meeting.case
    participants = list(meeting.participants.all())
    found = [_appointment_participant(p, case.person) for p in participants]
    if not any(p.kind == Participant.Kind.INDIVIDUAL for p in participants):
        found.insert(
            0,
            AppointmentParticipant(
                actor=patient_reference(case.person),
                required="information-only",
                status="needs-action",
            ),
        )
    form = str(meeting.get_form_display())
    where = meeting.place or form
    team = _case_reference(case)
    return Appointment(
        id=str(meeting.pk),
        status=appointment_status(meeting),
        cancelationReason=CodeableConcept(text="Mötet ställdes in")
        if meeting.cancelled_at
        else None,
        serviceType=[CodeableConcept(text="SIP-möte")],
        appointmentType=CodeableConcept(text=form),
        description=f"SIP-möte: {meeting.get_purpose_display()} ({where})"[:500],
        start=moment(meeting.starts_at),
        end=moment(meeting.ends_at),
        created=moment(meeting.notice.sent_at) if meeting.notice else None,
        comment=meeting.agenda or None,
        supportingInformation=[team] if team else None,
        participant=found,
    )


def _meetings(actor: Actor) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(case__in=Case.objects.visible_to(actor))
        .select_related("case__person", "notice")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.select_related("unit__principal", "delivery"),
            )
        )
    )


def read_appointment(actor: Actor, pk: int) -> tuple[Resource, Person | None] | None:
    meeting = _meetings(actor).filter(pk=pk).first()
    return (appointment(meeting), meeting.case.person) if meeting else None


@searching
def search_appointments(actor: Actor, query: QueryDict, page: Page) -> Found:
    condition, asked = patient_condition(query, "case__person")
    status = _statuses(query, APPOINTMENT_STATUSES, APPOINTMENT_STATUS)
    rows = _meetings(actor).filter(condition, status, dates(query, "starts_at"))
    found, total = page_rows(rows.order_by("-starts_at", "-pk"), page)
    return Found(
        [appointment(m) for m in found], [m.case.person for m in found], total, asked=asked
    )


# Communication: the messages ----------------------------------------------------------------------

COMMUNICATION_STATUSES = {
    "preparation", "in-progress", "not-done", "on-hold", "stopped", "completed",
    "entered-in-error", "unknown",
}  # fmt: skip
COMMUNICATION_STATUS = {"completed": Q()}


def _content(message: Message) -> str:
    """The message as text: its template's fields, label by key, then what was written."""
    lines = [f"{key}: {value}" for key, value in message.fields.items() if value not in ("", None)]
    if message.body:
        lines.append(message.body)
    return "\n".join(lines) or str(message.get_template_display())


def communication(message: Message) -> Communication:
    """A message between units (MSG-1 to MSG-3): from the sender's unit to the units it went
    to, about the individual, in reply to the message it answers."""
    notice = message.notice
    case = notice.case
    about = _case_reference(case)
    recipients = [unit_reference(d.unit) for d in notice.deliveries.all()]
    return Communication(
        id=str(message.pk),
        status="completed",
        category=[CodeableConcept(text=str(Template(message.template).label))],
        subject=patient_reference(case.person),
        topic=CodeableConcept(text=notice.subject) if notice.subject else None,
        about=[about] if about else None,
        sent=moment(notice.sent_at),
        sender=unit_reference(notice.sender_unit),
        recipient=recipients or None,
        inResponseTo=[Reference(reference=f"Communication/{message.in_reply_to_id}")]
        if message.in_reply_to_id
        else None,
        payload=[CommunicationPayload(contentString=_content(message))],
    )


def _messages(actor: Actor) -> QuerySet[Message]:
    party = Message.objects.filter(
        Q(notice__sender_unit=actor.unit) | Q(notice__deliveries__unit=actor.unit)
    ).values("thread_id")
    return (
        Message.objects.filter(notice__case__in=Case.objects.visible_to(actor), thread_id__in=party)
        .select_related("notice__case__person", "notice__sender_unit__principal")
        .prefetch_related(
            Prefetch(
                "notice__deliveries",
                queryset=Delivery.objects.select_related("unit__principal").order_by("pk"),
            )
        )
    )


def read_communication(actor: Actor, pk: int) -> tuple[Resource, Person | None] | None:
    message = _messages(actor).filter(pk=pk).first()
    return (communication(message), message.notice.case.person) if message else None


@searching
def search_communications(actor: Actor, query: QueryDict, page: Page) -> Found:
    condition, asked = patient_condition(query, "notice__case__person")
    status = _statuses(query, COMMUNICATION_STATUSES, COMMUNICATION_STATUS)
    rows = _messages(actor).filter(condition, status, dates(query, "notice__sent_at"))
    found, total = page_rows(rows.order_by("-notice__sent_at", "-pk"), page)
    return Found(
        [communication(m) for m in found],
        [m.notice.case.person for m in found],
        total,
        asked=asked,
    )


# Task: the acknowledgements -----------------------------------------------------------------------

TASK_STATUSES = {
    "draft", "requested", "received", "accepted", "rejected", "ready", "cancelled", "on-hold",
    "in-progress", "failed", "completed", "entered-in-error",
}  # fmt: skip
TASK_STATUS = {
    "requested": Q(acknowledged_at__isnull=True, forwarded_to__isnull=True),
    "completed": Q(acknowledged_at__isnull=False, forwarded_to__isnull=True),
    "cancelled": Q(forwarded_to__isnull=False),
}
TASK_CODE: dict[str, str] = {
    Notice.Kind.INVITATION: "Kvittera och svara på kallelsen till SIP-mötet",
    Notice.Kind.ADMISSION: "Kvittera inskrivningsmeddelandet",
    Notice.Kind.READY: "Kvittera meddelandet om utskrivningsklar",
    Notice.Kind.DISCHARGE: "Kvittera utskrivningsmeddelandet",
    Notice.Kind.MESSAGE: "Kvittera meddelandet",
}


def task_status(delivery: Delivery) -> str:
    """Passed on to another unit: cancelled (that unit's delivery is the task now);
    acknowledged: completed; otherwise requested."""
    if delivery.forwarded_to_id is not None:
        return "cancelled"
    return "completed" if delivery.acknowledged_at is not None else "requested"


def _focus(delivery: Delivery) -> Reference | None:
    notice = delivery.notice
    if notice.kind == Notice.Kind.MESSAGE:
        return Reference(reference=f"Communication/{notice.pk}", type="Communication")
    meeting = getattr(notice, "meeting", None) if notice.kind == Notice.Kind.INVITATION else None
    if meeting is not None:
        return Reference(reference=f"Appointment/{meeting.pk}", type="Appointment")
    return _case_reference(notice.case)


def task(delivery: Delivery) -> Task:
    """A notice's acknowledgement owed by the unit it went to (BOX-1), by its deadline."""
    notice = delivery.notice
    status = task_status(delivery)
    overdue = (
        status == "requested" and delivery.due_at is not None and timezone.now() >= delivery.due_at
    )
    done = delivery.acknowledged_at
    subject: dict[str, Any] = {"for": patient_reference(notice.case.person)}  # a keyword in Python
    return Task(
        **subject,
        id=str(delivery.pk),
        status=status,
        businessStatus=CodeableConcept(text="Försenad") if overdue else None,
        intent="order",
        code=CodeableConcept(text=TASK_CODE.get(notice.kind, "Kvittera")),
        focus=_focus(delivery),
        authoredOn=moment(notice.sent_at),
        lastModified=moment(done or notice.sent_at),
        requester=unit_reference(notice.sender_unit),
        owner=unit_reference(delivery.unit),
        executionPeriod=Period(start=moment(notice.sent_at), end=moment(done)) if done else None,
        restriction=TaskRestriction(period=Period(end=moment(delivery.due_at)))
        if delivery.due_at
        else None,
        note=[Annotation(text=f"Svar: {delivery.get_answer_display()}")]
        if delivery.answer
        else None,
    )


def _tasks(actor: Actor) -> QuerySet[Delivery]:
    unit: Unit = actor.unit
    return Delivery.objects.filter(
        Q(unit=unit) | Q(notice__sender_unit=unit),
        mode=Delivery.Mode.ACK,
        notice__case__in=Case.objects.visible_to(actor),
    ).select_related(
        "unit__principal",
        "notice__sender_unit__principal",
        "notice__case__person",
        "notice__meeting",
    )


def read_task(actor: Actor, pk: int) -> tuple[Resource, Person | None] | None:
    delivery = _tasks(actor).filter(pk=pk).first()
    return (task(delivery), delivery.notice.case.person) if delivery else None


@searching
def search_tasks(actor: Actor, query: QueryDict, page: Page) -> Found:
    condition, asked = patient_condition(query, "notice__case__person")
    status = _statuses(query, TASK_STATUSES, TASK_STATUS)
    rows = _tasks(actor).filter(condition, status, dates(query, "notice__sent_at"))
    found, total = page_rows(rows.order_by("-notice__sent_at", "-pk"), page)
    return Found(
        [task(d) for d in found], [d.notice.case.person for d in found], total, asked=asked
    )
