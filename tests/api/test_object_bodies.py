"""Every API write whose body has no required field refuses a body that is not a JSON object.

django-ninja takes any JSON body (null, a number, a list, a string) for an empty object when
every field of the schema has a default, so such an operation would run its act on input the
OpenAPI document does not allow (the fuzzer's ST201: ``null`` started a new plan version). The
operations are found from the OpenAPI document, so a new one is covered as soon as it exists;
the refusal comes before the act, whatever the ids in the path.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.test import Client

from samordna.api.api import api
from samordna.cases.models import Event, Notice
from samordna.sip.models import PlanVersion
from tests.api.test_persons import bearer
from tests.conftest import World


def _bodies_without_required_fields() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            ref = (body or {}).get("schema", {}).get("$ref")
            if ref and not components[ref.rsplit("/", 1)[-1]].get("required"):
                found.append((method.upper(), re.sub(r"\{[^}]+\}", "999999", path)))
    return found


def test_a_body_that_is_no_object_is_refused_before_the_act(client: Client, world: World) -> None:
    operations = _bodies_without_required_fields()
    # the detection itself: the operations known today are among them
    assert {path.split("/999999/")[-1] for _m, path in operations} >= {
        "plans",
        "admission-notice",
        "planning-basis",
        "sip",
    }
    headers = bearer(world, "alice")
    before = (Event.objects.count(), Notice.objects.count(), PlanVersion.objects.count())
    for method, path in operations:
        for not_an_object in (None, 5, [1], "x"):
            answer: Any = client.generic(
                method, path, json.dumps(not_an_object), "application/json", **headers
            )
            assert answer.status_code == 400, (method, path, not_an_object, answer.content)
            assert answer.json()["code"] == "invalid_body"
    assert (Event.objects.count(), Notice.objects.count(), PlanVersion.objects.count()) == before
