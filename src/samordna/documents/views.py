"""Document downloads (DOC-1, DOC-2). Thin: one service read each, sent as an attachment."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse

from samordna.accounts.actor import UnitRequest
from samordna.accounts.decorators import unit_required
from samordna.documents import blank, services
from samordna.documents.services import Download
from samordna.errors import Forbidden
from samordna.organisations.models import County, Unit


def attachment(file: Download) -> HttpResponse:
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    response["Cache-Control"] = "no-store"  # personal data stays out of shared caches
    return response


def serve(read: Callable[[], Download]) -> HttpResponse:
    """A refused read is a 403 page; a case or meeting the unit cannot see is a 404."""
    try:
        return attachment(read())
    except Forbidden as error:
        raise PermissionDenied(error.message) from error


@unit_required()
def plan(request: UnitRequest, pk: int) -> HttpResponse:
    return serve(lambda: services.plan_for_individual(request.actor, pk))


@unit_required()
def svp_court(request: UnitRequest, pk: int) -> HttpResponse:
    return serve(lambda: services.svp_court_plan(request.actor, pk))


@unit_required()
def letter(request: UnitRequest, pk: int, meeting_pk: int, participant_pk: int) -> HttpResponse:
    return serve(lambda: services.invitation_letter(request.actor, pk, meeting_pk, participant_pk))


@unit_required()
def consent(request: UnitRequest, pk: int) -> HttpResponse:
    return serve(lambda: services.consent_form(request.actor, pk))


@unit_required()
def meeting_calendar(request: UnitRequest, pk: int, meeting_pk: int) -> HttpResponse:
    return serve(lambda: services.meeting_calendar(request.actor, pk, meeting_pk))


@unit_required()
def discharge_information(request: UnitRequest, pk: int) -> HttpResponse:
    return serve(lambda: services.discharge_information(request.actor, pk))


@unit_required()
def deviation(request: UnitRequest, pk: int) -> HttpResponse:
    return serve(lambda: services.deviation_report(request.actor, pk))


def county_for(request: HttpRequest) -> str:
    """The county a blank form is printed for: the user's, or the installation's only one;
    none when the database does not answer (the form is needed most then)."""
    actor = getattr(request, "actor", None)
    if actor is not None:
        return str(actor.unit.principal.county.name)
    try:
        if request.user.is_authenticated:
            units = Unit.objects.select_related("principal__county")
            unit = units.filter(memberships__user=request.user).first()
            if unit is not None:
                return str(unit.principal.county.name)
        counties = list(County.objects.values_list("name", flat=True)[:2])
    except DatabaseError:
        return ""
    return counties[0] if len(counties) == 1 else ""


def blank_form(request: HttpRequest, slug: str) -> HttpResponse:
    """A blank paper form (OPS-2). Open to everyone, even before login: the forms carry no
    personal data, and they are needed exactly when logging in may not work."""
    content = blank.render(slug, county_for(request))
    if content is None:
        raise Http404
    return attachment(Download(f"blankett-{slug}.pdf", services.PDF, content))
