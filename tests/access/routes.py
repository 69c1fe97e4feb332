"""Every screen and API operation, read from the URL configuration and the OpenAPI document, and
how each is requested: its key in the table, its URL with the world's ids filled in, and how a
response is sorted into one of the table's outcomes."""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from samordna.documents.blank import FORMS
from tests.access.world import MatrixWorld

API_PREFIX = "/api/v1"
BLANK = FORMS[0].slug  # one blank form (all of them together take seconds to make)
INDICATOR = "ack_admission"  # one of the indicators (reporting.indicators)


@dataclass(frozen=True)
class Route:
    key: str  # the table's key: "namespace:name" of a screen, "METHOD /api/v1/path" of an operation
    template: str  # the pattern as written, for messages
    url: str  # with the world's ids filled in
    methods: tuple[str, ...]  # what is tried
    api: bool
    admin: bool = False


def _web_patterns(
    resolver: URLResolver | None = None, prefix: str = "", ns: str = ""
) -> Iterator[tuple[str, str, URLPattern]]:
    for pattern in (resolver or get_resolver()).url_patterns:
        text = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "api-v1":  # the operations come from the OpenAPI document
                continue
            yield from _web_patterns(
                pattern, text, ns + (f"{pattern.namespace}:" if pattern.namespace else "")
            )
        else:
            yield ns, text, pattern


# Path parameters of the screens, by the first part of the path and the parameter's name.
WEB_PARAMETERS = {
    ("persons", "pk"): "person",
    ("persons/<int:pk>/relatives", "item"): "relative",
    ("persons/<int:pk>/representatives", "item"): "representative",
    ("sip", "pk"): "sip",
    ("sip", "meeting_pk"): "meeting",
    ("sip", "number"): "plan",
    ("sip/invitations", "delivery_pk"): "invitation_delivery",
    ("stays", "pk"): "stay",
    ("stays", "delivery_pk"): "stay_delivery",
    ("messages", "pk"): "message",
    ("messages", "delivery_pk"): "message_delivery",
    ("deviations", "pk"): "deviation",
    ("documents/sip", "pk"): "sip",
    ("documents/sip", "meeting_pk"): "meeting",
    ("documents/sip", "participant_pk"): "participant",
    ("documents/stays", "pk"): "stay",
    ("extracts/persons", "pk"): "person",
    ("fhir/r4/CarePlan", "pk"): "plan_pk",
    ("fhir/r4/Goal", "pk"): "goal",
    ("fhir/r4/CareTeam", "pk"): "sip",
    ("fhir/r4/Consent", "pk"): "consent",
    ("fhir/r4/EpisodeOfCare", "pk"): "stay",
    ("fhir/r4/Appointment", "pk"): "meeting",
    ("fhir/r4/Communication", "pk"): "message",
    ("fhir/r4/Task", "pk"): "invitation_delivery",
    ("fhir/r4/Patient", "pk"): "person",
    ("fhir/r4/Organization", "pk"): "unit",
    ("documents/deviations", "pk"): "deviation",
    ("mina-sidor", "meeting_pk"): "meeting",
    ("mina-sidor", "number"): "plan",
}
API_PARAMETERS = {
    ("", "person_id"): "person",
    ("", "relative_id"): "relative",
    ("", "representative_id"): "representative",
    ("", "case_id"): "sip",
    ("", "meeting_id"): "meeting",
    ("", "participant_id"): "participant",
    ("", "number"): "plan",
    ("", "stay_id"): "stay",
    ("sip/invitations", "delivery_id"): "invitation_delivery",
    ("stays", "delivery_id"): "stay_delivery",
    ("messages", "delivery_id"): "message_delivery",
    ("", "message_id"): "message",
    ("", "deviation_id"): "deviation",
    ("", "subscription_id"): "subscription",
}


def _fill(
    text: str,
    names: list[str],
    parameters: dict[tuple[str, str], str],
    world: MatrixWorld,
    literal: dict[str, str],
) -> str:
    path = text.lstrip("/")
    for name in names:
        if name in literal:
            value = literal[name]
        else:
            prefixes = [p for p, n in parameters if n == name and path.startswith(p)]
            if not prefixes:
                raise LookupError(f"no value in the world for the parameter {name!r} of {text}")
            value = str(world.ids[parameters[(max(prefixes, key=len), name)]])
        text = re.sub(
            r"<(?:\w+:)?" + name + r">|\{" + name + r"\}|\(\?P<" + name + r">[^)]*\)",
            value,
            text,
            count=1,
        )
    return text


def _admin_literals(text: str) -> dict[str, str]:
    """The Django admin's parameters: an existing object of the model the path names."""
    literal = {"app_label": "organisations", "url": "no-such-page/", "rest": "no-such-operation"}
    found = re.match(r"admin/(\w+)/(\w+)/", text)
    if "<" not in text:
        return literal
    if found:
        model = apps.get_model(found[1], found[2])
        first = model._default_manager.order_by("pk").first()
        literal["object_id"] = literal["id"] = literal["pk"] = str(first.pk if first else 1)
    else:  # /admin/r/<content_type_id>/<object_id>/: the view-on-site redirect of a unit
        from samordna.organisations.models import Unit

        unit = Unit.objects.order_by("pk").first()
        literal["content_type_id"] = str(ContentType.objects.get_for_model(Unit).pk)
        literal["object_id"] = str(unit.pk if unit else 1)
    return literal


def web_routes(world: MatrixWorld) -> list[Route]:
    routes = []
    for ns, text, pattern in _web_patterns():
        view = pattern.callback
        # A route without a name is known by its view (its pattern is a regular expression).
        key = ns + (pattern.name or f"{view.__module__}.{getattr(view, '__qualname__', view)}")
        names = list(pattern.pattern.regex.groupindex)
        is_admin = ns == "admin:"
        literal = (
            _admin_literals(text)
            if is_admin
            else {
                "slug": BLANK,
                "name": "region",
                "rest": "no-such-operation",
                "indicator": INDICATOR,
            }
        )
        url = "/" + _fill(text, names, WEB_PARAMETERS, world, literal)
        url = re.sub(r"\^|\$|\\Z", "", url)
        # The admin is read with GET only: its forms are Django's own (see the table's ADMIN).
        routes.append(
            Route(key, "/" + text, url, ("GET",) if is_admin else ("GET", "POST"), False, is_admin)
        )
    return routes


def api_routes(world: MatrixWorld, document: dict[str, Any]) -> list[Route]:
    routes = []
    for path, operations in document["paths"].items():
        names = re.findall(r"\{(\w+)\}", path)
        relative = path.removeprefix(API_PREFIX).lstrip("/")
        url = (
            API_PREFIX
            + "/"
            + _fill(relative, names, API_PARAMETERS, world, {"name": BLANK, "indicator": INDICATOR})
        )
        for method in operations:
            routes.append(Route(f"{method.upper()} {path}", path, url, (method.upper(),), True))
    return routes


def body_text(response: HttpResponseBase) -> str:
    """What a person or a program would read in the answer: HTML entities resolved, JSON with
    its non-ASCII letters as letters, a PDF's text."""
    raw = (
        b"".join(response.streaming_content)  # type: ignore[attr-defined]
        if response.streaming
        else response.content  # type: ignore[attr-defined]
    )
    kind = response.get("Content-Type", "")
    if kind.startswith("application/pdf"):
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(raw)).pages)
    text = raw.decode("utf-8", "replace")
    if "json" in kind:
        try:
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            return text
    return html.unescape(text)


def login_urls() -> tuple[str, str]:
    return reverse("accounts:login"), reverse("admin:login")


def request(
    client: Client, route: Route, method: str, query: dict[str, str], body: Any
) -> HttpResponseBase:
    """GET with the route's query; a write with its body: JSON (``{}`` unless given) for the API,
    a form (empty unless given) for a screen."""
    if method == "GET":
        return client.get(route.url, query)
    call = getattr(client, method.lower())
    if route.api:
        return call(route.url, json.dumps(body or {}), content_type="application/json")
    return call(route.url, body or {})
