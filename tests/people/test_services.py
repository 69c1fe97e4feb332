"""Registering and finding individuals (SPEC PER-1, PER-2, SEC-1, SEC-2, SEC-4)."""

from __future__ import annotations

import pytest

from samordna.audit.models import AccessLog
from samordna.errors import Conflict, NotFound, ServiceError
from samordna.people import services
from samordna.people.models import Person
from tests.conftest import World

# From the demo population register (src/samordna/demo/population.json, Skatteverket's test series).
UNREGISTERED_ADULT = "199209182394"
PROTECTED_ADULT = "198503149885"
PROTECTED_CHILD = "201204052383"


def details(world: World, **extra: object) -> dict[str, object]:
    return {"first_name": "Erik", "last_name": "Sundström", "municipality": world.lulea, **extra}


def test_register_stores_the_person_and_logs_it(world: World) -> None:
    actor = world.actor(world.alice)
    person = services.register(actor, "19920918-2394", details(world))
    assert person.identity_number == UNREGISTERED_ADULT
    assert person.registered_by_unit == world.owner_unit
    entry = AccessLog.objects.get(person=person)
    assert (entry.action, entry.what, entry.user, entry.unit) == (
        "create",
        "person.register",
        world.alice,
        world.owner_unit,
    )


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("19920918-2395", "invalid_identity_number"),  # wrong check digit
        ("19921318-2394", "invalid_identity_number"),  # month 13
        ("", "invalid_identity_number"),
        ("19920918-R123", "reserve_number"),  # seed 000 line 154: R-numbers are not registered
        ("920918-K123", "reserve_number"),
        # PER-5 (issue 14 item 14): digits-only formats, sources in core/identity.py
        ("990123456789", "reserve_number"),  # Region Stockholm
        ("19920938-2394", "reserve_number"),  # Halland / Cosmic Link: day 32-59
        (PROTECTED_ADULT, "protected_identity"),  # seed 000 line 154: protected identity
        (PROTECTED_CHILD, "protected_identity"),
    ],
)
def test_refused_numbers_store_nothing(world: World, raw: str, code: str) -> None:
    before = Person.objects.count()
    with pytest.raises(ServiceError) as caught:
        services.register(world.actor(world.alice), raw, details(world))
    assert caught.value.code == code
    assert caught.value.field == "identity_number"
    assert Person.objects.count() == before


def test_protected_identity_message_says_to_coordinate_by_phone(world: World) -> None:
    with pytest.raises(ServiceError) as caught:
        services.register(world.actor(world.alice), PROTECTED_ADULT, details(world))
    assert "telefon" in caught.value.message.lower()


def test_refusal_is_logged_without_the_protected_number(world: World) -> None:
    with pytest.raises(ServiceError):
        services.register(world.actor(world.alice), PROTECTED_ADULT, details(world))
    entry = AccessLog.objects.get(action="refuse")
    assert entry.person is None
    assert PROTECTED_ADULT not in entry.what + entry.purpose
    assert "protected_identity" in entry.what


def test_reserve_number_message_says_to_coordinate_by_phone(world: World) -> None:
    with pytest.raises(ServiceError) as caught:
        services.register(world.actor(world.alice), "19920918-R123", details(world))
    assert "telefon" in caught.value.message.lower()


def test_registering_twice_is_a_conflict(world: World) -> None:
    with pytest.raises(Conflict) as caught:
        services.register(world.actor(world.bob), world.person.identity_number, details(world))
    assert caught.value.code == "already_registered"


def test_registration_requires_names_and_a_municipality(world: World) -> None:
    with pytest.raises(ServiceError) as caught:
        services.register(
            world.actor(world.alice), UNREGISTERED_ADULT, details(world, first_name=" ")
        )
    assert caught.value.code == "required"
    with pytest.raises(ServiceError) as caught:
        services.register(
            world.actor(world.alice), UNREGISTERED_ADULT, details(world, municipality=None)
        )
    assert caught.value.code == "invalid_municipality"
    assert not Person.objects.filter(identity_number=UNREGISTERED_ADULT).exists()


def test_a_unit_of_another_kind_is_not_a_listed_primary_care_centre(world: World) -> None:
    with pytest.raises(ServiceError) as caught:
        services.register(
            world.actor(world.alice),
            UNREGISTERED_ADULT,
            details(world, listed_primary_care=world.ward),
        )
    assert caught.value.code == "invalid_primary_care"


@pytest.mark.parametrize(("user", "visible"), [("alice", True), ("bob", True), ("charlie", False)])
def test_visibility_follows_participation(world: World, user: str, visible: bool) -> None:
    actor = world.actor(getattr(world, user))
    assert Person.objects.visible_to(actor).filter(pk=world.person.pk).exists() is visible
    if visible:
        assert services.get_visible(actor, world.person.pk) == world.person
    else:
        with pytest.raises(NotFound):
            services.get_visible(actor, world.person.pk)


def test_participation_that_ended_gives_no_visibility(world: World) -> None:
    from django.utils import timezone

    world.case.participations.filter(unit=world.participant_unit).update(until=timezone.now())
    assert not Person.objects.visible_to(world.actor(world.bob)).exists()


def test_name_search_finds_only_visible_people_and_logs_each_hit(world: World) -> None:
    assert services.search(world.actor(world.bob), "lundberg") == [world.person]
    assert services.search(world.actor(world.charlie), "lundberg") == []
    hits = AccessLog.objects.filter(what="person.search")
    assert [(h.user, h.person) for h in hits] == [(world.bob, world.person)]


def test_lookup_by_number_finds_the_person_but_not_the_right_to_see_them(world: World) -> None:
    found = services.lookup(world.actor(world.charlie), "360323-9090")
    assert found.person == world.person
    assert found.visible is False
    assert AccessLog.objects.filter(user=world.charlie, what="person.lookup").count() == 1


def test_lookup_of_an_unregistered_number_returns_the_register_record(world: World) -> None:
    found = services.lookup(world.actor(world.alice), UNREGISTERED_ADULT)
    assert found.person is None
    assert found.record is not None and found.record.last_name == "Sundström"


def test_update_detects_a_concurrent_edit_and_keeps_the_first_write(world: World) -> None:
    actor = world.actor(world.alice)
    version = world.person.version
    services.update(actor, world.person.pk, version, {"phone": "070-174 06 50"})
    with pytest.raises(Conflict) as caught:
        services.update(actor, world.person.pk, version, {"phone": "070-174 06 51"})
    assert caught.value.code == "edit_conflict"
    world.person.refresh_from_db()
    assert world.person.phone == "070-174 06 50"
    assert world.person.version == version + 1


def test_unrelated_unit_cannot_change_or_add_anything(world: World) -> None:
    actor = world.actor(world.charlie)
    with pytest.raises(NotFound):
        services.update(actor, world.person.pk, world.person.version, {"phone": "1"})
    with pytest.raises(NotFound):
        services.add_relative(actor, world.person.pk, {"name": "X", "relation": "son"})
    assert world.person.relatives.count() == 0


def test_relatives_and_representatives_are_added_and_removed(world: World) -> None:
    actor = world.actor(world.bob)
    relative = services.add_relative(
        actor, world.person.pk, {"name": "Stina Lundberg", "relation": "maka", "phone": "070"}
    )
    rep = services.add_representative(
        actor, world.person.pk, {"name": "Per Sandström", "kind": "trustee"}
    )
    with pytest.raises(ServiceError):
        services.add_representative(actor, world.person.pk, {"name": "X", "kind": "king"})
    services.remove_relative(actor, world.person.pk, relative.pk)
    services.remove_representative(actor, world.person.pk, rep.pk)
    with pytest.raises(NotFound):
        services.remove_relative(actor, world.person.pk, relative.pk)
    assert AccessLog.objects.filter(person=world.person, action="update").count() == 4
