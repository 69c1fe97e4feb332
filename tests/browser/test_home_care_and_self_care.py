"""ORG-6 and SIP-24 in a real browser, checked with axe-core at 390 and 1280 px: a primary-care
physician enrols Sture in home health care from the case page (seed 000 line 132), the plan
then says the municipal care contact is missing (seed 001 lines 275-278); alice, a nurse,
assesses the self-care action with the written plan (seed 001 lines 1466-1482). Fields are
found by name or id, not by label."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from samordna.organisations.models import Membership
from samordna.sip.models import HomeCareDecision, SelfCareAssessment
from tests.browser.conftest import check, log_in
from tests.conftest import PASSWORD, World, make_user
from tests.sip.plans import written

WIDTHS = (390, 1280)


def both_widths(page: Page, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        check(page, f"{name}-{width}")


def test_enrolment_in_home_health_care(page: Page, world: World) -> None:
    written(world, world.case)
    make_user("petra", world.owner_unit, Membership.Role.PHYSICIAN)
    log_in(page, "petra", PASSWORD)
    page.goto(f"/sip/{world.case.pk}/")
    page.locator("#home-care-h ~ details > summary").first.click()
    page.locator("#home_care_decision_0").check()
    page.locator("#home_care_reason").fill("Daglig såromläggning i hemmet")
    page.locator("form[action$='/home-care/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"#home-care-h$"))
    expect(page.get_by_test_id("home-care-status")).to_contain_text("Inskriven i hemsjukvården")
    both_widths(page, "home-care-01-case")
    decision = HomeCareDecision.objects.get()
    assert decision.decided_by.username == "petra" and decision.role == "physician"
    page.goto(f"/sip/{world.case.pk}/plans/1/")
    expect(page.get_by_test_id("plan-home-care")).to_contain_text(
        "vårdkontakt med samordningsansvar"
    )
    both_widths(page, "home-care-02-plan")


def test_self_care_assessment_on_the_plan(page: Page, world: World) -> None:
    written(world, world.case)
    log_in(page, "alice", PASSWORD)
    page.goto(f"/sip/{world.case.pk}/plans/1/")
    form = page.locator("form[action$='/self-care/']")
    page.locator("#self-care-h ~ details > summary").first.click()
    form.locator("textarea[name=instructions]").fill("Distriktssköterskan visar, teach-back.")
    form.locator("input[name=performer][value=self]").check()
    form.locator("textarea[name=on_harm]").fill("Ring hälsocentralen")
    form.locator("textarea[name=on_change]").fill("Ring distriktssköterskan")
    reassess = (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    form.locator("input[name=reassess_on]").fill(reassess)
    form.locator("button[type=submit]").click()  # point 6 is missing
    expect(page.locator("form[action$='/self-care/'] .has-error")).to_have_count(1)
    both_widths(page, "self-care-01-error")
    assert not SelfCareAssessment.objects.exists()
    form = page.locator("form[action$='/self-care/']")
    form.locator("textarea[name=follow_up]").fill("Hembesök om två veckor")
    form.locator("input[name=reassess_on]").fill(reassess)
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"#self-care-h$"))
    expect(page.locator("details.self-care-assessment summary")).to_contain_text("Bedömd av")
    both_widths(page, "self-care-02-plan")
    assert SelfCareAssessment.objects.get().assessed_by == world.alice
