"""The register extract from the individual's page, for unit administrators."""

from __future__ import annotations

from django.http import HttpResponse

from samordna.accounts.actor import UnitRequest
from samordna.accounts.decorators import unit_required
from samordna.documents.views import serve
from samordna.extracts import register, services


@unit_required(*register.MAKERS)
def register_extract(request: UnitRequest, pk: int, form: str) -> HttpResponse:
    return serve(lambda: services.register_extract(request.actor, pk, form))
