"""The individual screens with the three test users (SEC-1), bad input (SEC-4) and query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samordna.audit.models import AccessLog
from samordna.people.models import Person
from tests.conftest import World, valid_identity_number
from tests.people.test_services import PROTECTED_ADULT, UNREGISTERED_ADULT


def test_pages_require_login(client, world: World) -> None:  # type: ignore[no-untyped-def]
    for url in [reverse("people:search"), reverse("people:detail", args=[world.person.pk])]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(("user", "status"), [("alice", 200), ("bob", 200), ("charlie", 404)])
def test_person_page_only_for_units_that_take_part(
    login, world: World, user: str, status: int
) -> None:  # type: ignore[no-untyped-def]
    response = login(getattr(world, user)).get(reverse("people:detail", args=[world.person.pk]))
    assert response.status_code == status
    if status == 200:
        assert world.person.last_name in response.content.decode()
        assert AccessLog.objects.filter(person=world.person, what="person.detail").exists()
    else:
        assert world.person.last_name not in response.content.decode()


def test_unrelated_user_sees_no_name_search_hits_and_cannot_post(login, world: World) -> None:  # type: ignore[no-untyped-def]
    client = login(world.charlie)
    url = reverse("people:detail", args=[world.person.pk])
    assert url not in client.get(reverse("people:search"), {"q": "Lundberg"}).content.decode()
    data = {
        "first_name": "X",
        "last_name": "Y",
        "municipality": world.lulea.pk,
        "version": 1,
        "preferred_plan_format": "paper",
    }
    assert client.post(url, data).status_code == 404
    assert (
        client.post(
            reverse("people:add-relative", args=[world.person.pk]),
            {"relative-name": "X", "relative-relation": "son"},
        ).status_code
        == 404
    )
    world.person.refresh_from_db()
    assert world.person.first_name == "Sture"


def test_registration_in_two_steps(login, world: World) -> None:  # type: ignore[no-untyped-def]
    client = login(world.alice)
    url = reverse("people:register")
    step1 = client.post(url, {"identity_number": "19920918-2394"})
    assert step1.status_code == 200
    assert 'value="Sundström"' in step1.content.decode()  # filled in from the register
    step2 = client.post(
        url,
        {
            "identity_number": "19920918-2394",
            "first_name": "Erik",
            "last_name": "Sundström",
            "municipality": world.lulea.pk,
            "preferred_plan_format": "digital",
        },
    )
    person = Person.objects.get(identity_number=UNREGISTERED_ADULT)
    assert step2.status_code == 302
    assert step2["Location"] == reverse("people:detail", args=[person.pk])


@pytest.mark.parametrize(
    "raw",
    # PER-5: Region Stockholm's and Halland's digits-only reserve numbers (core/identity.py)
    ["19920918-2395", "19920918-R123", "99012345-6789", "920938-2394", PROTECTED_ADULT],
)
def test_bad_numbers_are_refused_with_a_message_and_nothing_stored(
    login, world: World, raw: str
) -> None:  # type: ignore[no-untyped-def]
    client = login(world.alice)
    before = Person.objects.count()
    response = client.post(
        reverse("people:register"),
        {
            "identity_number": raw,
            "first_name": "A",
            "last_name": "B",
            "municipality": world.lulea.pk,
            "preferred_plan_format": "paper",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert Person.objects.count() == before
    if raw == "19920918-2395":  # a typing error: the field is marked to be corrected
        assert 'class="error"' in page and "Rätta de markerade fälten" in page
    else:  # a refusal says why, and is no field to correct (issue 18 item 15)
        assert 'class="form-errors" role="alert"' in page
        assert "Rätta de markerade fälten" not in page
        assert "registreras inte i Samordna" in page or "reservnummer" in page


def test_an_empty_submit_says_the_number_is_needed(login, world: World) -> None:  # type: ignore[no-untyped-def]
    """Issue 18 item 6: an empty "Registrera individ" re-showed the form without a word."""
    response = login(world.alice).post(reverse("people:register"), {"identity_number": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Rätta de markerade fälten" in page and 'class="error"' in page
    assert "Detta fält måste fyllas i" in page


def test_stale_edit_is_refused_and_the_other_write_kept(login, world: World) -> None:  # type: ignore[no-untyped-def]
    client = login(world.alice)
    url = reverse("people:detail", args=[world.person.pk])
    form = {
        "first_name": "Sture",
        "last_name": "Lundberg",
        "municipality": world.lulea.pk,
        "preferred_plan_format": "paper",
        "version": world.person.version,
    }
    assert client.post(url, {**form, "phone": "070-111 11 11"}).status_code == 302
    stale = client.post(url, {**form, "phone": "070-222 22 22"})
    assert stale.status_code == 409
    world.person.refresh_from_db()
    assert world.person.phone == "070-111 11 11"


def test_search_by_name_uses_a_bounded_number_of_queries(login, world: World) -> None:  # type: ignore[no-untyped-def]
    client = login(world.alice)
    with CaptureQueriesContext(connection) as one_hit:
        client.get(reverse("people:search"), {"q": "Lundberg"})
    for i in range(30):
        Person.objects.create(
            identity_number=valid_identity_number("19500101", i + 1),
            first_name="Test",
            last_name=f"Lundberg{i}",
            municipality=world.lulea,
            registered_by_unit=world.owner_unit,
        )
    with CaptureQueriesContext(connection) as many_hits:
        response = client.get(reverse("people:search"), {"q": "Lundberg"})
    assert response.content.decode().count("<tr>") == 31 + 1  # hits + header row
    assert len(many_hits) == len(one_hit)  # no query per hit
    assert len(many_hits) <= 12


def test_unit_choice_for_a_user_with_several_units(client, world: World) -> None:  # type: ignore[no-untyped-def]
    from samordna.organisations.models import Membership

    Membership.objects.create(user=world.alice, unit=world.ward, role="nurse")
    client.force_login(world.alice)
    page = client.get(reverse("accounts:choose-unit"))
    assert page.status_code == 200 and world.ward.name in page.content.decode()
    bad = client.post(reverse("accounts:choose-unit"), {"unit": world.unrelated_unit.pk})
    assert bad.status_code == 400  # not one of alice's units
    chosen = client.post(reverse("accounts:choose-unit"), {"unit": world.ward.pk})
    assert chosen.status_code == 302
    assert world.ward.name in client.get(reverse("people:search")).content.decode()


def test_ended_membership_drops_the_active_unit(login, world: World) -> None:  # type: ignore[no-untyped-def]
    client = login(world.bob)
    world.bob.memberships.all().delete()
    response = client.get(reverse("people:search"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:choose-unit"))
