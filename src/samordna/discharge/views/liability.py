"""The payment liability export."""

from __future__ import annotations

import csv

from django.http import HttpResponse
from django.utils import timezone

from samordna.accounts.actor import UnitRequest
from samordna.accounts.decorators import unit_required
from samordna.discharge.services import liability_export as svu_liability_export_acts
from samordna.errors import ServiceError


@unit_required()
def liability_csv(request: UnitRequest) -> HttpResponse:
    """SVU-10: the liable days of a month per municipality, for the invoice (CSV, ; separated
    with a BOM so that Excel with Swedish settings opens it)."""
    try:
        municipality, rows = svu_liability_export_acts.liability_export(
            request.actor, request.GET.get("municipality", ""), request.GET.get("month", "")
        )
    except ServiceError as error:
        return HttpResponse(
            error.message, status=error.status, content_type="text/plain; charset=utf-8"
        )
    month = request.GET["month"]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"betalningsansvar-{municipality.code}-{month}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
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
    return response
