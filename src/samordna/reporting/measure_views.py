"""The pages of the plain measures (RPT-1, RPT-3): waiting days after ready for discharge with
the municipalities' liable days and amounts, and the counts of SIPs, stays and deviations; each
with an SVG chart beside a table of the same figures and CSV files as ``views`` writes them."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from samordna.accounts.actor import UnitRequest
from samordna.accounts.decorators import unit_required
from samordna.audit.models import AccessLog
from samordna.audit.services import log
from samordna.cases.models import Case
from samordna.deviations.models import Deviation
from samordna.discharge.liability import kronor
from samordna.errors import ServiceError
from samordna.reporting import charts, measures
from samordna.reporting.measures import Waiting, count_text, decimal
from samordna.reporting.stats import BY_ID
from samordna.reporting.views import _csv, _filters, _refused, _scope
from samordna.sip.models import SipCase

WAITING_TABLES = ("months", "municipalities", "units", "distribution")
COUNT_TABLES = ("months", "kinds")


def _amount(w: Waiting, amounts: dict[int, int]) -> tuple[str, str]:
    """The amount as shown and as in the CSV (a number of kronor, or a text)."""
    if w.liable_hidden:
        return "–", "–"
    amount, missing = w.amount(amounts)
    if missing:
        text = _("amount missing for %(years)s") % {"years": ", ".join(map(str, missing))}
        return text, text
    return kronor(amount or 0), str(amount or 0)


def waiting_cells(w: Waiting, amounts: dict[int, int]) -> list[str]:
    days = w.liable_days
    return [
        count_text(w.stays, w.suppress),
        decimal(w.median),
        count_text(w.liable_stays, w.suppress),
        "–" if days is None else str(days),
        _amount(w, amounts)[0],
    ]


def _csv_cells(w: Waiting, amounts: dict[int, int]) -> list[str]:
    days = w.liable_days
    median = w.median
    return [
        count_text(w.stays, w.suppress),
        "" if median is None else decimal(median),
        count_text(w.liable_stays, w.suppress),
        "" if days is None else str(days),
        _amount(w, amounts)[1].replace("–", ""),
    ]


@unit_required()
def waiting(request: UnitRequest) -> HttpResponse:
    try:
        scope = _scope(request)
    except ServiceError as error:
        return _refused(request, error)
    log(request.actor, AccessLog.Action.READ, "reports.waiting")
    amounts = measures.amounts()
    months = measures.waiting_by_month(scope)
    total = measures.waiting_total(scope)
    period = {"first": f"{scope.first:%Y-%m}", "last": f"{scope.last:%Y-%m}"}
    medians = [w.median for _m, w in months]
    trend = charts.line(
        charts.Chart(
            "waiting-trend", _("Median waiting days after ready for discharge per month"),
            _("Line chart of the median number of days from the ready-for-discharge notice to "
              "discharge, per month of discharge, %(first)s to %(last)s; the same figures are "
              "in the table per month below.") % period,
            _("Month of discharge"), _("Median waiting days"),
            top=charts.nice_top(medians), unit="",
        ),
        [(m, w.median) for m, w in months],
    )  # fmt: skip
    buckets = total.buckets()
    shown = [
        None if n is None or measures.small(n, total.suppress) else float(n) for _l, n in buckets
    ]
    distribution = charts.bars(
        charts.Chart(
            "waiting-distribution", _("Stays by waiting days after ready for discharge"),
            _("Bar chart of the number of stays discharged %(first)s to %(last)s by waiting "
              "days, one bar per group of days; the same figures are in the table of the "
              "distribution below.") % period,
            _("Waiting days"), _("Stays"),
            top=charts.nice_top(shown), unit="",
        ),
        [(label, v) for (label, _n), v in zip(buckets, shown, strict=True)],
    )  # fmt: skip
    context = {
        **_filters(request, scope),
        "stats": [BY_ID[s] for s in measures.WAITING],
        "trend": trend,
        "distribution": distribution,
        "buckets": [(label, count_text(n, total.suppress)) for label, n in buckets],
        "total": waiting_cells(total, amounts),
        "months": [(m, waiting_cells(w, amounts)) for m, w in months],
        "by_municipality": [
            (p, waiting_cells(w, amounts)) for p, w in measures.waiting_by_municipality(scope)
        ],
        "by_unit": []
        if scope.own_unit
        else [(u, waiting_cells(w, amounts)) for u, w in measures.waiting_by_unit(scope)],
    }
    return render(request, "reporting/waiting.html", context)


def _table(request: UnitRequest, tables: tuple[str, ...]) -> str:
    table = request.GET.get("table", "months")
    if table not in tables:
        raise ServiceError("invalid_table", _("Choose one of: %(t)s.") % {"t": ", ".join(tables)})
    return table


def _plain(error: ServiceError) -> HttpResponse:
    return HttpResponse(
        error.message, status=error.status, content_type="text/plain; charset=utf-8"
    )


@unit_required()
def waiting_csv(request: UnitRequest) -> HttpResponse:
    try:
        scope = _scope(request)
        table = _table(request, WAITING_TABLES)
        if table == "units" and scope.own_unit:
            raise ServiceError("invalid_table", _("The unit view has no table per unit."))
    except ServiceError as error:
        return _plain(error)
    log(request.actor, AccessLog.Action.EXPORT, f"reports.waiting {table}")
    name = f"vantedagar-{table}-{scope.first:%Y-%m}-{scope.last:%Y-%m}.csv"
    if table == "distribution":
        buckets = measures.waiting_total(scope).buckets()
        suppress = not scope.own_unit
        return _csv(name, ["väntedagar", "vårdtillfällen"],
                    [[label, count_text(n, suppress)] for label, n in buckets])  # fmt: skip
    amounts = measures.amounts()
    rows: list[tuple[str, Waiting]]
    if table == "months":
        rows = [(f"{m:%Y-%m}", w) for m, w in measures.waiting_by_month(scope)]
    elif table == "units":
        rows = [(u.name, w) for u, w in measures.waiting_by_unit(scope)]
    else:
        rows = [(p.name, w) for p, w in measures.waiting_by_municipality(scope)]
    first = {"months": "månad", "units": "enhet", "municipalities": "kommun"}[table]
    header = [first, "utskrivna", "median väntedagar", "med betalningsansvar",
              "betalningsansvar vårddygn", "belopp kr"]  # fmt: skip
    return _csv(name, header, ([label, *_csv_cells(w, amounts)] for label, w in rows))


LABELS = {
    "sip_opened": dict(SipCase.Type.choices),
    "sip_closed": dict(Case.CloseReason.choices),
    "deviations": dict(Deviation.Source.choices),
}


def label(stat: str, key: str) -> str:
    return str(LABELS[stat].get(key, key))


@unit_required()
def counts(request: UnitRequest) -> HttpResponse:
    try:
        scope = _scope(request)
    except ServiceError as error:
        return _refused(request, error)
    log(request.actor, AccessLog.Action.READ, "reports.counts")
    suppress = not scope.own_unit
    months = measures.counts_by_month(scope)
    active = [None if measures.small(m.active, suppress) else float(m.active) for m in months]
    chart = charts.line(
        charts.Chart(
            "active-sips", _("Active SIPs at the end of each month"),
            _("Line chart of the number of SIPs open at the end of each month, %(first)s to "
              "%(last)s; the same figures are in the table per month below.")
            % {"first": f"{scope.first:%Y-%m}", "last": f"{scope.last:%Y-%m}"},
            _("Month"), _("Active SIPs"), top=charts.nice_top(active), unit="",
        ),
        [(m.month, a) for m, a in zip(months, active, strict=True)],
    )  # fmt: skip
    by_key = measures.counts_by_key(scope)
    context = {
        **_filters(request, scope),
        "stats": [BY_ID[s] for s in ("sip_opened", "sip_closed", "stays", "deviations")],
        "chart": chart,
        "months": [
            (
                m.month,
                [
                    count_text(n, suppress)
                    for n in (m.active, m.opened, m.closed, m.stays, m.deviations)
                ],
            )
            for m in months
        ],
        "kinds": [
            (
                BY_ID[stat].title,
                [(label(stat, k), count_text(n, suppress)) for k, n in by_key.get(stat, [])],
            )
            for stat in ("sip_opened", "sip_closed", "deviations")
        ],
    }
    return render(request, "reporting/counts.html", context)


@unit_required()
def counts_csv(request: UnitRequest) -> HttpResponse:
    try:
        scope = _scope(request)
        table = _table(request, COUNT_TABLES)
    except ServiceError as error:
        return _plain(error)
    log(request.actor, AccessLog.Action.EXPORT, f"reports.counts {table}")
    suppress = not scope.own_unit
    name = f"antal-{table}-{scope.first:%Y-%m}-{scope.last:%Y-%m}.csv"
    if table == "months":
        header = ["månad", "aktiva SIP vid månadens slut", "SIP öppnade", "SIP avslutade",
                  "vårdtillfällen", "avvikelser skickade"]  # fmt: skip
        rows = (
            [f"{m.month:%Y-%m}", *(count_text(n, suppress) for n in (m.active, m.opened,
                                                                     m.closed, m.stays,
                                                                     m.deviations))]
            for m in measures.counts_by_month(scope)
        )  # fmt: skip
        return _csv(name, header, rows)
    by_key = measures.counts_by_key(scope)
    return _csv(
        name,
        ["mått", "slag", "kod", "antal"],
        (
            [stat, label(stat, k), k, count_text(n, suppress)]
            for stat in ("sip_opened", "sip_closed", "deviations")
            for k, n in by_key.get(stat, [])
        ),
    )
