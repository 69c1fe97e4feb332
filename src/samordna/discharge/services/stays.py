"""Acts on a stay itself: register, update, death; ``get`` is the choke point for stays (SEC-1)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samordna.accounts.actor import Actor
from samordna.audit.models import AccessLog
from samordna.audit.services import log, log_many
from samordna.cases import services as cases
from samordna.cases.acts import act
from samordna.cases.models import Case, Notice, Obligation, Participation
from samordna.core import deadlines
from samordna.core.paging import Segment, Window, segmented
from samordna.discharge.models import (
    Stay,
)
from samordna.errors import Conflict, Forbidden, NotFound, ServiceError
from samordna.organisations.models import Membership, Unit, User
from samordna.overview import readmodel
from samordna.overview.models import WorkItem
from samordna.people.models import Person


def get(actor: Actor, pk: int, what: str = "stay.read", lock: bool = False) -> Case:
    return cases.get_case(actor, pk, Case.Kind.DISCHARGE, what, lock=lock, related=("stay",))


def is_ward(actor: Actor, case: Case) -> bool:
    return case.owner_unit_id == actor.unit.pk


def require_ward(actor: Actor, case: Case) -> None:
    if not is_ward(actor, case):
        raise Forbidden("not_ward", _("Only the inpatient ward of the stay can do this."))


def sees_everything(actor: Actor, case: Case) -> bool:
    """CON-4: without consent to information transfer, recipients see only name, identity
    number, address and expected discharge date, plus the notices (seed 001 lines 656-659)."""
    return is_ward(actor, case) or case.stay.consent_to_transfer


def _stay(case: Case, version: int | None = None) -> Stay:
    stay = Stay.objects.get(pk=case.pk)
    if version is not None and stay.version != version:
        raise _edit_conflict()
    return stay


def _edit_conflict() -> Conflict:
    return Conflict(
        "edit_conflict",
        _(
            "Someone else changed the stay while you were editing. Your changes have not been "
            "saved; review the stay and try again."
        ),
    )


def _bump(stay: Stay, version: int, **fields: Any) -> None:
    """Save fields only if nobody saved since ``version`` (optimistic locking, SEC-4)."""
    if not Stay.objects.filter(pk=stay.pk, version=version).update(
        version=F("version") + 1, **fields
    ):
        raise _edit_conflict()
    for name, value in fields.items():
        setattr(stay, name, value)
    stay.version = version + 1


def _not_future(moment: Any, field: str, message: str) -> dt.datetime:
    if not isinstance(moment, dt.datetime) or moment > timezone.now():
        raise ServiceError("invalid_time", message, field)
    return moment


def ward_physicians(ward: Unit) -> QuerySet[User]:
    """Staff members with the physician role at the ward: who may have assessed a patient of
    the ward ready for discharge (ORG-6, seed 001_118551e475ece215.txt lines 833-835)."""
    return (
        User.objects.filter(
            memberships__unit=ward, memberships__role=Membership.Role.PHYSICIAN, is_active=True
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def ready_physician(ward: Unit, data: dict[str, Any]) -> tuple[str, User | None]:
    """The physician who assessed the patient ready (ORG-6): a staff member with the physician
    role at the ward (``ready_physician_user``), or a physician the sender names
    (``ready_physician``), recorded as named by the sender. Returns name and staff member."""
    user = data.get("ready_physician_user")
    typed = str(data.get("ready_physician") or "").strip()
    if user is None:
        if not typed:
            raise ServiceError(
                "required",
                _("Choose the physician who assessed the patient, or give the name."),
                "ready_physician",
            )
        return typed, None
    if not isinstance(user, User) or not ward_physicians(ward).filter(pk=user.pk).exists():
        raise ServiceError(
            "not_a_physician",
            _("Choose a staff member with the physician role at the ward."),
            "ready_physician_user",
        )
    name = user.get_full_name() or user.username
    if typed and typed != name:
        raise ServiceError(
            "physician_twice",
            _("Choose a physician from the list or give a name, not both."),
            "ready_physician",
        )
    return name, user


def _required(data: dict[str, Any], field: str, message: str) -> str:
    value = str(data.get(field) or "").strip()
    if not value:
        raise ServiceError("required", message, field)
    return value


@act
def register_stay(actor: Actor, identity_number: str, data: dict[str, Any]) -> Case:
    """An inpatient ward opens the discharge process of a stay. One active stay per person and
    ward is a partial unique index; a stay may run beside a SIP (seed 000).

    The patient is named by the exact identity number, the door by which any staff member may
    start a process (``people.services.lookup``), never by a database id: an id can be
    guessed, and the stay would then give the ward an individual it may not see (SEC-1)."""
    if actor.unit.kind != Unit.Kind.INPATIENT_WARD:
        raise Forbidden("not_inpatient_ward", _("Only an inpatient ward can register a stay."))
    person = Person.objects.filter(identity_number=identity_number).first()
    if person is None:
        raise NotFound("not_found", _("The individual was not found."))
    if person.deceased_on:
        raise ServiceError("deceased", _("The individual is registered as deceased."))
    fields = _clean_stay(data)
    expected = _expected_date(data.get("expected_discharge_on"), fields["admitted_at"])
    try:
        with transaction.atomic():
            case = Case.objects.create(
                person=person, kind=Case.Kind.DISCHARGE, owner_unit=actor.unit, opened_by=actor.user
            )
            Stay.objects.create(case=case, expected_discharge_on=expected, **fields)
            Participation.objects.create(case=case, unit=actor.unit, role=Participation.Role.OWNER)
            _oblige_admission_notice(case, fields["needs_assessed_at"])
            cases.record(actor, case, "stay_registered")
            log(actor, AccessLog.Action.CREATE, "stay.register", person)
    except IntegrityError as error:
        active = (
            Case.objects.active()
            .filter(person=person, kind=Case.Kind.DISCHARGE, owner_unit=actor.unit)
            .first()
        )
        if active is None:
            raise
        raise Conflict(
            "active_stay_exists",
            _("The individual already has an active stay at this ward (case %(number)s).")
            % {"number": active.pk},
        ) from error
    return case


def _oblige_admission_notice(case: Case, assessed: dt.datetime | None) -> None:
    """SVU-2: due 24 hours after the physician's assessment, until the notice is sent."""
    if last_admission_notice(case) is not None:
        return
    if assessed is None:
        cases.cancel(case, Obligation.Kind.ADMISSION_NOTICE)
        return
    rules = case.owner_unit.principal.county.rule_set
    due = deadlines.admission_notice_due(assessed, rules)
    cases.oblige(case, case.owner_unit, Obligation.Kind.ADMISSION_NOTICE, due)


def _clean_stay(data: dict[str, Any]) -> dict[str, Any]:
    admitted_at = _not_future(
        data.get("admitted_at"), "admitted_at", _("Give when the patient was admitted.")
    )
    assessed = data.get("needs_assessed_at")
    if assessed is not None:
        _not_future(assessed, "needs_assessed_at", _("The assessment cannot be in the future."))
        if assessed < admitted_at:
            raise ServiceError(
                "before_admission",
                _("The assessment cannot be before the admission."),
                "needs_assessed_at",
            )
    for flag in ("consent_to_transfer", "only_social_services"):
        if not isinstance(data.get(flag, False), bool):
            raise ServiceError("invalid_choice", _("Choose yes or no."), flag)
    return {
        "admitted_at": admitted_at,
        "cause": _required(data, "cause", _("Give the cause of admission.")),
        "treating_physician": _required(
            data, "treating_physician", _("Give the treating physician.")
        ),
        "needs_assessed_at": assessed,
        "consent_to_transfer": data.get("consent_to_transfer", False),
        "only_social_services": data.get("only_social_services", False),
    }


def _expected_date(value: Any, admitted_at: dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ServiceError(
            "required", _("Give the expected discharge date."), "expected_discharge_on"
        )
    if value < timezone.localdate(admitted_at):
        raise ServiceError(
            "before_admission",
            _("The expected discharge date cannot be before the admission."),
            "expected_discharge_on",
        )
    return value


# What the ward corrects in a stay. Not the SIP invitation time: only the invitation act sets it
# (``sip.services.invitations.send_invitation``), since it decides the payment liability (SVU-10).
STAY_FIELDS = (
    "admitted_at",
    "cause",
    "treating_physician",
    "needs_assessed_at",
    "consent_to_transfer",
    "only_social_services",
)


@act
def update_stay(actor: Actor, pk: int, version: int, data: dict[str, Any]) -> Stay:
    """The ward corrects the stay's details; refused if someone saved since ``version``.

    Only the ``STAY_FIELDS`` present in ``data`` change: an absent one keeps its stored value
    (SEC-4: an omitted field is no request to clear it); anything else in ``data`` is ignored."""
    case = get(actor, pk, "stay.update", lock=True)
    cases.require_active(case)
    require_ward(actor, case)
    stay = _stay(case, version)
    stored = {name: getattr(stay, name) for name in STAY_FIELDS}
    fields = _clean_stay({**stored, **{k: v for k, v in data.items() if k in STAY_FIELDS}})
    if stay.expected_discharge_on < timezone.localdate(fields["admitted_at"]):
        raise ServiceError(
            "before_admission",
            _("The admission cannot be after the expected discharge date."),
            "admitted_at",
        )
    changed = sorted(name for name, value in fields.items() if getattr(stay, name) != value)
    if not changed:
        raise ServiceError("unchanged", _("Nothing was changed."))
    _bump(stay, version, **fields)
    if "needs_assessed_at" in changed:
        _oblige_admission_notice(case, stay.needs_assessed_at)
    if stay.only_social_services:
        cases.cancel(case, Obligation.Kind.SIP_INVITATION)
    cases.record(actor, case, "stay_updated", {"fields": changed})
    return stay


def last_admission_notice(case: Case) -> Notice | None:
    return case.notices.filter(kind=Notice.Kind.ADMISSION).order_by("-sent_at", "-pk").first()


def register_death(actor: Actor, pk: int, died_on: Any) -> None:
    """SVU-9: the patient died during the stay. Registered as a death (PER-4), which closes the
    stay and any ongoing SIP with the reason deceased (seed 001 lines 931-934)."""
    case = get(actor, pk, "stay.death")
    cases.require_active(case)
    require_ward(actor, case)
    if not isinstance(died_on, dt.date) or died_on < timezone.localdate(case.stay.admitted_at):
        raise ServiceError("invalid_date", _("Give the date of death, during the stay."), "died_on")
    cases.register_death(actor, case.person_id, died_on)


STAYS_PER_PAGE = 50


def ward_stays(actor: Actor, number: int | str | None = 1) -> Window[Case]:
    """The ward's active stays, the soonest expected discharge first, with how many deliveries
    of each are still unacknowledged; empty for any other unit.

    O(page) whatever the ward's volume: the order is the ward's expected discharges in the
    overview's read model (``WorkItem`` kind ``discharge``, one per active stay the ward takes
    part in, index ``workitem_unit_kind_due_idx``), read with LIMIT; only the stays read from it
    are asked whether they are the ward's own and visible (the choke point), and the deliveries
    are counted for the page's stays alone."""
    if actor.unit.kind != Unit.Kind.INPATIENT_WARD:
        return Window([], 1, STAYS_PER_PAGE, False)
    expected = WorkItem.objects.filter(
        unit=actor.unit, kind=readmodel.DISCHARGE, listed=True
    ).order_by("due_at", "ref")
    own = Q(case__owner_unit=actor.unit, case__kind=Case.Kind.DISCHARGE) & Exists(
        Case.objects.visible_to(actor).active().filter(pk=OuterRef("case_id"))
    )

    def load(keys: list[int]) -> QuerySet[Case]:
        return (
            Case.objects.visible_to(actor)
            .filter(pk__in=keys)
            .select_related("person", "stay")
            .only(
                "person__first_name",
                "person__last_name",
                "person__identity_number",
                "stay__expected_discharge_on",
                "stay__ready_at",
            )
            .annotate(
                unacknowledged=models.Count(
                    "notices__deliveries",
                    filter=Q(notices__deliveries__acknowledged_at__isnull=True),
                )
            )
        )

    return segmented([Segment(expected, own, key="case_id")], load, number, STAYS_PER_PAGE)


def log_shown(actor: Actor, persons: list[Person]) -> None:
    """Every individual shown in a list is logged, in one INSERT (SEC-2)."""
    unique = list({p.pk: p for p in persons}.values())
    log_many(actor, AccessLog.Action.READ, "stay.notices", unique)
