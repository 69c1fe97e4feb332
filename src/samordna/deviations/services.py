"""The acts of the deviation register (DEV-1), one transaction each.

The reporting unit writes a deviation and sends it; the concerned unit marks it handled (seed
000_106b8acbeb42519c.txt lines 258, 269-277). Suggestions come from the system (a meeting
no-show, ``sip.services.meetings.record_meeting``; a missed acknowledgement,
``deviations.jobs``) and are confirmed into a draft or dismissed by the reporting unit.

A deviation is not appended to the case timeline on purpose: every unit taking part in the case
reads the timeline, while a deviation is a matter between the reporting and the concerned unit
(and their deviation systems). Who did what and when is kept on the deviation itself.

The case, and so the individual, is shown only to a unit that may see the case (SEC-1); every
time it is shown or changed the individual is in the access log (SEC-2). The free text should
not identify the individual: identity numbers in it are refused.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import Count, Exists, Field, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samordna.accounts.actor import Actor
from samordna.audit.models import AccessLog
from samordna.audit.services import log, log_many
from samordna.cases.acts import act, touch
from samordna.cases.models import Case
from samordna.core.identity import IdentityNumberError, parse_identity_number
from samordna.core.paging import Window, offset, page_number
from samordna.deviations.models import Deviation
from samordna.errors import Conflict, Forbidden, NotFound, ServiceError
from samordna.organisations.models import Membership, Principal, Unit

Status = Deviation.Status
PER_PAGE = 50
MAX_TEXT = 4000
# Seed 000_106b8acbeb42519c.txt lines 262-266: what the report must describe before it is sent.
TEXTS = ("event", "consequence", "risk", "action", "improvement")
SIDES = ("reported", "concerning")
# Something that looks like an identity number: 6 or 8 digits, optional - or +, 4 digits; the
# digits may be grouped with spaces ("19360323 9090", "1936 03 23-9090").
_IDENTITY = re.compile(r"(?<!\d)(?:\d{2}\s?)?\d{2}\s?\d{2}\s?\d{2}\s?[-+]?\s?\d{4}(?!\d)")


@dataclass
class Content:
    """What the reporting unit writes (all but ``event`` may wait until it is sent)."""

    occurred_at: dt.datetime
    event: str
    consequence: str = ""
    risk: str = ""
    action: str = ""
    improvement: str = ""
    concerned_unit: Unit | None = None
    case: int | None = None


@dataclass
class Filters:
    status: str = ""
    side: str = ""

    @classmethod
    def of(cls, status: str | None, side: str | None) -> Filters:
        """Unknown values mean no filter: a filter link is never an error."""
        return cls(
            status if status in Status.values else "",
            side if side in SIDES else "",
        )


# Reading ------------------------------------------------------------------------------------


def _shown(actor: Actor) -> QuerySet[Deviation]:
    """The deviations the unit sees, each with ``shows_case``: whether the unit may see the
    case it is about (only then are the case number and the individual shown)."""
    return (
        Deviation.objects.visible_to(actor)
        .select_related(
            "reporting_unit__principal__county",
            "concerned_unit__principal",
            "mas_unit",
            "case__person",
            "created_by",
            "confirmed_by",
            "dismissed_by",
            "sent_by",
            "handled_by",
        )
        .annotate(shows_case=Exists(Case.objects.visible_to(actor).filter(pk=OuterRef("case_id"))))
    )


def shows_case(deviation: Deviation) -> bool:
    """Whether the case (and the individual) may be shown, as ``_shown`` annotated it."""
    return deviation.case_id is not None and bool(getattr(deviation, "shows_case", False))


def _filtered(
    actor: Actor, filters: Filters, found: QuerySet[Deviation] | None = None
) -> QuerySet[Deviation]:
    found = _shown(actor) if found is None else found
    if filters.side == "reported":
        found = found.filter(reporting_unit=actor.unit)
    elif filters.side == "concerning":
        found = found.filter(Q(concerned_unit=actor.unit) | Q(mas_unit=actor.unit))
    if filters.status:
        found = found.filter(status=filters.status)
    return found


def _log_shown(actor: Actor, what: str, deviations: list[Deviation]) -> None:
    """One access-log row per individual shown (SEC-2), in one INSERT."""
    persons = {d.case.person_id: d.case.person for d in deviations if d.case and shows_case(d)}
    log_many(actor, AccessLog.Action.READ, what, list(persons.values()))


def page(
    actor: Actor, filters: Filters, number: int | str | None = 1, total: int | None = None
) -> Window[Deviation]:
    """The unit's deviations, newest event first, in a constant number of queries: the page's
    keys by LIMIT from the deviations table alone (its indexes by unit, no joins, no COUNT),
    then those rows with what they show; ``total``, when given, is what ``counts`` found."""
    n = page_number(number)
    start = offset(n, PER_PAGE)
    ordered = _filtered(actor, filters, Deviation.objects.visible_to(actor))
    keys: list[int] = list(ordered.values_list("pk", flat=True)[start : start + PER_PAGE + 1])
    rows = {d.pk: d for d in _shown(actor).filter(pk__in=keys[:PER_PAGE])}
    shown = [rows[k] for k in keys[:PER_PAGE] if k in rows]
    found = Window(shown, n, PER_PAGE, len(keys) > PER_PAGE, total)
    _log_shown(actor, "deviations.list", list(found))
    return found


def counts(actor: Actor, filters: Filters) -> dict[str, int]:
    """How many of each status the side filter shows (for the filter links), from the indexes
    by unit and status alone (``deviation_reporter_idx``, ``deviation_concerned_idx``: index-only
    counts, no row read): what the unit reported, what was sent to it, and what it reported
    about itself (``deviation_to_itself_idx``, normally empty), which is on both sides, and
    there also while unsent."""
    unit = actor.unit

    def by_status(found: QuerySet[Deviation]) -> Counter[str]:
        grouped = found.order_by().values("status").annotate(n=Count("*"))
        return Counter({row["status"]: row["n"] for row in grouped})

    totals: Counter[str] = Counter()
    if filters.side != "concerning":
        totals += by_status(Deviation.objects.filter(reporting_unit=unit))
    if filters.side != "reported":
        itself = by_status(Deviation.objects.filter(reporting_unit=unit, concerned_unit=unit))
        sent = Deviation.SENT_STATUSES
        # DEV-2: and what reached the unit as the municipality's MAS (``deviation_mas_idx``);
        # in "all", what the unit also reported is counted there already.
        mas = Q(mas_unit=unit) if filters.side else Q(mas_unit=unit) & ~Q(reporting_unit=unit)
        to_unit = Deviation.objects.filter(Q(concerned_unit=unit) | mas, status__in=sent)
        totals += by_status(to_unit)
        totals += Counter({k: n for k, n in itself.items() if k not in sent})
        if not filters.side:
            totals -= itself
    return {"all": sum(totals.values()), **{status: totals[status] for status in Status.values}}


def export(actor: Actor, filters: Filters) -> list[Deviation]:
    """Everything the filters select, for the organisation's own deviation system (seed 000
    line 258: "registreras i respektive kommun/regionens avvikelssystem")."""
    found = list(_filtered(actor, filters))
    _log_shown(actor, "deviations.export", found)
    return found


def get(actor: Actor, pk: int) -> Deviation:
    """One deviation the unit sees, or NotFound; the individual shown is logged."""
    deviation = _shown(actor).filter(pk=pk).first()
    if deviation is None:
        raise NotFound("not_found", _("The deviation was not found."))
    if deviation.case and shows_case(deviation):
        log(actor, AccessLog.Action.READ, "deviation.read", deviation.case.person)
    return deviation


# Acts ---------------------------------------------------------------------------------------


def _clean(actor: Actor, content: Content) -> dict[str, Any]:
    """The fields to store, or a ServiceError naming the first bad one (SEC-4)."""
    data: dict[str, Any] = {name: _text(getattr(content, name), name) for name in TEXTS}
    if not data["event"]:
        raise ServiceError("required", _("Describe the event."), "event")
    if content.occurred_at > timezone.now():
        raise ServiceError("in_the_future", _("The event cannot be in the future."), "occurred_at")
    unit = content.concerned_unit
    if unit is not None and (
        unit.pk == actor.unit.pk
        or not unit.active
        or unit.principal.county_id != actor.unit.principal.county_id
    ):
        raise ServiceError(
            "invalid_unit", _("Choose another active unit of the county."), "concerned_unit"
        )
    data.update(
        occurred_at=content.occurred_at, concerned_unit=unit, case=_case(actor, content.case)
    )
    return data


def _text(value: str, field: str) -> str:
    """A free text, stripped; not too long and without an identity number in it."""
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise ServiceError(
            "too_long", _("Write at most %(max)d characters.") % {"max": MAX_TEXT}, field
        )
    if any(_is_identity(re.sub(r"\s", "", m.group())) for m in _IDENTITY.finditer(value)):
        raise ServiceError(
            "identity_in_text",
            _(
                "Do not write identity numbers in the deviation. Give the case number "
                "instead; only units that take part in the case see who it concerns."
            ),
            field,
        )
    return value


def _is_identity(text: str) -> bool:
    try:
        parse_identity_number(text, timezone.localdate())
    except IdentityNumberError:
        return False
    return True


def _case(actor: Actor, pk: int | None) -> Case | None:
    """A case the unit takes part in (SEC-1); linking it is a use of the individual's data."""
    if pk is None:
        return None
    case = Case.objects.visible_to(actor).select_related("person").filter(pk=pk).first()
    if case is None:
        raise ServiceError(
            "invalid_case",
            _("There is no case with that number that your unit takes part in."),
            "case",
        )
    log(actor, AccessLog.Action.UPDATE, "deviation.case", case.person)
    return case


def _locked(actor: Actor, pk: int, version: int, what: str) -> Deviation:
    """A deviation the unit sees, locked, that nobody changed since ``version`` was read."""
    deviation = (
        Deviation.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("case__person", "concerned_unit__principal__county")
        .filter(pk=pk)
        .first()
    )
    if deviation is None:
        raise NotFound("not_found", _("The deviation was not found."))
    if deviation.version != version:
        raise Conflict(
            "edit_conflict",
            _(
                "Someone else changed the deviation while you were working on it. Nothing has "
                "been saved; review the deviation and try again."
            ),
        )
    case = deviation.case
    if case is not None and Case.objects.visible_to(actor).filter(pk=case.pk).exists():
        log(actor, AccessLog.Action.UPDATE, what, case.person)
    return deviation


def _require_reporter(actor: Actor, deviation: Deviation) -> None:
    if deviation.reporting_unit_id != actor.unit.pk:
        raise Forbidden(
            "not_reporting_unit", _("Only the unit that reported the deviation can do this.")
        )


def _require_status(deviation: Deviation, status: str, message: str) -> None:
    if deviation.status != status:
        raise ServiceError("wrong_status", message)


def _save(deviation: Deviation, *fields: str) -> Deviation:
    deviation.version += 1
    deviation.save(update_fields=[*fields, "version"])
    return deviation


@act
def create(actor: Actor, content: Content) -> Deviation:
    """A deviation written by the active unit, as a draft (nothing is sent yet)."""
    data = _clean(actor, content)
    return Deviation.objects.create(
        status=Status.DRAFT,
        reporting_unit=actor.unit,
        created_by=actor.user,
        confirmed_at=timezone.now(),
        confirmed_by=actor.user,
        **data,
    )


@act
def update(actor: Actor, pk: int, version: int, content: Content, send: bool = False) -> Deviation:
    """Edit a draft (optimistic locking: 409 when someone saved in between), and send it in the
    same step when ``send``: what is sent is what the user sees, and an incomplete draft is
    neither saved nor sent."""
    deviation = _locked(actor, pk, version, "deviation.update")
    _require_reporter(actor, deviation)
    _require_status(deviation, Status.DRAFT, _("Only a draft can be edited."))
    data = _clean(actor, content)
    for name, value in data.items():
        setattr(deviation, name, value)
    if send:
        return _send(actor, deviation, *data)
    return _save(deviation, *data)


@act
def confirm(actor: Actor, pk: int, version: int) -> Deviation:
    """The reporting unit takes a suggestion on as its own draft, to complete and send."""
    deviation = _locked(actor, pk, version, "deviation.confirm")
    _require_reporter(actor, deviation)
    _require_status(deviation, Status.SUGGESTED, _("Only a suggested deviation can be confirmed."))
    deviation.status = Status.DRAFT
    deviation.confirmed_at = timezone.now()
    deviation.confirmed_by = actor.user
    return _save(deviation, "status", "confirmed_at", "confirmed_by")


@act
def dismiss(actor: Actor, pk: int, version: int) -> Deviation:
    """The reporting unit rejects a suggestion; it stays in the register as dismissed."""
    deviation = _locked(actor, pk, version, "deviation.dismiss")
    _require_reporter(actor, deviation)
    _require_status(deviation, Status.SUGGESTED, _("Only a suggested deviation can be dismissed."))
    deviation.status = Status.DISMISSED
    deviation.dismissed_at = timezone.now()
    deviation.dismissed_by = actor.user
    return _save(deviation, "status", "dismissed_at", "dismissed_by")


@act
def send(actor: Actor, pk: int, version: int) -> Deviation:
    """Send a complete draft as stored."""
    deviation = _locked(actor, pk, version, "deviation.send")
    _require_reporter(actor, deviation)
    _require_status(deviation, Status.DRAFT, _("Only a draft can be sent."))
    return _send(actor, deviation)


def _send(actor: Actor, deviation: Deviation, *changed: str) -> Deviation:
    """The concerned unit sees the deviation from now on. Every part of the seed's description
    must be filled in (seed 000_106b8acbeb42519c.txt lines 260-266)."""
    for name in TEXTS:
        if not getattr(deviation, name).strip():
            raise ServiceError(
                "incomplete",
                _("Fill in %(field)s before sending the deviation.")
                % {"field": cast(Field[Any, Any], Deviation._meta.get_field(name)).verbose_name},
                name,
            )
    deviation.status = Status.SENT
    deviation.sent_at = timezone.now()
    deviation.sent_by = actor.user
    deviation.mas_unit = mas_unit_for(deviation.concerned_unit)
    touch(deviation.case_id)  # the follow-up counts the deviations sent about a case (RPT-1)
    return _save(deviation, *changed, "status", "sent_at", "sent_by", "mas_unit")


def mas_unit_for(concerned: Unit | None) -> Unit | None:
    """DEV-2, seed 001_118551e475ece215.txt lines 134-136: "Avvikelserapport som gäller kommunen
    skickas till medicinskt ansvarig sjuksköterska (MAS) i kommunen." The unit of the concerned
    municipality where a staff member has the MAS role (the first by name, if several), when
    the county's rules say so; None when no MAS is registered there."""
    if concerned is None or concerned.principal.kind != Principal.Kind.MUNICIPALITY:
        return None
    if not concerned.principal.county.rule_set.deviations_to_mas:
        return None
    return (
        Unit.objects.filter(
            principal=concerned.principal,
            active=True,
            memberships__role=Membership.Role.MAS,
            memberships__user__is_active=True,
        )
        .order_by("name")
        .first()
    )


def paper_route(deviation: Deviation) -> bool:
    """DEV-2, seed 000_106b8acbeb42519c.txt lines 273-275: from the region to a municipality
    "skickas i pappersform till berörd chef eller \"Socialkontoret\"", where the county's rules
    say so: the reporting unit prints the deviation and posts it."""
    concerned = deviation.concerned_unit
    reporter = deviation.reporting_unit
    return (
        concerned is not None
        and reporter.principal.kind == Principal.Kind.REGION
        and concerned.principal.kind == Principal.Kind.MUNICIPALITY
        and reporter.principal.county.rule_set.deviations_to_municipality_on_paper
    )


@act
def handle(actor: Actor, pk: int, version: int, comment: str = "") -> Deviation:
    """The concerned unit marks a sent deviation handled (seed 000 line 277: "ska åtgärdas
    omgående"); without a concerned unit, the reporting unit does."""
    deviation = _locked(actor, pk, version, "deviation.handle")
    handler = deviation.concerned_unit_id or deviation.reporting_unit_id
    if handler != actor.unit.pk:
        raise Forbidden(
            "not_concerned_unit",
            _("Only the concerned unit can mark the deviation as handled."),
        )
    _require_status(deviation, Status.SENT, _("Only a sent deviation can be marked as handled."))
    comment = _text(comment, "comment")
    deviation.status = Status.HANDLED
    deviation.handled_at = timezone.now()
    deviation.handled_by = actor.user
    deviation.handled_comment = comment
    return _save(deviation, "status", "handled_at", "handled_by", "handled_comment")
