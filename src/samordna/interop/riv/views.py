"""The SOAP endpoint of GetCarePlans 2.0 and the contract's WSDL and schemas, served unchanged.

RIV TA BP 2.1 says how a producer answers: a business error in the contract's ``result`` (HTTP
200), a technical error as a SOAP 1.1 fault. Faults for the caller's mistakes are answered with
HTTP 400 (401 without valid credentials, 429 when the address is locked) rather than SOAP's
500, so that a 500 always means a fault of Samordna's own (README, Design decisions).
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from samordna.accounts import throttle
from samordna.interop.auth import Unauthenticated, system_actor
from samordna.interop.riv import contract, services

XML = "text/xml; charset=utf-8"
# The files of the contract, by their path under schemas/ (nothing else is served from there).
FILES = {
    str(path.relative_to(contract.SCHEMAS)): path
    for path in sorted(contract.SCHEMAS.rglob("*"))
    if path.suffix in (".xsd", ".wsdl")
}
WSDL_NAME = str(contract.WSDL.relative_to(contract.SCHEMAS))


def _fault(message: str, status: int, code: str = "Client") -> HttpResponse:
    return HttpResponse(contract.fault(message, code), status=status, content_type=XML)


@csrf_exempt
def get_care_plans(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        # "?wsdl" (or any GET): the contract's WSDL, beside the schemas it imports.
        return redirect(reverse("interop:riv-schema", args=[WSDL_NAME]))
    try:
        actor = system_actor(request, via="riv")
    except Unauthenticated:
        response = _fault("Anropet saknar giltig API-nyckel (Authorization: Bearer).", 401)
        response["WWW-Authenticate"] = "Bearer"
        return response
    except throttle.Locked as locked:
        response = _fault("För många försök med ogiltig API-nyckel från den här adressen.", 429)
        response["Retry-After"] = str(locked.lock.retry_after())
        return response
    if request.content_type not in ("text/xml", "application/soap+xml"):
        # SOAP 1.1 is text/xml; a form or multipart body is no message (and was parsed already).
        return _fault("Meddelandet ska skickas som text/xml (SOAP 1.1).", 400)
    try:
        message = contract.parse(request.body)
        plans = services.care_plans(actor, message)
    except contract.Fault as fault:
        return _fault(fault.message, fault.status, fault.code)
    except contract.InvalidRequest as invalid:
        return HttpResponse(contract.response([], invalid.message), content_type=XML)
    return HttpResponse(contract.response(plans), content_type=XML)


def schema_file(request: HttpRequest, name: str) -> FileResponse:
    path = FILES.get(name)
    if path is None:
        raise Http404
    return FileResponse(path.open("rb"), content_type=XML)
