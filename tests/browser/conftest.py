"""Real-browser tests: Playwright drives Debian's Chromium against Django's live server.

Screenshots of every page visited are saved under ``test-output/screenshots/`` (the folder
``$SAMORDNA_TEST_OUTPUT`` instead of ``test-output`` when set), and each page is
checked with axe-core (WCAG 2.1 AA rules); serious and critical violations fail the test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, sync_playwright

from tests.accounts.test_otp import code_of

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test itself
# are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(os.environ.get("SAMORDNA_TEST_OUTPUT", "test-output")) / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server, transactional_db) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        base_url=live_server.url, locale="sv-SE", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def check(page: Page, name: str) -> None:
    """Save a screenshot and fail on serious or critical axe-core violations."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, f"{name}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in serious
    )


def log_in(page: Page, username: str, password: str) -> None:
    """Log in with the keyboard only, as a user without a mouse would; a user with an
    authenticator app (an administrator) then types its current code."""
    page.goto("/login/")
    page.get_by_label("Användarnamn").fill(username)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: urlparse(url).path != "/login/")
    if urlparse(page.url).path == "/login/code/":
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.get_by_label("Kod", exact=True).fill(code_of(device))
        page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login/" not in url)
