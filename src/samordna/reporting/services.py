"""Reading the procedure codes (RPT-2): a unit's own codes of one month, for its records."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from samordna.accounts.actor import Actor
from samordna.audit.models import AccessLog
from samordna.audit.services import log_many
from samordna.cases.models import Case
from samordna.reporting.models import ProcedureCode
from samordna.reporting.queries import _add_months, parse_month


def month_or_current(value: str) -> dt.date:
    return parse_month(value, "month") if value else timezone.localdate().replace(day=1)


def procedure_codes(actor: Actor, month: dt.date, export: bool = False) -> list[ProcedureCode]:
    """The codes the actor's unit is to record for the month: only in cases the unit sees now
    (``Case.visible_to``, SEC-1), each individual's read logged (SEC-2)."""
    codes: QuerySet[ProcedureCode] = (
        ProcedureCode.objects.filter(
            unit=actor.unit,
            performed_on__gte=month,
            performed_on__lt=_add_months(month, 1),
            case__in=Case.objects.visible_to(actor),
        )
        .select_related("case__person", "unit", "recorded_by")
        .order_by("performed_on", "pk")
    )
    found = list(codes)
    action = AccessLog.Action.EXPORT if export else AccessLog.Action.READ
    log_many(actor, action, "reports.procedure_codes", list({c.case.person for c in found}))
    return found
