"""Issue 15 items 3-5 on the individual's pages: whose pages (a guardian of two children, a
child below and above the county's age, a second individual), who has read my case (PAT-2) and
my notifications. The session is the one ``mypages.session.start`` writes (the login through
the real OpenID provider is tests/mypages/test_pages.py's)."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samordna.audit.models import AccessLog
from samordna.mypages.session import SESSION_KEY
from samordna.notifications.models import IndividualPreference
from samordna.people.models import Person, Representative
from tests.conftest import World, valid_identity_number
from tests.notifications.sms_receiver import Gateway, running

GUARDIAN = valid_identity_number("19800517", 123)


def as_individual(client: Client, viewer: str, person: Person | None) -> Client:
    session = client.session
    session[SESSION_KEY] = {
        "viewer": viewer,
        "name": "Anna-Karin Sundqvist",
        "person": person.pk if person else None,
        "acting_as": "self",
        "active_at": int(time.time()),
        "provider": "e-legitimation",
        "id_token": "",
    }
    session.save()
    return client


def child(world: World, years_ago: int, first: str, serial: int) -> Person:
    today = timezone.localdate()  # 28th at the latest: the run may start on 29 February
    born = dt.date(today.year - years_ago, today.month, min(today.day, 28))
    born -= dt.timedelta(days=1)
    return Person.objects.create(
        identity_number=valid_identity_number(f"{born:%Y%m%d}", serial),
        first_name=first,
        last_name="Sundqvist",
        municipality=world.lulea,
    )


@pytest.fixture
def children(world: World) -> tuple[Person, Person]:
    elsa, olle = child(world, 17, "Elsa", 239), child(world, 11, "Olle", 131)
    for kid in (elsa, olle):
        Representative.objects.create(
            person=kid, kind="guardian", name="Anna-Karin Sundqvist", identity_number=GUARDIAN
        )
    return elsa, olle


def test_a_guardian_of_two_chooses_whose_pages_and_sees_whose_they_are(
    client: Client, world: World, children: tuple[Person, Person]
) -> None:
    elsa, olle = children
    as_individual(client, GUARDIAN, elsa)
    page = client.get("/mina-sidor/vems-sidor/").content.decode()
    assert "Elsa Sundqvist" in page and "Olle Sundqvist" in page
    assert "du är vårdnadshavare" in page
    assert "Sture" not in page
    response = client.post("/mina-sidor/vems-sidor/", {"person": olle.pk})
    assert response.status_code == 302
    assert client.session[SESSION_KEY]["person"] == olle.pk
    home = client.get("/mina-sidor/").content.decode()
    assert "Du tittar på sidorna för Olle Sundqvist." in home


@pytest.mark.parametrize("bad", ["", "x", "0", "-1", "9" * 30, "1\x00"])
def test_the_chooser_refuses_anything_but_ones_own(
    client: Client, world: World, children: tuple[Person, Person], bad: str
) -> None:
    elsa, _olle = children
    as_individual(client, GUARDIAN, elsa)
    for person in (bad, str(world.person.pk)):  # Sture is no child of hers
        response = client.post("/mina-sidor/vems-sidor/", {"person": person})
        assert response.status_code == 400
        assert client.session[SESSION_KEY]["person"] == elsa.pk


def test_a_child_below_the_countys_age_sees_nothing_above_it_their_own(
    client: Client, world: World, children: tuple[Person, Person]
) -> None:
    elsa, olle = children  # 17 and 11; the county's age is 16 (core.rules)
    as_individual(client, olle.identity_number, olle)
    page = client.get("/mina-sidor/vems-sidor/").content.decode()
    assert 'data-testid="nothing"' in page
    assert client.get("/mina-sidor/vem-har-last/").status_code == 200
    assert "Olle" not in client.get("/mina-sidor/vem-har-last/").content.decode()
    as_individual(client, elsa.identity_number, elsa)
    page = client.get("/mina-sidor/vems-sidor/").content.decode()
    assert "Mina egna sidor" in page


def test_the_extract_shows_units_and_own_reads_not_names_nor_others(
    client: Client, world: World
) -> None:
    signe = Person.objects.create(
        identity_number="192304069285",
        first_name="Signe",
        last_name="Lindqvist",
        municipality=world.lulea,
    )
    for who, unit, person in (
        (world.bob, world.participant_unit, world.person),
        (world.charlie, world.unrelated_unit, signe),
    ):
        AccessLog.objects.create(
            user=who, unit=unit, person=person, action="read", what="sip.plan.read"
        )
    as_individual(client, world.person.identity_number, world.person)
    client.get("/mina-sidor/aviseringar/")  # an own read, logged
    page = client.get("/mina-sidor/vem-har-last/").content.decode()
    assert "Luleå biståndshandläggning" in page and "SIP-plan läst" in page
    assert "Du själv, på dina egna sidor" in page
    assert "Bob" not in page and "bob" not in page
    assert "Piteå LSS" not in page  # Signe's reader
    assert AccessLog.objects.filter(
        what="mypages.accesslog.read", person=world.person, reader=world.person.identity_number
    ).exists()


def test_the_extract_pages_in_flat_queries(client: Client, world: World) -> None:
    start = timezone.now() - dt.timedelta(days=30)

    def add(n: int) -> None:
        AccessLog.objects.bulk_create(
            AccessLog(
                user=world.bob,
                unit=world.participant_unit,
                person=world.person,
                action="read",
                what="sip.read",
                at=start + dt.timedelta(minutes=i),
            )
            for i in range(n)
        )

    as_individual(client, world.person.identity_number, world.person)

    def queries(url: str) -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        found = re.search(r'\?fore=([0-9-]+)" rel="next"', response.content.decode())
        return len(captured), found[1] if found else ""

    add(60)
    queries("/mina-sidor/vem-har-last/")  # the first request of a session warms caches
    first, fore = queries("/mina-sidor/vem-har-last/")
    second, _ = queries(f"/mina-sidor/vem-har-last/?fore={fore}")
    add(600)
    assert queries("/mina-sidor/vem-har-last/")[0] == first
    assert queries(f"/mina-sidor/vem-har-last/?fore={fore}")[0] == second


@pytest.mark.parametrize("bad", ["x", "1-1\x00", "9" * 41, "0-1"])
def test_a_bad_page_of_the_extract_is_a_clear_400(client: Client, world: World, bad: str) -> None:
    as_individual(client, world.person.identity_number, world.person)
    response = client.get("/mina-sidor/vem-har-last/", {"fore": bad})
    assert response.status_code == 400
    message = "NUL-tecken" if "\x00" in bad else "Sidan du bad om finns inte."  # the NUL guard
    assert message in response.content.decode()


def test_notifications_opt_in_with_validation_and_sms_through_a_gateway(
    client: Client, world: World, settings: object
) -> None:
    as_individual(client, world.person.identity_number, world.person)
    page = client.get("/mina-sidor/aviseringar/").content.decode()
    assert "Sms finns inte i det här länet." in page and 'name="phone"' not in page
    response = client.post(
        "/mina-sidor/aviseringar/", {"by_email": "on", "email": "", "version": "1"}
    )
    assert response.status_code == 400
    assert "Ange e-postadressen du vill få besked till." in response.content.decode()
    assert not IndividualPreference.objects.exists()
    gateway = Gateway()
    with running(gateway):
        settings.SMS_GATEWAY_URL = gateway.url  # type: ignore[attr-defined]
        bad = client.post(
            "/mina-sidor/aviseringar/", {"by_sms": "on", "phone": "08-123 45 67", "version": "1"}
        )
        assert bad.status_code == 400
        assert "Ange ett svenskt mobilnummer" in bad.content.decode()
        ok = client.post(
            "/mina-sidor/aviseringar/",
            {"by_sms": "on", "phone": "070-123 45 67", "email": "s@example.se", "version": "1"},
        )
        assert ok.status_code == 302
        stale = client.post("/mina-sidor/aviseringar/", {"version": "1"})
        assert stale.status_code == 409
    pref = IndividualPreference.objects.get()
    assert (pref.holder, pref.by_sms, pref.phone, pref.by_email) == (
        world.person.identity_number,
        True,
        "+46701234567",
        False,
    )
    assert AccessLog.objects.filter(what="mypages.notifications.update").count() == 1


def test_staff_sessions_and_no_session_do_not_reach_these_pages(
    client: Client, world: World, login: object
) -> None:
    for url in ("/mina-sidor/vems-sidor/", "/mina-sidor/vem-har-last/", "/mina-sidor/aviseringar/"):
        response = client.get(url)
        assert response.status_code == 302 and "/mina-sidor/logga-in/" in response["Location"]
    login(world.alice)  # type: ignore[operator]
    for url in ("/mina-sidor/vems-sidor/", "/mina-sidor/vem-har-last/", "/mina-sidor/aviseringar/"):
        assert client.get(url).status_code == 403
