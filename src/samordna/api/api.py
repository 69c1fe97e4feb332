"""The REST API, version 1 (API-1). Endpoints call the same services as the web screens.

Errors are JSON ``{"code": ..., "message": ..., "field": ...}`` with a 4xx status; ``code`` is
stable for machines, ``message`` is Swedish for people.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.csrf import csrf_exempt
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.responses import Status
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from samordna import validation
from samordna.accounts import throttle
from samordna.api import idempotency
from samordna.api.common import ERRORS, actor_of, answered_in_one_transaction, auth
from samordna.api.discharge_notices import router as discharge_notices_router
from samordna.api.discharge_stays import router as discharge_router
from samordna.api.persons import PersonDetailOut, PersonIn, PersonOut, fields_of
from samordna.api.persons import router as persons_detail_router
from samordna.api.sip_cases import persons_router
from samordna.api.sip_cases import router as sip_router
from samordna.errors import ServiceError
from samordna.organisations.models import Unit, UnitKind
from samordna.people import services


class SamordnaAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """The document, with the ``Idempotency-Key`` header on every write (API-4)."""
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema.get("paths", {}).values():
            for method, operation in operations.items():
                if method in ("post", "put", "patch", "delete"):
                    operation.setdefault("parameters", []).append(dict(idempotency.SCHEMA))
        return schema


api = SamordnaAPI(
    title="Samordna API",
    version="1",
    description="Coordinated individual plans (SIP) and discharge collaboration. "
    "Authenticate with `Authorization: Bearer <token>`; a token acts for one unit. Every write "
    "accepts an `Idempotency-Key` header: a retry with the same key and body gets the first "
    "answer replayed, the act is never done twice.",
    openapi_url="/schema",
    docs_url="/docs",
    urls_namespace="api-v1",
)


def error_response(
    request: HttpRequest, status: int, code: str, message: str, field: str | None = None
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": message, "field": field}, status=status
    )


# The largest id a row can have: ids are 64-bit (BigAutoField) in SQLite and PostgreSQL.
MAX_ID = 2**63 - 1


_AS_INT = TypeAdapter(int)


def _past_max_id(value: object) -> bool:
    """Whether the parameter, read as the operation reads it (pydantic takes ``-5``, ``+5``,
    ``1_000`` and ``12.0``), is an integer no 64-bit column holds."""
    try:
        number = _AS_INT.validate_python(value)
    except PydanticValidationError:
        return False  # not an integer: the operation's own validation answers
    return not -MAX_ID - 1 <= number <= MAX_ID


def ids_in_range(run: Callable[..., HttpResponseBase]) -> Callable[..., Any]:
    """An id in the path outside 64 bits (``/messages/19362822118202654720/reply``) names no
    row: 404 before anything else. Without it, the query reached the database, which
    refused the number (SQLite's OverflowError, PostgreSQL's numeric_value_out_of_range) with a
    server error (found by scripts/fuzz-api, issue 17)."""

    @wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        for name, value in kwargs.items():  # the URL's parameters, as text
            if (name.endswith("_id") or name == "number") and _past_max_id(value):
                return error_response(request, 404, "not_found", "Finns inte.")
        return run(request, *args, **kwargs)

    return wrapper


api.add_decorator(answered_in_one_transaction, mode="view")
api.add_decorator(ids_in_range, mode="view")


@api.exception_handler(ServiceError)
def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return error_response(request, exc.status, exc.code, exc.message, exc.field)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    loc = [str(part) for part in first.get("loc", []) if part not in ("body", "payload", "query")]
    if first.get("type") in validation.CODES:  # the boundary's own rules: a Swedish message
        code, message = str(first["type"]), str(first.get("msg", ""))
    else:
        code, message = "invalid_input", "Ogiltiga uppgifter: " + str(first.get("msg", ""))
    return error_response(request, 422, code, message, ".".join(loc) or None)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:  # the only HttpError ninja raises itself: a body that is not JSON
        return error_response(request, 400, "invalid_json", "Förfrågan är inte giltig JSON.")
    return error_response(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", "Finns inte.")


@csrf_exempt  # like every API operation (token auth): else a POST got the HTML CSRF 403
def unknown_path(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Every path under the API that no endpoint takes, or whose path parameter does not parse
    (``/sip/null%2Cnull``), answers the API's JSON error rather than the screens' HTML 404."""
    return error_response(request, 404, "not_found", "Finns inte.")


@api.exception_handler(throttle.Locked)
def locked(request: HttpRequest, exc: throttle.Locked) -> HttpResponse:
    seconds = exc.lock.retry_after()
    response = error_response(
        request,
        429,
        "too_many_attempts",
        f"För många försök med ogiltig API-nyckel från den här adressen. Vänta {seconds} "
        "sekunder och försök igen.",
    )
    response["Retry-After"] = str(seconds)
    return response


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, "unauthenticated", "Ogiltig eller saknad API-nyckel.")


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    connected: bool
    hsa_id: str
    principal: str = Field(..., alias="principal.name")


class PersonLookupOut(Schema):
    identity_number: str
    registered: bool
    visible: bool
    person: PersonOut | None


@api.get("/units", auth=auth, response={200: list[UnitOut], **ERRORS}, tags=["organisation"])
def list_units(request: HttpRequest, kind: UnitKind | None = None) -> Any:
    """Active units of the token's county."""
    units = Unit.objects.filter(
        active=True, principal__county=actor_of(request).unit.principal.county
    ).select_related("principal")
    if kind:
        units = units.filter(kind=kind)
    return units.order_by("name")


@api.get(
    "/persons",
    auth=auth,
    response={200: PersonLookupOut, **ERRORS},
    tags=["individuals"],
)
def lookup_person(request: HttpRequest, identity_number: str) -> Any:
    """Look up an individual by identity number. The details are returned only when the
    token's unit may see the individual; the lookup is logged."""
    found = services.lookup(actor_of(request), identity_number)
    return {
        "identity_number": found.identity.value,
        "registered": found.person is not None,
        "visible": found.visible,
        "person": found.person if found.visible else None,
    }


@api.post(
    "/persons",
    auth=auth,
    response={201: PersonDetailOut, **ERRORS},
    tags=["individuals"],
)
def register_person(request: HttpRequest, payload: PersonIn) -> Any:
    """Register an individual. Reserve numbers (`reserve_number`) and protected identities
    (`protected_identity`) are refused and nothing is stored."""
    actor = actor_of(request)
    services.parse(payload.identity_number)  # number errors before field errors
    person = services.register(actor, payload.identity_number, fields_of(payload))
    return Status(201, person)


api.add_router("/sip", "samordna.api.sip_meetings.router")  # first: /sip/invitations
api.add_router("/sip", sip_router)
api.add_router("/sip", "samordna.api.sip_plans.router")
api.add_router("/sip", "samordna.api.sip_svp.router")  # SIP-16
api.add_router("/sip", "samordna.api.sip_decisions.router")  # ORG-6, SIP-24
api.add_router("/stays", discharge_router)
api.add_router("/stays", discharge_notices_router)
api.add_router("/stays", "samordna.api.sip_reads.stays_router")
api.add_router("/sip", "samordna.api.sip_reads.router")
api.add_router("/persons", persons_router)
api.add_router("/persons", persons_detail_router)
api.add_router("/messages", "samordna.api.messaging.router")
api.add_router("/overview", "samordna.api.overview.router")
api.add_router("/notifications", "samordna.api.notifications.router")
api.add_router("/deviations", "samordna.api.deviations.router")
api.add_router("/documents", "samordna.api.documents.router")
api.add_router("/extracts", "samordna.api.extracts.router")
api.add_router("/operations", "samordna.api.operations.router")
api.add_router("/reports", "samordna.api.reports.router")
api.add_router("/access-log", "samordna.api.exports.access_log_router")
api.add_router("/liability", "samordna.api.exports.liability_router")
api.add_router("/webhooks", "samordna.api.webhooks.router")
