"""The FHIR R4 facade at ``/fhir/r4/`` (API-2): read and search, JSON only, a system's token.

Errors are OperationOutcomes: 400 for a search the facade refuses (an unsupported parameter, a
malformed identity number), 401 without a valid token, 404 for what is not there or not for the
calling system's unit (the same answer, as on every screen), 405 for anything but GET.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.csrf import csrf_exempt
from fhir.resources.R4B.bundle import Bundle, BundleEntry, BundleEntrySearch, BundleLink
from fhir.resources.R4B.operationoutcome import OperationOutcome, OperationOutcomeIssue
from fhir.resources.R4B.resource import Resource

from samordna.accounts import throttle
from samordna.accounts.actor import Actor
from samordna.interop.auth import Unauthenticated, system_actor
from samordna.interop.fhir import services
from samordna.interop.fhir.capability import capability_statement
from samordna.interop.fhir.search import Invalid

FHIR_JSON = "application/fhir+json; charset=utf-8"


def answer(resource: Resource, status: int = 200) -> HttpResponse:
    return HttpResponse(resource.model_dump_json(), status=status, content_type=FHIR_JSON)


def outcome(status: int, code: str, message: str) -> HttpResponse:
    issue = OperationOutcomeIssue(severity="error", code=code, diagnostics=message)
    return answer(OperationOutcome(issue=[issue]), status)


class _Refused(Exception):
    def __init__(self, response: HttpResponse) -> None:
        super().__init__(response.status_code)
        self.response = response


def _actor(request: HttpRequest) -> Actor:
    if request.method != "GET":
        response = outcome(405, "not-supported", "Facaden läser bara (GET).")
        response["Allow"] = "GET"
        raise _Refused(response)
    try:
        return system_actor(request, via="fhir")
    except Unauthenticated:
        response = outcome(
            401, "login", "Anropet saknar giltig API-nyckel (Authorization: Bearer)."
        )
        response["WWW-Authenticate"] = "Bearer"
        raise _Refused(response) from None
    except throttle.Locked as locked:
        response = outcome(
            429, "throttled", "För många försök med ogiltig API-nyckel från den här adressen."
        )
        response["Retry-After"] = str(locked.lock.retry_after())
        raise _Refused(response) from None


@csrf_exempt
def metadata(request: HttpRequest) -> HttpResponse:
    """The CapabilityStatement: public, as FHIR expects (it describes, it shows no one)."""
    if request.method != "GET":
        return outcome(405, "not-supported", "Facaden läser bara (GET).")
    return answer(capability_statement(request.build_absolute_uri(reverse("interop:fhir-base"))))


@csrf_exempt
def read(request: HttpRequest, kind: str, pk: str) -> HttpResponse:
    try:
        actor = _actor(request)
    except _Refused as refused:
        return refused.response
    resource = services.read(actor, kind, pk)
    if resource is None:
        return outcome(404, "not-found", f"{kind}/{pk[:64]} finns inte.")
    return answer(resource)


@csrf_exempt
def search(request: HttpRequest, kind: str) -> HttpResponse:
    try:
        actor = _actor(request)
        found, number, size = services.search(actor, kind, request.GET)
    except _Refused as refused:
        return refused.response
    except Invalid as invalid:
        return outcome(invalid.status, invalid.code, invalid.message)
    base = request.build_absolute_uri(reverse("interop:fhir-base"))

    def link(relation: str, page: int) -> BundleLink:
        query = [
            (k, value) for k, values in request.GET.lists() if k != "_page" for value in values
        ]
        query.append(("_page", str(page)))
        return BundleLink(relation=relation, url=f"{base}{kind}?{urlencode(query)}")

    links = [link("self", number)]
    if number * size < found.total:
        links.append(link("next", number + 1))
    if number > 1:
        links.append(link("previous", number - 1))
    bundle = Bundle(
        type="searchset",
        total=found.total,
        link=links,
        entry=[
            BundleEntry(
                fullUrl=f"{base}{r.get_resource_type()}/{r.id}",
                resource=r,
                search=BundleEntrySearch(mode="match"),
            )
            for r in found.resources
        ]
        or None,
    )
    return answer(bundle)


@csrf_exempt
def unknown(request: HttpRequest, rest: str = "") -> HttpResponse:
    return outcome(404, "not-supported", "Den resurstypen eller interaktionen finns inte här.")
