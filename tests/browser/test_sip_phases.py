"""The SIP list by phase and the phase on the case page in Chromium (issue 14 item 7, SIP-19),
at 390 px and 1280 px, checked with axe-core; and the evaluation of actions (item 10, SIP-22).
Seed 004_2b6a4bde1435f963.txt lines 26-30: "tre faser: Förberedelse, genomförande och avslut"."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from samordna.cases.models import Case
from tests.browser.conftest import check, log_in
from tests.conftest import PASSWORD, World
from tests.sip.conftest import sip
from tests.sip.plans import documented, give_consent

__all__ = ["sip"]  # fixtures used below

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_the_sip_list_filters_by_phase(
    page: Page, world: World, sip: Case, viewport: dict[str, int]
) -> None:
    give_consent(world, sip)
    page.set_viewport_size(viewport)
    log_in(page, "alice", PASSWORD)
    page.get_by_role("link", name="SIP-ärenden").click()
    check(page, f"sip-list-{viewport['width']}")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    phases = page.get_by_role("navigation", name="Fas")
    expect(phases.get_by_role("link", name="Alla faser (1)")).to_have_attribute(
        "aria-current", "page"
    )
    # By keyboard: the follow-up phase has no SIP, the preparation phase has this one.
    phases.get_by_role("link", name="Uppföljning (0)").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Ingen aktiv SIP i den här fasen.")).to_be_visible()
    page.get_by_role("navigation", name="Fas").get_by_role("link", name="Förberedelse (1)").click()
    row = page.get_by_role("link", name=world.person.full_name)
    expect(row).to_be_visible()
    row.click()
    summary = page.locator("section.summary")
    current = summary.get_by_test_id("phase").locator("li[aria-current=step]")
    expect(current).to_contain_text("Förberedelse")
    check(page, f"sip-case-phase-{viewport['width']}")


def test_the_evaluation_rates_the_actions(page: Page, world: World, sip: Case) -> None:
    documented(world, sip)
    log_in(page, "alice", PASSWORD)
    page.goto(f"/sip/{sip.pk}/plans/1/evaluation/")
    form = page.locator("main form.plan-form")
    expect(form.locator("legend", has_text="Insats 1")).to_contain_text(
        "Luleå biståndshandläggning"
    )
    for met in form.locator("input[type=radio][value=met]").all():
        met.check()
    form.locator("input[name=with_individual]").check()
    form.locator("button[type=submit]").last.click()
    page.wait_for_load_state()
    expect(page.locator("#evaluation-h ~ table")).to_contain_text("Insats 4")
    check(page, "sip-evaluation-with-actions")
    # Evaluated: the phase is evaluation and closure (seed 004 lines 129-136).
    page.goto(f"/sip/{sip.pk}/")
    current = page.get_by_test_id("phase").locator("li[aria-current=step]")
    expect(current).to_contain_text("Utvärdering och avslut")
