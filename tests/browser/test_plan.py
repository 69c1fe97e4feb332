"""The plan in a real browser: writing the draft with the keyboard, and every plan page checked
with axe-core (SIP-9 to SIP-12, PAT-1). Fields are found by id, not by label, so the test holds
whichever language the catalogue gives the labels."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from samordna.cases.acts import touch
from samordna.sip.services import case as case_acts
from samordna.sip.services import plan as plan_acts
from tests.browser.conftest import check, log_in
from tests.conftest import PASSWORD, World
from tests.sip.plans import documented


def test_writing_and_reading_the_plan(page: Page, world: World) -> None:
    world.case.closed_at = timezone.now()
    world.case.close_reason = "other"
    world.case.save()
    touch(world.case.pk)  # closed by hand: the read model follows
    case = case_acts.open_case(
        world.actor(world.alice),
        world.person.identity_number,
        "outpatient",
        timezone.now() - dt.timedelta(days=1),
    )
    case.participations.create(unit=world.participant_unit, role="participant")
    documented(world, case)
    plan_acts.start_version(world.actor(world.alice), case.pk)

    log_in(page, "alice", PASSWORD)
    page.goto(f"/sip/{case.pk}/plans/2/edit/")
    check(page, "plan-edit")
    page.locator("#id_main_goal").fill("Att bo kvar hemma och träffa barnbarnen.")
    new_goal = page.locator("#id_goals-2-text")
    new_goal.focus()
    page.keyboard.type("Träffa vänner varje vecka")
    new_goal.press("Tab")  # to its order number
    page.keyboard.type("1")
    page.locator("form.plan-form button.save").press("Enter")
    expect(page).to_have_url(re.compile(r"/plans/2/edit/$"))
    expect(page.locator("#id_goals-0-text")).to_have_value("Träffa vänner varje vecka")
    check(page, "plan-edit-saved")

    for path, name in [
        (f"/sip/{case.pk}/", "plan-case"),
        (f"/sip/{case.pk}/plans/2/", "plan-version-draft"),
        (f"/sip/{case.pk}/plans/compare/?old=1&new=2", "plan-compare"),
        (f"/sip/{case.pk}/plans/1/follow-up/", "plan-follow-up"),
        (f"/sip/{case.pk}/plans/1/evaluation/", "plan-evaluation"),
        (f"/sip/{case.pk}/for-the-individual/", "plan-for-the-individual"),
    ]:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        check(page, name)
    expect(page.locator(".own-words")).to_contain_text("Att kunna bo kvar hemma")
