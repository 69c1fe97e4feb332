"""Needs assessment, invitations, answers and meeting records (SIP-5, SIP-6, SIP-8)."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern

from samordna.accounts.actor import UnitRequest
from samordna.cases.models import Case

urlpatterns: list[URLPattern] = []


def meetings_context(request: UnitRequest, case: Case) -> dict[str, Any]:
    return {}
