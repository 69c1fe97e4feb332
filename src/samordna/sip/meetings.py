"""Needs assessment, invitations and their answers, and meeting records (SIP-5, SIP-6, SIP-8).

Each public function is one act: it reads the case through ``sip.services.get`` (visibility and
the access log, SEC-1, SEC-2), runs in one transaction, refuses bad input with a
``ServiceError`` before anything is written (SEC-4), and appends to the case timeline.

An invitation is a ``Meeting`` with a ``Notice``: every invited connected unit gets a
``Delivery`` to acknowledge (MSG-2) and takes part in the case from then on (SEC-1); everyone
else invited (the individual, relatives, representatives, external actors, unconnected units)
is a ``Participant`` called by letter or phone (seed 000_106b8acbeb42519c.txt line 202).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.core.validators import URLValidator
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from samordna.accounts.actor import Actor
from samordna.audit.models import AccessLog
from samordna.audit.services import log_many
from samordna.cases import services as cases
from samordna.cases.acts import act
from samordna.cases.models import Case, Delivery, Notice, Obligation
from samordna.core import deadlines
from samordna.core.rules import RuleSet
from samordna.deviations.models import Deviation
from samordna.discharge.models import Stay
from samordna.errors import Conflict, Forbidden, NotFound, ServiceError
from samordna.organisations.models import Unit
from samordna.people.models import Relative, Representative
from samordna.sip import services
from samordna.sip.models import (
    AssessmentEntry,
    LifeArea,
    Meeting,
    Participant,
    SipCase,
)

# The standard life areas (seed 002_ca8314ba67d4fca6.txt lines 176-191) and the optional SBAR
# (seed 004_2b6a4bde1435f963.txt lines 42-44, "inte tvingande", line 14).
LIFE_AREAS = [area for area in LifeArea if not area.value.startswith("sbar_")]
SBAR_AREAS = [area for area in LifeArea if area.value.startswith("sbar_")]

DIGITAL_FORMS = (Meeting.Form.VIDEO, Meeting.Form.PHONE)
ANSWERS = (Delivery.Answer.ACCEPTED, Delivery.Answer.DECLINED)
INVITATIONS_PER_PAGE = 50


# Needs assessment (SIP-5) ------------------------------------------------------------------------


@act
def add_assessment(actor: Actor, pk: int, area: str, text: str) -> AssessmentEntry:
    """A signed contribution to the assessment by any unit taking part: the invited "kan
    komplettera kartläggningen" (seed 002_ca8314ba67d4fca6.txt line 195).

    In a SIP after discharge "Kartläggningen kan fyllas i först efter att kallelse till SIP
    skickats" (seed 000_106b8acbeb42519c.txt line 181).
    """
    case = services.get(actor, pk, "sip.assessment", lock=True)
    cases.require_active(case)
    if area not in LifeArea.values:
        raise ServiceError("invalid_area", _("Choose an area of the assessment."), "area")
    text = text.strip()
    if not text:
        raise ServiceError("required", _("Write what you know about the area."), "text")
    if not assessment_open(case):
        raise ServiceError(
            "invitation_not_sent",
            _(
                "In a SIP after discharge, the assessment can be filled in only after the "
                "invitation to the SIP meeting has been sent."
            ),
        )
    entry = AssessmentEntry.objects.create(
        case=case, area=area, text=text, author=actor.user, unit=actor.unit
    )
    cases.record(actor, case, "assessment_added", {"area": area, "entry": entry.pk})
    return entry


def assessment_open(case: Case) -> bool:
    """Seed 000_106b8acbeb42519c.txt line 181: after discharge, only once invited."""
    return case.sip.type != SipCase.Type.AFTER_DISCHARGE or case.meetings.exists()


# Invitation (SIP-6) ------------------------------------------------------------------------------


@dataclass
class Details:
    """What the invitation says about the meeting; also what a change may alter."""

    purpose: str
    form: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str = ""
    video_link: str = ""
    phone_number: str = ""
    phone_code: str = ""
    agenda: str = ""


@dataclass
class External:
    """An external actor, called by letter (seed 002_ca8314ba67d4fca6.txt lines 149-150, 164)."""

    name: str
    street: str
    postal_code: str
    city: str


@dataclass
class Invitees:
    units: list[Unit] = field(default_factory=list)
    individual: bool = False
    relatives: list[Relative] = field(default_factory=list)
    representatives: list[Representative] = field(default_factory=list)
    externals: list[External] = field(default_factory=list)


def _clean_details(details: Details) -> dict[str, object]:
    """The meeting's fields from ``details``, or a ServiceError naming the bad field."""
    if details.purpose not in Meeting.Purpose.values:
        raise ServiceError("invalid_purpose", _("Choose the purpose of the meeting."), "purpose")
    if details.form not in Meeting.Form.values:
        raise ServiceError("invalid_form", _("Choose how the meeting is held."), "form")
    if details.ends_at <= details.starts_at:
        raise ServiceError(
            "end_before_start", _("The meeting must end after it starts."), "ends_at"
        )
    if details.starts_at <= timezone.now():
        raise ServiceError("in_the_past", _("The meeting cannot be in the past."), "starts_at")
    place = details.place.strip()
    video_link = details.video_link.strip() if details.form == Meeting.Form.VIDEO else ""
    phone_number = phone_code = ""
    if details.form == Meeting.Form.IN_PERSON and not place:
        # Seed 002_ca8314ba67d4fca6.txt line 152: "uppgifter om tid och plats för mötet".
        raise ServiceError("place_required", _("Give the place of the meeting."), "place")
    if details.form == Meeting.Form.VIDEO:
        # Seed 000_106b8acbeb42519c.txt line 203: "uppkopplingsinformation" is sent.
        try:
            URLValidator(schemes=["https"])(video_link)
        except ValidationError:
            raise ServiceError(
                "video_link_required",
                _("A video meeting needs a link that starts with https://."),
                "video_link",
            ) from None
    if details.form == Meeting.Form.PHONE:
        phone_number, phone_code = details.phone_number.strip(), details.phone_code.strip()
        if not phone_number or not phone_code:
            raise ServiceError(
                "phone_required",
                _("A phone meeting needs the number to call and the code."),
                "phone_number" if not phone_number else "phone_code",
            )
    return {
        "purpose": details.purpose,
        "form": details.form,
        "starts_at": details.starts_at,
        "ends_at": details.ends_at,
        "place": place,
        "video_link": video_link,
        "phone_number": phone_number,
        "phone_code": phone_code,
        "agenda": details.agenda.strip(),
    }


def _check_invitees(case: Case, invitees: Invitees) -> None:
    county = case.owner_unit.principal.county_id
    for unit in invitees.units:
        if unit.pk == case.owner_unit_id or not unit.active or unit.principal.county_id != county:
            raise ServiceError(
                "invalid_unit", _("%(unit)s cannot be invited.") % {"unit": unit.name}, "units"
            )
    if any(r.person_id != case.person_id for r in invitees.relatives) or any(
        r.person_id != case.person_id for r in invitees.representatives
    ):
        raise ServiceError(
            "invalid_participant", _("Choose relatives and representatives of the individual.")
        )
    for e in invitees.externals:
        if not all(part.strip() for part in (e.name, e.street, e.postal_code, e.city)):
            raise ServiceError(
                "external_address_required",
                _("An external actor needs a name and a postal address for the letter."),
                "externals",
            )
    if not (
        invitees.units
        or invitees.individual
        or invitees.relatives
        or invitees.representatives
        or invitees.externals
    ):
        raise ServiceError("no_participants", _("Choose whom to invite."), "units")


def _require_consent_scope(case: Case, units: list[Unit]) -> None:
    """CON-1: if the consent names units, only those may take part (seed
    000_106b8acbeb42519c.txt line 206: recipients "utifrån den enskildes behov och samtycke")."""
    consent = services.consent_in_force(case)
    if consent is None:
        raise ServiceError(
            "no_consent",
            _("Record the individual's consent before sending the invitation."),
            "consent_confirmed",
        )
    allowed = {u.pk for u in consent.units.all()}
    outside = sorted(u.name for u in units if allowed and u.pk not in allowed)
    if outside:
        raise ServiceError(
            "outside_consent",
            _(
                "The consent does not cover %(units)s. Only units named in the consent can be "
                "invited."
            )
            % {"units": ", ".join(outside)},
            "units",
        )


def _rules(case: Case) -> RuleSet:
    return case.owner_unit.principal.county.rule_set


def _deliver(
    case: Case, notice: Notice, meeting: Meeting, unit: Unit, now: dt.datetime
) -> Delivery:
    """A connected unit gets the invitation to acknowledge by the county's next reading time
    (MSG-2, SVU-8) and takes part in the case from now on (SEC-1)."""
    delivery = Delivery.objects.create(
        notice=notice,
        unit=unit,
        mode=Delivery.Mode.ACK,
        due_at=deadlines.acknowledgement_due(now, _rules(case)),
    )
    Participant.objects.create(
        meeting=meeting, kind=Participant.Kind.UNIT, unit=unit, delivery=delivery, name=unit.name
    )
    cases.take_part(case, unit)
    return delivery


def _letter(kind: str, name: str, address: Any, unit: Unit | None = None) -> Participant:
    """Someone invited outside the system, with the postal address for the letter if known
    (a relative has only a phone number)."""
    return Participant(
        kind=kind,
        unit=unit,
        name=name.strip(),
        street=address.street.strip() if address else "",
        postal_code=address.postal_code.strip() if address else "",
        city=address.city.strip() if address else "",
    )


@act
def send_invitation(
    actor: Actor,
    pk: int,
    details: Details,
    invitees: Invitees,
    consent_confirmed: bool,
    occurred_at: dt.datetime | None = None,
) -> Meeting:
    """The coordinator's unit calls to a SIP meeting (SIP-6).

    Consent comes first: "Av kallelsen skall det framgå om samtycke för mötet har erhållits"
    (seed 002_ca8314ba67d4fca6.txt line 138); a SIP is called "efter inhämtat samtycke" (seed
    000_106b8acbeb42519c.txt line 200). Nobody is preselected except the individual (line 206);
    that is the form's default, not a rule here. An invitation sent on paper during downtime is
    registered afterwards with its real time ``occurred_at`` (DOC-3): the invitation deadline,
    the acknowledgement deadlines and the payment liability's SIP condition count from it.
    """
    case = services.get(actor, pk, cases.logged_as("sip.invite", occurred_at), lock=True)
    cases.require_active(case)
    services.require_coordinator_unit(actor, case)
    fields = _clean_details(details)
    _check_invitees(case, invitees)
    _require_consent_scope(case, invitees.units)
    if not consent_confirmed:
        raise ServiceError(
            "consent_not_confirmed",
            _("Confirm that the individual has consented to the meeting."),
            "consent_confirmed",
        )
    real = cases.real_time(occurred_at, case.sip.need_known_at)
    now = real or timezone.now()
    notice = Notice.objects.create(
        case=case,
        kind=Notice.Kind.INVITATION,
        sender=actor.user,
        sender_unit=actor.unit,
        sent_at=now,
        registered_at=timezone.now() if real else None,
    )
    meeting = Meeting.objects.create(case=case, notice=notice, consent_confirmed=True, **fields)
    # The coordinator's unit takes part in the meeting too; its attendance is recorded.
    Participant.objects.create(
        meeting=meeting, kind=Participant.Kind.UNIT, unit=case.owner_unit, name=case.owner_unit.name
    )
    for unit in invitees.units:
        if unit.connected:
            _deliver(case, notice, meeting, unit, now)
    # Outside the system: a letter (seed 002_ca8314ba67d4fca6.txt line 164) or a phone call.
    kind = Participant.Kind
    person = case.person
    letters = [_letter(kind.UNIT, u.name, u, unit=u) for u in invitees.units if not u.connected]
    if invitees.individual:
        letters.append(_letter(kind.INDIVIDUAL, person.full_name, person))
    letters += [_letter(kind.RELATIVE, r.name, None) for r in invitees.relatives]
    letters += [_letter(kind.REPRESENTATIVE, r.name, r) for r in invitees.representatives]
    letters += [_letter(kind.EXTERNAL, e.name, e) for e in invitees.externals]
    for participant in letters:
        participant.meeting = meeting
    Participant.objects.bulk_create(letters)
    cases.meet(case, Obligation.Kind.SIP_INVITATION, at=now)
    if case.sip.origin_id is not None:
        # SVU-10: the invitation in time is a condition of the municipality's payment liability.
        Stay.objects.filter(case_id=case.sip.origin_id, sip_invited_at__isnull=True).update(
            sip_invited_at=now, version=F("version") + 1
        )
    cases.record(
        actor,
        case,
        "invitation_sent",
        {
            "meeting": meeting.pk,
            "starts_at": meeting.starts_at.isoformat(),
            "units": [u.pk for u in invitees.units],
        },
        real,
    )
    return meeting


def _meeting(case: Case, meeting_pk: int, version: int) -> Meeting:
    """A meeting of the case, locked, that nobody changed since ``version`` was read."""
    meeting = case.meetings.select_for_update().filter(pk=meeting_pk).first()
    if meeting is None:
        raise NotFound("not_found", _("The meeting was not found."))
    if meeting.cancelled_at is not None:
        raise ServiceError("cancelled", _("The meeting is cancelled."))
    if meeting.version != version:
        raise Conflict(
            "edit_conflict",
            _(
                "Someone else changed the meeting while you were editing. Your changes have not "
                "been saved; review the meeting and try again."
            ),
        )
    return meeting


def _ask_again(case: Case, meeting: Meeting, now: dt.datetime) -> None:
    """After a change or cancellation every recipient must read the invitation again, and an
    acceptance given for the old meeting no longer holds; forwarded deliveries are done."""
    assert meeting.notice is not None
    meeting.notice.deliveries.filter(forwarded_to__isnull=True).update(
        acknowledged_at=None,
        acknowledged_by=None,
        answer=Delivery.Answer.PENDING,
        answer_reason="",
        answered_at=None,
        answered_by=None,
        due_at=deadlines.acknowledgement_due(now, _rules(case)),
    )


@act
def change_invitation(
    actor: Actor, pk: int, meeting_pk: int, version: int, details: Details
) -> Meeting:
    """A new time, place or form of a sent invitation; ``sequence`` is iCalendar's (DOC-2)."""
    case = services.get(actor, pk, "sip.invitation_change", lock=True)
    cases.require_active(case)
    services.require_coordinator_unit(actor, case)
    meeting = _meeting(case, meeting_pk, version)
    if meeting.held:
        raise ServiceError("already_held", _("The meeting is already recorded as held."))
    fields = _clean_details(details)
    changed = sorted(name for name, value in fields.items() if getattr(meeting, name) != value)
    if not changed:
        raise ServiceError("unchanged", _("Nothing in the invitation was changed."))
    for name, value in fields.items():
        setattr(meeting, name, value)
    meeting.sequence += 1
    meeting.version += 1
    meeting.save()
    _ask_again(case, meeting, timezone.now())
    cases.record(actor, case, "invitation_changed", {"meeting": meeting.pk, "changed": changed})
    return meeting


@act
def cancel_invitation(
    actor: Actor, pk: int, meeting_pk: int, version: int, reason: str = ""
) -> Meeting:
    """Cancel a meeting not yet held; the recipients acknowledge the cancellation."""
    case = services.get(actor, pk, "sip.invitation_cancel", lock=True)
    cases.require_active(case)
    services.require_coordinator_unit(actor, case)
    meeting = _meeting(case, meeting_pk, version)
    if meeting.held:
        raise ServiceError("already_held", _("The meeting is already recorded as held."))
    now = timezone.now()
    meeting.cancelled_at = now
    meeting.sequence += 1
    meeting.version += 1
    meeting.save(update_fields=["cancelled_at", "sequence", "version"])
    _ask_again(case, meeting, now)
    cases.record(
        actor, case, "invitation_cancelled", {"meeting": meeting.pk, "reason": reason.strip()}
    )
    return meeting


# The recipients' answers (SIP-6, MSG-2) ----------------------------------------------------------


def _delivery(actor: Actor, delivery_pk: int, what: str) -> tuple[Case, Delivery]:
    """The actor's unit's own invitation delivery, locked; its case read through the choke point.

    Another unit taking part gets Forbidden; a unit outside the case gets NotFound (SEC-1).
    """
    case_pk = (
        Delivery.objects.filter(pk=delivery_pk, notice__kind=Notice.Kind.INVITATION)
        .values_list("notice__case_id", flat=True)
        .first()
    )
    if case_pk is None:
        raise NotFound("not_found", _("The invitation was not found."))
    case = services.get(actor, case_pk, what, lock=True)
    cases.require_active(case)
    delivery = (
        Delivery.objects.select_for_update(of=("self",))
        .select_related("notice__meeting", "unit")
        .get(pk=delivery_pk)
    )
    if delivery.unit_id != actor.unit.pk:
        raise Forbidden(
            "not_your_invitation", _("Only the unit the invitation was sent to can do this.")
        )
    if delivery.forwarded_to_id is not None:
        raise ServiceError("forwarded", _("Your unit has forwarded this invitation."))
    return case, delivery


def _open_meeting(delivery: Delivery) -> Meeting:
    meeting: Meeting = delivery.notice.meeting
    if meeting.cancelled_at is not None:
        raise ServiceError("cancelled", _("The meeting is cancelled."))
    if meeting.held:
        raise ServiceError("already_held", _("The meeting is already recorded as held."))
    return meeting


def _acknowledge(actor: Actor, delivery: Delivery, now: dt.datetime) -> None:
    delivery.acknowledged_at = now
    delivery.acknowledged_by = actor.user


@act
def acknowledge(actor: Actor, delivery_pk: int) -> Delivery:
    """ "Kvitterar kallelse" (seed 004_2b6a4bde1435f963.txt line 66); who and when (MSG-2).

    A cancelled meeting is acknowledged too: that is how the recipient confirms it read it.
    """
    case, delivery = _delivery(actor, delivery_pk, "sip.ack")
    if delivery.acknowledged_at is not None:
        raise ServiceError(
            "already_acknowledged",
            _("%(user)s already acknowledged the invitation at %(time)s.")
            % {
                "user": delivery.acknowledged_by,
                "time": f"{timezone.localtime(delivery.acknowledged_at):%Y-%m-%d %H:%M}",
            },
        )
    now = timezone.now()
    _acknowledge(actor, delivery, now)
    delivery.save(update_fields=["acknowledged_at", "acknowledged_by"])
    late = delivery.due_at is not None and now >= delivery.due_at
    cases.record(actor, case, "invitation_acknowledged", {"delivery": delivery.pk, "late": late})
    return delivery


@act
def answer(actor: Actor, delivery_pk: int, answer: str, reason: str = "") -> Delivery:
    """Accept or decline: "nekar eller accepterar kallelse" (seed 004_2b6a4bde1435f963.txt
    lines 66-67). A decline needs a reason: "Frånvaro ... måste meddelas till den som kallat"
    (seed 002_ca8314ba67d4fca6.txt line 140). An answer can be changed until the meeting is
    held, and answering acknowledges the invitation if that was not done."""
    case, delivery = _delivery(actor, delivery_pk, "sip.answer")
    _open_meeting(delivery)
    if answer not in ANSWERS:
        raise ServiceError("invalid_answer", _("Choose accept or decline."), "answer")
    reason = reason.strip()
    if answer == Delivery.Answer.DECLINED and not reason:
        raise ServiceError("reason_required", _("Give a reason for declining."), "reason")
    now = timezone.now()
    if delivery.acknowledged_at is None:
        _acknowledge(actor, delivery, now)
    delivery.answer = answer
    delivery.answer_reason = reason
    delivery.answered_at = now
    delivery.answered_by = actor.user
    delivery.save()
    cases.record(
        actor,
        case,
        f"invitation_{answer}",
        {"delivery": delivery.pk, "reason": reason},
    )
    return delivery


@act
def forward(actor: Actor, delivery_pk: int, unit_pk: int) -> Delivery:
    """A unit that got a wrongly addressed invitation passes it on: the invited unit is obliged
    to "förmedla kallelsen till rätt vårdnivå/enhet om den hamnat fel" (seed
    002_ca8314ba67d4fca6.txt line 140). The new unit gets its own delivery and takes part; the
    original counts as acknowledged and keeps its participation (it may need to follow up)."""
    case, delivery = _delivery(actor, delivery_pk, "sip.forward")
    meeting = _open_meeting(delivery)
    unit = (
        Unit.objects.filter(
            pk=unit_pk,
            active=True,
            connected=True,
            principal__county=case.owner_unit.principal.county_id,
        )
        .exclude(pk__in=[actor.unit.pk, case.owner_unit_id])
        .first()
    )
    if unit is None:
        raise ServiceError(
            "invalid_unit", _("Choose another connected unit of the county."), "unit"
        )
    _require_consent_scope(case, [unit])
    if delivery.notice.deliveries.filter(unit=unit).exists():
        raise ServiceError(
            "already_invited",
            _("%(unit)s is already invited to the meeting.") % {"unit": unit.name},
            "unit",
        )
    now = timezone.now()
    new = _deliver(case, delivery.notice, meeting, unit, now)
    delivery.forwarded_to = new
    if delivery.acknowledged_at is None:
        _acknowledge(actor, delivery, now)
    delivery.save(update_fields=["forwarded_to", "acknowledged_at", "acknowledged_by"])
    cases.record(actor, case, "invitation_forwarded", {"delivery": delivery.pk, "to_unit": unit.pk})
    return new


def invitations_page(actor: Actor, number: int | str | None = 1) -> Page[Delivery]:
    """The unit's invitations: to acknowledge first, most urgent first, then the newest.

    A constant number of queries whatever the volume (BOX-1); the individuals shown are logged
    in one INSERT (SEC-2).
    """
    deliveries = (
        Delivery.objects.inbox_for(actor)
        .filter(notice__kind=Notice.Kind.INVITATION)
        .select_related(
            "notice__case__person",
            "notice__case__sip",
            "notice__meeting",
            "notice__sender",
            "notice__sender_unit",
            "acknowledged_by",
            "forwarded_to__unit",
        )
    )
    page = Paginator(deliveries, INVITATIONS_PER_PAGE).get_page(number)
    log_many(
        actor,
        AccessLog.Action.READ,
        "sip.invitations.read",
        list({d.notice.case.person_id: d.notice.case.person for d in page}.values()),
    )
    return page


def open_invitation_count(actor: Actor) -> int:
    """For the menu: one COUNT over the partial index of open deliveries."""
    return Delivery.objects.filter(
        unit=actor.unit, acknowledged_at__isnull=True, notice__kind=Notice.Kind.INVITATION
    ).count()


def meetings_of(case: Case) -> QuerySet[Meeting]:
    """The case's meetings with everything the case page shows, in a fixed number of queries."""
    return case.meetings.select_related("notice", "recorded_by").prefetch_related(
        "participants__unit",
        "participants__delivery__acknowledged_by",
        "participants__delivery__answered_by",
        "participants__delivery__forwarded_to__unit",
    )


# Meeting record (SIP-8) --------------------------------------------------------------------------


def expected(meeting: Meeting) -> list[Participant]:
    """Whose attendance is recorded: everyone invited, except units that forwarded."""
    return [
        p
        for p in meeting.participants.all()
        if p.delivery is None or p.delivery.forwarded_to_id is None
    ]


def lacks_professional_with_individual(meeting: Meeting) -> bool:
    """Seed 000_106b8acbeb42519c.txt line 212: "Om mötet sker digitalt ska minst en profession
    från region eller kommun delta fysisk med den enskilde". A warning, never a refusal."""
    return (
        meeting.held and meeting.form in DIGITAL_FORMS and not meeting.professional_with_individual
    )


def _no_show_text(participant: Participant, meeting: Meeting) -> str:
    """Stored in the installation's language: it goes to the organisation's deviation system.
    Units and external actors are named; the individual and those close to them only by their
    role, so the free text does not identify the individual (DEV-1)."""
    named = participant.kind in (Participant.Kind.UNIT, Participant.Kind.EXTERNAL)
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "%(name)s was invited to the SIP meeting on %(time)s and stayed away without "
            "giving notice. According to the routine, the one who sent the invitation reports "
            "this as a deviation."
        ) % {
            "name": participant.name if named else participant.get_kind_display(),
            "time": f"{timezone.localtime(meeting.starts_at):%Y-%m-%d %H:%M}",
        }


@act
def record_meeting(
    actor: Actor,
    pk: int,
    meeting_pk: int,
    version: int,
    attendance: dict[int, str],
    chair: str,
    documenter: str,
    professional_with_individual: bool = False,
) -> Meeting:
    """Who attended and how, chair and documenter (SIP-8); "Den som kallat till
    planeringsmötet ansvarar för att: Utse vem som ska leda mötet, Utse vem som ska dokumentera
    planen" (seed 002_ca8314ba67d4fca6.txt lines 203-206).

    Recording may start when the meeting starts: the documenter writes during it (seed
    000_106b8acbeb42519c.txt line 214). A no-show without notice suggests a deviation report
    (seed 002_ca8314ba67d4fca6.txt line 226). The first record starts the plan's deadlines
    (SIP-10); a later correction does not restart them.
    """
    case = services.get(actor, pk, "sip.record_meeting", lock=True)
    cases.require_active(case)
    services.require_coordinator_unit(actor, case)
    meeting = _meeting(case, meeting_pk, version)
    now = timezone.now()
    if meeting.starts_at > now:
        raise ServiceError("not_started", _("The meeting can be recorded once it has started."))
    chair, documenter = chair.strip(), documenter.strip()
    if not chair:
        raise ServiceError("required", _("Give who chaired the meeting."), "chair")
    if not documenter:
        raise ServiceError("required", _("Give who documented the meeting."), "documenter")
    participants = expected(meeting)
    choices = set(Participant.Attendance.values) - {Participant.Attendance.UNKNOWN}
    if any(attendance.get(p.pk) not in choices for p in participants):
        raise ServiceError(
            "attendance_required", _("Record the attendance of every participant."), "attendance"
        )
    no_shows = [
        p
        for p in participants
        if attendance[p.pk] == Participant.Attendance.ABSENT_WITHOUT_NOTICE
        and p.attendance != Participant.Attendance.ABSENT_WITHOUT_NOTICE
    ]
    for p in participants:
        p.attendance = attendance[p.pk]
    Participant.objects.bulk_update(participants, ["attendance"])
    Deviation.objects.bulk_create(
        Deviation(
            status=Deviation.Status.SUGGESTED,
            source=Deviation.Source.NO_SHOW,
            case=case,
            reporting_unit=case.owner_unit,
            concerned_unit=p.unit if p.kind == Participant.Kind.UNIT else None,
            occurred_at=meeting.starts_at,
            event=_no_show_text(p, meeting),
        )
        for p in no_shows
    )
    first = not meeting.held
    meeting.held = True
    meeting.chair = chair
    meeting.documenter = documenter
    meeting.professional_with_individual = (
        professional_with_individual and meeting.form in DIGITAL_FORMS
    )
    meeting.recorded_at = now
    meeting.recorded_by = actor.user
    meeting.version += 1
    meeting.save()
    if first:
        rules = _rules(case)
        cases.meet(case, Obligation.Kind.SIP_MEETING, at=meeting.starts_at)
        cases.oblige(
            case,
            case.owner_unit,
            Obligation.Kind.PLAN_DOCUMENTED,
            deadlines.plan_documented_due(meeting.starts_at, rules),
        )
        cases.oblige(
            case,
            case.owner_unit,
            Obligation.Kind.PLAN_HANDED_OVER,
            deadlines.plan_handed_over_due(meeting.starts_at, rules),
        )
    cases.record(
        actor,
        case,
        "meeting_recorded" if first else "meeting_record_corrected",
        {
            "meeting": meeting.pk,
            "no_shows": [p.pk for p in no_shows],
            "no_professional_with_individual": lacks_professional_with_individual(meeting),
        },
    )
    return meeting
