"""A coordinator amends the consent in the browser: a unit forgotten when consent was recorded is
added once the individual has agreed to it, and the earlier version stays readable (issue 18
item 2). At 390 px (a phone) and 1280 px, axe-core clean."""

from __future__ import annotations

from django.utils import timezone
from playwright.sync_api import Page, expect

from samordna.cases import services as cases
from samordna.cases.models import Case
from samordna.sip.models import Consent
from tests.browser.conftest import check, log_in
from tests.conftest import PASSWORD, World


def test_a_forgotten_unit_is_added_to_the_consent(page: Page, world: World) -> None:
    cases.take_part(world.case, world.unrelated_unit)  # invited, but not named in the consent
    log_in(page, "alice", PASSWORD)
    page.goto(f"/sip/{world.case.pk}/")
    # The form is folded: opening its <details> loads it (htmx).
    page.locator("details[data-form] summary", has_text="Ändra samtycket").click()
    form = page.locator(f"form[action='/sip/{world.case.pk}/consent/amend/']")
    expect(form.get_by_label("Namn på den som lämnade det")).to_have_value("Sture Lundberg")
    form.get_by_label(str(world.unrelated_unit), exact=True).check()
    form.get_by_label("Vad som rättas eller läggs till, och varför").fill(
        "Hemsjukvården i Piteå glömdes när samtycket registrerades"
    )
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    # Adding a unit is refused until the individual's agreement is confirmed, at the checkbox.
    error = page.locator("#amend_widening_confirmed_error")
    expect(error).to_contain_text("Bekräfta att den enskilde har samtyckt")
    assert Consent.objects.filter(case=world.case).count() == 1
    page.set_viewport_size({"width": 390, "height": 844})
    check(page, "consent-amendment-refused-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    form = page.locator(f"form[action='/sip/{world.case.pk}/consent/amend/']")
    form.get_by_label("Den enskilde har samtyckt till att uppgifter delas").check()
    form.get_by_label("När den enskilde samtyckte till de tillagda enheterna").fill(
        timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    )
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("Samtycket är ändrat")
    section = page.locator("section[aria-labelledby=consent-h]")
    expect(section).to_contain_text("Ersatt av en ändring")
    expect(section).to_contain_text("Hemsjukvården i Piteå glömdes")
    expect(section).to_contain_text("Den enskilde samtyckte till de tillagda enheterna")
    check(page, "consent-amended-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    check(page, "consent-amended-390")
    charlie = world.actor(world.charlie)
    assert Case.objects.visible_to(charlie).filter(pk=world.case.pk).exists()
