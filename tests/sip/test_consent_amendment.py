"""Amending the consent in force: corrections and changed units as versions (issue 18 item 2,
CON-1 to CON-3, SEC-1).

Seed 000_106b8acbeb42519c.txt line 110: "Grunden är att om den enskilde samtycker kan
informationsöverföring ske. Den enskilde får när som helst ta tillbaka sitt samtycke." So a unit
is added to what may be shared only when the individual agreed to it (and the amendment says
when), and a unit removed stops seeing the case at once, as on a withdrawal.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from samordna.cases import services as cases
from samordna.cases.models import Case
from samordna.errors import Forbidden, ServiceError
from samordna.sip.models import Consent
from samordna.sip.services import consent as consent_acts
from tests.api.test_persons import bearer
from tests.conftest import World
from tests.sip.conftest import consent_to


def amendment(case: Case, **extra: Any) -> dict[str, Any]:
    """The case's consent in force as an amendment that changes nothing (but ``extra``)."""
    current = consent_acts.consent_in_force(case)
    assert current is not None
    return {
        "giver": current.giver,
        "giver_name": current.giver_name,
        "form": current.form,
        "given_at": current.given_at,
        "units": list(current.units.all()),
        "reason": "Rättelse",
        **extra,
    }


@pytest.fixture
def consented(world: World, sip: Case) -> Case:
    """The SIP with consent naming bob's unit; charlie's unit takes part but is not named."""
    consent_to(world, sip)
    cases.take_part(sip, world.unrelated_unit)
    return sip


def sees(world: World, user: Any, case: Case) -> bool:
    return Case.objects.visible_to(world.actor(user)).filter(pk=case.pk).exists()


def test_a_misspelt_giver_is_corrected_as_a_new_version(world: World, consented: Case) -> None:
    first = consent_acts.consent_in_force(consented)
    assert first is not None
    amended = consent_acts.amend_consent(
        world.actor(world.alice),
        consented.pk,
        amendment(
            consented, giver_name="Sture Lundqvist", form="written", reason="Stavfel, skriftligt"
        ),
    )
    first.refresh_from_db()
    assert first.superseded_at is not None and first.giver_name == "Sture Lundberg"
    assert amended.supersedes == first and amended.in_force
    assert amended.giver_name == "Sture Lundqvist" and amended.form == "written"
    assert consent_acts.consent_in_force(consented) == amended
    assert Consent.objects.in_force().filter(case=consented).count() == 1
    event = consented.events.get(kind="consent_amended")
    assert event.data["changed"] == ["giver_name", "form"]
    assert event.data["added_units"] == [] and event.data["removed_units"] == []
    assert event.data["reason"] == "Stavfel, skriftligt"
    # A correction alone changes no one's sight of the case.
    assert sees(world, world.bob, consented) and not sees(world, world.charlie, consented)


# (units named before, units named after, widens): seed 000 line 110 — sharing needs consent.
WIDENING = [
    ({"bob"}, {"bob"}, False),
    ({"bob"}, set(), True),  # naming none restricts no one: wider
    ({"bob"}, {"bob", "charlie"}, True),
    ({"bob"}, {"charlie"}, True),
    ({"bob", "charlie"}, {"bob"}, False),
    (set(), {"bob"}, False),  # from "any unit" to named ones: narrower
]


@pytest.mark.parametrize(("before", "after", "widens"), WIDENING)
def test_adding_units_needs_the_individuals_agreement(
    world: World, sip: Case, before: set[str], after: set[str], widens: bool
) -> None:
    unit_of = {"bob": world.participant_unit, "charlie": world.unrelated_unit}
    consent_to(world, sip, *[unit_of[u] for u in sorted(before)], naming_none=not before)
    alice = world.actor(world.alice)
    units = [unit_of[u] for u in sorted(after)]
    data = amendment(sip, units=units, giver_name="Sture Lundqvist")
    if widens:
        with pytest.raises(ServiceError) as caught:
            consent_acts.amend_consent(alice, sip.pk, data)
        assert caught.value.code == "widening_unconfirmed"
        assert sip.consents.count() == 1  # nothing stored
        agreed = timezone.now() - dt.timedelta(minutes=1)
        data |= {"widening_confirmed": True, "widened_at": agreed}
    amended = consent_acts.amend_consent(alice, sip.pk, data)
    assert {u.pk for u in amended.units.all()} == {u.pk for u in units}
    assert (amended.widened_at is not None) is widens
    # The case page takes the scope from the consent it read; the invitation list asks for it.
    scope = consent_acts.scope_of(amended)
    assert scope == consent_acts.consent_scopes([sip.pk])[sip.pk]
    assert scope == (frozenset(u.pk for u in units) or consent_acts.ANY_UNIT)


def test_a_unit_added_with_agreement_sees_the_case_and_one_removed_stops(
    world: World, consented: Case
) -> None:
    alice = world.actor(world.alice)
    consent_acts.amend_consent(
        alice,
        consented.pk,
        amendment(
            consented,
            units=[world.participant_unit, world.unrelated_unit],
            reason="Hemsjukvården glömdes",
            widening_confirmed=True,
            widened_at=timezone.now(),
        ),
    )
    assert sees(world, world.charlie, consented) and sees(world, world.bob, consented)
    assert consent_acts.consent_scopes([consented.pk])[consented.pk] == frozenset(
        {world.participant_unit.pk, world.unrelated_unit.pk}
    )
    consent_acts.amend_consent(
        alice,
        consented.pk,
        amendment(consented, units=[world.unrelated_unit], reason="Inte längre biståndet"),
    )
    assert sees(world, world.charlie, consented) and not sees(world, world.bob, consented)
    assert sees(world, world.alice, consented)  # the coordinator's unit always
    versions = list(consented.consents.order_by("recorded_at", "pk"))
    assert len(versions) == 3 and [v.in_force for v in versions] == [False, False, True]
    assert consented.events.filter(kind="consent_amended").count() == 2


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"reason": "  "}, "required"),
        ({}, "unchanged"),  # the reason alone changes nothing in the consent
        ({"given_at": "igår"}, "invalid_time"),
        ({"form": "telepathy"}, "invalid_form"),
        ({"giver": "neighbour"}, "invalid_giver"),
        ({"giver_name": ""}, "required"),
    ],
)
def test_a_bad_amendment_changes_nothing(
    world: World, consented: Case, extra: dict[str, Any], code: str
) -> None:
    with pytest.raises(ServiceError) as caught:
        consent_acts.amend_consent(
            world.actor(world.alice), consented.pk, amendment(consented, **extra)
        )
    assert caught.value.code == code
    assert consented.consents.count() == 1 and not consented.events.filter(kind="consent_amended")


def test_the_added_units_cannot_be_agreed_before_the_consent_or_in_the_future(
    world: World, consented: Case
) -> None:
    alice = world.actor(world.alice)
    given = consent_acts.consent_in_force(consented)
    assert given is not None
    for when in (given.given_at - dt.timedelta(days=1), timezone.now() + dt.timedelta(hours=1)):
        with pytest.raises(ServiceError) as caught:
            consent_acts.amend_consent(
                alice,
                consented.pk,
                amendment(
                    consented,
                    units=[world.participant_unit, world.unrelated_unit],
                    widening_confirmed=True,
                    widened_at=when,
                ),
            )
        assert caught.value.field == "widened_at"
    assert consented.consents.count() == 1


def test_only_the_coordinators_unit_amends(world: World, consented: Case) -> None:
    with pytest.raises(Forbidden):
        consent_acts.amend_consent(
            world.actor(world.bob), consented.pk, amendment(consented, giver_name="Bob rättar")
        )
    assert consented.consents.count() == 1


def test_without_a_consent_in_force_there_is_nothing_to_amend(world: World, sip: Case) -> None:
    with pytest.raises(ServiceError) as caught:
        consent_acts.amend_consent(
            world.actor(world.alice),
            sip.pk,
            {"giver": "individual", "giver_name": "X", "form": "oral", "reason": "x"},
        )
    assert caught.value.code == "no_consent"


def local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_amended_on_the_case_page(world: World, consented: Case, login: Any) -> None:
    client: Client = login(world.alice)
    page = client.get(f"/sip/{consented.pk}/")
    assert f'data-form="/sip/{consented.pk}/consent/amend/"'.encode() in page.content  # folded
    form_page = client.get(f"/sip/{consented.pk}/consent/amend/")
    assert f'action="/sip/{consented.pk}/consent/amend/"'.encode() in form_page.content
    given = consent_acts.consent_in_force(consented)
    assert given is not None
    form = {
        "giver": "individual",
        "giver_name": "Sture Lundqvist",
        "form": "oral",
        "given_at": local(given.given_at),
        "units": [str(world.participant_unit.pk), str(world.unrelated_unit.pk)],
        "reason": "Hemsjukvården ska också vara med",
    }
    refused = client.post(f"/sip/{consented.pk}/consent/amend/", form)
    assert refused.status_code == 400
    # The refusal is shown at the checkbox it asks for.
    assert 'id="amend_widening_confirmed_error">Enheter läggs till' in refused.content.decode()
    assert consented.consents.count() == 1
    form |= {"widening_confirmed": "on", "widened_at": local(timezone.now())}
    done = client.post(f"/sip/{consented.pk}/consent/amend/", form, follow=True)
    text = done.content.decode()
    assert done.status_code == 200 and "Samtycket är ändrat" in text
    assert "Ersatt av en ändring" in text and "Hemsjukvården ska också vara med" in text
    assert sees(world, world.charlie, consented)
    # Bob's unit takes part and sees the case, but the amendment is not offered to it.
    other = login(world.bob).get(f"/sip/{consented.pk}/")
    assert other.status_code == 200 and b"/consent/amend/" not in other.content


def test_amended_through_the_api(world: World, consented: Case, client: Client) -> None:
    headers = bearer(world, "alice")
    given = consent_acts.consent_in_force(consented)
    assert given is not None
    body = {
        "giver": "individual",
        "giver_name": "Sture Lundqvist",
        "form": "oral",
        "given_at": given.given_at.isoformat(),
        "units": [world.participant_unit.code],
        "reason": "Stavfel",
    }
    url = f"/api/v1/sip/{consented.pk}/consent/amend"
    answer = client.post(url, body, content_type="application/json", **headers)
    assert answer.status_code == 200, answer.content
    versions = answer.json()["consents"]
    assert [v["giver_name"] for v in versions] == ["Sture Lundqvist", "Sture Lundberg"]
    assert versions[0]["superseded_at"] is None and versions[1]["superseded_at"] is not None
    widening = body | {"units": [world.participant_unit.code, world.unrelated_unit.code]}
    refused = client.post(url, widening, content_type="application/json", **headers)
    assert refused.status_code == 400 and refused.json()["code"] == "widening_unconfirmed"
    unknown = client.post(
        url, body | {"units": ["nope"]}, content_type="application/json", **headers
    )
    assert unknown.status_code == 400 and unknown.json()["field"] == "units"
    assert consented.consents.count() == 2
