"""SIP-16 in Chromium: the chief physician fills in the SVP section of the case page (form of
care, application date, the objection, an exchange despite it) and downloads the court's plan,
at 390 px and 1280 px with axe-core (seed 001_118551e475ece215.txt lines 1229-1244)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from samordna.cases.models import Case, Obligation
from samordna.sip.models import NecessaryExchange
from tests.browser.conftest import check, log_in
from tests.conftest import PASSWORD, World
from tests.documents.pdfs import text_of
from tests.sip.svp import chief, documented_svp, open_svp

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_the_chief_physician_fills_in_the_svp_and_prints_it_for_the_court(
    page: Page, world: World, viewport: dict[str, int]
) -> None:
    case: Case = open_svp(world)
    documented_svp(world, case)
    chief(world)
    page.set_viewport_size(viewport)
    log_in(page, "dora", PASSWORD)
    page.goto(f"/sip/{case.pk}/")
    section = page.get_by_test_id("svp")
    expect(section).to_contain_text("Samordnad vårdplan vid ÖPT/ÖRV")

    section.get_by_text("Vårdform, informationsutbyte och datum för ansökan").click()
    page.locator("#svp_care_form_1").check()  # ÖRV
    page.locator("#svp_exchange_routine").fill("Avstämning med socialtjänsten varje månad.")
    applies = timezone.localdate() + dt.timedelta(days=40)
    page.locator("#svp_extension_application_by").fill(applies.isoformat())
    page.locator("#svp_extension_application_by").press("Enter")
    expect(page.get_by_test_id("svp-care-form")).to_have_text("Öppen rättspsykiatrisk vård (ÖRV)")
    expect(page.get_by_test_id("svp-application-by")).to_contain_text(applies.isoformat())
    assert case.obligations.filter(kind=Obligation.Kind.SVP_FOLLOW_UP).exists()

    page.get_by_text("Registrera den enskildes invändning mot informationsutbyte").click()
    page.locator("#objection_objection").fill("Vill inte att kommunen får journaluppgifter.")
    page.get_by_role("button", name="Registrera invändningen").click()
    expect(page.get_by_test_id("svp-objection")).to_contain_text("Vill inte att kommunen")

    page.get_by_text("Registrera uppgifter lämnade trots invändningen").click()
    page.locator("#exchange_recipient").fill("Försäkringskassan Luleå")
    page.locator("#exchange_what").fill("Planerad sysselsättning.")
    page.locator("#exchange_why").fill("Ersättningen ska samordnas med sysselsättningen.")
    page.get_by_role("button", name="Registrera utbytet").click()
    expect(page.get_by_test_id("svp-exchanges")).to_contain_text("Försäkringskassan Luleå")
    assert NecessaryExchange.objects.filter(case=case).count() == 1
    page.get_by_text("Registrera uppgifter lämnade trots invändningen").click()  # open for axe
    check(page, f"svp-case-{viewport['width']}")

    with page.expect_download() as download:
        page.get_by_text("Vårdplanen för ansökan till förvaltningsrätten (PDF)").click()
    path = download.value.path()
    text = text_of(Path(path).read_bytes())
    assert "Samordnad vårdplan vid öppen rättspsykiatrisk vård (ÖRV)" in text
    assert "till Försäkringskassan Luleå" in text
