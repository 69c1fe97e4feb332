"""BOX-1 in Chromium: a municipal case officer sees what is due by urgency and acknowledges a
notice; the ward that sent it sees its count and list change without reloading the page."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from samordna.cases.acts import touch
from samordna.cases.models import Delivery, Notice, Obligation
from samordna.discharge.services import notices as notices_acts
from samordna.discharge.services import stays as stays_acts
from samordna.organisations.models import User
from samordna.overview import services
from tests.browser.conftest import check, log_in
from tests.conftest import PASSWORD, World
from tests.discharge.conftest import nurse, stay_data, ward
from tests.overview.conftest import deliver

__all__ = ["nurse"]  # a fixture used below
POLL = 30_000  # the header polls every 20 s


def test_items_by_urgency_and_a_count_that_follows_the_other_unit(
    page: Page, browser: Browser, live_server: Any, world: World, nurse: User
) -> None:
    now = timezone.now()
    case = stays_acts.register_stay(ward(world, nurse), world.person.identity_number, stay_data())
    notice = notices_acts.send_admission_notice(
        ward(world, nurse), case.pk, [world.participant_unit]
    )
    # Luleå biståndshandläggning let the reading time pass without acknowledging.
    Delivery.objects.filter(notice=notice).update(due_at=now - dt.timedelta(hours=2))
    touch(case.pk)  # a fact changed by hand, outside an act
    Obligation.objects.create(
        case=world.case,
        unit=world.participant_unit,
        kind=Obligation.Kind.FOLLOW_UP_COMMENT,
        due_at=now + dt.timedelta(days=3),
    )
    deliver(
        world.case,
        Notice.Kind.MESSAGE,
        world.alice,
        world.owner_unit,
        world.participant_unit,
        None,
        mode=Delivery.Mode.FYI,
        subject="Hemtjänsten startar på måndag",
    )
    touch(world.case.pk)  # facts written by hand, outside an act
    sender = world.actor(nurse, world.ward)
    before = services.counts(sender, now).urgent
    assert before >= 1

    log_in(page, "wanda", PASSWORD)  # lands on the overview
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sunderby medicin 5")
    expect(page.locator('tr[data-kind="awaiting"]')).to_have_count(1)
    count = page.get_by_test_id("overview-count")
    expect(count).to_have_text(re.compile(rf"^{before}\b"))
    check(page, "overview-01-ward")

    officer = browser.new_context(base_url=live_server.url, locale="sv-SE")
    other = officer.new_page()
    log_in(other, "bob", PASSWORD)
    rows = other.locator("table.overview tbody tr")
    expect(rows).to_have_count(4)
    statuses = [rows.nth(i).get_attribute("data-status") for i in range(4)]
    assert statuses == ["overdue", "upcoming", "upcoming", "upcoming"]
    assert [rows.nth(i).get_attribute("data-kind") for i in range(4)] == [
        "notice",
        "deadline",
        "discharge",
        "message",
    ]
    check(other, "overview-02-case-officer")
    rows.first.get_by_role("link").first.click()  # the item; the individual links to the case
    other.get_by_role("button", name="Kvittera", exact=True).click()
    expect(other.get_by_role("button", name="Kvittera", exact=True)).to_have_count(0)
    officer.close()

    # The ward's page updates by itself: the count in the header and the list.
    expect(page.locator('tr[data-kind="awaiting"]')).to_have_count(0, timeout=POLL)
    if before > 1:
        expect(count).to_have_text(re.compile(rf"^{before - 1}\b"))
    else:
        expect(count).to_have_count(0)
    check(page, "overview-03-ward-updated")


def test_charlie_sees_nothing(page: Page, world: World) -> None:
    log_in(page, "charlie", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Piteå LSS")
    expect(page.locator("table.overview")).to_have_count(0)
    expect(page.get_by_test_id("overview-count")).to_have_count(0)
    check(page, "overview-04-unrelated-unit")
