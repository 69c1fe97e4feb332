"""KVÅ procedure codes recorded by the acts (RPT-2), for the region's own records.

Seed 002_ca8314ba67d4fca6.txt lines 282-287 (4.14 "Åtgärds-koder för Region Gävleborg"): "Den
som medverkar från Region Gävleborg ansvarar för att kodning enligt tabell nedan görs i Elvis
alternativt PMO oavsett annat dokumentationsansvar", AU124 "Upprättande av Samordnad
Individuell Plan", which "Utesluter XU042 Upprättande av samordnad vårdplan vid tvångsvård och
AU125 Upprättande av samordnad plan vid utskrivning". So a plan is established under exactly
one of the three codes, chosen by the SIP's context (SIP-1), and each unit of the region that
took part in the establishing meeting codes it.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from samordna.cases.models import Case
from samordna.organisations.models import Principal, Unit, User
from samordna.reporting.models import ProcedureCode

# The SIP's type (``sip.models.SipCase.Type``) → the code for establishing its plan. An actor
# meeting without the individual plans a SIP too (seed 001): AU124.
ESTABLISHING = {
    "outpatient": ProcedureCode.Code.AU124,
    "actor_meeting": ProcedureCode.Code.AU124,
    "after_discharge": ProcedureCode.Code.AU125,
    "svp": ProcedureCode.Code.XU042,
}
# Attendances that count as taking part in the meeting (``sip.models.Participant.Attendance``).
PRESENT = {"in_person", "video", "phone"}


def record(
    case: Case,
    code: str,
    unit: Unit,
    by: User,
    on: dt.date,
    meeting_id: int | None = None,
) -> ProcedureCode:
    """Record one code for one unit; to be called inside the act that does what it codes."""
    if code not in ProcedureCode.Code.values:
        raise ValueError(f"not a procedure code: {code}")
    return ProcedureCode.objects.create(
        case=case, meeting_id=meeting_id, code=code, unit=unit, performed_on=on, recorded_by=by
    )


def for_establishing_meeting(
    case: Case, sip_type: str, meeting_id: int, starts_at: dt.datetime, unit_ids: set[int], by: User
) -> list[ProcedureCode]:
    """The codes of a meeting that established a plan: one per region unit that took part
    (``unit_ids``: the coordinator's unit and the units present). A corrected record keeps the
    codes of the units still present and changes the rest, so the codes follow the record."""
    code = ESTABLISHING.get(sip_type)
    region = {
        u.pk: u for u in Unit.objects.filter(pk__in=unit_ids, principal__kind=Principal.Kind.REGION)
    }
    existing = ProcedureCode.objects.filter(meeting_id=meeting_id)
    existing.exclude(unit_id__in=list(region), code=code).delete()
    kept = set(existing.values_list("unit_id", flat=True))
    if code is None:
        return []
    on = timezone.localdate(starts_at)
    return [
        record(case, code, unit, by, on, meeting_id)
        for pk, unit in sorted(region.items())
        if pk not in kept
    ]
