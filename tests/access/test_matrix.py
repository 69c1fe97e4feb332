"""The generated access matrix (issue 17 item 5).

Every screen of the URL configuration and every operation of the OpenAPI document is requested
as each role of ``tests.access.world.ROLES``, with its path parameters pointing at Sture
Lundberg's data, and the answer is compared with what ``tests.access.table`` declares. Besides
the status, every answer that may not show the individual is searched for his name, identity
number (with and without century and hyphen), age, address, phone, relative and legal
representative: a leak fails even when the status is right. Writes are sent with an empty form
or ``{}`` (or the table's ``BODIES``), each inside a savepoint that is rolled back, and a write
the table refuses must leave every table as it was (the access log aside, which logs reads and
refusals on purpose). The counts are printed at the end of the run (``conftest.py``)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from samordna.accounts.oidc_config import OidcProvider
from tests.access import table
from tests.access.outcomes import Outcome, describe, matches
from tests.access.routes import (
    Route,
    api_routes,
    body_text,
    login_urls,
    request,
    web_routes,
)
from tests.access.table import GET, SAME
from tests.access.world import IDENTITY_FORMS, NAME_PARTS, RECORD, RECOVERY_CODE, ROLES, build
from tests.conftest import World
from tests.test_bad_input_everywhere import snapshot

# What the run did, printed by conftest.pytest_terminal_summary.
STATS: dict[str, int] = {}


@dataclass
class Findings:
    mismatches: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    tried: int = 0
    routes: set[str] = field(default_factory=set)


def needles(echoed: bool) -> list[str]:
    """What must not appear. ``echoed``: the request itself carries the identity number (a
    lookup), so the answer may repeat it; the name and the rest still may not appear."""
    born = dt.date(1936, 3, 23)
    today = timezone.localdate()
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    found = [*NAME_PARTS, *RECORD, f"{age} år"]
    return found if echoed else [*found, *IDENTITY_FORMS]


def leaked(text: str, echoed: bool) -> list[str]:
    return [needle for needle in needles(echoed) if needle in text]


def expectation(route: Route, method: str) -> dict[str, Outcome]:
    """The table's row for a route and method, with the entries of ``UNTIL_CONSENT``."""
    if route.admin:
        row = table.ADMIN.get(route.key, table.ADMIN["*"])
    elif route.api:
        row = table.API[route.key]
    else:
        found = table.WEB[route.key][method]
        row = table.WEB[route.key][GET] if found == SAME else found  # type: ignore[assignment]
    pending = {
        role: now
        for (key, m, role), now in table.UNTIL_CONSENT.items()
        if (key, m) == (route.key, method)
    }
    return {**row, **pending}


def filled(template: Any, values: dict[str, Any]) -> Any:
    """A query or body of the table with its placeholders filled in: ``"{stay}"`` alone is the
    value itself (a number stays a number), inside a longer text it is formatted in."""
    if isinstance(template, dict):
        return {k: filled(v, values) for k, v in template.items()}
    if isinstance(template, list):
        return [filled(v, values) for v in template]
    if isinstance(template, str):
        whole = re.fullmatch(r"\{(\w+)\}", template)
        return values[whole[1]] if whole else template.format(**values)
    return template


def same_as_get(route: Route, method: str) -> bool:
    return not route.api and not route.admin and table.WEB[route.key].get(method) == SAME


def try_pair(
    client: Client,
    route: Route,
    method: str,
    role: str,
    expected: Outcome,
    baseline: dict[str, tuple[int, str]],
    values: dict[str, Any],
    findings: Findings,
) -> None:
    cookies = SimpleCookie()
    cookies.update(client.cookies)  # a logout or language choice must not end the role's login
    what = f"{method} {route.key} ({route.url}) as {role}"
    with transaction.atomic():
        query = filled(table.QUERIES.get(route.key, {}), values)
        body = filled(table.BODIES.get(route.key), values)
        response = request(client, route, method, query, body)
        text = "" if expected.shows else body_text(response)
        after = snapshot() if method != "GET" else baseline
        transaction.set_rollback(True)
    client.cookies = cookies
    findings.tried += 1
    login, admin_login = login_urls()
    if not matches(expected, response, login, admin_login):
        got = describe(response, login, admin_login)
        pending = (route.key, method, role) in table.UNTIL_CONSENT
        note = (
            " (an UNTIL_CONSENT entry: the consent work may have landed, delete it)"
            if pending
            else ""
        )
        findings.mismatches.append(f"{what}: expected {expected.name}, got {got}{note}")
    if not expected.shows:
        hits = leaked(text, echoed=route.key in table.ECHOES_IDENTITY_NUMBER)
        if hits:
            findings.leaks.append(f"{what} -> {response.status_code}: shows {hits}")
    if after != baseline and not expected.writes:
        differs = sorted(t for t in after if after[t] != baseline.get(t))
        findings.changes.append(f"{what} -> {response.status_code} changed {differs}")


def run(world: World) -> Findings:
    matrix = build(world)
    document = Client().get("/api/v1/schema").json()
    routes = web_routes(matrix) + api_routes(matrix, document)
    baseline = snapshot()
    findings = Findings()
    for route in routes:
        for method in route.methods:
            expected = expectation(route, method)
            findings.routes.add(f"{method} {route.template}")
            for role in ROLES:
                if same_as_get(route, method) and expected[role].shows:
                    continue  # the page again; tests/test_bad_input_everywhere.py posts there
                by_token = route.api or route.key in table.BY_TOKEN
                clients = matrix.api if by_token else matrix.web
                try_pair(
                    clients[role],
                    route,
                    method,
                    role,
                    expected[role],
                    baseline,
                    matrix.values,
                    findings,
                )
    return findings


@pytest.fixture
def provider(settings: Any) -> None:
    """A federated login provider that does not answer (port 9 refuses): its start and callback
    are then requested like any other route; tests/accounts/test_oidc.py runs a real one."""
    settings.OIDC_PROVIDERS = [
        OidcProvider("region", "Region Norrbotten", "http://127.0.0.1:9", "samordna", "secret")
    ]
    settings.INDIVIDUAL_OIDC_PROVIDERS = settings.OIDC_PROVIDERS  # and the individual's login


@pytest.mark.usefixtures("provider")
def test_every_route_and_role_answers_as_the_table_declares(world: World) -> None:
    findings = run(world)
    STATS.update(
        routes=len(findings.routes),
        roles=len(ROLES),
        tried=findings.tried,
        leaks=len(findings.leaks),
        mismatches=len(findings.mismatches),
        changes=len(findings.changes),
    )
    problems = [
        *(f"LEAK {leak}" for leak in findings.leaks),
        *(f"CHANGED {change}" for change in findings.changes),
        *findings.mismatches,
    ]
    assert not problems, f"{len(problems)} pairs differ from tests/access/table.py:\n" + "\n".join(
        problems
    )


def test_every_route_has_a_row_and_every_row_a_route(world: World) -> None:
    """A new screen or operation must be declared before it is served (and a row for a route
    that is gone is removed, so the table says what exists)."""
    matrix = build(world)
    document = Client().get("/api/v1/schema").json()
    web = {r.key: r for r in web_routes(matrix) if not r.admin}
    api = {r.key: r for r in api_routes(matrix, document)}
    missing = [f"{r.template} ({key})" for key, r in web.items() if key not in table.WEB]
    missing += [key for key in api if key not in table.API]
    assert not missing, (
        "Routes without a row in tests/access/table.py (declare what each role must get):\n"
        + "\n".join(missing)
    )
    stale = [key for key in table.WEB if key not in web] + [k for k in table.API if k not in api]
    assert not stale, "Rows in tests/access/table.py for routes that do not exist:\n" + "\n".join(
        stale
    )
    methods = [
        f"{key}: {sorted(row)}" for key, row in table.WEB.items() if set(row) != {GET, "POST"}
    ]
    assert not methods, "Every screen's row declares GET and POST:\n" + "\n".join(methods)
    pending = [e for e in table.UNTIL_CONSENT if e[0] not in web and e[0] not in api]
    assert not pending, f"UNTIL_CONSENT entries for routes that do not exist: {pending}"


def test_the_admin_never_shows_a_second_factor(world: World) -> None:
    """Staff never read a TOTP key, its QR code or a recovery code: with them anyone could give
    the county administrator's code. django-otp's device admins are not in the admin at all
    (``operations.apps.StaticConfig``): a lost device is reset on the scoped, logged page."""
    matrix = build(world)
    staff = matrix.web["county_admin"]
    totp = TOTPDevice.objects.get()
    recovery = StaticDevice.objects.get()
    pages = [
        f"/admin/otp_totp/totpdevice/{totp.pk}/config/",
        f"/admin/otp_totp/totpdevice/{totp.pk}/qrcode/",
        "/admin/otp_totp/totpdevice/",
        f"/admin/otp_totp/totpdevice/{totp.pk}/change/",
        "/admin/otp_static/staticdevice/",
        f"/admin/otp_static/staticdevice/{recovery.pk}/change/",
    ]
    for page in pages:
        response = staff.get(page)
        assert response.status_code == 404, page
        text = body_text(response)
        assert totp.key not in text and RECOVERY_CODE not in text, page
