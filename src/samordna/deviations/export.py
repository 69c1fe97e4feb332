"""The deviations as CSV for the organisation's own deviation system (DEV-1; seed
000_106b8acbeb42519c.txt line 258: "registreras i respektive kommun/regionens avvikelssystem").

Semicolon-separated UTF-8 with a BOM, so that Excel with Swedish settings opens it; the headers
and labels are in the installation's language, like the liability CSV. A cell that a
spreadsheet would read as a formula is prefixed with an apostrophe (CSV injection).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone, translation

from samordna.deviations.models import Deviation
from samordna.deviations.services import shows_case
from samordna.organisations.models import User

HEADERS = [
    "nummer",
    "status",
    "källa",
    "händelsen inträffade",
    "rapporterande enhet",
    "berörd enhet",
    "ärende",
    "personnummer",
    "händelse",
    "konsekvens",
    "risk",
    "åtgärd",
    "förbättringsförslag",
    "skickad",
    "skickad av",
    "hanterad",
    "hanterad av",
    "hantering",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    """A value as text a spreadsheet shows as text, never runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    if isinstance(value, User):
        return value.get_full_name() or value.username
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _row(d: Deviation) -> list[object]:
    shown = shows_case(d)
    return [
        d.pk,
        d.get_status_display(),
        d.get_source_display(),
        d.occurred_at,
        d.reporting_unit.name,
        d.concerned_unit.name if d.concerned_unit else "",
        d.case_id if shown else "",
        d.case.person.identity.formatted if shown and d.case else "",
        d.event,
        d.consequence,
        d.risk,
        d.action,
        d.improvement,
        d.sent_at,
        d.sent_by,
        d.handled_at,
        d.handled_by,
        d.handled_comment,
    ]


def csv_response(deviations: Iterable[Deviation], unit_code: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"avvikelser-{unit_code}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(HEADERS)
    with translation.override(settings.LANGUAGE_CODE):
        writer.writerows([cell(v) for v in _row(d)] for d in deviations)
    return response
