"""A unit's working day in Chromium (issue 5): a municipal case officer (bob) logs in to the
overview, sees what needs him by urgency, acknowledges an overdue admission notice and answers a
message; the ward that sent the notice (wanda) sees its overview change without a reload. The
digest is produced at a reading time and not again when the job re-runs, and a missed
acknowledgement deadline becomes a deviation suggestion in the ward's register. A user of an
unrelated unit (charlie) sees none of it.

Seed 001_118551e475ece215.txt lines 866-867: acknowledge by 12:00 every day (Norrbotten's
reading time); seed 000_106b8acbeb42519c.txt lines 254-262: not following the routine is a
deviation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from samordna.cases.acts import touch
from samordna.cases.models import Delivery
from samordna.core.deadlines import next_reading_time
from samordna.deviations import jobs
from samordna.deviations.models import Deviation
from samordna.discharge.services import notices as notices_acts
from samordna.discharge.services import stays as stays_acts
from samordna.messaging.services import sending as message_sending
from samordna.notifications import digest
from samordna.organisations.models import User
from tests.browser.conftest import check, log_in
from tests.conftest import PASSWORD, World
from tests.discharge.conftest import nurse, stay_data, version, ward

__all__ = ["nurse"]  # a fixture used below
POLL = 30_000  # the header polls every 20 s


def test_a_working_day(
    page: Page, browser: Browser, live_server: Any, world: World, nurse: User
) -> None:
    User.objects.filter(pk=world.bob.pk).update(email="bob@lulea.example")
    ward_actor = ward(world, nurse)
    case = stays_acts.register_stay(ward_actor, world.person.identity_number, stay_data())
    notice = notices_acts.send_admission_notice(ward_actor, case.pk, [world.participant_unit])
    # The reading time passed without an acknowledgement.
    Delivery.objects.filter(notice=notice).update(due_at=timezone.now() - dt.timedelta(hours=2))
    touch(case.pk)  # a fact changed by hand, outside an act
    message_sending.send(
        world.actor(world.alice),
        [(world.participant_unit, Delivery.Mode.ACK)],
        case_pk=world.case.pk,
        subject="Hemtjänst efter utskrivningen",
        body="Kan hemtjänsten starta på måndag?",
    )

    # The digest at the next reading time, once (BOX-3): the notice and the message.
    now = next_reading_time(timezone.now(), world.county.rule_set) + dt.timedelta(minutes=1)
    mail.outbox.clear()
    assert digest.run(now) >= 1
    to_bob = [m for m in mail.outbox if m.to == ["bob@lulea.example"]]
    assert len(to_bob) == 1
    assert "Inskrivningsmeddelande" in to_bob[0].body
    assert "19360323" not in to_bob[0].body  # no identity number leaves the system
    sent = len(mail.outbox)
    assert digest.run(now) == 0
    assert len(mail.outbox) == sent  # the re-run sends nothing

    # The ward's overview: an acknowledgement awaited from the municipality.
    log_in(page, "wanda", PASSWORD)
    awaiting = page.locator('tr[data-kind="awaiting"]')
    expect(awaiting).to_have_count(1)
    check(page, "day-01-ward-waits")

    # The case officer's overview: the overdue notice first, then the message.
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    bob = context.new_page()
    log_in(bob, "bob", PASSWORD)
    rows = bob.locator("table.overview tbody tr")
    expect(rows.first).to_have_attribute("data-status", "overdue")
    expect(rows.first).to_have_attribute("data-kind", "notice")
    expect(bob.locator('tr[data-kind="message"]')).to_have_count(1)
    check(bob, "day-02-case-officer-overview")
    rows.first.get_by_role("link").first.click()  # the item; the individual links to the case
    bob.locator("form.ack-with-answers button[type=submit]").click()
    expect(bob.locator(".messages")).to_contain_text("kvitterat")
    bob.goto("/overview/")
    bob.locator('tr[data-kind="message"]').get_by_role("link").first.click()
    bob.locator("textarea[name=reply-body]").fill("Ja, från måndag morgon.")
    bob.locator("form[action$='/reply/'] button[type=submit]").click()
    expect(bob.get_by_text("Ja, från måndag morgon.")).to_be_visible()
    check(bob, "day-03-message-answered")
    context.close()

    # The ward's page follows without a reload.
    expect(awaiting).to_have_count(0, timeout=POLL)
    check(page, "day-04-ward-updated")

    # A changed discharge date re-sends the notice; nobody acknowledges by the reading time,
    # and the worker suggests a deviation to the ward (DEV-1).
    resent = notices_acts.change_expected_discharge(
        ward_actor, case.pk, version(case), case.stay.expected_discharge_on + dt.timedelta(days=1)
    )
    assert resent is not None
    Delivery.objects.filter(notice=resent).update(due_at=timezone.now() - dt.timedelta(minutes=5))
    touch(case.pk)
    assert jobs.run(timezone.now()) == 1
    suggestion = Deviation.objects.get(delivery__notice=resent)
    assert suggestion.reporting_unit == world.ward
    page.goto("/deviations/")
    expect(page.locator("main")).to_contain_text(world.participant_unit.name)
    check(page, "day-05-deviation-suggested")

    # charlie's unit takes no part: an empty overview and no deviation.
    page.context.clear_cookies()
    log_in(page, "charlie", PASSWORD)
    expect(page.locator("table.overview")).to_have_count(0)
    page.goto("/deviations/")
    expect(page.locator("main")).not_to_contain_text(world.participant_unit.name)
