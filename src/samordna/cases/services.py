"""Acts every kind of case shares: reading a case, the timeline, deadlines, closure, death."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from samordna.accounts.actor import Actor
from samordna.audit.models import AccessLog
from samordna.audit.services import log
from samordna.cases.acts import act, recorded, touch
from samordna.cases.models import Case, Event, Obligation, Participation
from samordna.errors import NotFound, ServiceError
from samordna.organisations.models import Unit
from samordna.people.models import Person


def get_case(
    actor: Actor,
    pk: int,
    kind: str | None,
    what: str,
    lock: bool = False,
    related: tuple[str, ...] = (),
) -> Case:
    """A case the actor's unit takes part in, or NotFound; every read is logged (SEC-1, SEC-2).
    ``kind`` None: a case of any kind (a message may be about a SIP, a stay or neither).
    ``related``: the kind's own row (``sip``, ``stay``) read in the same statement, for a read
    only: a locked read that waited for another act sees that act's case row, but PostgreSQL
    would give it the joined rows as they were before (``EvalPlanQual`` re-reads only the rows
    it locks), so an act reads them after the lock, as before."""
    # The county comes along: an act reads its rule set (deadlines) from the case's owner.
    cases = Case.objects.visible_to(actor).select_related("person", "owner_unit__principal__county")
    if kind is not None:
        cases = cases.filter(kind=kind)
    if related and not lock:
        cases = cases.select_related(*related)
    if lock:
        # A case read to be changed: the read models follow it when the act commits.
        cases = cases.select_for_update(of=("self",))
        touch(pk)
    case = cases.filter(pk=pk).first()
    if case is None:
        raise NotFound(
            "not_found", _("The case was not found, or your unit does not take part in it.")
        )
    log(
        actor,
        AccessLog.Action.READ if what.endswith(".read") else AccessLog.Action.UPDATE,
        what,
        case.person,
    )
    return case


# DOC-3: how long after downtime an act documented on paper may be registered.
AFTER_REGISTRATION_DAYS = 30


def logged_as(what: str, occurred_at: dt.datetime | None) -> str:
    """The access-log entry of an act, marked when it is registered afterwards (DOC-3)."""
    if occurred_at is None:
        return what
    return (
        f"{what}: efterregistrering, verklig tid {timezone.localtime(occurred_at):%Y-%m-%d %H:%M}"
    )


def real_time(
    occurred_at: dt.datetime | None, earliest: dt.datetime | None = None
) -> dt.datetime | None:
    """The real time of an act documented on paper during downtime and registered afterwards
    (DOC-3), checked; None for an act done now. Deadlines and payment liability run from it."""
    if occurred_at is None:
        return None
    now = timezone.now()
    if not isinstance(occurred_at, dt.datetime) or occurred_at > now:
        raise ServiceError(
            "invalid_time", _("The real time cannot be in the future."), "occurred_at"
        )
    if occurred_at < now - dt.timedelta(days=AFTER_REGISTRATION_DAYS):
        raise ServiceError(
            "too_old",
            _("Acts can be registered afterwards for at most %(days)s days.")
            % {"days": AFTER_REGISTRATION_DAYS},
            "occurred_at",
        )
    if earliest is not None and occurred_at < earliest:
        raise ServiceError(
            "before_earlier_act",
            _("The real time cannot be before %(time)s.")
            % {"time": f"{timezone.localtime(earliest):%Y-%m-%d %H:%M}"},
            "occurred_at",
        )
    return occurred_at


def require_active(case: Case) -> None:
    if not case.is_active:
        raise ServiceError("case_closed", _("The case is closed; nothing more can be done in it."))


def record(
    actor: Actor,
    case: Case,
    kind: str,
    data: dict[str, Any] | None = None,
    occurred_at: dt.datetime | None = None,
) -> Event:
    """Append to the case timeline; ``occurred_at`` is set only for after-registration."""
    now = timezone.now()
    touch(case.pk)
    event = Event.objects.create(
        case=case,
        kind=kind,
        actor=actor.user,
        unit=actor.unit,
        data=data or {},
        occurred_at=occurred_at or now,
        recorded_at=now,
    )
    recorded(event)  # the webhooks' outbox, in the act's transaction
    return event


def take_part(case: Case, unit: Unit, role: str = Participation.Role.PARTICIPANT) -> None:
    """Give a unit access to the case from now on (idempotent)."""
    take_part_all(case, [unit], role)


def take_part_all(
    case: Case, units: Iterable[Unit], role: str = Participation.Role.PARTICIPANT
) -> None:
    """``take_part`` for several units in two queries, whatever their number: which of them
    already take part, then one INSERT for the others."""
    wanted = {unit.pk: unit for unit in units}
    if not wanted:
        return
    already = set(
        case.participations.filter(unit__in=list(wanted), until__isnull=True).values_list(
            "unit_id", flat=True
        )
    )
    new = [
        Participation(case=case, unit=u, role=role) for k, u in wanted.items() if k not in already
    ]
    if new:
        Participation.objects.bulk_create(new)
        touch(case.pk)


def oblige(case: Case, unit: Unit, kind: str, due_at: dt.datetime, note: str = "") -> Obligation:
    """Store a deadline; an open one of the same kind for the unit is replaced."""
    Obligation.objects.filter(
        case=case, unit=unit, kind=kind, met_at__isnull=True, cancelled_at__isnull=True
    ).update(cancelled_at=timezone.now())
    touch(case.pk)
    return Obligation.objects.create(case=case, unit=unit, kind=kind, due_at=due_at, note=note)


def meet(case: Case, kind: str, at: dt.datetime | None = None, unit: Unit | None = None) -> None:
    """Mark open deadlines of this kind as met (for one unit, or for all)."""
    open_ = Obligation.objects.filter(
        case=case, kind=kind, met_at__isnull=True, cancelled_at__isnull=True
    )
    if unit is not None:
        open_ = open_.filter(unit=unit)
    open_.update(met_at=at or timezone.now())
    touch(case.pk)


def cancel(case: Case, kind: str) -> None:
    """Cancel open deadlines of this kind: the act is no longer needed, or moved elsewhere."""
    Obligation.objects.filter(
        case=case, kind=kind, met_at__isnull=True, cancelled_at__isnull=True
    ).update(cancelled_at=timezone.now())
    touch(case.pk)


def close(actor: Actor, case: Case, reason: str, comment: str = "") -> None:
    """Close a case with a reason; open deadlines are cancelled (SIP-13)."""
    now = timezone.now()
    case.closed_at = now
    case.close_reason = reason
    case.version += 1
    case.save(update_fields=["closed_at", "close_reason", "version"])
    case.obligations.filter(met_at__isnull=True, cancelled_at__isnull=True).update(cancelled_at=now)
    record(actor, case, "closed", {"reason": reason, "comment": comment})


@act
def register_death(actor: Actor, person_pk: int, died_on: dt.date) -> int:
    """PER-4: a death closes every active case of the person with reason "deceased"."""
    from samordna.people.services import get_visible

    person = get_visible(actor, person_pk, "person.death")
    if died_on > timezone.localdate():
        raise ServiceError(
            "future_date", _("The date of death cannot be in the future."), "died_on"
        )
    Person.objects.filter(pk=person.pk).update(deceased_on=died_on, version=person.version + 1)
    cases = list(Case.objects.select_for_update().filter(person=person, closed_at__isnull=True))
    for case in cases:
        close(actor, case, Case.CloseReason.DECEASED)
    return len(cases)
