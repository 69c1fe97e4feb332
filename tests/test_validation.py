"""The one validation at the boundary (issue 10 item 7): the rules at every edge, the pydantic
types and form fields built on them, and that every API schema and every form uses them."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import pkgutil
from typing import Any

import pytest
import time_machine
from django import forms
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from ninja import Schema
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticError

import samordna
from samordna import validation
from samordna.api.models import ApiToken
from samordna.cases.acts import touch
from samordna.cases.models import Case
from samordna.core.calendar import STOCKHOLM
from samordna.deviations.models import Deviation
from samordna.discharge.models import Stay
from samordna.errors import ServiceError
from samordna.organisations.models import Unit, User
from samordna.people.models import Person
from samordna.validation import (
    Code,
    Day,
    LifeDay,
    LongText,
    Moment,
    Refused,
    Text,
    Window,
    check_day,
    check_moment,
    check_text,
)
from tests.conftest import World

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=STOCKHOLM)
NUL = "a\x00b"


def tz(hours: int, minutes: int = 0) -> dt.timezone:
    sign = -1 if hours < 0 else 1
    return dt.timezone(sign * dt.timedelta(hours=abs(hours), minutes=minutes))


def refused(rule: Any, *args: Any) -> str | None:
    try:
        rule(*args)
    except Refused as error:
        return error.code
    return None


# The rules at their edges ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "limit", "code"),
    [
        ("x" * 200, 200, None),
        ("x" * 201, 200, "too_long"),
        ("  " + "x" * 200 + "\n", 200, None),  # stripped before it is measured
        ("x" * 10_000, 10_000, None),
        ("x" * 10_001, 10_000, "too_long"),
        ("x" * 100_000, 10_000, "too_long"),
        ("", 200, None),
        (NUL, 200, "nul_character"),
        ("\x00", 200, "nul_character"),
        ("ok\x00", 10_000, "nul_character"),
    ],
)
def test_text_rule(value: str, limit: int, code: str | None) -> None:
    assert refused(check_text, value, limit) == code


def test_text_is_stripped() -> None:
    assert check_text("  Erik Berg \n") == "Erik Berg"


@pytest.mark.parametrize(
    ("offset", "code"),
    [
        (tz(0), None),
        (tz(15, 59), None),
        (tz(-15, 59), None),
        (tz(16), "offset_out_of_range"),
        (tz(-16), "offset_out_of_range"),
        (tz(-17), "offset_out_of_range"),
        (tz(23, 59), "offset_out_of_range"),
        (tz(-23, 59), "offset_out_of_range"),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_moment_offsets_the_database_can_store(offset: dt.timezone, code: str | None) -> None:
    assert refused(check_moment, dt.datetime(2026, 11, 30, 10, 0, tzinfo=offset)) == code


@pytest.mark.parametrize(
    ("moment", "code"),
    [
        (dt.datetime(2000, 1, 1, 0, 0, tzinfo=STOCKHOLM), None),
        (dt.datetime(1999, 12, 31, 23, 59, 59, tzinfo=STOCKHOLM), "out_of_range"),
        (dt.datetime(1999, 12, 31, 23, 0, tzinfo=dt.UTC), None),  # = 2000-01-01 00:00 local
        (dt.datetime(2028, 11, 30, 23, 59, 59, tzinfo=STOCKHOLM), None),  # today + 2 years
        (dt.datetime(2028, 12, 1, 0, 0, tzinfo=STOCKHOLM), "out_of_range"),
        (dt.datetime(1, 1, 1, 0, 0, tzinfo=STOCKHOLM), "out_of_range"),
        (dt.datetime(1, 1, 1, 0, 0, tzinfo=tz(15, 59)), "out_of_range"),
        (dt.datetime(9999, 12, 31, 23, 59, tzinfo=tz(-15, 59)), "out_of_range"),
        (dt.datetime(1970, 1, 1, tzinfo=dt.UTC), "out_of_range"),
        (dt.datetime(2026, 11, 30, 10, 0), "naive_datetime"),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_moment_window_of_acts(moment: dt.datetime, code: str | None) -> None:
    assert refused(check_moment, moment) == code


@time_machine.travel(dt.datetime(2028, 2, 29, 12, 0, tzinfo=STOCKHOLM), tick=False)
def test_two_years_from_29_february_is_28_february() -> None:
    assert validation.bounds(Window.ACT) == (dt.date(2000, 1, 1), dt.date(2030, 2, 28))
    assert refused(check_day, dt.date(2030, 2, 28), Window.ACT) is None
    assert refused(check_day, dt.date(2030, 3, 1), Window.ACT) == "out_of_range"


@pytest.mark.parametrize(
    ("day", "window", "code"),
    [
        (dt.date(2000, 1, 1), Window.PLAN, None),
        (dt.date(1999, 12, 31), Window.PLAN, "out_of_range"),
        (dt.date(2100, 12, 31), Window.PLAN, None),
        (dt.date(2101, 1, 1), Window.PLAN, "out_of_range"),
        (dt.date(1, 1, 1), Window.PLAN, "out_of_range"),
        (dt.date(9999, 12, 31), Window.PLAN, "out_of_range"),
        (dt.date(1900, 1, 1), Window.LIFE, None),
        (dt.date(1899, 12, 31), Window.LIFE, "out_of_range"),
        (dt.date(2100, 12, 31), Window.LIFE, None),
        (dt.date(2101, 1, 1), Window.LIFE, "out_of_range"),
        (dt.date(2000, 1, 1), Window.ACT, None),
        (dt.date(1999, 12, 31), Window.ACT, "out_of_range"),
        (dt.date(2028, 11, 30), Window.ACT, None),
        (dt.date(2028, 12, 1), Window.ACT, "out_of_range"),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_day_windows(day: dt.date, window: Window, code: str | None) -> None:
    assert refused(check_day, day, window) == code


# The pydantic types ------------------------------------------------------------------------------


def api_error(annotation: Any, value: Any) -> str | None:
    try:
        TypeAdapter(annotation).validate_python(value)
    except PydanticError as error:
        return str(error.errors()[0]["type"])
    return None


@pytest.mark.parametrize(
    ("annotation", "value", "code"),
    [
        (Text, "x" * 200, None),
        (Text, "x" * 201, "too_long"),
        (Code, "x" * 100, None),
        (Code, "x" * 101, "too_long"),
        (LongText, "x" * 10_000, None),
        (LongText, "x" * 10_001, "too_long"),
        (LongText, "x" * 100_000, "too_long"),
        (Text, NUL, "nul_character"),
        (LongText, NUL, "nul_character"),
        (Moment, "2026-11-30T10:00:00+01:00", None),
        (Moment, "2026-11-30T10:00:00-15:59", None),
        (Moment, "2026-11-30T10:00:00+15:59", None),
        (Moment, "2026-11-30T10:00:00-16:00", "offset_out_of_range"),
        (Moment, "2026-11-30T10:00:00+16:00", "offset_out_of_range"),
        (Moment, "2026-11-30T10:00:00-17:00", "offset_out_of_range"),
        (Moment, "2026-11-30T10:00:00", "timezone_aware"),  # naive: refused as before
        (Moment, "0001-01-01T00:00:00+01:00", "out_of_range"),
        (Moment, "1999-12-31T22:59:59Z", "out_of_range"),
        (Moment, "1999-12-31T23:00:00Z", None),
        (Moment, 0, "not_a_datetime"),
        (Moment, 1_764_496_800, "not_a_datetime"),
        (Moment, 0.5, "not_a_datetime"),
        (Moment, "0", "not_a_datetime"),
        (Moment, True, "not_a_datetime"),
        (Day, "2026-11-30", None),
        (Day, "0001-01-01", "out_of_range"),
        (Day, "2101-01-01", "out_of_range"),
        (Day, 0, "not_a_datetime"),
        (LifeDay, "1900-01-01", None),
        (LifeDay, "1899-12-31", "out_of_range"),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_api_types(annotation: Any, value: Any, code: str | None) -> None:
    assert api_error(annotation, value) == code


def test_api_text_is_stripped_and_documents_its_limit() -> None:
    assert TypeAdapter(Text).validate_python("  Erik ") == "Erik"
    assert TypeAdapter(LongText).json_schema()["maxLength"] == 10_000


def api_modules() -> list[Any]:
    import samordna.api

    return [
        importlib.import_module(f"samordna.api.{m.name}")
        for m in pkgutil.iter_modules(samordna.api.__path__)
        if m.name not in ("migrations", "admin", "apps", "models")
    ]


def input_schemas() -> list[type[Schema]]:
    found = {
        obj
        for module in api_modules()
        for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, Schema) and obj.__name__.endswith("In")
    }
    return sorted(found, key=lambda s: f"{s.__module__}.{s.__name__}")


def kinds(schema: type[Schema]) -> dict[str, str]:
    """Each field of the schema by the kind of value it takes, from its JSON schema."""
    doc = schema.model_json_schema()
    out = {}
    for name, prop in doc.get("properties", {}).items():
        variants = prop.get("anyOf", [prop])
        for v in variants:
            if v.get("type") == "string" and v.get("format") == "date-time":
                out[name] = "moment"
            elif v.get("type") == "string" and v.get("format") == "date":
                out[name] = "day"
            elif v.get("type") == "string" and "enum" not in v and "$ref" not in v:
                out[name] = "text"
            elif v.get("type") == "array" and v.get("items", {}).get("type") == "string":
                out[name] = "texts"
            elif v.get("type") == "object" and "additionalProperties" in v:
                out[name] = "mapping"
    return out


BAD = {
    "text": [(NUL, "nul_character"), ("x" * 100_000, "too_long")],
    "texts": [([NUL], "nul_character")],
    "mapping": [({"k": NUL}, "nul_character")],
    "moment": [
        ("2026-11-30T10:00:00-17:00", "offset_out_of_range"),
        ("0001-01-01T00:00:00+01:00", "out_of_range"),
        (0, "not_a_datetime"),
    ],
    "day": [("0001-01-01", "out_of_range"), (0, "not_a_datetime")],
}


def test_every_api_input_field_follows_the_boundary() -> None:
    """Every text, datetime and date field of every API input schema refuses what the database
    cannot store, with the boundary's own code: a new field of a plain ``str`` fails here."""
    schemas = input_schemas()
    assert len(schemas) > 30
    unguarded = []
    checked = 0
    for schema in schemas:
        for name, kind in kinds(schema).items():
            for value, code in BAD[kind]:
                checked += 1
                try:
                    schema.model_validate({name: value})
                    unguarded.append(f"{schema.__name__}.{name}={value!r:.20}")
                except PydanticError as error:
                    types = {e["type"] for e in error.errors() if e["loc"][0] == name}
                    if code not in types:
                        unguarded.append(f"{schema.__name__}.{name}={value!r:.20}: {types}")
    assert checked > 150
    assert not unguarded


# The forms ---------------------------------------------------------------------------------------


def all_form_classes() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(samordna.__path__, "samordna."):
        if "migrations" not in module.name and module.name.rsplit(".", 1)[-1] not in (
            "cli",
            "wsgi",
            "asgi",
        ):
            importlib.import_module(module.name)
    found: set[type[forms.BaseForm]] = set()
    todo = [forms.BaseForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("samordna.") and sub.__module__ != "samordna.validation":
                found.add(sub)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__name__}")


def test_every_form_of_the_apps_follows_the_boundary() -> None:
    classes = all_form_classes()
    assert len(classes) > 40
    assert [c for c in classes if not issubclass(c, validation.BoundaryMixin)] == []


class Sample(validation.Form):
    windows = {"died_on": Window.LIFE}

    name = forms.CharField()
    note = forms.CharField(widget=forms.Textarea, required=False)
    at = forms.DateTimeField(required=False)
    on = forms.DateField(required=False)
    died_on = forms.DateField(required=False)
    unit = forms.ModelChoiceField(queryset=Unit.objects.all(), to_field_name="code", required=False)


def form_errors(**data: str) -> dict[str, list[str]]:
    form = Sample({"name": "Erik", **data})
    form.is_valid()
    return {name: [e.code or "" for e in errors.as_data()] for name, errors in form.errors.items()}


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"name": "x" * 200}, "name", None),
        ({"name": "x" * 201}, "name", "too_long"),
        ({"note": "x" * 10_000}, "note", None),
        ({"note": "x" * 10_001}, "note", "too_long"),
        ({"name": NUL}, "name", "nul_character"),
        ({"at": "2026-11-30T10:00"}, "at", None),
        ({"at": "0001-01-01T00:00"}, "at", "out_of_range"),
        ({"at": "1999-12-31T23:59"}, "at", "out_of_range"),
        ({"at": "2000-01-01T00:00"}, "at", None),
        ({"at": "2026-11-30T10:00:00-17:00"}, "at", "offset_out_of_range"),
        ({"at": "2026-11-30T10:00:00-15:59"}, "at", None),
        ({"at": "0"}, "at", "invalid"),
        ({"on": "0001-01-01"}, "on", "out_of_range"),
        ({"on": "2100-12-31"}, "on", None),
        ({"on": "2101-01-01"}, "on", "out_of_range"),
        ({"died_on": "1900-01-01"}, "died_on", None),
        ({"died_on": "1899-12-31"}, "died_on", "out_of_range"),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_form_fields(data: dict[str, str], field: str, code: str | None) -> None:
    assert form_errors(**data).get(field, [None])[0] == code


@time_machine.travel(dt.datetime(2026, 10, 25, 2, 30, tzinfo=STOCKHOLM), tick=False)
def test_the_hour_that_happens_twice_in_october_is_a_time_and_the_skipped_march_hour_is_not() -> (
    None
):
    """A ward open all night records "now" at 02:30 on the night summer time ends (Django alone
    refuses it as ambiguous): the first 02:30 (summer time) is taken. 02:30 on the March night
    does not exist and is refused."""
    form = Sample({"name": "Erik", "at": "2026-10-25T02:30"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["at"] == dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)
    assert form_errors(at="2027-03-28T02:30") == {"at": ["ambiguous_timezone"]}
    assert form_errors(at="2027-03-28T03:00") == {}


@pytest.mark.django_db
def test_a_nul_in_a_choice_never_reaches_the_database() -> None:
    with CaptureQueriesContext(connection) as queries:
        errors = form_errors(unit=NUL)
    assert errors == {"unit": ["nul_character"]}
    assert len(queries) == 0


@time_machine.travel(NOW, tick=False)
def test_form_message_is_swedish() -> None:
    form = Sample({"name": "Erik", "at": "0001-01-01T00:00"})
    assert not form.is_valid()
    assert form.errors["at"] == ["Datumet måste ligga mellan 2000-01-01 och 2028-11-30."]


# Through the screens and the API (also on PostgreSQL, where NUL and offsets fail) ---------------


def bearer(user: User, unit: Unit) -> dict[str, str]:
    _token, secret = ApiToken.issue("test", user, unit)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(client: Client, url: str, body: dict[str, Any], auth: dict[str, str]) -> Any:
    return client.post(url, json.dumps(body), "application/json", **auth)


def test_api_refuses_what_the_database_cannot_store(client: Client, world: World) -> None:
    auth = bearer(world.alice, world.owner_unit)
    people, deviations = Person.objects.count(), Deviation.objects.count()
    person = {
        "identity_number": "19920918-2394",
        "first_name": NUL,
        "last_name": "Sundström",
        "municipality": "lulea",
    }
    response = post(client, "/api/v1/persons", person, auth)
    assert response.status_code == 422
    assert response.json() == {
        "code": "nul_character",
        "message": "Texten innehåller ett NUL-tecken, som inte kan sparas.",
        "field": "first_name",
    }
    deviation = {"occurred_at": "2026-11-30T10:00:00-17:00", "event": "Fall"}
    response = post(client, "/api/v1/deviations", deviation, auth)
    assert (response.status_code, response.json()["code"]) == (422, "offset_out_of_range")
    response = post(client, "/api/v1/deviations", {**deviation, "occurred_at": "0001-01-01"}, auth)
    assert (response.status_code, response.json()["field"]) == (422, "occurred_at")
    opened = {"identity_number": "19920918-2394", "type": "outpatient", "need_known_at": 0}
    response = post(client, "/api/v1/sip", opened, auth)
    assert (response.status_code, response.json()["code"]) == (422, "not_a_datetime")
    assert (Person.objects.count(), Deviation.objects.count()) == (people, deviations)


@pytest.mark.parametrize(
    "url", ["/api/v1/sip/null%2Cnull", "/api/v1/nowhere", "/api/v1/stays/1/nowhere"]
)
def test_unknown_api_paths_answer_the_api_error(client: Client, world: World, url: str) -> None:
    response = client.get(url, **bearer(world.alice, world.owner_unit))
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Finns inte.", "field": None}


def test_a_nul_in_a_query_string_is_400(login: Any, world: World) -> None:
    client = login(world.alice)
    assert client.get("/persons/?q=a%00b").status_code == 400
    assert client.get("/stays/liability.csv?municipality=a%00b&month=2026-11").status_code == 400
    assert client.post("/deviations/new/", {"event": NUL}).status_code == 400
    api = client.get(
        "/api/v1/persons?identity_number=1%00", **bearer(world.alice, world.owner_unit)
    )
    assert api.status_code == 400
    assert api.json()["code"] == "nul_character"


@time_machine.travel(NOW, tick=False)
def test_a_year_one_date_on_a_sent_stay_is_refused_and_other_units_still_load(
    login: Any, world: World
) -> None:
    """The fuzzer's case: ``needs_assessed_at=0001-01-01T00:00`` on a stay whose admission notice
    is sent was stored as a BC timestamp, after which the stay and the overview of every unit in
    the case failed. It is refused on the form and nothing changes."""
    from samordna.discharge.services import notices as notices_acts
    from samordna.discharge.services import stays as stays_acts
    from tests.discharge.conftest import stay_data

    nurse = User.objects.create_user("wanda")
    world.ward.memberships.create(user=nurse, role="nurse")
    ward = world.actor(nurse, world.ward)
    case = stays_acts.register_stay(ward, world.person.identity_number, stay_data())
    notices_acts.send_admission_notice(ward, case.pk, notices_acts.default_recipients(world.person))
    stay = Stay.objects.get(pk=case.pk)
    client = login(nurse, world.ward)
    data = {
        "edit-admitted_at": "2026-11-30T07:00",
        "edit-cause": "Pneumoni",
        "edit-treating_physician": "Erik Berg",
        "edit-consent_to_transfer": "True",
        "edit-only_social_services": "False",
        "edit-needs_assessed_at": "0001-01-01T00:00",
        "edit-version": str(stay.version),
    }
    response = client.post(reverse("discharge:edit", args=[case.pk]), data)
    assert response.status_code == 400
    assert "Datumet måste ligga mellan 2000-01-01" in response.content.decode()
    after = Stay.objects.get(pk=case.pk)
    assert (after.needs_assessed_at, after.version) == (stay.needs_assessed_at, stay.version)
    assert client.get(reverse("discharge:stay", args=[case.pk])).status_code == 200
    assert login(world.bob).get(reverse("overview:overview")).status_code == 200
    assert Case.objects.filter(pk=case.pk, closed_at__isnull=True).exists()


@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(1, 1, 1, 0, 0, tzinfo=STOCKHOLM),  # 1 BC in UTC
        dt.datetime(2026, 11, 30, 10, 0, tzinfo=tz(-17)),
        dt.datetime(9999, 12, 31, 23, 0, tzinfo=tz(-2)),  # year 10000 in UTC
    ],
)
def test_no_model_saves_a_datetime_no_later_read_would_survive(
    world: World, moment: dt.datetime
) -> None:
    """Defense in depth: a service that bypasses the forms and schemas still cannot store it."""
    before = Case.objects.get(pk=world.case.pk).opened_at
    world.case.opened_at = moment
    with pytest.raises(ServiceError) as refused:
        world.case.save()
        touch(world.case.pk)  # closed by hand: the read model follows
    assert (refused.value.code, refused.value.field) in {
        ("out_of_range", "opened_at"),
        ("offset_out_of_range", "opened_at"),
    }
    assert Case.objects.get(pk=world.case.pk).opened_at == before


def test_a_multipart_body_that_cannot_be_read_is_a_structured_400(client: Any) -> None:
    """The NUL guard reads posted forms; a multipart body without its boundary cannot be read
    and is refused like any other bad input (JSON in the API), not with Django's HTML page."""
    response = client.post("/api/v1/persons", data=b"x", content_type="multipart/form-data")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_body"
    screen = client.post("/login/", data=b"x", content_type="multipart/form-data")
    assert screen.status_code == 400
    assert screen["Content-Type"].startswith("text/plain")


# Formats and the stay's window (issue 18 item 5) --------------------------------------------------


@pytest.mark.parametrize(
    ("value", "stored", "code"),
    [
        ("973 34", "973 34", None),
        ("97334", "973 34", None),
        ("  973 34 ", "973 34", None),
        ("", "", None),
        ("ABCDEFGHIJ", None, "invalid_postal_code"),
        ("073 34", None, "invalid_postal_code"),  # no Swedish postal code starts with 0
        ("9733", None, "invalid_postal_code"),
        ("973 345", None, "invalid_postal_code"),
        ("973-34", None, "invalid_postal_code"),
        ("９７３３４", None, "invalid_postal_code"),  # full-width digits are not digits here
    ],
)
def test_postal_codes(value: str, stored: str | None, code: str | None) -> None:
    assert refused(validation.check_postal_code, value) == code
    if stored is not None:
        assert validation.check_postal_code(value) == stored
        assert TypeAdapter(validation.PostalCode).validate_python(value) == stored
    else:
        assert api_error(validation.PostalCode, value) == code


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("0920-123 45", None),
        ("+46 70 123 45 67", None),
        ("(0920) 123 45", None),
        ("070/123 45 67", None),
        ("112 13", None),  # five digits
        ("", None),
        ("ring mig inte", "invalid_phone"),
        ("1234", "invalid_phone"),  # too few digits
        ("+46 70 123 45 67 89 012", "invalid_phone"),  # 16 digits: more than E.164 allows
        ("070-123 45 67 ank. 12", "invalid_phone"),
        ("++46 70 123", "invalid_phone"),
        ("-070", "invalid_phone"),
    ],
)
def test_phone_numbers(value: str, code: str | None) -> None:
    assert refused(validation.check_phone, value) == code
    assert api_error(validation.Phone, value) == code


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (dt.date(2027, 11, 30), None),  # a year ahead
        (dt.date(2027, 12, 1), "out_of_range"),
        (dt.date(2999, 1, 1), "out_of_range"),  # the one that went out to three units
        (dt.date(2000, 1, 1), None),
        (dt.date(1999, 12, 31), "out_of_range"),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_the_expected_discharge_is_within_a_year(day: dt.date, code: str | None) -> None:
    assert refused(check_day, day, Window.STAY) == code
    assert api_error(validation.StayDay, day.isoformat()) == code


class Formats(validation.Form):
    postal_code = forms.CharField(required=False)
    phone = forms.CharField(required=False)
    care_contact_phone = forms.CharField(required=False)
    phone_number = forms.CharField(required=False)
    phone_code = forms.CharField(required=False)  # a conference code, not a number to call


@pytest.mark.parametrize(
    ("field", "value", "code", "stored"),
    [
        ("postal_code", "97334", None, "973 34"),
        ("postal_code", "ABCDEFGHIJ", "invalid_postal_code", None),
        ("phone", "ring mig inte", "invalid_phone", None),
        ("care_contact_phone", "ring mig inte", "invalid_phone", None),
        ("phone_number", "ring mig inte", "invalid_phone", None),
        ("phone_code", "ring mig inte", None, "ring mig inte"),
        ("phone", "0920-123 45", None, "0920-123 45"),
    ],
)
def test_forms_follow_the_formats_by_the_fields_name(
    field: str, value: str, code: str | None, stored: str | None
) -> None:
    form = Formats({field: value})
    assert form.is_valid() is (code is None)
    if code is None:
        assert form.cleaned_data[field] == stored
    else:
        [error] = form.errors.as_data()[field]
        assert error.code == code
        with translation.override("sv"):
            assert str(error.message).startswith("Ange ")


def test_a_model_choice_field_reads_its_rows_once(world: Any) -> None:
    """Issue 11: a rendered select of model choices costs one query, not Django's two (a COUNT
    for its length, then the rows through a server-side cursor on PostgreSQL) and more for each
    further use; a queryset set afterwards is read anew, never served from the old rows."""

    class UnitsForm(validation.Form):
        units = forms.ModelMultipleChoiceField(queryset=Unit.objects.order_by("name"))

    units = [u.pk for u in Unit.objects.order_by("name")]
    form = UnitsForm()
    field = form.fields["units"]
    assert isinstance(field, forms.ModelMultipleChoiceField)
    with CaptureQueriesContext(connection) as queries:
        html = str(form["units"])
        count = len(field.choices)
        assert bool(field.choices)
        assert [value for value, _ in field.choices] == units
    assert len(queries.captured_queries) == 1
    assert count == len(units) >= 2
    assert f'value="{world.owner_unit.pk}"' in html
    field.queryset = Unit.objects.filter(pk=world.participant_unit.pk)
    with CaptureQueriesContext(connection) as queries:
        assert [value for value, _ in field.choices] == [world.participant_unit.pk]
    assert len(queries.captured_queries) == 1
    # The rows are the form's own: a second form reads them again.
    with CaptureQueriesContext(connection) as queries:
        assert len(UnitsForm().fields["units"].choices) == count
    assert len(queries.captured_queries) == 1
