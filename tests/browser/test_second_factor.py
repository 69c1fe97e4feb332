"""The second factor and the lockout in a real browser (issue 17 items 2 and 3): an
administrator sets up an app from the QR page, keeps the recovery codes, logs in with a
recovery code and with a code; wrong passwords lock the account with a Swedish message."""

from __future__ import annotations

import base64

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from tests.accounts.test_otp import code_of, with_app
from tests.browser.conftest import check
from tests.conftest import PASSWORD, World


def password(page: Page, username: str, secret: str) -> None:
    page.goto("/login/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(secret)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()


def test_setup_with_the_qr_page_then_log_in_with_recovery_code_and_code(
    page: Page, world: World
) -> None:
    password(page, "admin", PASSWORD)
    expect(page.get_by_role("heading", name="Ställ in tvåstegsverifiering")).to_be_visible()
    expect(page.locator("figure.qr svg")).to_be_visible()
    check(page, "otp-01-setup")
    # Nothing else is reachable before the factor is set up.
    page.goto("/persons/")
    expect(page.get_by_role("heading", name="Ställ in tvåstegsverifiering")).to_be_visible()

    key = base64.b32decode(page.get_by_test_id("otp-secret").inner_text().replace(" ", ""))
    page.get_by_label("Kod från appen").fill(f"{totp(key):06d}")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Dina reservkoder")).to_be_visible()
    codes = page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    check(page, "otp-02-recovery-codes")
    page.get_by_role("link", name="Jag har sparat koderna, fortsätt").click()
    expect(page.get_by_test_id("active-unit")).to_have_text(world.owner_unit.name)
    page.get_by_role("button", name="Logga ut").click()

    password(page, "admin", PASSWORD)
    expect(page.get_by_role("heading", name="Kod från din app")).to_be_visible()
    page.get_by_label("Kod", exact=True).fill("12345")
    page.keyboard.press("Enter")
    expect(page.locator(".field .error")).to_contain_text("Koden är fel")
    check(page, "otp-03-code-wrong")
    page.get_by_label("Kod", exact=True).fill(codes[0])
    page.keyboard.press("Enter")
    expect(page.get_by_text("Reservkoder kvar: 9.")).to_be_visible()
    expect(page.get_by_test_id("active-unit")).to_have_text(world.owner_unit.name)
    page.get_by_role("button", name="Logga ut").click()

    password(page, "admin", PASSWORD)
    device = TOTPDevice.objects.get(user=world.admin, confirmed=True)
    # The setup used this period's code; the app's next one is accepted (one step of drift).
    page.get_by_label("Kod", exact=True).fill(code_of(device, shift=1))
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("active-unit")).to_have_text(world.owner_unit.name)

    # Alice lost her phone: her unit's administrator resets her factor.
    with_app(world.alice)
    page.get_by_role("link", name="Tvåstegsverifiering").click()
    check(page, "otp-04-reset")
    page.get_by_role("button", name="Återställ tvåstegsverifieringen för Alice").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Tvåstegsverifieringen för Alice är återställd"
    )
    assert not TOTPDevice.objects.filter(user=world.alice).exists()


def test_wrong_passwords_lock_with_a_swedish_message(page: Page, world: World) -> None:
    for _ in range(5):
        password(page, "alice", "fel lösenord")
    lockout = page.get_by_test_id("lockout")
    expect(lockout).to_contain_text("För många misslyckade försök. Vänta till kl.")
    check(page, "login-locked")
    password(page, "alice", PASSWORD)  # the right one waits too
    expect(page.get_by_test_id("lockout")).to_be_visible()
    assert page.url.endswith("/login/")
