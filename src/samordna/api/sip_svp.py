"""The coordinated care plan for ÖPT/ÖRV over REST (SIP-16, API-1): its details, the
individual's objection to information exchange and what was shared despite it.

Same acts as the case page (``samordna.sip.services.svp``); errors are the API's
``{"code", "message", "field"}``. The court's PDF is ``/documents/sip/{id}/svp-court.pdf``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from samordna.api.common import ERRORS, actor_of, auth
from samordna.errors import ServiceError
from samordna.organisations.models import Unit
from samordna.sip.models import NecessaryExchange, SvpDetail
from samordna.sip.models.svp import TEXT_MAX, CareForm
from samordna.sip.services import svp as svp_acts
from samordna.validation import Code, Day, Limit, Moment, Text

router = Router(tags=["sip"], auth=auth)
SvpText = Annotated[str, Limit(TEXT_MAX)]


class ExchangeOut(Schema):
    id: int
    unit: str | None = Field(None, description="Unit code, when shared with a unit")
    shared_with: str
    what: str
    why: str
    shared_at: dt.datetime
    recorded_by: str = Field(..., alias="recorded_by.username")
    recorded_at: dt.datetime

    @staticmethod
    def resolve_unit(obj: NecessaryExchange) -> str | None:
        return obj.unit.code if obj.unit is not None else None


class SvpOut(Schema):
    case_id: int
    care_form: CareForm
    exchange_routine: str
    objection: str
    objection_at: dt.datetime | None
    extension_application_by: dt.date | None = Field(
        None, description="The follow-up deadline is the day before (seed 001 lines 1231-1232)"
    )
    version: int
    exchanges: list[ExchangeOut]


class SvpDetailsIn(Schema):
    care_form: CareForm
    exchange_routine: SvpText = ""
    extension_application_by: Day | None = None
    version: int = Field(..., ge=1, le=2**31 - 1)


class ObjectionIn(Schema):
    objection: SvpText = Field(..., description="What the individual objects to")
    stated_at: Moment
    version: int = Field(..., ge=1, le=2**31 - 1)


class ExchangeIn(Schema):
    unit: Code = Field("", description="Unit code; or name the recipient")
    recipient: Text = ""
    what: SvpText
    why: SvpText
    shared_at: Moment


def _out(detail: SvpDetail, exchanges: list[NecessaryExchange]) -> dict[str, Any]:
    return {
        "case_id": detail.case_id,
        "care_form": detail.care_form,
        "exchange_routine": detail.exchange_routine,
        "objection": detail.objection,
        "objection_at": detail.objection_at,
        "extension_application_by": detail.extension_application_by,
        "version": detail.version,
        "exchanges": exchanges,
    }


def _reread(request: HttpRequest, case_id: int) -> dict[str, Any]:
    _case, detail, exchanges = svp_acts.read(actor_of(request), case_id)
    return _out(detail, exchanges)


@router.get("/{int:case_id}/svp", response={200: SvpOut, **ERRORS})
def read(request: HttpRequest, case_id: int) -> Any:
    """SIP-16: the coordinated care plan for ÖPT/ÖRV of a SIP of type ``svp``."""
    return _reread(request, case_id)


@router.put("/{int:case_id}/svp", response={200: SvpOut, **ERRORS})
def details(request: HttpRequest, case_id: int, payload: SvpDetailsIn) -> Any:
    """The form of care, how information is exchanged and when the application for continued
    care is due; by the chief physician's assignment (seed 001 lines 1229-1232, 1261-1263)."""
    svp_acts.record_details(
        actor_of(request),
        case_id,
        payload.care_form,
        payload.exchange_routine,
        payload.extension_application_by,
        payload.version,
    )
    return _reread(request, case_id)


@router.post("/{int:case_id}/svp/objection", response={200: SvpOut, **ERRORS})
def objection(request: HttpRequest, case_id: int, payload: ObjectionIn) -> Any:
    """The individual objects to information exchange (seed 001 lines 1240-1242)."""
    svp_acts.record_objection(
        actor_of(request), case_id, payload.objection, payload.stated_at, payload.version
    )
    return _reread(request, case_id)


@router.post("/{int:case_id}/svp/exchanges", response={201: ExchangeOut, **ERRORS})
def exchange(request: HttpRequest, case_id: int, payload: ExchangeIn) -> Any:
    """What was shared despite the objection, with whom and why (seed 001 lines 1242-1244)."""
    unit = None
    if payload.unit:
        unit = Unit.objects.select_related("principal").filter(code=payload.unit).first()
        if unit is None:
            raise ServiceError("invalid_unit", _("Unknown unit."), "unit")
    made = svp_acts.record_exchange(
        actor_of(request),
        case_id,
        unit,
        payload.recipient,
        payload.what,
        payload.why,
        payload.shared_at,
    )
    return 201, made
