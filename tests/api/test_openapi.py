"""The OpenAPI document tells the truth (API-1, issue 10 item 7).

django-ninja names a component after the Python class alone and keeps the last of two classes
of the same name, so two ``AnswerIn`` or two ``Form`` enums made the document describe one
operation with another's schema. Every class the API reaches must have a name of its own, and
the answers to real requests against the demo county must match the document."""

from __future__ import annotations

import enum
import re
import types
import typing
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from jsonschema import Draft202012Validator
from ninja.params.models import ParamModel
from pydantic import BaseModel

from samordna.api.api import api
from samordna.api.models import ApiToken
from samordna.cases.models import Case, Delivery
from samordna.deviations.models import Deviation
from samordna.discharge.models import Stay
from samordna.messaging.models import Message
from samordna.organisations.models import User
from samordna.people.models import Person, Relative, Representative
from samordna.sip.models import Meeting, MeetingForm, Participant, PlanVersion
from samordna.webhooks.models import Subscription

PREFIX = "/api/v1"
# What ninja wraps parameters and answers in; never a component of the document.
NINJA_WRAPPERS = {"NinjaResponseSchema"}


def document() -> dict[str, Any]:
    """The document as served (JSON: status codes are strings)."""
    response = Client().get(f"{PREFIX}/schema")
    assert response.status_code == 200
    doc: dict[str, Any] = response.json()
    return doc


def reached(annotation: Any, seen: dict[str, set[type]]) -> None:
    """Record every model and enum class an annotation reaches, by the name ninja gives it."""
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        seen[annotation.__name__].add(annotation)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen.get(annotation.__name__, set()):
            return
        if not issubclass(annotation, ParamModel) and annotation.__name__ not in NINJA_WRAPPERS:
            seen[annotation.__name__].add(annotation)
        for field in annotation.model_fields.values():
            reached(field.annotation, seen)
    else:
        for argument in typing.get_args(annotation):
            reached(argument, seen)


def python_classes() -> dict[str, set[type]]:
    seen: dict[str, set[type]] = defaultdict(set)
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in [*operation.models, *operation.response_models.values()]:
                    reached(model, seen)
    return seen


def test_every_component_is_one_python_class(db: None) -> None:
    classes = python_classes()
    shared = {name: sorted(c.__qualname__ for c in found) for name, found in classes.items()}
    assert {name: found for name, found in shared.items() if len(found) > 1} == {}
    components = set(document()["components"]["schemas"])
    assert components <= set(classes), components - set(classes)
    # The cases of the review: each points to its own class now.
    schemas = document()["components"]["schemas"]
    assert schemas["MeetingForm"]["enum"] == ["in_person", "video", "phone"]
    assert schemas["ConsentForm"]["enum"] == ["oral", "written"]
    assert "inpatient_ward" in schemas["UnitKind"]["enum"]


def test_a_name_taken_twice_is_found() -> None:
    """The check above can fail: two classes of one name, reached through a union and a list."""
    twin_enum = enum.Enum("Twin", {"A": "a"})
    twin_model = types.new_class("Twin", (BaseModel,))

    class Holder(BaseModel):
        form: MeetingForm
        one: twin_enum | None  # type: ignore[valid-type]
        many: list[twin_model]  # type: ignore[valid-type]

    seen: dict[str, set[type]] = defaultdict(set)
    reached(Holder, seen)
    assert seen["Twin"] == {twin_enum, twin_model}
    assert seen["MeetingForm"] == {MeetingForm} and seen["Holder"] == {Holder}


# Real answers against the document -------------------------------------------------------------

USERS = ["anna", "lena", "karin"]  # the ward, social services, primary care of the demo county
# The JSON operations the demo county's data lets answer 200 (it has no deviations).
ANSWERED = {
    f"{PREFIX}{path}"
    for path in [
        "/deviations",
        "/messages",
        "/notifications/preferences",
        "/operations/banners",
        "/overview",
        "/overview/counts",
        "/persons",
        "/persons/{person_id}",
        "/sip/invitations",
        "/sip/{case_id}",
        "/sip/{case_id}/assessment",
        "/sip/{case_id}/meetings",
        "/sip/{case_id}/plans",
        "/stays/planning-basis/questions",
        "/stays/{stay_id}",
        "/stays/{stay_id}/discharge-information",
        "/stays/{stay_id}/liability",
        "/units",
        "/webhooks/subscriptions",
    ]
}


def ids_by_parameter() -> dict[str, list[str]]:
    def first(values: Any, n: int = 4) -> list[str]:
        return [str(v) for v in list(values)[:n]] + ["999999"]

    sip = Case.objects.filter(kind=Case.Kind.SIP).order_by("pk").values_list("pk", flat=True)
    return {
        "case_id": first(sip, 6),
        "stay_id": first(Stay.objects.order_by("pk").values_list("pk", flat=True), 6),
        "person_id": first(Person.objects.order_by("pk").values_list("pk", flat=True)),
        "meeting_id": first(Meeting.objects.order_by("pk").values_list("pk", flat=True)),
        "delivery_id": first(Delivery.objects.order_by("pk").values_list("pk", flat=True)),
        "message_id": first(Message.objects.order_by("pk").values_list("pk", flat=True)),
        "deviation_id": first(Deviation.objects.order_by("pk").values_list("pk", flat=True)),
        "participant_id": first(Participant.objects.order_by("pk").values_list("pk", flat=True)),
        "number": first(PlanVersion.objects.values_list("number", flat=True).distinct(), 2),
        "name": ["invitation", "x"],
        "relative_id": first(Relative.objects.order_by("pk").values_list("pk", flat=True)),
        "representative_id": first(
            Representative.objects.order_by("pk").values_list("pk", flat=True)
        ),
        "subscription_id": first(Subscription.objects.order_by("pk").values_list("pk", flat=True)),
        "indicator": ["x"],  # the reports' indicators (issue 13): an unknown one answers 404
        "identity_number": first(Person.objects.values_list("identity_number", flat=True), 1),
    }


def urls(path: str, ids: dict[str, list[str]]) -> Iterator[str]:
    """The path with every combination of real ids of the first parameter and the first id of
    the others (so each parameter takes a real and an unknown value)."""
    names = re.findall(r"{(\w+)}", path)
    if path == f"{PREFIX}/persons":
        yield f"{path}?identity_number={ids['identity_number'][0]}"
    if not names:
        yield path
        return
    for value in ids[names[0]]:
        url = path.replace("{" + names[0] + "}", value)
        for other in names[1:]:
            url = url.replace("{" + other + "}", ids[other][0])
        yield url


def validator(
    doc: dict[str, Any], path: str, method: str, status: int
) -> Draft202012Validator | None:
    """The validator of the answer's schema; None when the status is not documented."""
    responses = doc["paths"][path][method]["responses"]
    if str(status) not in responses:
        return None
    content = responses[str(status)].get("content", {})
    schema = content.get("application/json", {}).get("schema", {})
    return Draft202012Validator({**schema, "components": doc["components"]})


@pytest.fixture
def demo(db: None) -> None:
    call_command("load_demo", verbosity=0)
    call_command("generate_county", cases=30, seed=1, verbosity=0)  # SIPs, meetings, messages


def test_answers_match_the_document(demo: None) -> None:
    """Every GET operation of the document, as three units of the demo county, with real and
    unknown ids: the status is documented and the JSON answer matches its schema."""
    doc = document()
    ids = ids_by_parameter()
    checked: dict[int, int] = defaultdict(int)
    answered: set[str] = set()  # the JSON operations that answered 200 at least once
    json_paths: set[str] = set()
    wrong: list[str] = []
    for username in USERS:
        user = User.objects.get(username=username)
        membership = user.memberships.first()
        assert membership is not None
        _token, secret = ApiToken.issue("schema test", user, membership.unit)
        client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", raise_request_exception=False)
        for path, operations in doc["paths"].items():
            if "get" not in operations:
                continue
            for url in urls(path, ids):
                response = client.get(url)
                if not response["Content-Type"].startswith("application/json"):
                    assert response.status_code == 200, url
                    continue
                json_paths.add(path)
                if response.status_code == 200:
                    answered.add(path)
                check = validator(doc, path, "get", response.status_code)
                if check is None:
                    wrong.append(f"{username} GET {url}: {response.status_code} not documented")
                    continue
                errors = [e.message for e in check.iter_errors(response.json())]
                if errors:
                    wrong.append(f"{username} GET {url} {response.status_code}: {errors[:3]}")
                checked[response.status_code] += 1
    assert wrong == []
    assert answered >= ANSWERED, sorted(ANSWERED - answered)
    assert checked[404] > 10, dict(checked)


@pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
def test_an_unknown_path_answers_the_json_error(db: None, method: str) -> None:
    """Found by scripts/fuzz-api: a POST to a path whose id does not parse got Django's HTML
    CSRF 403, not the API's JSON 404 (the API authenticates by token, never by cookie)."""
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(f"{PREFIX}/sip/null%2Cnull/close")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("path", ["/x%0Ay", "/sip/1%0A/close", "/documents/blank/a%0A.pdf/x"])
def test_a_path_with_a_line_break_answers_the_json_error(db: None, path: str) -> None:
    """Found by scripts/fuzz-api (issue 17): the API's catch-all did not match a path with an
    encoded line break (``.`` stops at one), so it fell through to the pages' HTML 404."""
    response = Client().get(PREFIX + path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"


HUGE_IDS = ["19362822118202654720", str(2**63), str(-(2**63) - 1), "+9223372036854775808"]


def test_an_id_past_64_bits_answers_404_not_a_server_error(client: Client, world: Any) -> None:
    """Found by scripts/fuzz-api (issue 17): a reply to message 19362822118202654720 with a
    valid body reached the database, which cannot hold the number: a server error (SQLite's
    OverflowError, PostgreSQL's numeric_value_out_of_range)."""
    _token, secret = ApiToken.issue("test", world.bob, world.participant_unit)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    for huge in HUGE_IDS:
        response = client.post(
            f"{PREFIX}/messages/{huge}/reply",
            {"body": "Ring 12"},
            content_type="application/json",
            **auth,
        )
        assert response.status_code == 404, (huge, response.content)
        assert response.json()["code"] == "not_found"


def test_every_id_in_a_path_past_64_bits_answers_404(client: Client, world: Any) -> None:
    """The same for every operation of the document with an id in its path."""
    _token, secret = ApiToken.issue("test", world.bob, world.participant_unit)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    tried = 0
    for path, operations in document()["paths"].items():
        if not re.search(r"\{(\w+_id|number)\}", path):
            continue
        for method in operations:
            url = re.sub(r"\{(\w+_id|number)\}", HUGE_IDS[0], path)
            url = re.sub(r"\{\w+\}", "x", url)
            response = getattr(client, method)(url, {}, content_type="application/json", **auth)
            assert response.status_code == 404, (method, url, response.content)
            tried += 1
    assert tried > 40
