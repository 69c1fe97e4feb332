"""DEV-2 (issue 14 item 15): deviations concerning a municipality reach its medically
responsible nurse (MAS), and deviations from the region to a municipality can be printed for
the paper route.

Seed 001_118551e475ece215.txt lines 134-136: "Avvikelserapport som gäller kommunen skickas till
medicinskt ansvarig sjuksköterska (MAS) i kommunen."
Seed 000_106b8acbeb42519c.txt lines 273-275: from the region's care "till kommunen - skickas i
pappersform till berörd chef eller "Socialkontoret" ... I pappersform ifall inte berörd kommun
meddelat annat."
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from samordna.core.rules import DEFAULT_RULE_SETS
from samordna.deviations import services
from samordna.deviations.models import Deviation
from samordna.errors import Forbidden
from samordna.organisations.models import Membership, Unit, User
from tests.conftest import World, make_user
from tests.deviations.conftest import content, sent
from tests.discharge.test_api import bearer
from tests.documents.pdfs import text_of

NORRBOTTEN_MAS = "001_118551e475ece215.txt:134-136"
VASTERBOTTEN_PAPER = "000_106b8acbeb42519c.txt:273-275"


def make_mas(world: World) -> User:
    """Maja, the MAS of Luleå kommun, at its municipal health care office."""
    office = Unit.objects.create(
        principal=world.lulea,
        code="lulea-mas",
        name="Luleå kommun, MAS",
        kind=Unit.Kind.MUNICIPAL_HEALTH_CARE,
    )
    return make_user("maja", office, Membership.Role.MAS)


@pytest.fixture
def mas(world: World) -> User:
    return make_mas(world)


def county(world: World, code: str) -> None:
    world.county.rules = DEFAULT_RULE_SETS[code].to_json()
    world.county.save()


# (source, county rules, concerned unit, whether Luleå has a MAS, the MAS unit it reaches)
ROUTES: list[tuple[str, str, str, bool, str | None]] = [
    (NORRBOTTEN_MAS, "norrbotten", "participant_unit", True, "lulea-mas"),  # Luleå's unit
    (NORRBOTTEN_MAS, "norrbotten", "participant_unit", False, None),  # no MAS registered
    (NORRBOTTEN_MAS, "norrbotten", "ward", True, None),  # the region's own unit
    (NORRBOTTEN_MAS, "norrbotten", "unrelated_unit", True, None),  # Piteå: not Luleå's MAS
    (VASTERBOTTEN_PAPER, "vasterbotten", "participant_unit", True, None),  # to the manager
]


@pytest.mark.parametrize(("source", "rules", "concerned", "has_mas", "reaches"), ROUTES)
def test_a_deviation_concerning_a_municipality_reaches_its_mas(
    world: World, source: str, rules: str, concerned: str, has_mas: bool, reaches: str | None
) -> None:
    county(world, rules)
    maja = make_mas(world) if has_mas else None
    deviation = sent(world, concerned_unit=getattr(world, concerned), case=None)
    assert (deviation.mas_unit.code if deviation.mas_unit else None) == reaches
    if maja is not None:
        office = Unit.objects.get(code="lulea-mas")
        visible = Deviation.objects.visible_to(world.actor(maja, office))
        assert visible.filter(pk=deviation.pk).exists() is (reaches is not None)


def test_the_mas_sees_it_in_the_register_but_the_concerned_unit_handles_it(
    world: World, mas: User
) -> None:
    draft = services.create(
        world.actor(world.alice),
        services.Content(**{**_complete(world), "concerned_unit": world.participant_unit}),
    )
    office = Unit.objects.get(code="lulea-mas")
    maja = world.actor(mas, office)
    assert not Deviation.objects.visible_to(maja).filter(pk=draft.pk).exists()  # a draft: no
    deviation = services.send(world.actor(world.alice), draft.pk, draft.version)
    concerning = services.Filters.of("", "concerning")
    assert [d.pk for d in services.page(maja, concerning)] == [deviation.pk]
    assert services.counts(maja, concerning)["sent"] == 1
    assert services.counts(maja, services.Filters())["all"] == 1
    with pytest.raises(Forbidden):
        services.handle(maja, deviation.pk, deviation.version)
    services.handle(world.actor(world.bob), deviation.pk, deviation.version)


def _complete(world: World) -> dict[str, Any]:
    return content(world, case=None).__dict__


# (source, county rules, reporting user, concerned unit, whether the paper route applies)
PAPER: list[tuple[str, str, str, str, bool]] = [
    (VASTERBOTTEN_PAPER, "vasterbotten", "alice", "participant_unit", True),  # region → Luleå
    (VASTERBOTTEN_PAPER, "vasterbotten", "bob", "owner_unit", False),  # Luleå → region: e-service
    (VASTERBOTTEN_PAPER, "vasterbotten", "alice", "ward", False),  # within the region
    (NORRBOTTEN_MAS, "norrbotten", "alice", "participant_unit", False),  # digital, to the MAS
]


@pytest.mark.parametrize(("source", "rules", "reporter", "concerned", "paper"), PAPER)
def test_region_to_municipality_deviations_take_the_paper_route_where_the_county_says(
    world: World, source: str, rules: str, reporter: str, concerned: str, paper: bool
) -> None:
    county(world, rules)
    user = getattr(world, reporter)
    draft = services.create(
        world.actor(user),
        services.Content(**{**_complete(world), "concerned_unit": getattr(world, concerned)}),
    )
    assert services.paper_route(draft) is paper


def test_the_paper_route_in_the_browser_pages_the_pdf_and_the_api(
    client: Client, world: World, login: Any
) -> None:
    county(world, "vasterbotten")
    deviation = sent(world)  # alice's health centre (region) about Luleå's needs assessment
    web = login(world.alice)
    page = web.get(reverse("deviations:detail", args=[deviation.pk])).content.decode()
    assert 'data-route="paper"' in page and "skriv ut rapporten" in page
    pdf = web.get(reverse("documents:deviation", args=[deviation.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = text_of(pdf.content)
    assert f"Avvikelserapport nr {deviation.pk}" in text
    assert world.participant_unit.name in text and "Kallelsen kvitterades inte i tid." in text
    assert world.person.full_name in text  # alice takes part in the case
    api = client.get(f"/api/v1/deviations/{deviation.pk}", **bearer(world.alice)).json()
    assert api["paper_route"] is True and api["mas_unit"] is None
    printed = client.get(f"/api/v1/documents/deviations/{deviation.pk}.pdf", **bearer(world.bob))
    assert printed.status_code == 200  # the concerned unit may print it too
    outsider = client.get(
        f"/api/v1/documents/deviations/{deviation.pk}.pdf", **bearer(world.charlie)
    )
    assert outsider.status_code == 404


def test_the_mas_is_shown_on_the_page_and_in_the_api(
    client: Client, world: World, mas: User, login: Any
) -> None:
    deviation = sent(world)
    page = login(world.bob).get(reverse("deviations:detail", args=[deviation.pk]))
    assert 'data-mas="lulea-mas"' in page.content.decode()
    api = client.get(f"/api/v1/deviations/{deviation.pk}", **bearer(mas)).json()
    assert api["mas_unit"] == "lulea-mas" and api["paper_route"] is False
