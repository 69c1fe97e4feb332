"""ORG-6, SVU-5 (issue 14 item 1): the ready-for-discharge notice records the treating physician.

Seed 001_118551e475ece215.txt lines 833-835: "Det är den behandlande läkaren i den slutna hälso-
och sjukvården som bedömer när patienten är utskrivningsklar. Den bedömningen kan inte göras av
andra yrkesprofessioner." The notice names a staff member with the physician role at the ward,
or a physician the ward staff who send it name, recorded as named by the sender.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samordna.cases.models import Case
from samordna.discharge.models import Stay
from samordna.discharge.services import notices as notices_acts
from samordna.errors import ServiceError
from samordna.organisations.models import Membership, User
from tests.conftest import World, make_user
from tests.discharge.conftest import version, ward
from tests.discharge.test_api import bearer
from tests.discharge.test_stay import ready_data

SEED = "001_118551e475ece215.txt:833-835"


@pytest.fixture
def staff(world: World) -> dict[str, User | None]:
    """Who might be named: the ward's physician, its nurse, a physician at another unit."""
    erik = make_user("erik", world.ward, Membership.Role.PHYSICIAN)
    erik.first_name, erik.last_name = "Erik", "Berg"
    erik.save()
    return {
        "ward physician": erik,
        "ward nurse": make_user("nora", world.ward, Membership.Role.NURSE),
        "physician elsewhere": make_user("pia", world.owner_unit, Membership.Role.PHYSICIAN),
        "nobody": None,
    }


# (source, staff member chosen, name typed, outcome: error code or (recorded name, staff member))
CASES: list[tuple[str, str, str, Any]] = [
    (SEED, "ward physician", "", ("Erik Berg", "ward physician")),
    (SEED, "ward physician", "Erik Berg", ("Erik Berg", "ward physician")),  # the same, typed
    (SEED, "nobody", "Dr Ingrid Ahl, stafettläkare", ("Dr Ingrid Ahl, stafettläkare", None)),
    (SEED, "ward nurse", "", "not_a_physician"),  # "kan inte göras av andra yrkesprofessioner"
    (SEED, "physician elsewhere", "", "not_a_physician"),  # not the ward's physician
    (SEED, "ward physician", "Dr Ingrid Ahl", "physician_twice"),
    (SEED, "nobody", "  ", "required"),
]


@pytest.mark.parametrize(("source", "chosen", "typed", "outcome"), CASES)
def test_the_ready_notice_records_the_physician(
    world: World,
    nurse: User,
    sent: Case,
    staff: dict[str, User | None],
    source: str,
    chosen: str,
    typed: str,
    outcome: Any,
) -> None:
    data = ready_data(sent, ready_physician=typed, ready_physician_user=staff[chosen])
    if isinstance(outcome, str):
        with pytest.raises(ServiceError) as caught:
            notices_acts.send_ready_notice(ward(world, nurse), sent.pk, version(sent), data)
        assert caught.value.code == outcome
        assert Stay.objects.get(pk=sent.pk).ready_at is None
        assert not sent.notices.filter(kind="ready").exists()
        return
    notice = notices_acts.send_ready_notice(ward(world, nurse), sent.pk, version(sent), data)
    name, member = outcome
    stay = Stay.objects.get(pk=sent.pk)
    expected = staff[member] if member else None
    assert (stay.ready_physician, stay.ready_physician_user) == (name, expected)
    content = notice.stay_notice
    assert (content.ready_physician, content.ready_physician_user) == (name, expected)
    assert notice.sender == nurse  # a typed name is recorded as named by this sender


def test_the_stay_page_offers_the_wards_physicians_and_says_who_named_one(
    world: World, nurse: User, sent: Case, staff: dict[str, User | None], login: Any
) -> None:
    client = login(nurse, world.ward)
    page = client.get(reverse("discharge:stay", args=[sent.pk])).content.decode()
    assert 'name="ready_physician_user"' in page and ">Erik Berg</option>" in page
    assert ">Pia<" not in page and ">Nora<" not in page  # only the ward's physicians are offered
    response = client.post(
        reverse("discharge:ready", args=[sent.pk]),
        {
            "ready_at": "",
            "ready_physician_user": "",
            "ready_physician": "Dr Ingrid Ahl",
            "ready_nurse": "Anna Lind",
            "medical_responsibility_to": "Johan Ek",
            "version": version(sent),
        },
    )
    assert response.status_code == 400  # no time: refused, the form shown again
    data = {
        "ready_at": "2020-01-01T10:00",
        "ready_physician_user": str(staff["ward nurse"].pk),  # type: ignore[union-attr]
        "ready_nurse": "Anna Lind",
        "medical_responsibility_to": "Johan Ek",
        "version": version(sent),
    }
    refused = client.post(reverse("discharge:ready", args=[sent.pk]), data)
    assert refused.status_code == 400 and Stay.objects.get(pk=sent.pk).ready_at is None
    sent.stay.refresh_from_db()
    later = sent.stay.admitted_at + dt.timedelta(minutes=2)
    ready_at = timezone.localtime(later).strftime("%Y-%m-%dT%H:%M")
    data.update(ready_at=ready_at, ready_physician_user="", ready_physician="Dr Ingrid Ahl")
    done = client.post(reverse("discharge:ready", args=[sent.pk]), data)
    assert done.status_code == 302
    page = client.get(reverse("discharge:stay", args=[sent.pk])).content.decode()
    assert "Dr Ingrid Ahl" in page and "angiven av" in page


def test_the_api_names_the_physician_by_username_or_by_name(
    client: Client, world: World, nurse: User, sent: Case, staff: dict[str, User | None]
) -> None:
    headers = bearer(nurse)
    url = f"/api/v1/stays/{sent.pk}/ready-notice"
    body = {
        "version": version(sent),
        "ready_at": sent.stay.admitted_at.isoformat(),
        "ready_nurse": "Anna Lind",
        "medical_responsibility_to": "Johan Ek",
    }

    def post(**extra: Any) -> Any:
        return client.post(
            url, json.dumps({**body, **extra}), content_type="application/json", **headers
        )

    for bad, code in [({"ready_physician_username": "nora"}, "not_a_physician"), ({}, "required")]:
        refused = post(**bad)
        assert (refused.status_code, refused.json()["code"]) == (400, code)
    done = post(ready_physician_username="erik", self_care_certificate=True)
    assert done.status_code == 200, done.content
    details = done.json()["details"]
    assert details["ready_physician"] == "Erik Berg"
    assert details["ready_physician_username"] == "erik"
    assert details["self_care_certificate"] is True
    ready = done.json()["notices"][-1]
    assert ready["ready_physician_username"] == "erik"
    assert ready["ready_physician_named_by_sender"] is False


def test_the_ready_form_proposes_the_sender_only_when_a_physician_of_the_ward(
    world: World, nurse: User, sent: Case, staff: dict[str, User | None], login: Any
) -> None:
    """The physician sending the notice is proposed; a nurse chooses (seed lines 833-835)."""
    erik = staff["ward physician"]
    assert erik is not None
    option = f'<option value="{erik.pk}" selected>Erik Berg</option>'
    url = reverse("discharge:stay", args=[sent.pk])
    assert option in login(erik, world.ward).get(url).content.decode()
    page = login(nurse, world.ward).get(url).content.decode()
    assert f'<option value="{erik.pk}">Erik Berg</option>' in page and option not in page
