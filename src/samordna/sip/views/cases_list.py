"""The unit's active SIPs and their phase, filterable by phase (SIP-19, issue 14 item 7)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render

from samordna.accounts.actor import UnitRequest
from samordna.accounts.decorators import unit_required
from samordna.sip import listing
from samordna.sip.models import SipCase


@unit_required()
def cases(request: UnitRequest) -> HttpResponse:
    found = listing.sip_list(request.actor, request.GET.get("phase"), request.GET.get("page"))
    phases = [("", None, found.counts[""])] + [
        (value, label, found.counts[value]) for value, label in SipCase.Phase.choices
    ]
    return render(
        request,
        "sip/cases.html",
        {
            "listing": found,
            "page": found.page,
            "phases": phases,
            "query": urlencode({"phase": found.phase}) if found.phase else "",
        },
    )
