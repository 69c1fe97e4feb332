"""The indicator pages, their CSV files and the procedure codes (RPT-1, RPT-2, RPT-3).

CSV: semicolon-separated, UTF-8 with a byte order mark and decimal commas (``87,5``), which is
what Excel with Swedish settings opens as numbers without an import dialog (as the liability
export); suppressed cells are the text ``<5``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from samordna.accounts.actor import UnitRequest
from samordna.accounts.decorators import unit_required
from samordna.audit.models import AccessLog
from samordna.audit.services import log
from samordna.errors import ServiceError
from samordna.organisations.models import Principal, Unit
from samordna.reporting import charts, queries, services

TABLES = ("months", "units", "municipalities")


def _scope(request: UnitRequest) -> queries.Scope:
    g = request.GET
    return queries.scope_for(
        request.actor, g.get("from", ""), g.get("to", ""), g.get("unit", ""),
        g.get("municipality", ""),
    )  # fmt: skip


def _refused(request: UnitRequest, error: ServiceError) -> HttpResponse:
    return render(request, "reporting/refused.html", {"error": error}, status=error.status)


def _filters(request: UnitRequest, scope: queries.Scope) -> dict[str, object]:
    county = request.actor.unit.principal.county_id
    return {
        "scope": scope,
        "municipalities": Principal.objects.filter(
            county_id=county, kind=Principal.Kind.MUNICIPALITY
        ).order_by("name"),
        "units": (
            []
            if scope.own_unit
            else Unit.objects.filter(principal__county_id=county, active=True).order_by("name")
        ),
        "query": request.GET.urlencode(),
    }


@unit_required()
def index(request: UnitRequest) -> HttpResponse:
    try:
        scope = _scope(request)
    except ServiceError as error:
        return _refused(request, error)
    log(request.actor, AccessLog.Action.READ, "reports.indicators")
    rows = queries.summary(scope)
    chart = charts.bars(
        charts.Chart(
            "summary",
            _("Share on time per indicator"),
            _("Bar chart of the share of deadlines met on time, one bar per indicator, numbered "
              "as in the table below it, for %(first)s to %(last)s.")
            % {"first": f"{scope.first:%Y-%m}", "last": f"{scope.last:%Y-%m}"},
            _("Indicator (number in the table)"),
            _("Share on time (%)"),
        ),
        [(str(n), shown.share) for n, (_i, shown) in enumerate(rows, 1)],
    )  # fmt: skip
    return render(
        request,
        "reporting/index.html",
        {**_filters(request, scope), "rows": rows, "chart": chart},
    )


@unit_required()
def indicator(request: UnitRequest, indicator: str) -> HttpResponse:
    try:
        found = queries.indicator(indicator)
        scope = _scope(request)
    except ServiceError as error:
        return _refused(request, error)
    log(request.actor, AccessLog.Action.READ, f"reports.indicator {found.id}")
    months = queries.by_month(found, scope)
    chart = charts.line(
        charts.Chart(
            "trend",
            _("%(title)s per month") % {"title": found.title},
            _("Line chart of the share on time per month, %(first)s to %(last)s; the same "
              "figures are in the table below.")
            % {"first": f"{scope.first:%Y-%m}", "last": f"{scope.last:%Y-%m}"},
            _("Month of the deadline"),
            _("Share on time (%)"),
        ),
        [(m, shown.share) for m, shown in months],
    )  # fmt: skip
    context = {
        **_filters(request, scope),
        "indicator": found,
        "months": months,
        "chart": chart,
        "by_unit": [] if scope.own_unit else queries.by_unit(found, scope),
        "by_municipality": queries.by_municipality(found, scope),
    }
    return render(request, "reporting/indicator.html", context)


def _csv(filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    return response


def _share(shown: queries.Shown) -> str:
    share = shown.share
    return "" if share is None else f"{share:.1f}".replace(".", ",")


@unit_required()
def indicator_csv(request: UnitRequest, indicator: str) -> HttpResponse:
    try:
        found = queries.indicator(indicator)
        scope = _scope(request)
        table = request.GET.get("table", "months")
        if table not in TABLES:
            raise ServiceError("invalid_table", _("Choose months, units or municipalities."))
        if table == "units" and scope.own_unit:
            raise ServiceError("invalid_table", _("The unit view has no table per unit."))
    except ServiceError as error:
        return HttpResponse(
            error.message, status=error.status, content_type="text/plain; charset=utf-8"
        )
    log(request.actor, AccessLog.Action.EXPORT, f"reports.indicator {found.id} {table}")
    label: list[tuple[str, queries.Shown]]
    if table == "months":
        label = [(f"{m:%Y-%m}", s) for m, s in queries.by_month(found, scope)]
    elif table == "units":
        label = [(u.name, s) for u, s in queries.by_unit(found, scope)]
    else:
        label = [(p.name, s) for p, s in queries.by_municipality(found, scope)]
    first = {"months": "månad", "units": "enhet", "municipalities": "kommun"}[table]
    header = [first, "i tid", "sent", "ej gjort, passerad", "ej passerad", "passerade",
              "andel i tid (%)"]  # fmt: skip
    rows = (
        [name, *(s.text(f) for f in ("on_time", "late", "missed", "pending", "due")), _share(s)]
        for name, s in label
    )
    name = f"{found.id}-{table}-{scope.first:%Y-%m}-{scope.last:%Y-%m}.csv"
    return _csv(name, header, rows)


@unit_required()
def procedure_codes(request: UnitRequest) -> HttpResponse:
    try:
        month = services.month_or_current(request.GET.get("month", ""))
    except ServiceError as error:
        return _refused(request, error)
    codes = services.procedure_codes(request.actor, month)
    return render(request, "reporting/codes.html", {"codes": codes, "month": month})


@unit_required()
def procedure_codes_csv(request: UnitRequest) -> HttpResponse:
    try:
        month = services.month_or_current(request.GET.get("month", ""))
    except ServiceError as error:
        return HttpResponse(
            error.message, status=error.status, content_type="text/plain; charset=utf-8"
        )
    codes = services.procedure_codes(request.actor, month, export=True)
    header = ["datum", "kod", "ärende", "personnummer", "enhet", "HSA-id", "registrerad av"]
    rows = (
        [c.performed_on, c.code, c.case_id, c.case.person.identity.formatted, c.unit.name,
         c.unit.hsa_id, str(c.recorded_by)]
        for c in codes
    )  # fmt: skip
    return _csv(f"atgardskoder-{request.actor.unit.code}-{month:%Y-%m}.csv", header, rows)
