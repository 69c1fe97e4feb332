"""The access-log review and export and the liability CSV over the API (issue 12 item 4): the
same rows and refusals as the screens, because they are the same functions."""

from __future__ import annotations

import csv
import io

import time_machine
from django.test import Client
from django.urls import reverse

from samordna.api.models import ApiToken
from samordna.audit.models import AccessLog
from samordna.discharge.models import DailyAmount, Stay
from samordna.discharge.services import notices as notices_acts
from samordna.discharge.services import stays as stays_acts
from samordna.organisations.models import Membership, User
from samordna.people import services
from tests.conftest import World, make_user
from tests.discharge.conftest import nurse, stay_data, version, ward  # noqa: F401 - fixture
from tests.discharge.test_stay import at, ready_data


def token(user: User, unit: object) -> dict[str, str]:
    _row, secret = ApiToken.issue("Granskning", user, unit)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_access_log_for_reviewers_only(client: Client, world: World) -> None:
    services.get_visible(world.actor(world.alice), world.person.pk)
    admin = token(world.admin, world.owner_unit)  # unit administrator of Hertsöns hälsocentral
    page = client.get("/api/v1/access-log", **admin)
    assert page.status_code == 200, page.content
    first = page.json()["entries"][0]
    assert (first["user"], first["identity_number"]) == ("alice", world.person.identity_number)
    assert first["what"] == "Individens sida"
    assert (
        client.get("/api/v1/access-log", **token(world.alice, world.owner_unit)).status_code == 403
    )
    filtered = client.get("/api/v1/access-log?user=bob", **admin)
    assert filtered.json()["entries"] == []
    backwards = client.get("/api/v1/access-log?date_from=2026-03-02&date_to=2026-03-01", **admin)
    assert backwards.status_code == 400 and backwards.json()["code"] == "invalid_filter"
    assert client.get("/api/v1/access-log?date_from=2026-02-30", **admin).status_code == 422

    export = client.get("/api/v1/access-log/export.csv", **admin)
    assert export["Content-Type"].startswith("text/csv")
    rows = list(
        csv.reader(
            io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig")), delimiter=";"
        )
    )
    assert [(r[1], r[5]) for r in rows[1:3]] == [
        ("admin", "Export av åtkomstloggen"),
        ("alice", "Individens sida"),
    ]
    assert AccessLog.objects.filter(action="export", user=world.admin, via="api").exists()


def test_the_liability_csv_is_the_screens(
    client: Client,
    world: World,
    nurse: User,  # noqa: F811
    login,  # type: ignore[no-untyped-def]
) -> None:
    actor = ward(world, nurse)
    with time_machine.travel(at("2026-03-02 09:00"), tick=False):
        case = stays_acts.register_stay(actor, world.person.identity_number, stay_data())
        notices_acts.send_admission_notice(
            actor, case.pk, notices_acts.default_recipients(world.person)
        )
    with time_machine.travel(at("2026-03-02 13:00"), tick=False):
        notices_acts.send_ready_notice(actor, case.pk, version(case), ready_data(case))
    Stay.objects.filter(pk=case.pk).update(only_social_services=True)
    DailyAmount.objects.create(year=2026, amount_sek=2000, source="test")
    invoicing = make_user("ivar", world.participant_unit, Membership.Role.INVOICING)
    with time_machine.travel(at("2026-04-02 10:00"), tick=False):
        notices_acts.send_discharge_notice(
            actor, case.pk, version(case), at("2026-03-09 10:00"), False
        )
        query = "?municipality=lulea&month=2026-03"
        screen = login(invoicing).get(reverse("discharge:liability-csv") + query)
        api = client.get(
            "/api/v1/liability/export.csv" + query, **token(invoicing, world.participant_unit)
        )
        assert api.status_code == 200 and api["Content-Type"].startswith("text/csv")
        assert api.content == screen.content
        assert api.content.decode("utf-8-sig").splitlines()[1].split(";")[5:8] == [
            "3",
            "6 7 8",
            "6000",
        ]
        bad = client.get(
            "/api/v1/liability/export.csv?municipality=lulea&month=march",
            **token(invoicing, world.participant_unit),
        )
        assert bad.status_code == 422
        nurse_token = token(world.bob, world.participant_unit)  # a case officer: not invoicing
        assert client.get("/api/v1/liability/export.csv" + query, **nurse_token).status_code == 403
