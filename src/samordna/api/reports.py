"""The indicators and procedure codes over REST (RPT-1, RPT-2, API-1), for the county's own BI
tools: the same scopes, suppression (RPT-3) and access log as the pages. A suppressed count is
``null`` with ``suppressed: true`` on its row."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema

from samordna.api.common import ERRORS, actor_of, auth
from samordna.audit.models import AccessLog
from samordna.audit.services import log
from samordna.reporting import measures, queries, services
from samordna.reporting.indicators import INDICATORS
from samordna.validation import Code

router = Router(tags=["reports"], auth=auth)


class IndicatorOut(Schema):
    id: str
    title: str
    definition: str
    source: str


class RowOut(Schema):
    key: str
    share_on_time: float | None
    on_time: int | None
    late: int | None
    missed: int | None
    pending: int | None
    due: int | None
    suppressed: bool


class TableOut(Schema):
    indicator: IndicatorOut
    first: str
    last: str
    own_unit: bool
    months: list[RowOut]
    units: list[RowOut]
    municipalities: list[RowOut]


class Filters(Schema):
    first: Code | None = None
    last: Code | None = None
    unit: Code | None = None
    municipality: Code | None = None


class CodeOut(Schema):
    date: dt.date
    code: str
    case_id: int
    identity_number: str
    unit: str
    unit_hsa_id: str
    recorded_by: str


def _indicator(i: queries.Indicator) -> IndicatorOut:
    return IndicatorOut(id=i.id, title=str(i.title), definition=str(i.definition), source=i.source)


def _row(key: str, s: queries.Shown) -> RowOut:
    share = s.share
    return RowOut(
        key=key,
        share_on_time=None if share is None else round(share, 1),
        on_time=s.count("on_time"),
        late=s.count("late"),
        missed=s.count("missed"),
        pending=s.count("pending"),
        due=s.count("due"),
        suppressed=s.hidden,
    )


@router.get("/indicators", response={200: list[IndicatorOut], **ERRORS})
def indicators(request: HttpRequest):
    """Every indicator with its definition and the routine it follows."""
    queries.scope_for(actor_of(request))  # refuses whoever may not read them
    return [_indicator(i) for i in INDICATORS]


@router.get("/indicators/{indicator}", response={200: TableOut, **ERRORS})
def indicator(request: HttpRequest, indicator: str, filters: Query[Filters]):
    """One indicator per month, unit (county view only) and municipality of residence;
    ``first`` and ``last`` are months (YYYY-MM), by default the last twelve."""
    actor = actor_of(request)
    found = queries.indicator(indicator)
    scope = queries.scope_for(
        actor, filters.first or "", filters.last or "", filters.unit or "",
        filters.municipality or "",
    )  # fmt: skip
    log(actor, AccessLog.Action.READ, f"reports.indicator {found.id}")
    return TableOut(
        indicator=_indicator(found),
        first=f"{scope.first:%Y-%m}",
        last=f"{scope.last:%Y-%m}",
        own_unit=scope.own_unit,
        months=[_row(f"{m:%Y-%m}", s) for m, s in queries.by_month(found, scope)],
        units=[] if scope.own_unit else [_row(u.code, s) for u, s in queries.by_unit(found, scope)],
        municipalities=[_row(p.code, s) for p, s in queries.by_municipality(found, scope)],
    )


class WaitingRowOut(Schema):
    key: str
    discharged: int | None
    median_waiting_days: float | None
    liable_stays: int | None
    liable_days: int | None
    amount_sek: int | None
    amount_missing_years: list[int]
    suppressed: bool


class BucketOut(Schema):
    waiting_days: str
    stays: int | None


class WaitingOut(Schema):
    first: str
    last: str
    own_unit: bool
    total: WaitingRowOut
    distribution: list[BucketOut]
    months: list[WaitingRowOut]
    units: list[WaitingRowOut]
    municipalities: list[WaitingRowOut]


def _waiting_row(key: str, w: measures.Waiting, amounts: dict[int, int]) -> WaitingRowOut:
    amount, missing = w.amount(amounts)
    median = w.median
    return WaitingRowOut(
        key=key,
        discharged=measures.count_value(w.stays, w.suppress),
        median_waiting_days=None if median is None else round(median, 1),
        liable_stays=measures.count_value(w.liable_stays, w.suppress),
        liable_days=w.liable_days,
        amount_sek=amount,
        amount_missing_years=missing,
        suppressed=w.hidden or w.liable_hidden,
    )


def _scope(request: HttpRequest, filters: Filters) -> queries.Scope:
    return queries.scope_for(
        actor_of(request), filters.first or "", filters.last or "", filters.unit or "",
        filters.municipality or "",
    )  # fmt: skip


@router.get("/waiting", response={200: WaitingOut, **ERRORS})
def waiting(request: HttpRequest, filters: Query[Filters]):
    """Waiting days after ready for discharge (median and distribution) and the payment
    liability (liable stays, days and amount) per month of discharge, unit (county view only)
    and municipality of residence; a suppressed count is ``null`` (RPT-3)."""
    scope = _scope(request, filters)
    log(actor_of(request), AccessLog.Action.READ, "reports.waiting")
    amounts = measures.amounts()
    total = measures.waiting_total(scope)
    return WaitingOut(
        first=f"{scope.first:%Y-%m}",
        last=f"{scope.last:%Y-%m}",
        own_unit=scope.own_unit,
        total=_waiting_row("total", total, amounts),
        distribution=[
            BucketOut(
                waiting_days=label,
                stays=None if n is None else measures.count_value(n, total.suppress),
            )
            for label, n in total.buckets()
        ],
        months=[
            _waiting_row(f"{m:%Y-%m}", w, amounts) for m, w in measures.waiting_by_month(scope)
        ],
        units=[]
        if scope.own_unit
        else [_waiting_row(u.code, w, amounts) for u, w in measures.waiting_by_unit(scope)],
        municipalities=[
            _waiting_row(p.code, w, amounts) for p, w in measures.waiting_by_municipality(scope)
        ],
    )


class MonthCountOut(Schema):
    month: str
    active_sips: int | None
    sips_opened: int | None
    sips_closed: int | None
    stays: int | None
    deviations_sent: int | None


class KeyCountOut(Schema):
    measure: str
    key: str
    n: int | None


class ReportCountsOut(Schema):
    first: str
    last: str
    own_unit: bool
    months: list[MonthCountOut]
    by_kind: list[KeyCountOut]


@router.get("/counts", response={200: ReportCountsOut, **ERRORS})
def counts(request: HttpRequest, filters: Query[Filters]):
    """Active SIPs at each month's end, SIPs opened and closed, stays and deviations sent per
    month; SIPs opened by type, closed by reason and deviations by kind over the period. A
    count from 1 to 4 is ``null`` outside the unit's own view (RPT-3)."""
    scope = _scope(request, filters)
    log(actor_of(request), AccessLog.Action.READ, "reports.counts")
    hide = not scope.own_unit

    def v(n: int) -> int | None:
        return measures.count_value(n, hide)

    return ReportCountsOut(
        first=f"{scope.first:%Y-%m}",
        last=f"{scope.last:%Y-%m}",
        own_unit=scope.own_unit,
        months=[
            MonthCountOut(
                month=f"{m.month:%Y-%m}", active_sips=v(m.active), sips_opened=v(m.opened),
                sips_closed=v(m.closed), stays=v(m.stays), deviations_sent=v(m.deviations),
            )
            for m in measures.counts_by_month(scope)
        ],
        by_kind=[
            KeyCountOut(measure=stat, key=k, n=v(n))
            for stat, found in measures.counts_by_key(scope).items()
            for k, n in found
        ],
    )  # fmt: skip


@router.get("/procedure-codes", response={200: list[CodeOut], **ERRORS})
def procedure_codes(request: HttpRequest, month: Code | None = None):
    """The token's unit's KVÅ codes of a month (YYYY-MM, by default the current one)."""
    actor = actor_of(request)
    codes = services.procedure_codes(actor, services.month_or_current(month or ""), export=True)
    return [
        CodeOut(
            date=c.performed_on,
            code=c.code,
            case_id=c.case_id,
            identity_number=c.case.person.identity.formatted,
            unit=c.unit.name,
            unit_hsa_id=c.unit.hsa_id,
            recorded_by=str(c.recorded_by),
        )
        for c in codes
    ]
