"""The SVP section of the SIP case page (SIP-16): shown on a SIP case of type ``svp`` only."""

from __future__ import annotations

from typing import Any

from samordna.accounts.actor import UnitRequest
from samordna.cases.models import Case
from samordna.sip.assignment import holds_assignment
from samordna.sip.forms.svp import ExchangeForm, ObjectionForm, SvpDetailsForm
from samordna.sip.models import SipCase
from samordna.sip.services import svp as svp_acts
from samordna.sip.views.meetings_section import county_units


def svp_context(request: UnitRequest, case: Case) -> dict[str, Any]:
    if case.sip.type != SipCase.Type.SVP:
        return {}
    detail = svp_acts.detail(case)
    return {
        "svp_section": "sip/_svp.html",
        "svp": detail,
        "svp_exchanges": svp_acts.exchanges(case),
        "svp_holds_assignment": holds_assignment(request.actor),
        "svp_details_form": SvpDetailsForm(detail=detail),
        "objection_form": ObjectionForm(detail=detail),
        "exchange_form": ExchangeForm(county_units=county_units(request.actor)),
    }
