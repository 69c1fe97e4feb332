"""Whose own pages a logged-in individual sees (PAT-1, issue 15 item 4): themself from the
county's age, a child's guardians while it is a child, trustees and administrators."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samordna.audit.models import AccessLog
from samordna.core.identity import luhn_check_digit
from samordna.core.rules import RuleSet
from samordna.errors import ServiceError
from samordna.people import services
from samordna.people.models import Person, Representative
from samordna.people.subjects import Relation, holders_of, subject_for, subjects_for
from tests.conftest import World

TODAY = dt.date(2026, 12, 1)


def number(born: dt.date, serial: str = "238") -> str:
    nine = f"{born:%y%m%d}{serial}"
    return f"{born:%Y%m%d}{serial}{luhn_check_digit(nine)}"


GUARDIAN = number(dt.date(1980, 5, 17), "123")
TRUSTEE = number(dt.date(1962, 2, 8), "456")


def person(world: World, born: dt.date, first: str, serial: str = "238") -> Person:
    return Person.objects.create(
        identity_number=number(born, serial),
        first_name=first,
        last_name="Sundqvist",
        municipality=world.lulea,
    )


def represent(person: Person, kind: str, identity_number: str) -> Representative:
    return Representative.objects.create(
        person=person, kind=kind, name="Anna-Karin Sundqvist", identity_number=identity_number
    )


@pytest.mark.parametrize(
    ("born", "min_age", "own"),
    [
        # (birth date, the county's own_access_min_age, whether the child sees their own pages)
        (dt.date(2011, 12, 2), 16, False),  # 14 years 364 days
        (dt.date(2010, 12, 2), 16, False),  # one day short of 16
        (dt.date(2010, 12, 1), 16, True),  # 16 today
        (dt.date(2012, 6, 1), 13, True),  # 14, in a county that says 13
        (dt.date(2009, 1, 1), 18, False),  # 17, in a county that says 18
        (dt.date(2008, 12, 1), 18, True),  # an adult: always
    ],
)
def test_a_childs_own_access_follows_the_countys_age(
    world: World, born: dt.date, min_age: int, own: bool
) -> None:
    world.county.rules = {**world.county.rules, "own_access_min_age": min_age}
    world.county.save()
    child = person(world, born, "Elsa")
    subjects = subjects_for(child.identity_number, TODAY)
    assert [(s.person, s.relation) for s in subjects] == ([(child, Relation.SELF)] if own else [])


def test_a_guardian_of_two_children_sees_both_and_a_second_individual_nothing(
    world: World,
) -> None:
    elsa = person(world, dt.date(2011, 9, 19), "Elsa", "239")
    olle = person(world, dt.date(2014, 3, 2), "Olle", "131")
    represent(elsa, Representative.Kind.GUARDIAN, GUARDIAN)
    represent(olle, Representative.Kind.GUARDIAN, GUARDIAN)
    found = subjects_for(GUARDIAN, TODAY)
    assert [(s.person.first_name, s.relation) for s in found] == [
        ("Elsa", Relation.GUARDIAN),
        ("Olle", Relation.GUARDIAN),
    ]
    assert all(s.on_behalf for s in found)
    # The other individual of the world, and the children themselves (under 16), see nothing of
    # each other; an id that is not among the subjects is refused, whatever the URL says.
    assert [s.person for s in subjects_for(world.person.identity_number, TODAY)] == [world.person]
    assert subject_for(world.person.identity_number, elsa.pk, TODAY) is None
    assert subject_for(GUARDIAN, world.person.pk, TODAY) is None
    assert subject_for(GUARDIAN, olle.pk, TODAY) is not None
    assert subjects_for(elsa.identity_number, TODAY) == []


def test_custody_ends_at_18_a_trustee_stays(world: World) -> None:
    adult = person(world, dt.date(2008, 11, 30), "Maja")  # 18 yesterday
    represent(adult, Representative.Kind.GUARDIAN, GUARDIAN)
    represent(world.person, Representative.Kind.TRUSTEE, TRUSTEE)
    represent(adult, Representative.Kind.ADMINISTRATOR, TRUSTEE)
    assert subjects_for(GUARDIAN, TODAY) == []
    found = subjects_for(TRUSTEE, TODAY)
    assert [(s.person, s.relation) for s in found] == [
        (world.person, Relation.TRUSTEE),
        (adult, Relation.ADMINISTRATOR),
    ]


def test_a_representative_who_is_also_registered_sees_themself_first(world: World) -> None:
    me = Person.objects.create(
        identity_number=TRUSTEE, first_name="Per", last_name="Ödman", municipality=world.lulea
    )
    represent(world.person, Representative.Kind.TRUSTEE, TRUSTEE)
    assert [(s.person, s.relation) for s in subjects_for(TRUSTEE, TODAY)] == [
        (me, Relation.SELF),
        (world.person, Relation.TRUSTEE),
    ]


@pytest.mark.parametrize(
    "raw",
    ["", "abc", "19121212-1213", "\x00", "1" * 200, "19800517-XX12", "198503149885"],
)
def test_invalid_reserve_and_protected_numbers_see_nothing(world: World, raw: str) -> None:
    # 198503149885 is protected in the demo population register (demo/population.json).
    if raw == "198503149885":
        Person.objects.filter(pk=world.person.pk).update(identity_number=raw)
    assert subjects_for(raw, TODAY) == []


def test_deceased_individuals_and_the_protected_are_shown_to_nobody(world: World) -> None:
    represent(world.person, Representative.Kind.TRUSTEE, TRUSTEE)
    Person.objects.filter(pk=world.person.pk).update(deceased_on=TODAY)
    assert subjects_for(TRUSTEE, TODAY) == []
    assert subjects_for(world.person.identity_number, TODAY) == []


def test_holders_of_is_the_inverse(world: World) -> None:
    child = person(world, dt.date(2011, 9, 19), "Elsa", "239")
    represent(child, Representative.Kind.GUARDIAN, GUARDIAN)
    Representative.objects.create(person=child, kind="guardian", name="No login")
    assert holders_of(child, TODAY) == [(GUARDIAN, Relation.GUARDIAN)]
    represent(world.person, Representative.Kind.TRUSTEE, TRUSTEE)
    assert holders_of(world.person, TODAY) == [
        (world.person.identity_number, Relation.SELF),
        (TRUSTEE, Relation.TRUSTEE),
    ]


def test_queries_do_not_grow_with_the_children(world: World) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            subjects_for(GUARDIAN, TODAY)
        return len(queries)

    represent(person(world, dt.date(2011, 9, 19), "Elsa", "239"), "guardian", GUARDIAN)
    one = count()
    for i, serial in enumerate(("131", "145", "157")):
        represent(person(world, dt.date(2013, 1, 1 + i), "Barn", serial), "guardian", GUARDIAN)
    assert count() == one == 2


@pytest.mark.parametrize("bad", [12, 19, "16", True, None, 16.5])
def test_the_countys_age_is_validated(bad: object) -> None:
    with pytest.raises(ValueError, match="own_access_min_age"):
        RuleSet.from_json({"own_access_min_age": bad})


@pytest.mark.parametrize(
    ("raw", "stored", "refusal"),
    [
        # The representative's number is stored only when valid and neither a reserve number
        # (seed 000_106b8acbeb42519c.txt line 154: R-numbers are not registered) nor protected.
        ("19800517-1239", "198005171239", None),
        ("  ", "", None),
        ("19920918-R123", None, "representative.add: reserve_number"),
        ("19850314-9885", None, "representative.add: protected_identity"),
        ("19800517-1232", None, None),  # check digit
    ],
)
def test_a_representatives_identity_number_is_checked(
    world: World, raw: str, stored: str | None, refusal: str | None
) -> None:
    actor = world.actor(world.alice)
    data = {"kind": "trustee", "name": "Per Ödman", "identity_number": raw}
    if stored is None:
        with pytest.raises(ServiceError):
            services.add_representative(actor, world.person.pk, data)
        assert not Representative.objects.exists()
        logged = AccessLog.objects.filter(what__startswith="representative.add: ")
        assert list(logged.values_list("what", flat=True)) == ([refusal] if refusal else [])
    else:
        added = services.add_representative(actor, world.person.pk, data)
        assert added.identity_number == stored
