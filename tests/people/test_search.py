"""Name search at scale (issue 11 item 4): prefix and similar names, visibility, pages, bad input.

Runs on SQLite and, with DATABASE_URL, on PostgreSQL (pg_trgm), so both backends are held to the
same answers.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samordna.audit.models import AccessLog
from samordna.cases.models import Case, Participation
from samordna.errors import ServiceError
from samordna.organisations.models import Unit
from samordna.people import search as name_search
from samordna.people import services
from samordna.people.models import Person
from tests.conftest import World, valid_identity_number

_serial = iter(range(1, 999))


def person(world: World, first: str, last: str, unit: Unit | None = None) -> Person:
    return Person.objects.create(
        identity_number=valid_identity_number("19480202", next(_serial)),
        first_name=first,
        last_name=last,
        municipality=world.lulea,
        registered_by_unit=unit or world.owner_unit,
    )


def names(found: list[Person]) -> list[str]:
    return [f"{p.first_name} {p.last_name}" for p in found]


def test_fold_keeps_the_swedish_letters_and_drops_other_accents() -> None:
    assert name_search.fold("ÅSA Öberg-Äng") == "åsa öberg-äng"
    assert name_search.fold("Müller Hervé Núñez") == "muller herve nunez"
    assert name_search.fold("Ærø Søren") == "ärö sören"  # Danish/Norwegian letters as Swedish
    # Swedish list order: ... z, å, ä, ö (code point order alone would put ä before å).
    surnames = ["Öberg", "Ärlig", "Åberg", "Zander", "andersson", "Östlund", "Ek"]
    assert sorted(surnames, key=name_search.key) == [
        "andersson",
        "Ek",
        "Zander",
        "Åberg",
        "Ärlig",
        "Öberg",
        "Östlund",
    ]


def test_the_database_computes_the_same_keys_as_python(world: World) -> None:
    for first, last in [("Åsa", "Öberg-Äng"), ("Hervé", "MÜLLER"), ("Søren", "Ærø")]:
        stored = person(world, first, last)
        stored.refresh_from_db()
        assert stored.last_key == name_search.key(last)
        assert stored.first_key == name_search.key(first)
        assert stored.name_text == name_search.fold(f"{first} {last}")


def test_prefix_search_finds_surnames_beginning_with_the_words_in_list_order(world: World) -> None:
    for first, last in [
        ("Anna", "Bergström"),
        ("Bo", "Berg"),
        ("Cilla", "Lundberg"),
        ("Dan", "Berglund"),
        ("Eva", "Berg"),
        ("Fia", "Öberg"),
    ]:
        person(world, first, last)
    actor = world.actor(world.alice)
    found = services.search_page(actor, "BERG")
    assert found.mode == "prefix"
    assert names(found.results) == ["Bo Berg", "Eva Berg", "Dan Berglund", "Anna Bergström"]
    assert names(services.search(actor, "öberg")) == ["Fia Öberg"]
    # "o" is not "ö" for a Swede: Öberg is not a prefix hit for "oberg".
    assert services.search_page(actor, "Oberg").mode == "similar"  # no surname begins so
    assert names(services.search(actor, "Berg Eva")) == ["Eva Berg"]
    assert names(services.search(actor, "Eva Berg")) == ["Eva Berg"]
    assert names(services.search(actor, "Berg, E")) == ["Eva Berg"]


def test_accents_other_than_swedish_letters_are_ignored(world: World) -> None:
    person(world, "Hervé", "Müller")
    actor = world.actor(world.alice)
    assert names(services.search(actor, "muller")) == ["Hervé Müller"]
    assert names(services.search(actor, "Müller Herve")) == ["Hervé Müller"]


def test_swedish_order_across_å_ä_ö(world: World) -> None:
    for last in ["Östlund", "Ärlig", "Åberg", "Zander"]:
        person(world, "Test", last)
    # Multi-word: both readings give the four; the page is in Swedish list order.
    found = services.search(world.actor(world.alice), "Test")
    assert [p.last_name for p in found if p.first_name == "Test"] == [
        "Zander",
        "Åberg",
        "Ärlig",
        "Östlund",
    ]


def test_similar_names_when_no_name_begins_with_the_query(world: World) -> None:
    person(world, "Lena", "Lindqvist")
    person(world, "Olle", "Nilsson")
    actor = world.actor(world.alice)
    typo = services.search_page(actor, "Lindkvist")
    assert typo.mode == "similar"
    assert names(typo.results) == ["Lena Lindqvist"]
    assert names(services.search(actor, "qvist")) == ["Lena Lindqvist"]  # part of a name
    assert names(services.search(actor, "Sture")) == ["Sture Lundberg"]  # a first name alone
    assert services.search(actor, "Xylofon") == []


def test_search_shows_only_individuals_the_unit_may_see(world: World) -> None:
    charlie, bob = world.actor(world.charlie), world.actor(world.bob)
    for query in ["Lundberg", "lund", "Lundbreg", "Sture", "Sture Lundberg"]:
        assert services.search(charlie, query) == [], query
    assert services.search(bob, "Lundberg") == [world.person]  # takes part in the case
    assert services.search(bob, "Lundbreg") == [world.person]
    # A participation that has ended no longer shows the individual.
    from django.utils import timezone

    Participation.objects.filter(unit=world.participant_unit).update(until=timezone.now())
    assert services.search(bob, "Lundberg") == []
    assert services.search(bob, "Lundbreg") == []
    assert not AccessLog.objects.filter(user=world.charlie).exclude(person=None).exists()


def test_pages_of_fifty_in_name_order_and_the_log_covers_exactly_those_shown(
    world: World,
) -> None:
    for i in range(60):
        person(world, f"Nr{i:02d}", "Berg")
    actor = world.actor(world.alice)
    first = services.search_page(actor, "berg")
    assert (len(first.results), first.has_next, first.has_previous) == (50, True, False)
    assert [p.first_name for p in first.results] == [f"Nr{i:02d}" for i in range(50)]
    logged_first = AccessLog.objects.filter(what="person.search")
    assert sorted(logged_first.values_list("person", flat=True)) == sorted(
        p.pk for p in first.results
    )
    seen = AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first()
    second = services.search_page(actor, "berg", page=2)
    assert [p.first_name for p in second.results] == [f"Nr{i:02d}" for i in range(50, 60)]
    assert (second.has_next, second.has_previous) == (False, True)
    logged = AccessLog.objects.filter(what="person.search", pk__gt=seen)
    assert sorted(logged.values_list("person", flat=True)) == sorted(p.pk for p in second.results)


def test_pages_through_the_screen(login, world: World) -> None:  # type: ignore[no-untyped-def]
    for i in range(55):
        person(world, f"Nr{i:02d}", "Berg")
    client = login(world.alice)
    page1 = client.get(reverse("people:search"), {"q": "Berg"}).content.decode()
    assert page1.count("<tr>") == 50 + 1
    assert "page=2" in page1 and "page=0" not in page1
    page2 = client.get(reverse("people:search"), {"q": "Berg", "page": "2"}).content.decode()
    assert page2.count("<tr>") == 5 + 1
    assert "Nr54" in page2 and "Nr00" not in page2 and "page=1" in page2


def _grow(world: World, n: int) -> None:
    """n more Lindqvists visible to alice's unit: half registered by it, half through a case."""
    for i in range(n):
        registered_by = world.owner_unit if i % 2 else world.unrelated_unit
        someone = person(world, f"P{i}", "Lindqvist", registered_by)
        if registered_by == world.unrelated_unit:
            case = Case.objects.create(
                person=someone,
                kind=Case.Kind.CONTACT,
                owner_unit=world.unrelated_unit,
                opened_by=world.charlie,
            )
            Participation.objects.create(
                case=case, unit=world.owner_unit, role=Participation.Role.PARTICIPANT
            )


@pytest.mark.parametrize("query", ["Lindqvist", "Lindkvist", "Lindqvist P"])
def test_query_count_stays_flat_as_the_individuals_grow(login, world: World, query: str) -> None:  # type: ignore[no-untyped-def]
    client = login(world.alice)
    _grow(world, 1)
    client.get(reverse("people:search"), {"q": query})
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("people:search"), {"q": query})
    _grow(world, 40)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("people:search"), {"q": query})
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") > 10
    assert len(many) == len(few)


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"q": ""}, 200),
        ({"q": "   "}, 200),
        ({"q": "L"}, 200),
        ({"q": "Ö"}, 200),
        ({"q": "\x00"}, None),  # None: the NUL middleware's answer (400) or a search (200)
        ({"q": "Lund\x00berg"}, None),
        ({"q": "%_"}, 200),
        ({"q": "' OR 1=1 --"}, 200),
        ({"q": "Lundberg", "page": "abc"}, 200),
        ({"q": "Lundberg", "page": "-1"}, 200),
        ({"q": "Lundberg", "page": "99999999999"}, 200),
        ({"q": "a b c d e f g"}, 200),
        ({"q": "x" * 101}, 400),
    ],
)
def test_bad_input_gets_an_answer_not_a_server_error(
    login, world: World, params: dict[str, str], status: int | None
) -> None:  # type: ignore[no-untyped-def]
    response = login(world.alice).get(reverse("people:search"), params)
    assert response.status_code == status or (status is None and response.status_code in (200, 400))
    if status == 400:
        assert "Sökningen får vara högst 100 tecken lång." in response.content.decode()


def test_wildcards_in_the_query_are_letters_not_patterns(world: World) -> None:
    person(world, "Test", "Pro_cent")
    person(world, "Test", "Proxy")
    actor = world.actor(world.alice)
    assert services.search(actor, "%") == []
    assert [p.last_name for p in services.search(actor, "Pro_")] == ["Pro_cent"]


def test_too_long_query_is_refused_and_nothing_logged(world: World) -> None:
    with pytest.raises(ServiceError) as error:
        services.search_page(world.actor(world.alice), "Lundberg" * 20)
    assert error.value.code == "invalid_query"
    assert not AccessLog.objects.filter(what="person.search").exists()


def test_renaming_moves_the_individual_in_the_search(world: World) -> None:
    actor = world.actor(world.alice)
    data = {"first_name": "Sture", "last_name": "Åström", "municipality": world.lulea}
    services.update(actor, world.person.pk, world.person.version, data)
    assert services.search(actor, "åström") == [Person.objects.get(pk=world.person.pk)]
    assert services.search_page(actor, "Lundberg").mode == "similar"


def test_identity_number_lookup_is_one_indexed_query_and_logged(world: World) -> None:
    actor = world.actor(world.charlie)
    with CaptureQueriesContext(connection) as queries:
        found = services.lookup(actor, "19360323-9090")
    assert found.person == world.person and not found.visible
    by_number = [q["sql"] for q in queries if "identity_number" in q["sql"]]
    assert len(by_number) == 1 and "193603239090" in by_number[0]
    assert AccessLog.objects.filter(user=world.charlie, what="person.lookup").count() == 1


def test_the_surnames_are_kept_by_the_database_however_rows_are_written(world: World) -> None:
    from samordna.people.models import Surname

    person(world, "Åsa", "Öhman")
    Person.objects.bulk_create(
        [
            Person(
                identity_number=valid_identity_number("19480303", 1),
                first_name="Bo",
                last_name="Ärlig",
                municipality=world.lulea,
            )
        ]
    )
    Person.objects.filter(pk=world.person.pk).update(last_name="Lindkvist")
    texts = set(Surname.objects.values_list("text", flat=True))
    assert {"lundberg", "öhman", "ärlig", "lindkvist"} <= texts
    assert Surname.objects.get(text="öhman").key == name_search.key("Öhman")


def test_a_typo_of_a_common_surname_shows_a_page_of_its_bearers_in_list_order(
    world: World,
) -> None:
    for i in range(55):
        person(world, f"Nr{i:02d}", "Lindqvist")
    person(world, "Kalle", "Lindgren")
    found = services.search_page(world.actor(world.alice), "Lindkvist")
    assert found.mode == "similar"
    assert [p.first_name for p in found.results] == [f"Nr{i:02d}" for i in range(50)]
    two_words = services.search(world.actor(world.alice), "Nr07 Lindkvist")
    assert names(two_words) == ["Nr07 Lindqvist"]
