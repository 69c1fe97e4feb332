"""Acts on a SIP case itself: open, coordinator, follow a discharge, close (SIP-1..SIP-4).

Each public function is one act in one transaction; ``get`` is the visibility choke point for
SIP cases (SEC-1, SEC-2).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samordna.accounts.actor import Actor
from samordna.audit.models import AccessLog
from samordna.audit.services import log
from samordna.cases import services as cases
from samordna.cases.acts import act
from samordna.cases.models import Case, Notice, Obligation, Participation
from samordna.core import deadlines
from samordna.errors import Conflict, Forbidden, NotFound, ServiceError
from samordna.organisations.models import Membership, Unit, User
from samordna.people.models import Person
from samordna.sip.assignment import require_assignment
from samordna.sip.models import Consent, Coordinator, SipCase, SvpDetail
from samordna.sip.services import care_contacts


def get(actor: Actor, pk: int, what: str = "sip.read", lock: bool = False) -> Case:
    return cases.get_case(actor, pk, Case.Kind.SIP, what, lock=lock, related=("sip",))


def current_coordinator(case: Case) -> Coordinator | None:
    return (
        case.coordinators.filter(renounced_at__isnull=True).select_related("user", "unit").first()
    )


def require_coordinator_unit(actor: Actor, case: Case) -> None:
    """Acts reserved for the coordinator: any staff of the coordinator's unit may do them."""
    if case.owner_unit_id != actor.unit.pk:
        raise Forbidden("not_coordinator", _("Only the coordinator's unit can do this."))


def _invitation_due(sip: SipCase, case: Case) -> dt.datetime:
    """SIP-7: outpatient within N working days of the need; after discharge within N days of
    the ready-for-discharge notice (seeds 001, 002, 004)."""
    rules = case.owner_unit.principal.county.rule_set
    if sip.type == SipCase.Type.AFTER_DISCHARGE:
        return deadlines.discharge_invitation_due(sip.need_known_at, rules)
    return deadlines.outpatient_invitation_due(sip.need_known_at, rules)


@act
def open_case(
    actor: Actor,
    identity_number: str,
    type: str,
    need_known_at: dt.datetime,
    reason: str = "",
    origin: Case | None = None,
) -> Case:
    """Whoever opens the case becomes coordinator (SIP-2, seed 000); one active SIP per person
    is enforced by the database (SIP-3). A SIP after discharge names the stay it follows
    (``origin``): its invitation deadline runs from the ready-for-discharge notice.

    The individual is named by the exact identity number, the door by which any staff member
    may start a process (``people.services.lookup``), never by a database id: an id can be
    guessed, and opening the SIP would then give the unit an individual it may not see
    (SEC-1)."""
    if origin is not None:
        need_known_at = _check_origin(origin, identity_number, type)
        care_contacts.require_caller(actor, origin)  # SIP-18
    if type not in SipCase.Type.values:
        raise ServiceError("invalid_type", _("Choose a kind of SIP."), "type")
    if type == SipCase.Type.SVP:
        require_assignment(actor, "type")  # SIP-16 (``samordna.sip.assignment``)
    if need_known_at > timezone.now():
        raise ServiceError(
            "future_date", _("The need cannot become known in the future."), "need_known_at"
        )
    person = Person.objects.filter(identity_number=identity_number).first()
    if person is None:
        raise NotFound("not_found", _("The individual was not found."))
    if person.deceased_on:
        raise ServiceError("deceased", _("The individual is registered as deceased."))
    try:
        with transaction.atomic():
            case = Case.objects.create(
                person=person, kind=Case.Kind.SIP, owner_unit=actor.unit, opened_by=actor.user
            )
            sip = SipCase.objects.create(
                case=case,
                type=type,
                need_known_at=need_known_at,
                reason=reason.strip(),
                origin=origin,
            )
            Participation.objects.create(case=case, unit=actor.unit, role=Participation.Role.OWNER)
            if type == SipCase.Type.SVP:
                SvpDetail.objects.create(case=case, updated_by=actor.user)
            Coordinator.objects.create(
                case=case, user=actor.user, unit=actor.unit, assigned_by=actor.user
            )
            cases.oblige(
                case, actor.unit, Obligation.Kind.SIP_INVITATION, _invitation_due(sip, case)
            )
            if type != SipCase.Type.AFTER_DISCHARGE:
                # Seed 001 line 391-392: "Själva mötet bör äga rum inom 3-21 dagar."
                rules = actor.unit.principal.county.rule_set
                _earliest, latest = deadlines.meeting_window(need_known_at, rules)
                cases.oblige(
                    case, actor.unit, Obligation.Kind.SIP_MEETING, deadlines.end_of_day(latest)
                )
            if origin is not None:
                # The invitation deadline moves from the stay to this SIP case.
                cases.cancel(origin, Obligation.Kind.SIP_INVITATION)
            if origin is not None and origin.stay.discharged_at is not None:
                oblige_plan_after_discharge(sip, origin.stay.discharged_at)
            if origin is not None:
                carry_consent_over(actor, case, origin)
            cases.record(actor, case, "opened", {"type": type})
            log(actor, AccessLog.Action.CREATE, "sip.open", person)
    except IntegrityError as error:
        active = Case.objects.active().filter(person=person, kind=Case.Kind.SIP).first()
        if active is None:
            raise
        visible = Case.objects.visible_to(actor).filter(pk=active.pk).exists()
        message = (
            _("The individual already has an active SIP (case %(number)s).") % {"number": active.pk}
            if visible
            else _(
                "The individual already has an active SIP at another unit. Contact its coordinator "
                "to be invited."
            )
        )
        raise Conflict("active_sip_exists", message) from error
    return case


def carry_consent_over(actor: Actor, case: Case, stay_case: Case) -> Consent | None:
    """SIP-21, seed 004_2b6a4bde1435f963.txt lines 81-83: "När initiativ tas för en SIP i den
    in- och utskrivningsprocess som beskrivs i denna rutin finns samtycke redan inhämtat i
    samband med inskrivningsmeddelande. I de fall som initiativ tas utanför denna process
    behöver samtycke inhämtas."

    The consent to information transfer given with the stay's admission notice covers the SIP
    after discharge when it was given (``Stay.consent_to_transfer``) and the individual is an
    adult: for a child the guardians consent and choose whom to invite (CON-3), which the stay
    does not record. It names the units the admission notices went to, given when the first was
    sent; anything wider needs a consent of its own."""
    stay = stay_case.stay
    if not stay.consent_to_transfer or case.person.is_child():
        return None
    admissions = Notice.objects.filter(case=stay_case, kind=Notice.Kind.ADMISSION)
    first = admissions.order_by("sent_at").values_list("sent_at", flat=True).first()
    if first is None:
        return None
    units = list(Unit.objects.filter(deliveries__notice__in=admissions).distinct().order_by("pk"))
    consent = Consent.objects.create(
        case=case,
        decision=Consent.Decision.GIVEN,
        giver=Consent.Giver.INDIVIDUAL,
        giver_name=case.person.full_name,
        form=Consent.Form.ORAL,
        given_at=first,
        recorded_by=actor.user,
        carried_from=stay_case,
    )
    consent.units.set(units)
    cases.record(
        actor,
        case,
        "consent_carried_over",
        {"stay": stay_case.pk, "units": [u.pk for u in units]},
    )
    return consent


@act
def record_coordinator_wish(actor: Actor, pk: int, wish: str) -> SipCase:
    """SIP-21, seed 004 lines 208-210: the individual's wish about who coordinates is recorded
    (by any unit that sees the case: the individual tells whoever they meet), shown where the
    coordinator is chosen; it is a wish, the coordinator is still chosen by the units (SIP-2)."""
    case = get(actor, pk, "sip.coordinator_wish", lock=True)
    cases.require_active(case)
    text = wish.strip() if isinstance(wish, str) else ""
    if len(text) > 500:
        raise ServiceError("too_long", _("Write at most 500 characters."), "wish")
    if text == case.sip.coordinator_wish:
        raise ServiceError("unchanged", _("The wish is already recorded as written."), "wish")
    SipCase.objects.filter(pk=case.pk).update(coordinator_wish=text)
    case.sip.coordinator_wish = text
    cases.record(actor, case, "coordinator_wish", {"wish": text})
    return case.sip


def _check_origin(origin: Case, identity_number: str, type: str) -> dt.datetime:
    """The stay a SIP after discharge follows: same individual, ready for discharge sent."""
    if type != SipCase.Type.AFTER_DISCHARGE or origin.kind != Case.Kind.DISCHARGE:
        raise ServiceError(
            "invalid_type", _("A SIP that follows a stay is a SIP after discharge."), "type"
        )
    if origin.person.identity_number != identity_number:
        raise ServiceError("other_individual", _("The stay is another individual's."))
    ready_at = origin.stay.ready_at
    if ready_at is None:
        raise ServiceError(
            "not_ready",
            _("The SIP after discharge is opened once the patient is ready for discharge."),
        )
    return ready_at


def oblige_plan_after_discharge(sip: SipCase, discharged_at: dt.datetime) -> None:
    """SIP-7, seed 001 lines 606-611: a plan within 21 days after discharge; "Har patienten en
    upprättad plan ska denna följas upp inom 21 dagar efter utskrivning" (SIP-17): a SIP with a
    documented plan, linked to the stay, is followed up within the same days instead."""
    case = sip.case
    rules = case.owner_unit.principal.county.rule_set
    established = case.plans.filter(documented_at__isnull=False).exists()
    kind = (
        Obligation.Kind.FOLLOW_UP_AFTER_DISCHARGE
        if established
        else Obligation.Kind.PLAN_AFTER_DISCHARGE
    )
    cases.oblige(case, case.owner_unit, kind, deadlines.discharge_plan_due(discharged_at, rules))


def follow_discharge(stay_case: Case, discharged_at: dt.datetime) -> None:
    """When a stay ends, every active SIP that follows it gets its 21-day plan deadline."""
    following = SipCase.objects.filter(origin=stay_case, case__closed_at__isnull=True)
    for sip in following.select_related("case__owner_unit__principal__county"):
        oblige_plan_after_discharge(sip, discharged_at)


@act
def change_coordinator(
    actor: Actor, pk: int, user_pk: int, unit_pk: int, reason: str
) -> Coordinator:
    """SIP-2: the coordinator can be changed at any time by a unit taking part; who, when and
    why are kept. The new coordinator's unit becomes the responsible unit."""
    case = get(actor, pk, "sip.coordinator", lock=True)
    cases.require_active(case)
    if not reason.strip():
        raise ServiceError("required", _("Give a reason for the change."), "reason")
    unit = Unit.objects.filter(pk=unit_pk, active=True).first()
    user = User.objects.filter(pk=user_pk, is_active=True).first()
    if unit is None or user is None or not Membership.objects.filter(user=user, unit=unit).exists():
        raise ServiceError("invalid_coordinator", _("Choose a staff member of a unit."), "user")
    if not case.participations.filter(unit=unit, until__isnull=True).exists():
        raise ServiceError(
            "unit_not_participating",
            _("The new coordinator's unit must take part in the case."),
            "user",
        )
    now = timezone.now()
    current = current_coordinator(case)
    if current is not None and current.user_id == user.pk and current.unit_id == unit.pk:
        raise ServiceError("same_coordinator", _("That person is already the coordinator."), "user")
    case.coordinators.filter(renounced_at__isnull=True).update(renounced_at=now)
    new = Coordinator.objects.create(
        case=case,
        user=user,
        unit=unit,
        assumed_at=now,
        reason=reason.strip(),
        assigned_by=actor.user,
    )
    if case.owner_unit_id != unit.pk:
        old_owner = case.owner_unit
        case.owner_unit = unit
        case.version += 1
        case.save(update_fields=["owner_unit", "version"])
        case.participations.filter(unit=old_owner, until__isnull=True).update(
            role=Participation.Role.PARTICIPANT
        )
        case.participations.filter(unit=unit, until__isnull=True).update(
            role=Participation.Role.OWNER
        )
        # The coordinator's deadlines move with the role.
        case.obligations.filter(
            unit=old_owner,
            met_at__isnull=True,
            cancelled_at__isnull=True,
            kind__in=COORDINATOR_DEADLINES,
        ).update(unit=unit)
    cases.record(
        actor,
        case,
        "coordinator_changed",
        {"user": user.pk, "unit": unit.pk, "reason": reason.strip()},
    )
    return new


COORDINATOR_DEADLINES = [
    Obligation.Kind.SIP_INVITATION,
    Obligation.Kind.SIP_MEETING,
    Obligation.Kind.PLAN_DOCUMENTED,
    Obligation.Kind.PLAN_HANDED_OVER,
    Obligation.Kind.FOLLOW_UP,
    Obligation.Kind.PLAN_AFTER_DISCHARGE,
    Obligation.Kind.FOLLOW_UP_AFTER_DISCHARGE,
]


CLOSE_REASONS = [
    Case.CloseReason.GOALS_MET,
    Case.CloseReason.NO_LONGER_NEEDED,
    Case.CloseReason.OTHER,
]


@act
def close_case(actor: Actor, pk: int, reason: str, comment: str = "") -> None:
    """SIP-13: the coordinator closes the plan with a reason (consent and death close it
    through their own acts)."""
    case = get(actor, pk, "sip.close", lock=True)
    cases.require_active(case)
    require_coordinator_unit(actor, case)
    if reason not in CLOSE_REASONS:
        raise ServiceError("invalid_reason", _("Choose a reason for closing."), "reason")
    if reason == Case.CloseReason.OTHER and not comment.strip():
        raise ServiceError("required", _("Describe the reason."), "comment")
    cases.close(actor, case, reason, comment.strip())
