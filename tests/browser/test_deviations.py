"""DEV-1 in a real browser: a missed acknowledgement deadline produces a suggested deviation
that the sending unit confirms, completes and sends; the concerned unit sees it, the unrelated
unit sees nothing. Labels are matched in Swedish or English (the msgids), so the test holds
before and after the catalogue is merged."""

from __future__ import annotations

import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from samordna.deviations import jobs
from samordna.deviations.models import Deviation
from tests.browser.conftest import check, log_in
from tests.conftest import PASSWORD, World
from tests.deviations.conftest import COMPLETE, overdue_delivery


def either(english: str, swedish: str) -> re.Pattern[str]:
    return re.compile(f"^({re.escape(english)}|{re.escape(swedish)})")


def test_a_missed_deadline_is_confirmed_completed_and_sent(page: Page, world: World) -> None:
    overdue_delivery(world)
    assert jobs.run(timezone.now()) == 1
    log_in(page, "alice", PASSWORD)
    page.get_by_role("navigation", name=re.compile("Main menu|Huvudmeny")).get_by_role(
        "link", name=either("Deviations", "Avvikelser")
    ).click()
    suggestion = page.get_by_role("link", name=re.compile(world.participant_unit.name))
    expect(suggestion).to_be_visible()
    check(page, "deviations-01-list-with-suggestion")

    suggestion.click()
    check(page, "deviations-02-suggestion")
    page.get_by_role("button", name=either("Confirm", "Bekräfta")).click()
    page.get_by_label(either("Consequence", "Konsekvens")).fill(COMPLETE["consequence"])
    page.get_by_label(either("Risk", "Risk")).fill(COMPLETE["risk"])
    page.get_by_label(either("Action taken", "Vidtagen åtgärd")).fill(COMPLETE["action"])
    page.get_by_label(either("Improvement proposal", "Förbättringsförslag")).fill(
        COMPLETE["improvement"]
    )
    check(page, "deviations-03-draft")
    page.get_by_role("button", name=either("Save draft", "Spara utkast")).click()
    expect(page.locator(".message.success")).to_be_visible()
    page.get_by_role("button", name=either("Send the deviation", "Skicka avvikelsen")).click()
    expect(page.get_by_text(COMPLETE["risk"])).to_be_visible()
    check(page, "deviations-04-sent")
    d = Deviation.objects.get()
    assert (d.status, d.sent_by, d.confirmed_by) == ("sent", world.alice, world.alice)
    assert d.improvement == COMPLETE["improvement"]

    page.context.clear_cookies()
    log_in(page, "bob", PASSWORD)
    page.goto(f"/deviations/{d.pk}/")
    expect(
        page.get_by_role("button", name=either("Mark as handled", "Markera som hanterad"))
    ).to_be_visible()
    check(page, "deviations-05-concerned-unit")

    page.context.clear_cookies()
    log_in(page, "charlie", PASSWORD)
    page.goto("/deviations/")
    expect(page.get_by_text(world.participant_unit.name)).to_have_count(0)
    check(page, "deviations-06-unrelated-unit")
    response = page.goto(f"/deviations/{d.pk}/")
    assert response is not None and response.status == 404
