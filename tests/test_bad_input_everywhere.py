"""Bad input never makes a server error: every screen and every API endpoint, posted empty and
with garbage and requested with garbage query strings, as a ward nurse and a municipal case
officer of the demo county, answers with a page or a 4xx. New routes are covered as they are
added, because the routes are read from the URL configuration and the OpenAPI schema."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLResolver, get_resolver

from samordna.accounts.middleware import SESSION_KEY
from samordna.api.models import ApiToken
from samordna.cases.models import Case, Delivery
from samordna.organisations.models import Unit, User

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


@pytest.fixture
def demo(db: None) -> tuple[list[int], int]:
    call_command("load_demo", verbosity=0)
    case = Case.objects.order_by("pk").values_list("pk", flat=True).first() or 1
    delivery = Delivery.objects.order_by("pk").values_list("pk", flat=True).first() or 1
    return [case, 999999], delivery


@pytest.mark.parametrize(("username", "code"), USERS)
def test_no_screen_answers_bad_input_with_a_server_error(
    demo: tuple[list[int], int], username: str, code: str
) -> None:
    cases, delivery = demo
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username=username))
    session = client.session
    session[SESSION_KEY] = Unit.objects.get(code=code).pk
    session.save()
    failures = []
    for route in web_routes():
        for case in cases:
            url = fill(route, case, delivery)
            for response in (
                client.post(url, {}),
                client.post(url, GARBAGE_FORM),
                client.get(url, GARBAGE_QUERY),
            ):
                if response.status_code >= 500:
                    failures.append(f"{response.request['REQUEST_METHOD']} {url}")
    assert not failures


@pytest.mark.parametrize(("username", "code"), USERS)
def test_no_api_endpoint_answers_bad_input_with_a_server_error(
    demo: tuple[list[int], int], username: str, code: str
) -> None:
    cases, delivery = demo
    client = Client(raise_request_exception=False)
    _token, secret = ApiToken.issue(
        "test", User.objects.get(username=username), Unit.objects.get(code=code)
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    failures = []
    for path, operations in client.get("/api/v1/schema").json()["paths"].items():
        for method in operations:
            for case in cases:
                url = "/api/v1" + re.sub(r"\{\w*delivery\w*\}", str(delivery), path)
                url = re.sub(r"\{[^}]+\}", str(case), url)
                bodies = GARBAGE_JSON if method in ("post", "put", "patch") else [None]
                for body in bodies:
                    call = getattr(client, method)
                    response = (
                        call(url, body, content_type="application/json", **auth)
                        if body is not None
                        else call(url, GARBAGE_QUERY, **auth)
                    )
                    if response.status_code >= 500:
                        failures.append(f"{method.upper()} {url} {body}")
    assert not failures
