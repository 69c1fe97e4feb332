"""Consent given with the admission notice carries over to the SIP after discharge, and the
individual's wish about who coordinates is recorded (issue 14 item 9, SPEC SIP-21 extending
CON-1 and SIP-2).

Seed 004_2b6a4bde1435f963.txt lines 81-83: "När initiativ tas för en SIP i den in- och
utskrivningsprocess som beskrivs i denna rutin finns samtycke redan inhämtat i samband med
inskrivningsmeddelande. I de fall som initiativ tas utanför denna process behöver samtycke
inhämtas." Lines 208-210: "Patienten ska även vara delaktig i processen och hans eller hennes
önskemål om vem som ska vara samordningsansvarig ska tillgodoses så långt det är möjligt."
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samordna.cases.acts import touch
from samordna.cases.models import Case, Notice
from samordna.discharge.services import notices as notices_acts
from samordna.discharge.services import stays as stays_acts
from samordna.errors import ServiceError
from samordna.organisations.models import User
from samordna.people.models import Person
from samordna.sip.services import case as case_acts
from tests.api.test_persons import bearer
from tests.conftest import World, make_user
from tests.discharge.conftest import stay_data, version, ward
from tests.discharge.test_stay import ready_data
from tests.sip.test_meetings import invite


@pytest.fixture
def nurse(world: World) -> User:
    return make_user("wanda", world.ward, "nurse")


def stay_for(world: World, nurse: User, person: Person, consent: bool) -> Case:
    world.case.closed_at = timezone.now()
    world.case.close_reason = Case.CloseReason.OTHER
    world.case.save()
    touch(world.case.pk)
    stay = stays_acts.register_stay(
        ward(world, nurse), person.identity_number, stay_data(consent_to_transfer=consent)
    )
    notices_acts.send_admission_notice(
        ward(world, nurse), stay.pk, notices_acts.default_recipients(person)
    )
    notices_acts.send_ready_notice(ward(world, nurse), stay.pk, version(stay), ready_data(stay))
    stay.refresh_from_db()
    return stay


def child(world: World) -> Person:
    born = timezone.localdate() - dt.timedelta(days=365 * 12)
    nine = f"{born:%y%m%d}238"
    total = sum(sum(divmod(int(d) * (2 - i % 2), 10)) for i, d in enumerate(nine))
    return Person.objects.create(
        identity_number=f"{born:%Y%m%d}238{(10 - total % 10) % 10}",
        first_name="Ella",
        last_name="Lundberg",
        municipality=world.lulea,
        listed_primary_care=world.owner_unit,
        registered_by=world.alice,
        registered_by_unit=world.owner_unit,
    )


@pytest.mark.parametrize(
    ("who", "from_stay", "carried"),
    [
        # Lines 81-83: consent was collected with the admission notice: it carries over.
        ("adult", True, True),
        # "I de fall som initiativ tas utanför denna process behöver samtycke inhämtas."
        ("adult", False, False),
        # A child's guardians consent and choose whom to invite (CON-3, seed 002 lines 124-130),
        # which the stay does not record: asked again. (Without consent to information transfer
        # no ready notice is sent, CON-4, so no SIP after discharge is opened from that stay.)
        ("child", True, False),
    ],
)
def test_the_admission_notices_consent_carries_over_when_it_covers_the_sip(
    world: World, nurse: User, who: str, from_stay: bool, carried: bool
) -> None:
    person = world.person if who == "adult" else child(world)
    stay = stay_for(world, nurse, person, consent=True)
    sip = case_acts.open_case(
        world.actor(world.alice),
        person.identity_number,
        "after_discharge" if from_stay else "outpatient",
        timezone.now() - dt.timedelta(minutes=1),
        origin=stay if from_stay else None,
    )
    found = list(sip.consents.all())
    if not carried:
        assert found == []
        return
    (given,) = found
    first = Notice.objects.filter(case=stay, kind=Notice.Kind.ADMISSION).earliest("sent_at")
    recipients = set(first.deliveries.values_list("unit_id", flat=True))
    assert given.in_force and given.carried_from == stay
    assert given.given_at == first.sent_at
    assert set(given.units.values_list("pk", flat=True)) == recipients
    assert sip.events.filter(kind="consent_carried_over").exists()
    # It is a consent like any: the units it names are invited without another one.
    assert world.participant_unit.pk in recipients
    invite(world, sip)


@pytest.mark.parametrize(
    ("wish", "code"),
    [
        ("Helst distriktssköterskan Karin, som jag känner.", None),
        ("", "unchanged"),  # nothing recorded yet
        ("x" * 501, "too_long"),
    ],
)
def test_the_individuals_wish_about_who_coordinates(
    world: World, wish: str, code: str | None
) -> None:
    for who in (world.alice, world.bob):  # the coordinator's unit, a covered unit
        if code is not None:
            with pytest.raises(ServiceError) as caught:
                case_acts.record_coordinator_wish(world.actor(who), world.case.pk, wish)
            assert caught.value.code == code
            continue
        recorded = case_acts.record_coordinator_wish(world.actor(who), world.case.pk, wish)
        assert recorded.coordinator_wish == wish
        case_acts.record_coordinator_wish(world.actor(who), world.case.pk, "")
    assert world.case.events.filter(kind="coordinator_wish").count() == (0 if code else 4)


def test_in_the_browser_sense(login, world: World) -> None:  # type: ignore[no-untyped-def]
    client = login(world.bob)
    url = reverse("sip:coordinator-wish", args=[world.case.pk])
    assert client.post(url, {"wish": "Någon i kommunen"}).status_code == 302
    page = client.get(reverse("sip:case", args=[world.case.pk])).content.decode()
    assert "Någon i kommunen" in page
    assert client.post(url, {"wish": "x" * 501}).status_code == 400
    assert login(world.charlie).post(url, {"wish": "X"}).status_code == 404


def test_through_the_api(client: Client, world: World) -> None:
    auth = bearer(world, "alice")
    url = f"/api/v1/sip/{world.case.pk}/coordinator-wish"
    done = client.post(url, json.dumps({"wish": "Karin"}), content_type="application/json", **auth)
    assert done.status_code == 200 and done.json()["coordinator_wish"] == "Karin"
    assert "carried_from_stay" in done.json()["consents"][0]
    long = json.dumps({"wish": "x" * 501})
    assert client.post(url, long, content_type="application/json", **auth).status_code == 422
    charlie = bearer(world, "charlie")
    body = json.dumps({"wish": "X"})
    assert client.post(url, body, content_type="application/json", **charlie).status_code == 404
