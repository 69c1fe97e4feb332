"""Where the payment liability export is found, and its form (issue 18 item 12, SVU-10): the
municipality's invoicing staff and the county administrators reach it from the stays page, pick
a municipality and a month, and get the CSV; bad choices come back on the form in Swedish."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from samordna.audit.models import AccessLog
from samordna.organisations.models import Membership
from tests.conftest import STOCKHOLM, World, make_user

NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=STOCKHOLM)


@pytest.fixture
def frozen() -> object:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_without_a_choice_the_csv_sends_to_the_form(login, world: World, frozen) -> None:  # type: ignore[no-untyped-def]
    invoicing = make_user("ivar", world.participant_unit, Membership.Role.INVOICING)
    client = login(invoicing)
    answer = client.get(reverse("discharge:liability-csv"))
    assert answer.status_code == 302 and answer["Location"] == reverse("discharge:liability")
    page = client.get(answer["Location"]).content.decode()
    # The own municipality only, preselected, and last month proposed.
    assert '<option value="lulea" selected>Luleå kommun</option>' in page
    assert "pitea" not in page
    assert 'value="2026-11"' in page and 'type="month"' in page


def test_the_county_administrator_chooses_among_the_countys_municipalities(
    login,
    world: World,
    frozen,  # type: ignore[no-untyped-def]
) -> None:
    admin = make_user("cecilia", world.owner_unit, Membership.Role.COUNTY_ADMIN)
    page = login(admin).get(reverse("discharge:liability")).content.decode()
    assert 'value="lulea"' in page and 'value="pitea"' in page
    assert "selected" not in page.split('name="municipality"')[1].split("</select>")[0]


@pytest.mark.parametrize(
    ("month", "says"),
    [
        ("2026-13", "Ange månaden som ÅÅÅÅ-MM."),
        ("nov-26", "Ange månaden som ÅÅÅÅ-MM."),
        ("2017-12", "Betalningsansvar finns från januari 2018"),  # Lag (2017:612) from 2018
        ("2027-01", "Månaden har inte börjat än."),
        ("", "Detta fält måste fyllas i."),
    ],
)
def test_a_bad_month_comes_back_on_the_form(  # type: ignore[no-untyped-def]
    login, world: World, frozen, month: str, says: str
) -> None:
    invoicing = make_user("ivar", world.participant_unit, Membership.Role.INVOICING)
    answer = login(invoicing).get(
        reverse("discharge:liability-csv"), {"municipality": "lulea", "month": month}
    )
    assert answer.status_code == 400
    assert answer["Content-Type"].startswith("text/html")
    assert says in answer.content.decode()
    assert not AccessLog.objects.filter(user=invoicing, action="export").exists()


def test_another_municipality_is_not_a_choice(login, world: World, frozen) -> None:  # type: ignore[no-untyped-def]
    invoicing = make_user("ivar", world.participant_unit, Membership.Role.INVOICING)
    answer = login(invoicing).get(
        reverse("discharge:liability-csv"), {"municipality": "pitea", "month": "2026-11"}
    )
    assert answer.status_code == 403 and "får exportera detta" in answer.content.decode()
    assert not AccessLog.objects.filter(user=invoicing, action="export").exists()


def test_a_good_choice_gives_the_csv(login, world: World, frozen) -> None:  # type: ignore[no-untyped-def]
    invoicing = make_user("ivar", world.participant_unit, Membership.Role.INVOICING)
    answer = login(invoicing).get(
        reverse("discharge:liability-csv"), {"municipality": "lulea", "month": "2026-11"}
    )
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    assert answer["Content-Disposition"] == (
        'attachment; filename="betalningsansvar-lulea-2026-11.csv"'
    )
    assert answer.content.decode("utf-8-sig").startswith("ärende;personnummer;")


@pytest.mark.parametrize(
    ("role", "linked"),
    [
        (Membership.Role.INVOICING, True),
        (Membership.Role.UNIT_ADMIN, True),
        (Membership.Role.CASE_OFFICER, False),
    ],
)
def test_the_stays_page_links_the_export_for_those_who_may(  # type: ignore[no-untyped-def]
    login, world: World, role: str, linked: bool
) -> None:
    user = make_user("someone", world.participant_unit, role)
    client = login(user)
    page = client.get(reverse("discharge:notices")).content.decode()
    assert (reverse("discharge:liability") in page) is linked
    form = client.get(reverse("discharge:liability"))
    assert form.status_code == (200 if linked else 403)
    if not linked:
        assert "Bara kommunens administratörer och faktureringspersonal" in form.content.decode()
