"""Invitations to SIP meetings: send, change, cancel (SIP-5).

An invitation is a ``Meeting`` with a ``Notice``: every invited connected unit gets a
``Delivery`` to acknowledge (MSG-2) and takes part in the case from then on (SEC-1); everyone
else invited (the individual, relatives, representatives, external actors, unconnected units)
is a ``Participant`` called by letter or phone (seed 000_106b8acbeb42519c.txt line 202).

Each public function is one act: it reads the case through ``case.get`` (visibility and the
access log, SEC-1, SEC-2), runs in one transaction, refuses bad input with a ``ServiceError``
before anything is written (SEC-4), and appends to the case timeline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from samordna.accounts.actor import Actor
from samordna.cases import services as cases
from samordna.cases.acts import act
from samordna.cases.models import Case, Delivery, Notice, Obligation
from samordna.core import deadlines
from samordna.core.rules import RuleSet
from samordna.discharge.models import Stay
from samordna.errors import Conflict, NotFound, ServiceError
from samordna.organisations.models import Unit
from samordna.people.models import Relative, Representative
from samordna.sip.assignment import require_assignment
from samordna.sip.models import (
    Meeting,
    Participant,
    SipCase,
)
from samordna.sip.services import case as case_acts
from samordna.sip.services import consent as consent_acts
from samordna.sip.services import svp as svp_acts


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
    consent = consent_acts.consent_in_force(case)
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
        due_at=deadlines.invitation_acknowledgement_due(now, meeting.starts_at, _rules(case)),
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
    case = case_acts.get(actor, pk, cases.logged_as("sip.invite", occurred_at), lock=True)
    cases.require_active(case)
    case_acts.require_coordinator_unit(actor, case)
    objecting = False
    if case.sip.type == SipCase.Type.SVP:
        # SIP-16, seed 001_118551e475ece215.txt lines 1234-1236: "kallar chefsöverläkare/
        # specialist i psykiatri med chefsöverläkaruppdrag ... till samordnad vårdplanering".
        require_assignment(actor)
        objecting = svp_acts.under_objection(case)
    fields = _clean_details(details)
    _check_invitees(case, invitees)
    if objecting:
        # Lines 1240-1244: without consent, only the units the planning needed to share with.
        svp_acts.require_exchange_scope(case, invitees.units)
    else:
        _require_consent_scope(case, invitees.units)
    if not consent_confirmed and not objecting:
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
    meeting = Meeting.objects.create(
        case=case, notice=notice, consent_confirmed=not objecting, **fields
    )
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
        due_at=deadlines.invitation_acknowledgement_due(now, meeting.starts_at, _rules(case)),
    )


@act
def change_invitation(
    actor: Actor, pk: int, meeting_pk: int, version: int, details: Details
) -> Meeting:
    """A new time, place or form of a sent invitation; ``sequence`` is iCalendar's (DOC-2)."""
    case = case_acts.get(actor, pk, "sip.invitation_change", lock=True)
    cases.require_active(case)
    case_acts.require_coordinator_unit(actor, case)
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
    case = case_acts.get(actor, pk, "sip.invitation_cancel", lock=True)
    cases.require_active(case)
    case_acts.require_coordinator_unit(actor, case)
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
