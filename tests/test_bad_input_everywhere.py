"""Bad input never makes a server error and never changes anything: every screen and every API
endpoint, posted empty and with garbage (a NUL byte, a 100,000-character text, year-0001 dates,
an offset of -17:00, ``0`` for a datetime) and requested with garbage query strings, as a ward
nurse and a municipal case officer of the demo county, answers with a page or a 4xx; and after
each request every table holds what it held before (issue 10 item 3). The only changes allowed
are the acts a screen does on an empty post, listed in ``ACTS_WITHOUT_INPUT``.
New routes and fields are covered as they are added: the routes are read from the URL
configuration and the OpenAPI schema, the field names from the apps' forms and the schema."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from django.core.management import call_command
from django.test import Client
from django.urls import URLResolver, get_resolver

from samordna import validation
from samordna.accounts.middleware import SESSION_KEY
from samordna.api.models import ApiToken
from samordna.cases.models import Case, Delivery
from samordna.organisations.models import Unit, User
from tests.digest import changed, snapshot
from tests.test_validation import all_form_classes

USERS = [("anna", "sunderby-med5"), ("lena", "lulea-bistand")]
GARBAGE_FORM = {
    "version": "x",
    "occurred_at": "garbage",
    "pb-mobility": "maybe",
    "recipients": "-1",
    "units": "zz",
    "identity_number": "abc",
}
GARBAGE_QUERY = {
    "page": "x",
    "when": "zz",
    "kind": "zz",
    "identity_number": "abc",
    "month": "2026-13",
    "case": "x",
    "person": "x",
    "stay": "999999",
    "status": "zz",
}
GARBAGE_JSON = [
    "{}",
    "not json",
    json.dumps({"occurred_at": "2026-01-01T10:00:00", "version": "x", "answers": "y"}),
]
NUL = "a\x00b"
LONG = "x" * 100_000
# The bad value of each kind of field, one variant per kind of garbage (issue 10 item 7).
VARIANTS: list[dict[str, Any]] = [
    {"text": NUL, "moment": NUL, "day": NUL},
    {"text": LONG},
    {"moment": "0001-01-01T00:00", "day": "0001-01-01"},
    {"moment": "2026-11-30T10:00:00-17:00"},
    {"moment": 0, "day": 0},
]
# The only screens whose form is complete when posted empty: an empty post is their act, and it
# answers with a redirect. Any other change by any other request fails the test.
ACTS_WITHOUT_INPUT = {
    "/persons/<int:pk>/relatives/<int:item>/remove/",  # the remove button has no fields
    "/stays/<int:pk>/planning-basis/",  # every question may be left unanswered (SVU-5)
}


# A readiness probe answers 503 by design while the installation is not ready (here: no worker
# has been seen), with its checks as JSON: the probe's answer, not a server error.
READINESS = "/health/ready"


def server_error(response: Any) -> bool:
    if response.status_code == 503 and response.request["PATH_INFO"] == READINESS:
        return response.json().get("status") != "unavailable"
    return response.status_code >= 500


class Watch:
    """Takes a snapshot after each request and compares it with the one before."""

    def __init__(self) -> None:
        self.before = snapshot()
        self.server_errors: list[str] = []
        self.changed: list[str] = []

    def check(self, response: Any, what: str, may_act: bool = False) -> None:
        if server_error(response):
            self.server_errors.append(what)
        after = snapshot()
        differs = changed(self.before, after)
        method = response.request["REQUEST_METHOD"]
        accepted_act = method == "POST" and response.status_code < 400 and may_act
        if differs and not accepted_act:
            self.changed.append(f"{what} -> {response.status_code}: {', '.join(differs)}")
        self.before = after


def web_routes(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[str]:
    for pattern in (resolver or get_resolver()).url_patterns:
        text = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if not text.startswith(("admin", "api", "i18n")):
                yield from web_routes(pattern, text)
        elif "logout" not in text:
            yield "/" + text


def fill(route: str, case: int, delivery: int) -> str:
    route = route.replace("<int:pk>", str(case))
    route = re.sub(r"<int:\w+>", str(delivery), route)
    return re.sub(r"<\w+:?\w*>", "x", route)


def form_fields() -> dict[str, str]:
    """Every field name of the apps' forms, plain and with the prefixes the screens use, by
    kind: text, moment, day or other."""
    prefixes = {""}
    kinds: dict[str, str] = {}
    for cls in all_form_classes():
        for attr in ("prefix", "id_prefix"):
            if isinstance(getattr(cls, attr, None), str):
                prefixes.add(getattr(cls, attr) + "-")
        for name, field in cls.base_fields.items():
            kind = (
                "moment"
                if isinstance(field, forms.DateTimeField)
                else "day"
                if isinstance(field, forms.DateField)
                else "text"
                if isinstance(field, forms.CharField)
                else "other"
            )
            kinds.setdefault(name, kind)
    for literal in ("edit", "unavailable", "death", "declined", "reply", "ack", "cc", "pb"):
        prefixes.add(literal + "-")
    return {p + name: kind for p in prefixes for name, kind in kinds.items()}


def web_garbage() -> list[dict[str, Any]]:
    """Each variant fills every field of its kinds with the bad value and the others with a
    plausible one, so the bad value is what the form has to refuse."""
    plausible = {"text": "x", "other": "1", "moment": "2026-11-30T10:00", "day": "2026-11-30"}
    fields = form_fields()

    def value(variant: dict[str, Any], name: str, kind: str) -> Any:
        bad = variant.get(kind, plausible[kind])
        if bad is LONG and "-" in name:  # a prefixed copy: past the longest limit is enough,
            return LONG[: validation.LONG_TEXT_MAX + 1]  # and keeps the body a few megabytes
        return bad

    return [
        {name: value(variant, name, kind) for name, kind in fields.items()} for variant in VARIANTS
    ]


@pytest.fixture
def demo(db: None) -> tuple[list[int], int]:
    call_command("load_demo", verbosity=0)
    case = Case.objects.order_by("pk").values_list("pk", flat=True).first() or 1
    delivery = Delivery.objects.order_by("pk").values_list("pk", flat=True).first() or 1
    return [case, 999999], delivery


@pytest.mark.parametrize(("username", "code"), USERS)
def test_no_screen_answers_bad_input_with_a_server_error_or_a_change(
    demo: tuple[list[int], int], username: str, code: str
) -> None:
    cases, delivery = demo
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username=username))
    session = client.session
    session[SESSION_KEY] = Unit.objects.get(code=code).pk
    session.save()
    garbage = web_garbage()
    watch = Watch()
    for route in web_routes():
        for case in cases:
            url = fill(route, case, delivery)
            watch.check(client.post(url, {}), f"POST {url} {{}}", route in ACTS_WITHOUT_INPUT)
            watch.check(client.post(url, GARBAGE_FORM), f"POST {url} garbage")
            watch.check(client.get(url, GARBAGE_QUERY), f"GET {url}")
        url = fill(route, cases[0], delivery)
        for n, data in enumerate(garbage):
            watch.check(client.post(url, data), f"POST {url} variant {n}")
        watch.check(client.get(url, {"q": NUL, "month": NUL}), f"GET {url} NUL")
    assert not watch.server_errors
    assert not watch.changed


def api_bodies(schema: dict[str, Any], operation: dict[str, Any]) -> list[str]:
    """The garbage variants of an operation's JSON body, from its schema in the document."""
    content = operation.get("requestBody", {}).get("content", {})
    ref = content.get("application/json", {}).get("schema", {}).get("$ref")
    if not ref:
        return []
    components = schema["components"]["schemas"]
    body = components[ref.rsplit("/", 1)[-1]]

    def kind(prop: dict[str, Any]) -> str:
        for v in prop.get("anyOf", [prop]):
            if v.get("format") == "date-time":
                return "moment"
            if v.get("format") == "date":
                return "day"
            if v.get("type") == "string" and "enum" not in v:
                return "text"
            if v.get("type") == "array":
                return "texts"
        return "other"

    plausible = {"text": "x", "moment": "2026-11-30T10:00:00+01:00", "day": "2026-11-30"}
    bodies = []
    for variant in VARIANTS:
        data: dict[str, Any] = {}
        for name, prop in body.get("properties", {}).items():
            k = kind(prop)
            if k == "texts":
                data[name] = [variant.get("text", "x")]
            elif k in plausible:
                data[name] = variant.get(k, plausible[k])
            elif prop.get("type") == "integer" or name == "version":
                data[name] = 1
        bodies.append(json.dumps(data))
    return bodies


@pytest.mark.parametrize(("username", "code"), USERS)
def test_no_api_endpoint_answers_bad_input_with_a_server_error_or_a_change(
    demo: tuple[list[int], int], username: str, code: str
) -> None:
    cases, delivery = demo
    client = Client(raise_request_exception=False)
    _token, secret = ApiToken.issue(
        "test", User.objects.get(username=username), Unit.objects.get(code=code)
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    document = client.get("/api/v1/schema").json()
    watch = Watch()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            call = getattr(client, method)
            for case in cases:
                url = "/api/v1" + re.sub(r"\{\w*delivery\w*\}", str(delivery), path)
                url = re.sub(r"\{[^}]+\}", str(case), url)
                if method in ("post", "put", "patch"):
                    extra = api_bodies(document, operation) if case == cases[0] else []
                    bodies = GARBAGE_JSON + extra
                    for body in bodies:
                        response = call(url, body, content_type="application/json", **auth)
                        watch.check(response, f"{method.upper()} {url} {body[:80]!r}")
                else:
                    watch.check(call(url, GARBAGE_QUERY, **auth), f"{method.upper()} {url}")
                    watch.check(call(url, {"q": NUL}, **auth), f"{method.upper()} {url} NUL")
    assert not watch.server_errors
    assert not watch.changed


def test_the_digest_sees_a_change_of_content_and_ignores_the_logs(demo: Any) -> None:
    """The comparison above and in the API fuzzer (scripts/fuzz-api) can fail: an edited
    field, with the row count unchanged, is a change; a read logged in the access log is not."""
    from samordna.audit.models import AccessLog
    from samordna.people.models import Person

    before = snapshot()
    person = Person.objects.order_by("pk").first()
    assert person is not None
    Person.objects.filter(pk=person.pk).update(first_name=person.first_name + "x")
    assert changed(before, snapshot()) == [Person._meta.db_table]
    Person.objects.filter(pk=person.pk).update(first_name=person.first_name)
    assert changed(before, snapshot()) == []
    log = AccessLog.objects.order_by("pk").first()
    assert log is not None
    log.pk = None
    log.save()
    assert changed(before, snapshot()) == []
