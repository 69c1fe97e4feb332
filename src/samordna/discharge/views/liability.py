"""The payment liability export: a form (municipality, month) and the CSV it gives (SVU-10)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from samordna.accounts.actor import UnitRequest
from samordna.accounts.decorators import unit_required
from samordna.discharge.forms.liability import LiabilityForm
from samordna.discharge.services import liability_export as svu_liability_export_acts
from samordna.discharge.services.liability_export import LiabilityRow
from samordna.errors import ServiceError
from samordna.organisations.models import Principal


def _page(
    request: UnitRequest, form: LiabilityForm | None, status: int = 200, refusal: str = ""
) -> HttpResponse:
    context = {"form": form, "refusal": refusal}
    return render(request, "discharge/liability.html", context, status=status)


@unit_required()
@require_GET
def liability(request: UnitRequest) -> HttpResponse:
    """Where the municipality's invoicing staff and the county administrators find the export:
    the form is sent to ``liability_csv``. Anyone else is told who may export it (403)."""
    municipalities = svu_liability_export_acts.exportable_municipalities(request.actor)
    if not municipalities:
        return _page(request, None, status=403)
    return _page(request, LiabilityForm(municipalities=municipalities))


@unit_required()
def liability_csv(request: UnitRequest) -> HttpResponse:
    """SVU-10: the liable days of a month per municipality, for the invoice (CSV, ; separated
    with a BOM so that Excel with Swedish settings opens it). Without a choice, the form; with a
    bad one, the form again with the errors, not a bare text."""
    if request.method == "GET" and not request.GET:
        return redirect("discharge:liability")
    municipalities = svu_liability_export_acts.exportable_municipalities(request.actor)
    if not municipalities:
        return _page(request, None, status=403)
    code = request.GET.get("municipality", "")
    if code and code not in {m.code for m in municipalities}:
        # Not one of the actor's: the service says why (unknown, or not theirs: 403).
        try:
            svu_liability_export_acts.liability_export(
                request.actor, code, request.GET.get("month", "")
            )
        except ServiceError as error:
            form = LiabilityForm(municipalities=municipalities)
            return _page(request, form, status=error.status, refusal=error.message)
    form = LiabilityForm(request.GET, municipalities=municipalities)
    if not form.is_valid():
        return _page(request, form, status=400)
    month = form.cleaned_data["month"]
    try:
        municipality, rows = svu_liability_export_acts.liability_export(
            request.actor, form.cleaned_data["municipality"], month
        )
    except ServiceError as error:
        if error.field in form.fields:
            form.add_error(error.field, error.message)
        else:
            form.add_error(None, error.message)
        return _page(request, form, status=error.status)
    return _csv(municipality, month, rows)


def _csv(municipality: Principal, month: str, rows: list[LiabilityRow]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"betalningsansvar-{municipality.code}-{month}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    svu_liability_export_acts.write_csv(response, month, rows)
    return response
