"""SIP-20 and SIP-18 in a real browser, checked with axe-core at 390 and 1280 px: bob's
municipal unit asks primary care for a SIP with the request template (seed 003 line 70), and
alice marks the coordinating care contact and a physician for a life-threatening condition in
the plan (seed 001 lines 253-260). Fields are found by name or id, not by label."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from samordna.messaging.models import Message
from samordna.sip.models import PlanVersion
from samordna.sip.services import plan as plan_acts
from tests.browser.conftest import check, log_in
from tests.conftest import PASSWORD, World

WIDTHS = (390, 1280)


def both_widths(page: Page, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        check(page, f"{name}-{width}")


def test_the_municipalitys_request_for_a_sip(page: Page, world: World) -> None:
    log_in(page, "bob", PASSWORD)
    page.goto(f"/messages/new/?case={world.case.pk}")
    page.locator("select[name=template]").select_option("sip_request")
    page.locator("form[method=get] button[type=submit]").click()
    page.wait_for_url(re.compile(r"template=sip_request"))
    send = page.locator("form[action*='/messages/new/'][method=post] button[type=submit]")
    page.locator("textarea[name=t-parties]").fill("Hälsocentralen och hemtjänsten")
    page.locator("textarea[name=t-purpose]").fill("Samordna insatserna efter fallet")
    send.click()  # whether relatives are invited is not answered
    expect(page.locator("#id_t-relatives_invited_error")).to_be_visible()
    both_widths(page, "sip-request-01-compose-error")
    assert not Message.objects.exists()
    page.locator("input[name=t-relatives_invited][value=yes]").check()
    page.locator("input[name=t-relatives]").fill("Dottern Anna")
    send.click()
    page.wait_for_url(re.compile(r"/messages/\d+/$"))
    expect(page.locator("dl.facts")).to_contain_text("Dottern Anna")
    both_widths(page, "sip-request-02-thread")
    assert Message.objects.get().template == "sip_request"


def test_coordinating_care_contact_and_physician(page: Page, world: World) -> None:
    plan = plan_acts.start_version(world.actor(world.alice), world.case.pk)
    log_in(page, "alice", PASSWORD)
    page.goto(f"/sip/{world.case.pk}/plans/{plan.number}/edit/")
    page.locator("#id_main_goal").fill("Att bo kvar hemma.")
    page.locator("#id_life_threatening").check()
    page.locator("#id_contacts-0-name").fill("Karin Ek")
    page.locator("#id_contacts-0-workplace").fill("Hertsöns hälsocentral")
    page.locator("#id_contacts-0-phone").fill("0920-123 45")
    page.locator("#id_contacts-0-coordinates").check()
    page.locator("form.plan-form button.save").click()
    expect(page.locator("#id_life_threatening_error")).to_contain_text("läkarnivå")
    both_widths(page, "care-contact-01-physician-missing")
    assert not PlanVersion.objects.get(pk=plan.pk).life_threatening
    page.locator("#id_contacts-0-physician").check()
    page.locator("form.plan-form button.save").click()
    expect(page).to_have_url(re.compile(r"/edit/$"))
    page.goto(f"/sip/{world.case.pk}/plans/{plan.number}/")
    expect(page.get_by_test_id("coordinating-care-contact")).to_contain_text("Karin Ek")
    expect(page.get_by_test_id("life-threatening")).to_be_visible()
    both_widths(page, "care-contact-02-plan")
