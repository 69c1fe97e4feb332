"""Acts of the coordinated care plan for ÖPT/ÖRV (SVP, SPEC SIP-16), on a SIP case of type
``svp``; seed 001_118551e475ece215.txt lines 1184-1274.

- Who: "chefsöverläkaren eller specialist inom psykiatri med chefsöverläkaruppdrag" decides
  about the application (lines 1212-1214, 1229-1230) and calls to the planning (lines
  1234-1236): the role ``chief_psychiatrist`` at a psychiatry unit, not any physician there.
- The objection: "Om patienten motsätter sig informationsutbyte skall detta i normalfallet
  respekteras, men utbyte av sådan information som är nödvändig för att genomföra en
  samordnad vårdplanering hindras inte av sekretesslagen" (lines 1240-1244): the objection is
  recorded, and each exchange made all the same with what, with whom and why.
- The follow-up: "Inför ansökan om fortsatt ÖPT eller ÖRV ska en uppföljning av den samordnade
  vårdplanen göras" (lines 1231-1232): a deadline the day before the application is due, met by
  a follow-up or evaluation meeting recorded as held.

Each public function is one act in one transaction (``@act``).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from samordna.accounts.actor import Actor
from samordna.audit.models import AccessLog
from samordna.audit.services import log
from samordna.cases import services as cases
from samordna.cases.acts import act
from samordna.cases.models import Case, Obligation
from samordna.core import deadlines
from samordna.errors import Conflict, ServiceError
from samordna.organisations.models import Unit
from samordna.sip.assignment import require_assignment
from samordna.sip.models import NecessaryExchange, SipCase, SvpDetail
from samordna.sip.models.svp import TEXT_MAX, CareForm
from samordna.sip.services import case as case_acts
from samordna.sip.services import consent as consent_acts
from samordna.validation import Refused, check_text

# The application for continued care concerns the current period (at most six months, 9 § LPT):
# a date more than a year ahead is a typing error.
APPLICATION_DAYS_AHEAD = 366


def detail(case: Case) -> SvpDetail:
    """The SVP's details; an SVP opened before they existed reads as the defaults (version 1,
    which the first act stores)."""
    return SvpDetail.objects.filter(case=case).first() or SvpDetail(case=case)


def _svp(actor: Actor, pk: int, what: str) -> tuple[Case, SvpDetail]:
    """The SVP case, locked, with its detail row (made on first use: an SVP opened before the
    row existed gets one with the defaults)."""
    case = case_acts.get(actor, pk, what, lock=True)
    if case.sip.type != SipCase.Type.SVP:
        raise ServiceError("not_svp", _("This is not a coordinated care plan for ÖPT/ÖRV (SVP)."))
    cases.require_active(case)
    found, _made = SvpDetail.objects.get_or_create(case=case, defaults={"updated_by": actor.user})
    return case, found


def _text(value: object, field: str, required: bool = False) -> str:
    try:
        text = check_text(value if isinstance(value, str) else "", TEXT_MAX)
    except Refused as refused:
        raise ServiceError(refused.code, refused.message, field) from None
    if required and not text:
        raise ServiceError("required", _("This field is required."), field)
    return text


def _check_version(found: SvpDetail, version: int) -> None:
    if version != found.version:
        raise Conflict(
            "stale",
            _("Someone else changed the care plan's details meanwhile. Reload and try again."),
        )


def _past_moment(value: dt.datetime, field: str) -> dt.datetime:
    if timezone.is_naive(value):
        raise ServiceError("naive_datetime", _("Give the time with its time zone."), field)
    if value > timezone.now():
        raise ServiceError("future_date", _("The time cannot be in the future."), field)
    if value.year < 2000:
        raise ServiceError("out_of_range", _("The time is not plausible."), field)
    return value


def follow_up_due(application_by: dt.date) -> dt.datetime:
    """The follow-up is made before the application: by the end of the day before it."""
    return deadlines.end_of_day(application_by - dt.timedelta(days=1))


@act
def record_details(
    actor: Actor,
    pk: int,
    care_form: str,
    exchange_routine: str,
    extension_application_by: dt.date | None,
    version: int,
) -> SvpDetail:
    """The form of care, how region and municipality keep each other informed (lines
    1261-1263) and when the application for continued care is due (lines 1229-1232), by the
    assignment holder, who "svarar för att en samordnad vårdplan upprättas" (line 1246)."""
    case, found = _svp(actor, pk, "sip.svp.details")
    require_assignment(actor)
    _check_version(found, version)
    if care_form not in CareForm.values:
        raise ServiceError("invalid_choice", _("Choose ÖPT or ÖRV."), "care_form")
    routine = _text(exchange_routine, "exchange_routine")
    if extension_application_by is not None:
        today = timezone.localdate()
        if not today <= extension_application_by <= today + dt.timedelta(APPLICATION_DAYS_AHEAD):
            raise ServiceError(
                "out_of_range",
                _("The application date must be between today and a year from today."),
                "extension_application_by",
            )
    moved = extension_application_by != found.extension_application_by
    found.care_form = care_form
    found.exchange_routine = routine
    found.extension_application_by = extension_application_by
    found.updated_at = timezone.now()
    found.updated_by = actor.user
    found.version += 1
    found.save()
    if moved and extension_application_by is not None:
        cases.oblige(
            case,
            case.owner_unit,
            Obligation.Kind.SVP_FOLLOW_UP,
            follow_up_due(extension_application_by),
        )
    elif moved:
        cases.cancel(case, Obligation.Kind.SVP_FOLLOW_UP)
    cases.record(
        actor,
        case,
        "svp_details",
        {
            "care_form": care_form,
            "extension_application_by": extension_application_by.isoformat()
            if extension_application_by
            else None,
        },
    )
    return found


@act
def record_objection(
    actor: Actor, pk: int, objection: str, stated_at: dt.datetime, version: int
) -> SvpDetail:
    """The individual objects to information exchange between the parties (lines 1239-1242):
    recorded by the coordinator's unit; the objection is respected, except for what the
    planning needs (``record_exchange``)."""
    case, found = _svp(actor, pk, "sip.svp.objection")
    case_acts.require_coordinator_unit(actor, case)
    _check_version(found, version)
    found.objection = _text(objection, "objection", required=True)
    found.objection_at = _past_moment(stated_at, "objection_at")
    found.objection_by = actor.user
    found.updated_at = timezone.now()
    found.updated_by = actor.user
    found.version += 1
    found.save()
    cases.record(actor, case, "svp_objection", {"stated_at": found.objection_at.isoformat()})
    return found


@act
def record_exchange(
    actor: Actor,
    pk: int,
    unit: Unit | None,
    recipient: str,
    what: str,
    why: str,
    shared_at: dt.datetime,
) -> NecessaryExchange:
    """Information shared although the individual objects, because the planning needs it
    (lines 1242-1244): decided by the assignment holder, with what was shared, with whom and
    why; on the timeline and in the access log."""
    case, found = _svp(actor, pk, "sip.svp.exchange")
    require_assignment(actor)
    case_acts.require_coordinator_unit(actor, case)
    if found.objection_at is None:
        raise ServiceError(
            "no_objection",
            _(
                "No objection is recorded: information is exchanged as the consent says. Record "
                "the individual's objection first."
            ),
        )
    name = _text(recipient, "recipient")[:200]
    if unit is None and not name:
        raise ServiceError("required", _("Choose a unit or name who it was shared with."), "unit")
    if unit is not None and (unit.principal.county_id != case.owner_unit.principal.county_id):
        raise ServiceError("other_county", _("Choose a unit of the county."), "unit")
    exchange = NecessaryExchange.objects.create(
        case=case,
        unit=unit,
        recipient="" if unit is not None else name,
        what=_text(what, "what", required=True),
        why=_text(why, "why", required=True),
        shared_at=_past_moment(shared_at, "shared_at"),
        recorded_by=actor.user,
        recorded_unit=actor.unit,
    )
    cases.record(
        actor,
        case,
        "svp_necessary_exchange",
        {"exchange": exchange.pk, "shared_with": exchange.shared_with},
    )
    log(
        actor,
        AccessLog.Action.EXPORT,
        "sip.svp.necessary_exchange",
        case.person,
        _("Shared despite objection with %(recipient)s") % {"recipient": exchange.shared_with},
    )
    return exchange


def exchanges(case: Case) -> list[NecessaryExchange]:
    return list(case.necessary_exchanges.select_related("unit", "recorded_by"))


def read(actor: Actor, pk: int) -> tuple[Case, SvpDetail, list[NecessaryExchange]]:
    """The SVP's details and exchanges (a logged read)."""
    case = case_acts.get(actor, pk, "sip.svp.read")
    if case.sip.type != SipCase.Type.SVP:
        raise ServiceError("not_svp", _("This is not a coordinated care plan for ÖPT/ÖRV (SVP)."))
    return case, detail(case), exchanges(case)


def under_objection(case: Case) -> bool:
    """An SVP whose individual objects to information exchange and has no consent in force:
    the planning goes on with what it needs (lines 1240-1244), and the plan is established
    and attached to the application all the same (lines 1253-1255)."""
    if case.sip.type != SipCase.Type.SVP or consent_acts.consent_in_force(case) is not None:
        return False
    return SvpDetail.objects.filter(case=case, objection_at__isnull=False).exists()


def require_exchange_scope(case: Case, units: list[Unit]) -> None:
    """Under an objection, a unit is invited only once the assignment holder has recorded what
    the planning needed to share with it (``record_exchange``)."""
    shared = set(case.necessary_exchanges.values_list("unit_id", flat=True))
    outside = sorted(u.name for u in units if u.pk not in shared)
    if outside:
        raise ServiceError(
            "outside_exchange",
            _(
                "The individual objects to information exchange. Record what the planning needs "
                "to share with %(units)s before inviting them."
            )
            % {"units": ", ".join(outside)},
            "units",
        )
