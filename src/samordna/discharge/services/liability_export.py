"""Payment liability of a stay: its facts, the assessment, and the municipality's export."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from samordna.accounts.actor import Actor
from samordna.audit.models import AccessLog
from samordna.audit.services import log, log_many
from samordna.cases.models import Case, Delivery, Notice
from samordna.core import deadlines
from samordna.discharge import liability
from samordna.discharge.models import (
    DailyAmount,
)
from samordna.discharge.services.notices import _facts
from samordna.errors import Forbidden, ServiceError
from samordna.organisations.models import Membership, Principal


def daily_amounts() -> dict[int, int]:
    return dict(DailyAmount.objects.values_list("year", "amount_sek"))


def facts_of(case: Case) -> liability.Facts:
    """The stay's facts for the liability rules (one case; the export reads them for all its
    stays at once with ``_facts``)."""
    ready = case.notices.filter(kind=Notice.Kind.READY).order_by("sent_at", "pk").first()
    to_municipality = Delivery.objects.filter(
        notice__case=case,
        notice__kind=Notice.Kind.ADMISSION,
        unit__principal_id=case.person.municipality_id,
    ).exists()
    return _facts(case, ready.sent_at if ready else None, to_municipality)


def facts_from(case: Case, notices: Sequence[Notice]) -> liability.Facts:
    """``facts_of`` from the case's notices as the stay page has read them, each with its
    deliveries and their units prefetched: no query of its own (issue 11)."""
    ready = min(
        (n for n in notices if n.kind == Notice.Kind.READY),
        key=lambda n: (n.sent_at, n.pk),
        default=None,
    )
    municipality = case.person.municipality_id
    to_municipality = any(
        d.unit.principal_id == municipality
        for n in notices
        if n.kind == Notice.Kind.ADMISSION
        for d in n.deliveries.all()
    )
    return _facts(case, ready.sent_at if ready else None, to_municipality)


def assess(
    case: Case, amounts: dict[int, int] | None = None, facts: liability.Facts | None = None
) -> liability.Liability:
    return liability.assess(
        facts_of(case) if facts is None else facts,
        case.owner_unit.principal.county.rule_set,
        daily_amounts() if amounts is None else amounts,
        timezone.localdate(),
    )


@dataclass(frozen=True)
class LiabilityRow:
    case: Case
    days: tuple[int, ...]
    amount: int | None
    result: liability.Liability


# Who handles the invoice at the municipality: its administrators and its invoicing staff.
MUNICIPAL_EXPORT_ROLES = (Membership.Role.UNIT_ADMIN, Membership.Role.INVOICING)


def may_export(actor: Actor, municipality: Principal) -> bool:
    """The export lists identity numbers across cases the unit need not take part in, so it
    is open only to the roles that handle the invoice (issue 17): county administrators of the
    county, and the administrators and invoicing staff of the municipality's own units, not
    every unit of the municipality (the school health service included)."""
    if actor.has_role(Membership.Role.COUNTY_ADMIN):
        return actor.unit.principal.county_id == municipality.county_id
    return actor.unit.principal_id == municipality.pk and actor.has_role(*MUNICIPAL_EXPORT_ROLES)


def exportable_municipalities(actor: Actor) -> list[Principal]:
    """The municipalities whose liability CSV the actor may export (``may_export``), for the
    export's form: every municipality of the county for its administrators, the own
    municipality for its administrators and invoicing staff, none for anyone else."""
    if actor.has_role(Membership.Role.COUNTY_ADMIN):
        return list(
            Principal.objects.filter(
                kind=Principal.Kind.MUNICIPALITY, county_id=actor.unit.principal.county_id
            ).order_by("name")
        )
    principal = actor.unit.principal
    if principal.kind == Principal.Kind.MUNICIPALITY and actor.has_role(*MUNICIPAL_EXPORT_ROLES):
        return [principal]
    return []


def may_export_any(actor: Actor) -> bool:
    """Whether the actor may export some municipality's liability, without a query."""
    if actor.has_role(Membership.Role.COUNTY_ADMIN):
        return True
    return actor.unit.principal.kind == Principal.Kind.MUNICIPALITY and actor.has_role(
        *MUNICIPAL_EXPORT_ROLES
    )


def liability_export(actor: Actor, code: str, month: str) -> tuple[Principal, list[LiabilityRow]]:
    """The liable days of one month for the patients registered in one municipality (seed 001
    lines 1529-1530), as the basis of the region's invoice. Logged: one export row and one row
    per individual (SEC-2)."""
    municipality = Principal.objects.filter(
        Q(code=code) | Q(municipality_code=code), kind=Principal.Kind.MUNICIPALITY
    ).first()
    if municipality is None:
        raise ServiceError("invalid_municipality", _("Unknown municipality."), "municipality")
    try:
        first = dt.date.fromisoformat(f"{month}-01")
    except ValueError as error:
        raise ServiceError("invalid_month", _("Give the month as YYYY-MM."), "month") from error
    if not may_export(actor, municipality):
        raise Forbidden(
            "not_permitted",
            _(
                "Only the municipality's administrators and invoicing staff, and county "
                "administrators, may export this."
            ),
        )
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    stays = (
        Case.objects.filter(
            kind=Case.Kind.DISCHARGE,
            person__municipality=municipality,
            notices__kind=Notice.Kind.READY,
            notices__sent_at__lt=deadlines.end_of_day(last),
        )
        .filter(
            Q(stay__discharged_at__isnull=True)
            | Q(stay__discharged_at__gte=deadlines.end_of_day(first - dt.timedelta(days=1)))
        )
        .select_related("person", "stay", "owner_unit__principal__county")
        .prefetch_related("stay__unavailable_periods")
        .annotate(
            # What ``facts_of`` reads per case, for all the stays in the one query.
            first_ready_at=Subquery(
                Notice.objects.filter(case=OuterRef("pk"), kind=Notice.Kind.READY)
                .order_by("sent_at", "pk")
                .values("sent_at")[:1]
            ),
            notified_municipality=Exists(
                Delivery.objects.filter(
                    notice__case=OuterRef("pk"),
                    notice__kind=Notice.Kind.ADMISSION,
                    unit__principal_id=OuterRef("person__municipality_id"),
                )
            ),
        )
        .distinct()
        .order_by("pk")
    )
    amounts = daily_amounts()
    rows = []
    for case in stays:  # a constant number of queries, whatever the number of stays
        annotated: Any = case
        facts = _facts(case, annotated.first_ready_at, annotated.notified_municipality)
        result = assess(case, amounts, facts)
        days = result.in_month(first.year, first.month)
        if days:
            per_day = amounts.get(first.year)
            rows.append(LiabilityRow(case, days, per_day * len(days) if per_day else None, result))
    log(actor, AccessLog.Action.EXPORT, f"stay.liability_export: {municipality.code} {month}")
    log_many(actor, AccessLog.Action.EXPORT, "stay.liability_export", [r.case.person for r in rows])
    return municipality, rows


def write_csv(out: Any, month: str, rows: list[LiabilityRow]) -> None:
    """The export as the invoice's basis: CSV, ``;`` separated, with a BOM so that Excel with
    Swedish settings opens it (the screen's and the API's file)."""
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        [
            "ärende",
            "personnummer",
            "avdelning",
            "betalningsansvar från",
            "utskriven",
            "vårddygn i månaden",
            "dagar",
            "belopp kr",
            "motivering",
        ]
    )
    for row in rows:
        stay = row.case.stay
        writer.writerow(
            [
                row.case.pk,
                row.case.person.identity.formatted,
                row.case.owner_unit.name,
                row.result.start,
                timezone.localdate(stay.discharged_at) if stay.discharged_at else "",
                len(row.days),
                " ".join(str(d) for d in row.days),
                row.amount if row.amount is not None else f"belopp saknas för år {month[:4]}",
                " ".join(row.result.reasons),
            ]
        )
