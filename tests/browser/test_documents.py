"""Documents and downtime in a real browser (DOC-1, DOC-2, OPS-2): with an outage banner set,
download the plan's PDF and a meeting's calendar file from the SIP page, and the blank forms
from the downtime page linked in every footer, before and after login; each page checked with
axe-core."""

from __future__ import annotations

from pathlib import Path

from icalendar import Calendar
from playwright.sync_api import Page, expect

from samordna.cases.models import Case
from samordna.operations.models import Banner
from samordna.sip.models import Meeting
from tests.browser.conftest import check, log_in
from tests.conftest import PASSWORD, World
from tests.documents.conftest import meeting, sip  # noqa: F401
from tests.documents.pdfs import text_of


def download(page: Page, href: str) -> bytes:
    with page.expect_download() as info:
        page.locator(f'a[href="{href}"]').first.click()
    return Path(info.value.path()).read_bytes()


def test_documents_and_blank_forms_under_an_outage_banner(
    page: Page,
    world: World,
    sip: Case,  # noqa: F811 (the fixture imported above)
    meeting: Meeting,  # noqa: F811
) -> None:
    Banner.objects.create(kind="outage", message="Journalsystemet ligger nere till kl. 14.")

    page.goto("/operations/downtime/")
    expect(page.locator("h1")).to_be_visible()
    check(page, "downtime-before-login")
    assert "Dokumentation vid SIP-möte" in text_of(download(page, "/documents/blank/all.pdf"))

    log_in(page, "alice", PASSWORD)
    page.goto(f"/sip/{sip.pk}/")
    expect(page.locator(".site-status")).to_contain_text("Journalsystemet ligger nere")
    check(page, "documents-sip-case")
    plan = text_of(download(page, f"/documents/sip/{sip.pk}/plan.pdf"))
    assert "Din plan, Sture Lundberg" in plan
    ics = download(page, f"/documents/sip/{sip.pk}/meetings/{meeting.pk}.ics")
    event = Calendar.from_ical(ics).events[0]
    assert event.decoded("DTSTART") == meeting.starts_at

    page.locator(".site-footer a[href='/operations/downtime/']").click()
    page.wait_for_url("**/operations/downtime/")
    # Served without the session (it lives in the database): the page states the status itself.
    expect(page.locator("section[aria-labelledby=status-h]")).to_contain_text(
        "Journalsystemet ligger nere"
    )
    check(page, "downtime")
    consent = text_of(download(page, "/documents/blank/consent-child.pdf"))
    assert "Vårdnadshavare 1, underskrift" in consent
