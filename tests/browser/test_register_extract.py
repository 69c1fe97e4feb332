"""The register extract in a real browser (GDPR art. 15, issue 16 item 2): a unit
administrator finds it on the individual's page, at 1280 and 390 px, and downloads the PDF and
the JSON; each page checked with axe-core."""

from __future__ import annotations

import json
from pathlib import Path

from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from samordna.audit.models import AccessLog
from tests.access.world import build
from tests.browser.conftest import check, log_in
from tests.conftest import PASSWORD, World
from tests.documents.pdfs import text_of


def download(page: Page, name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=name).click()
    return Path(info.value.path()).read_bytes()


def test_a_unit_administrator_downloads_the_register_extract(page: Page, world: World) -> None:
    build(world)
    TOTPDevice.objects.create(user=world.admin, name="Telefon", confirmed=True)
    log_in(page, "admin", PASSWORD)
    page.goto(f"/persons/{world.person.pk}/")
    section = page.locator("section[aria-labelledby=extract-h]")
    expect(section.get_by_role("heading", name="Registerutdrag")).to_be_visible()
    check(page, "register-extract-person-page")
    page.set_viewport_size({"width": 390, "height": 844})
    expect(section.get_by_role("link", name="Registerutdrag (PDF)")).to_be_visible()
    check(page, "register-extract-person-page-phone")

    pdf = text_of(download(page, "Registerutdrag (PDF)"))
    assert "Registerutdrag för Sture Lundberg" in pdf and "Maj Lundkvist" in pdf
    extract = json.loads(download(page, "Registerutdrag (JSON)"))
    assert extract["data"]["people.person"][0]["last_name"] == "Lundberg"
    made = AccessLog.objects.filter(what="person.register_extract", user=world.admin)
    assert sorted(made.values_list("purpose", flat=True)) == ["json", "pdf"]


def test_other_staff_are_not_offered_it(page: Page, world: World) -> None:
    log_in(page, "alice", PASSWORD)
    page.goto(f"/persons/{world.person.pk}/")
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("section[aria-labelledby=extract-h]")).to_have_count(0)
