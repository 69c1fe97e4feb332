"""Federated login in Chromium: through the local OpenID provider and back, the page for an
unknown person, and a logout that ends the provider's session too (issue 17 item 1)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from samordna.organisations.models import FederatedIdentity
from tests.browser.conftest import check
from tests.conftest import World
from tests.oidc_provider import ACCOUNTS, PASSWORD, LocalProvider, use_providers


@pytest.fixture(scope="module")
def browser_idp(live_server) -> Iterator[LocalProvider]:  # type: ignore[no-untyped-def]
    provider = LocalProvider([live_server.url])
    yield provider
    provider.stop()


@pytest.fixture
def idp(browser_idp: LocalProvider, settings) -> LocalProvider:  # type: ignore[no-untyped-def]
    browser_idp.follow_python_clock()
    use_providers(settings, [browser_idp.config(label="Region Norrbotten (SITHS)")])
    return browser_idp


def log_in_at_provider(page: Page, login: str) -> None:
    page.get_by_role("link", name="Logga in med Region Norrbotten (SITHS)").click()
    expect(page.get_by_role("heading", name="Logga in")).to_be_visible()
    check(page, "oidc-00-provider-login")  # scripts/oidc-provider's own page, checked too
    page.get_by_label("Användarnamn").fill(login)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.keyboard.press("Enter")


def test_federated_login_and_logout(page: Page, world: World, idp: LocalProvider) -> None:
    FederatedIdentity.objects.create(
        user=world.alice,
        issuer=idp.issuer,
        value=ACCOUNTS[0]["claims"]["hsa_id"],  # type: ignore[index]
    )
    page.goto("/login/")
    expect(page.get_by_role("link", name="Logga in med Region Norrbotten (SITHS)")).to_be_visible()
    check(page, "oidc-01-login-page")
    log_in_at_provider(page, "karin")
    expect(page.get_by_test_id("active-unit")).to_have_text(world.owner_unit.name)
    check(page, "oidc-02-logged-in")

    page.get_by_role("button", name="Logga ut").click()
    expect(page.get_by_role("heading", name="Vill du logga ut från demo-IdP:n?")).to_be_visible()
    page.get_by_role("button", name="Ja, logga ut").click()
    expect(page.get_by_role("heading", name="Logga in i Samordna")).to_be_visible()
    # The provider's session ended with Samordna's: the next login asks for the password.
    page.get_by_role("link", name="Logga in med Region Norrbotten (SITHS)").click()
    expect(page.get_by_label("Lösenord")).to_be_visible()


def test_unknown_person_sees_whom_to_ask(page: Page, world: World, idp: LocalProvider) -> None:
    page.goto("/login/")
    log_in_at_provider(page, "okand")
    expect(page.get_by_role("heading", name="Du har inget konto i Samordna")).to_be_visible()
    expect(page.get_by_test_id("identity")).to_have_text("SE2321000230-X999")
    check(page, "oidc-03-unknown-person")
    page.goto("/overview/")
    expect(page.get_by_role("heading", name="Logga in i Samordna")).to_be_visible()
