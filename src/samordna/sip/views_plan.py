"""Plan versions, follow-up, evaluation and the individual's view (SIP-9 to SIP-12, PAT-1)."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern

from samordna.accounts.actor import UnitRequest
from samordna.cases.models import Case

urlpatterns: list[URLPattern] = []


def plan_context(request: UnitRequest, case: Case) -> dict[str, Any]:
    return {}
