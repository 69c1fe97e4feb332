"""DOC-1, DOC-2: the same PDFs and calendar files as the screens, over REST (API-1).

Each endpoint reads through ``documents.services`` (visibility and the access log) and answers
with the file itself; errors are the API's ``{"code", "message", "field"}``.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router

from samordna.api.common import ERRORS, actor_of, auth, file
from samordna.documents import blank, services
from samordna.documents.views import attachment
from samordna.errors import NotFound

router = Router(tags=["documents"], auth=auth)


PDF = file(services.PDF)


@router.get("/sip/{case_id}/plan.pdf", response=ERRORS, openapi_extra=PDF)
def plan(request: HttpRequest, case_id: int) -> HttpResponse:
    """The plan in force, for the individual, in plain Swedish (DOC-1, PAT-1)."""
    return attachment(services.plan_for_individual(actor_of(request), case_id))


@router.get("/sip/{case_id}/consent.pdf", response=ERRORS, openapi_extra=PDF)
def consent(request: HttpRequest, case_id: int) -> HttpResponse:
    """The consent form for the individual, or for the guardians of a child (CON-1 to CON-3)."""
    return attachment(services.consent_form(actor_of(request), case_id))


@router.get("/sip/{case_id}/svp-court.pdf", response=ERRORS, openapi_extra=PDF)
def svp_court(request: HttpRequest, case_id: int) -> HttpResponse:
    """SIP-16: the coordinated care plan for ÖPT/ÖRV, for the application to the
    administrative court (seed 001 lines 1226-1227)."""
    return attachment(services.svp_court_plan(actor_of(request), case_id))


@router.get(
    "/sip/{case_id}/meetings/{meeting_id}/letters/{participant_id}.pdf",
    response=ERRORS,
    openapi_extra=PDF,
)
def letter(
    request: HttpRequest, case_id: int, meeting_id: int, participant_id: int
) -> HttpResponse:
    """The invitation letter to a participant outside the system, for a window envelope;
    for the coordinator's unit."""
    return attachment(
        services.invitation_letter(actor_of(request), case_id, meeting_id, participant_id)
    )


@router.get(
    "/sip/{case_id}/meetings/{meeting_id}.ics",
    response=ERRORS,
    openapi_extra=file("text/calendar"),
)
def meeting_calendar(request: HttpRequest, case_id: int, meeting_id: int) -> HttpResponse:
    """The meeting as an iCalendar file in Stockholm time (DOC-2): the UID stays, SEQUENCE
    rises with every change, a cancelled meeting is METHOD:CANCEL."""
    return attachment(services.meeting_calendar(actor_of(request), case_id, meeting_id))


@router.get("/stays/{stay_id}/discharge-information.pdf", response=ERRORS, openapi_extra=PDF)
def discharge_information(request: HttpRequest, stay_id: int) -> HttpResponse:
    """What the patient is given at discharge (SVU-6)."""
    return attachment(services.discharge_information(actor_of(request), stay_id))


@router.get("/deviations/{deviation_id}.pdf", response=ERRORS, openapi_extra=PDF)
def deviation(request: HttpRequest, deviation_id: int) -> HttpResponse:
    """A deviation the unit sees, printed: for the paper route from the region to a
    municipality (DEV-2) and the organisation's own deviation system."""
    return attachment(services.deviation_report(actor_of(request), deviation_id))


@router.get("/blank/{name}.pdf", response=ERRORS, openapi_extra=PDF)
def blank_form(request: HttpRequest, name: str) -> HttpResponse:
    """A blank paper form for downtime: meeting-record, consent-adult, consent-child,
    invitation, or all of them in one file (all)."""
    actor = actor_of(request)
    content = blank.render(name, actor.unit.principal.county.name)
    if content is None:
        raise NotFound("not_found", _("There is no such blank form."))
    return attachment(services.Download(f"blankett-{name}.pdf", services.PDF, content))
