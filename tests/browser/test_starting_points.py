"""Starting points a new user looked for (issue 18 item 12): a ward starts a stay from its list
of stays, and the overview's Individ column leads to the case."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from samordna.organisations.models import Membership, User
from tests.browser.conftest import check, log_in
from tests.conftest import PASSWORD, World, make_user
from tests.discharge.conftest import nurse
from tests.overview.conftest import Day, clock, day

__all__ = ["clock", "day", "nurse"]  # fixtures used below


def test_a_ward_starts_a_new_stay_from_its_stays(page: Page, world: World, nurse: User) -> None:
    log_in(page, "wanda", PASSWORD)
    page.get_by_role("link", name="Vårdtillfällen").click()
    expect(page.get_by_role("heading", name="Nytt vårdtillfälle")).to_be_visible()
    check(page, "start-new-stay")
    page.get_by_label("Personnummer").fill(world.person.identity_number)
    page.keyboard.press("Enter")
    page.wait_for_url("**/stays/new/?identity_number=*")
    # The ward does not yet see the individual's details: the number only (SEC-1).
    expect(page.locator("main")).to_contain_text("19360323-9090")
    expect(page.get_by_role("button", name="Registrera vårdtillfälle")).to_be_visible()


def test_a_unit_that_is_no_ward_is_not_offered_a_stay(page: Page, world: World) -> None:
    log_in(page, "bob", PASSWORD)
    page.get_by_role("link", name="Vårdtillfällen").click()
    expect(page.get_by_role("heading", name="Nytt vårdtillfälle")).to_have_count(0)


def test_the_overview_leads_from_the_individual_to_the_case(
    page: Page, world: World, day: Day
) -> None:
    log_in(page, "alice", PASSWORD)
    page.locator("table.overview").get_by_role("link", name="Sture Lundberg").first.click()
    page.wait_for_url(f"**/sip/{world.case.pk}/")
    page.go_back()
    page.locator("table.overview").get_by_role("link", name="Greta Holmström").first.click()
    page.wait_for_url(f"**/stays/{day.stay_case.pk}/")


def test_the_invoicing_staff_find_the_liability_export_on_the_stays_page(
    page: Page, world: World
) -> None:
    """Issue 18 item 12: the CSV was linked nowhere and answered "Okänd kommun." without
    parameters. From the stays page a form (municipality, month) gives the file."""
    make_user("ivar", world.participant_unit, Membership.Role.INVOICING)
    log_in(page, "ivar", PASSWORD)
    page.get_by_role("link", name="Vårdtillfällen").click()
    page.get_by_role("link", name="Betalningsansvar per månad").click()
    expect(page.get_by_role("heading", name="Betalningsansvar per månad")).to_be_visible()
    expect(page.get_by_label("Kommun")).to_have_value("lulea")
    check(page, "liability-form-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    check(page, "liability-form-390")
    page.locator("#liability_month").fill("2026-11")
    with page.expect_download() as download:
        page.get_by_role("button", name="Ladda ner CSV-filen").click()
    assert download.value.suggested_filename == "betalningsansvar-lulea-2026-11.csv"
    with open(download.value.path(), encoding="utf-8-sig") as csv_file:
        assert csv_file.readline().startswith("ärende;personnummer;avdelning")
