"""Messages in a real browser (MSG-1 to MSG-3): alice writes to bob's unit from the SIP page
with the medical planning template, bob finds it first in his list, acknowledges and replies,
and alice sees the reply in the thread. Charlie's unit is refused. Fields are found by name."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from samordna.cases.models import Delivery
from samordna.messaging.models import Message
from tests.browser.conftest import check, log_in
from tests.conftest import PASSWORD, World


def log_out(page: Page) -> None:
    page.locator("form[action$='/logout/'] button").click()
    page.wait_for_url(re.compile(r"/login/"))


def test_message_with_a_template_acknowledged_and_answered(page: Page, world: World) -> None:
    # alice writes from the SIP page, choosing the medical planning template.
    log_in(page, "alice", PASSWORD)
    page.goto(f"/sip/{world.case.pk}/")
    page.locator(f"a[href='/messages/new/?case={world.case.pk}']").click()
    page.locator("select[name=template]").select_option("medical_planning")
    page.locator("form[method=get] button[type=submit]").click()
    page.wait_for_url(re.compile(r"template=medical_planning"))
    expect(page.get_by_test_id("clinical-notes-reminder")).to_be_visible()
    expect(
        page.locator(f"input[name=ack_units][value='{world.participant_unit.pk}']")
    ).to_be_checked()
    page.locator("input[name=subject]").fill("Medicinsk planering, Sture")
    page.locator("textarea[name=t-question]").fill("Ökad andfåddhet sedan två dagar.")
    page.locator("input[name=t-contact_needed_by]").fill("2030-01-15")
    page.locator("input[name=t-pulse]").fill("300")
    page.locator("input[name=t-systolic]").fill("150")
    page.locator("input[name=t-diastolic]").fill("90")
    page.locator("input[name=t-temperature]").fill("38,4")
    page.locator("select[name=t-consciousness]").select_option("A")
    page.locator("form[action*='/messages/new/'][method=post] button[type=submit]").click()
    # An implausible pulse is refused with the field marked; nothing is sent.
    expect(page.locator("#id_t-pulse_error")).to_be_visible()
    check(page, "messages-01-compose-error")
    assert not Message.objects.exists()
    page.locator("input[name=t-pulse]").fill("96")
    page.locator("form[action*='/messages/new/'][method=post] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/messages/\d+/$"))
    expect(page.locator("dl.facts")).to_contain_text("150")
    check(page, "messages-02-thread-sent")
    message = Message.objects.get()
    log_out(page)

    # bob sees it first in his unit's list, acknowledges it and replies.
    log_in(page, "bob", PASSWORD)
    page.goto("/messages/")
    expect(page.locator("tbody tr").first).to_contain_text("Medicinsk planering, Sture")
    check(page, "messages-03-inbox")
    page.locator(f"a[href^='/messages/{message.pk}/']").first.click()
    page.locator("form[action$='/acknowledge/'] button[type=submit]").click()
    page.wait_for_load_state()
    delivery = Delivery.objects.get(notice=message.notice)
    assert delivery.acknowledged_at is not None and delivery.acknowledged_by == world.bob
    page.locator("textarea[name=reply-body]").fill("Vi ringer er i morgon kl. 10.")
    page.locator("form[action$='/reply/'] button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("article").last).to_contain_text("Vi ringer er i morgon kl. 10.")
    check(page, "messages-04-thread-reply")
    log_out(page)

    # alice has the reply to acknowledge; charlie finds nothing.
    log_in(page, "alice", PASSWORD)
    page.goto("/messages/")
    expect(page.locator("tbody tr").first).to_contain_text("Medicinsk planering, Sture")
    expect(page.locator("tbody tr").first.locator("button")).to_be_visible()
    log_out(page)
    log_in(page, "charlie", PASSWORD)
    response = page.goto(f"/messages/{message.pk}/")
    assert response is not None and response.status == 404
