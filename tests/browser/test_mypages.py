"""The individual's own pages in Chromium (issue 15 "Done when"): an individual logs in through
the local OpenID provider, reads the plan, writes what matters to them, declines the meeting
time, and the coordinator then sees both in the meeting preparation on the SIP case page. Every
page is checked with axe-core at 390 and 1280 px; the 390 px screenshots are saved as
``mypages-*-390.png``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from samordna.cases.models import Case
from samordna.sip.models import Meeting
from tests.browser.conftest import check, log_in
from tests.conftest import PASSWORD, World
from tests.mypages.conftest import use_individual_providers
from tests.oidc_provider import PASSWORD as IDP_PASSWORD
from tests.oidc_provider import LocalProvider
from tests.sip.conftest import sip  # noqa: F401  (the fixture)
from tests.sip.plans import documented
from tests.sip.test_meetings import invite

WIDTHS = (390, 1280)


@pytest.fixture(scope="module")
def individual_browser_idp(live_server) -> Iterator[LocalProvider]:  # type: ignore[no-untyped-def]
    provider = LocalProvider([live_server.url])
    yield provider
    provider.stop()


@pytest.fixture
def idp(individual_browser_idp: LocalProvider, settings) -> LocalProvider:  # type: ignore[no-untyped-def]
    individual_browser_idp.follow_python_clock()
    settings.OIDC_PROVIDERS = []
    use_individual_providers(settings, [individual_browser_idp.individual_config()])
    return individual_browser_idp


def both(page: Page, name: str) -> None:
    """axe-core at a phone's and a desktop's width; the phone's screenshot is the one kept."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        check(page, f"{name}-{width}")
    page.set_viewport_size({"width": 390, "height": 900})


def log_in_as_individual(page: Page, login: str) -> None:
    page.goto("/mina-sidor/")
    expect(page.get_by_role("heading", name="Logga in på Mina sidor")).to_be_visible()
    both(page, "mypages-01-login")
    page.get_by_role("link", name="Logga in med e-legitimation").click()
    page.get_by_label("Användarnamn").fill(login)
    page.get_by_label("Lösenord").fill(IDP_PASSWORD)
    page.keyboard.press("Enter")


def test_the_individual_prepares_and_the_coordinator_sees_it(
    page: Page,
    world: World,
    sip: Case,  # noqa: F811
    idp: LocalProvider,
) -> None:
    plan = documented(world, sip)
    meeting: Meeting = invite(world, sip)
    page.set_viewport_size({"width": 390, "height": 900})
    log_in_as_individual(page, "sture")
    expect(page.get_by_role("heading", name="Välkommen, Sture")).to_be_visible()
    expect(page.get_by_text("ring 112", exact=False)).to_be_visible()
    both(page, "mypages-02-home")

    page.get_by_role("link", name="Min plan", exact=True).first.click()
    expect(page.get_by_role("heading", name="Min plan")).to_be_visible()
    expect(page.get_by_text(plan.main_goal)).to_be_visible()
    expect(page.get_by_text("Tar sitt insulin morgon och kväll").first).to_be_visible()
    both(page, "mypages-03-plan")

    page.get_by_role("navigation").get_by_role("link", name="Möten").click()
    expect(page.get_by_role("heading", name="Mina möten")).to_be_visible()
    both(page, "mypages-04-meetings")
    page.get_by_role("link", name="Skriv vad som är viktigt för mig och mina frågor").click()
    expect(page.get_by_role("heading", name="Före mötet")).to_be_visible()
    both(page, "mypages-05-prepare")
    page.get_by_role("button", name="Spara").click()  # nothing written: the form says so
    expect(page.get_by_text("Skriv vad som är viktigt för dig, eller en fråga.")).to_be_visible()
    both(page, "mypages-06-prepare-refused")
    page.get_by_label("Det här är viktigast för mig").fill("Att få fiska vid älven i sommar")
    page.get_by_label("Frågor jag vill ta upp på mötet").fill("Kan hemtjänsten komma tidigare?")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Sparat. Din samordnare ser det före mötet.")).to_be_visible()

    page.get_by_label("Varför kan du inte komma? (du behöver inte säga det)").fill(
        "Jag har en tid hos tandläkaren"
    )
    page.get_by_role("button", name="Jag kan inte komma").click()
    expect(page.get_by_test_id("declined")).to_be_visible()
    both(page, "mypages-07-meetings-answered")

    page.get_by_role("navigation").get_by_role("link", name="Samtycke").click()
    expect(page.get_by_role("heading", name="Mitt samtycke")).to_be_visible()
    page.get_by_text("Jag vill ta tillbaka mitt samtycke").click()
    both(page, "mypages-08-consents")

    # Logging out ends the provider's session too (RP-initiated logout), then the login again.
    page.get_by_role("button", name="Logga ut").click()
    expect(page.get_by_role("heading", name="Vill du logga ut från demo-IdP:n?")).to_be_visible()
    page.get_by_role("button", name="Ja, logga ut").click()
    expect(page.get_by_role("heading", name="Logga in på Mina sidor")).to_be_visible()

    # The coordinator prepares the meeting on the SIP case page.
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, world.alice.username, PASSWORD)
    page.goto(f"/sip/{sip.pk}/")
    own = page.get_by_test_id(f"from-individual-{meeting.pk}")
    expect(own).to_contain_text("Att få fiska vid älven i sommar")
    expect(own).to_contain_text("Kan hemtjänsten komma tidigare?")
    expect(own.get_by_test_id("individual-declined")).to_contain_text(
        "Jag har en tid hos tandläkaren"
    )
    own.scroll_into_view_if_needed()
    check(page, "mypages-09-coordinator-sees-it")


def test_a_protected_identity_and_an_unknown_person(
    page: Page, world: World, idp: LocalProvider
) -> None:
    page.set_viewport_size({"width": 390, "height": 900})
    log_in_as_individual(page, "jessica")
    expect(page.get_by_role("heading", name="Här kan ingenting visas")).to_be_visible()
    both(page, "mypages-10-protected")
    page.context.clear_cookies()  # the provider's session too: the next login asks again
    log_in_as_individual(page, "signe")
    expect(page.get_by_test_id("nothing")).to_be_visible()
    both(page, "mypages-11-nothing")
