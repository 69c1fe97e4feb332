"""The individual's register extract over REST (GDPR art. 15, issue 16 item 2): the same JSON
and PDF the individual's page gives a unit administrator, logged the same way."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router

from samordna.api.common import ERRORS, actor_of, auth, file
from samordna.documents.services import PDF
from samordna.documents.views import attachment
from samordna.extracts import services

router = Router(tags=["extracts"], auth=auth)


@router.get(
    "/persons/{person_id}/register-extract.json",
    response=ERRORS,
    openapi_extra=file("application/json"),
)
def register_json(request: HttpRequest, person_id: int) -> HttpResponse:
    """Everything stored about the individual that the unit may see, and the unit's access
    log of their data, as JSON (``format`` and ``version`` name the layout); for a unit
    administrator's token."""
    return attachment(services.register_extract(actor_of(request), person_id, "json"))


@router.get("/persons/{person_id}/register-extract.pdf", response=ERRORS, openapi_extra=file(PDF))
def register_pdf(request: HttpRequest, person_id: int) -> HttpResponse:
    """The same register extract as a readable PDF in Swedish."""
    return attachment(services.register_extract(actor_of(request), person_id, "pdf"))
