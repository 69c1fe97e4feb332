"""The foundation in a real browser: login, unit switching, search, registration, access log."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from samordna.organisations.models import Membership
from samordna.people.models import Person
from tests.accounts.test_otp import with_app
from tests.browser.conftest import check, log_in
from tests.conftest import PASSWORD, World
from tests.people.test_services import PROTECTED_ADULT, UNREGISTERED_ADULT


def test_login_unit_switch_and_search(page: Page, world: World) -> None:
    Membership.objects.create(user=world.alice, unit=world.ward, role="nurse")
    page.goto("/login/")
    check(page, "01-login")
    log_in(page, "alice", PASSWORD)

    expect(page.get_by_role("heading", name="Vilken enhet arbetar du för?")).to_be_visible()
    check(page, "02-choose-unit")
    page.get_by_label(re.compile(world.owner_unit.name)).check()
    page.get_by_role("button", name="Fortsätt").click()
    expect(page.get_by_test_id("active-unit")).to_have_text(world.owner_unit.name)

    page.get_by_label("Sök på personnummer eller namn").fill("Lundberg")
    page.get_by_role("button", name="Sök").click()
    expect(page.get_by_role("link", name="Lundberg, Sture")).to_be_visible()
    check(page, "03-search-results")
    page.get_by_role("link", name="Lundberg, Sture").click()
    expect(page.get_by_role("heading", name="Sture Lundberg")).to_be_visible()
    check(page, "04-person")
    person_url = page.url

    page.get_by_role("link", name="Byt enhet").click()
    page.get_by_label(re.compile(world.ward.name)).check()
    page.get_by_role("button", name="Fortsätt").click()
    expect(page.get_by_test_id("active-unit")).to_have_text(world.ward.name)
    # The ward takes part in no case of the person: the same page is now not found.
    response = page.goto(person_url)
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Hittades inte")).to_be_visible()
    check(page, "05-not-visible-after-switch")


def test_registration_refuses_bad_numbers_then_registers(page: Page, world: World) -> None:
    log_in(page, "alice", PASSWORD)
    page.get_by_role("link", name="Registrera individ").first.click()
    field = page.get_by_label("Personnummer eller samordningsnummer")
    # A typing error marks the field; a refusal says why in the form's alert, with no field to
    # correct (issue 18 item 15).
    for bad, message, where in [
        ("19920918-2395", "Kontrollsiffran", ".field .error"),
        ("19920918-R123", "telefon", ".form-errors"),
        ("99012345-6789", "telefon", ".form-errors"),  # PER-5: Region Stockholm, digits only
        (PROTECTED_ADULT, "skyddad identitet", ".form-errors"),
    ]:
        field.fill(bad)
        page.get_by_role("button", name="Fortsätt").click()
        expect(page.locator(where)).to_contain_text(message)
        if where == ".form-errors":
            expect(page.locator(".form-errors")).not_to_contain_text("Rätta de markerade fälten")
        field = page.get_by_label("Personnummer eller samordningsnummer")
    check(page, "06-register-refused")
    assert not Person.objects.filter(identity_number=PROTECTED_ADULT).exists()

    field.fill("19920918-2394")
    page.get_by_role("button", name="Fortsätt").click()
    expect(page.get_by_label("Efternamn")).to_have_value("Sundström")  # from the register
    page.get_by_label("Folkbokföringskommun").select_option(label="Luleå kommun")
    check(page, "07-register-form")
    page.get_by_role("button", name="Registrera", exact=True).click()
    expect(page.get_by_role("heading", name="Erik Sundström")).to_be_visible()
    assert Person.objects.filter(identity_number=UNREGISTERED_ADULT).exists()


def test_unrelated_unit_sees_nothing(page: Page, world: World) -> None:
    log_in(page, "charlie", PASSWORD)
    page.get_by_label("Sök på personnummer eller namn").fill("Lundberg")
    page.get_by_role("button", name="Sök").click()
    expect(page.get_by_text("Ingen individ matchar sökningen.")).to_be_visible()
    response = page.goto(f"/persons/{world.person.pk}/")
    assert response is not None and response.status == 404
    expect(page.get_by_text("Sture")).to_have_count(0)


def test_access_log_shows_the_read(page: Page, world: World) -> None:
    log_in(page, "alice", PASSWORD)
    page.goto(f"/persons/{world.person.pk}/")
    page.get_by_role("button", name="Logga ut").click()
    expect(page.get_by_role("heading", name="Logga in i Samordna")).to_be_visible()
    with_app(world.admin)  # a unit administrator logs in with a code too
    log_in(page, "admin", PASSWORD)
    page.get_by_role("link", name="Åtkomstlogg").click()
    row = page.get_by_role("row").filter(has_text="Individens sida").filter(has_text="alice")
    expect(row).to_contain_text("19360323-9090")
    check(page, "08-access-log")
    page.get_by_label("Användarnamn").fill("alice")
    page.get_by_role("button", name="Filtrera").click()
    expect(page.get_by_role("row").filter(has_text="Individens sida")).to_have_count(1)
    with page.expect_download() as download:
        page.get_by_role("link", name="Exportera som CSV").click()
    assert "Individens sida" in download.value.path().read_text(encoding="utf-8-sig")
