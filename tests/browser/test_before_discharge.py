"""The ward in Chromium before the patient goes home (issue 14 items 1, 12 and 13): the ward's
physician is chosen on the ready notice (seed 001_118551e475ece215.txt lines 833-835), the
self-care certificate is listed in the discharge information (lines 824-826), and before the
discharge notice the page warns that the interventions are not in place and proposes the
self-discharge flag (lines 907-916); in Gävleborg a Saturday discharge is planned on the Friday
(seed 002_ca8314ba67d4fca6.txt line 116).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from playwright.sync_api import Page, expect

from samordna.cases.models import Case
from samordna.core.rules import DEFAULT_RULE_SETS
from samordna.discharge import checks
from samordna.discharge.models import Stay
from samordna.discharge.services import collaboration as svu_collaboration_acts
from samordna.discharge.services import notices as notices_acts
from samordna.discharge.services import stays as stays_acts
from samordna.organisations.models import Membership
from tests.browser.conftest import check, log_in
from tests.browser.test_sip_lifecycle import reveal, submit
from tests.conftest import PASSWORD, World, make_user
from tests.discharge.conftest import stay_data


def test_ready_notice_documents_and_warnings_before_discharge(page: Page, world: World) -> None:
    world.county.rules = DEFAULT_RULE_SETS["gavleborg"].to_json()
    world.county.save()
    wanda = make_user("wanda", world.ward, Membership.Role.NURSE)
    erik = make_user("erik", world.ward, Membership.Role.PHYSICIAN)
    erik.first_name, erik.last_name = "Erik", "Berg"
    erik.save()
    ward = world.actor(wanda, world.ward)
    case: Case = stays_acts.register_stay(ward, world.person.identity_number, stay_data())
    notices_acts.send_admission_notice(ward, case.pk, notices_acts.default_recipients(world.person))
    today = timezone.localdate()
    saturday = today + dt.timedelta(days=(5 - today.weekday()) % 7 or 7)
    Stay.objects.filter(pk=case.pk).update(expected_discharge_on=saturday)

    log_in(page, "wanda", PASSWORD)
    page.goto(f"/stays/{case.pk}/")
    by = checks.plan_by(saturday, DEFAULT_RULE_SETS["gavleborg"])
    assert by is not None
    expect(page.locator("[data-warning=plan_before_holiday]")).to_contain_text(f"{by:%Y-%m-%d}")
    reveal(page, "/ready-notice/")
    ready = page.locator("form[action$='/ready-notice/']")
    ready.get_by_label("Ansvarig läkare").select_option(label="Erik Berg")
    ready.locator("input[name=ready_nurse]").fill("Anna Lind")
    ready.locator("input[name=medical_responsibility_to]").fill("Johan Ek, Hertsöns hc")
    ready.get_by_label("Ett egenvårdsintyg följer med patienten hem").check()
    check(page, "before-discharge-01-ready-form")
    submit(page, "/ready-notice/")
    expect(page.locator("main")).to_contain_text("Erik Berg, läkare vid avdelningen")

    # bob's unit can receive the patient only tomorrow; primary care named no care contact.
    svu_collaboration_acts.reply_to_ready(
        world.actor(world.bob), case.pk, timezone.now() + dt.timedelta(days=1), "Hemtjänst."
    )
    page.goto(f"/stays/{case.pk}/information/")
    expect(page.locator("#documents-h + ul")).to_contain_text("Uppdaterad läkemedelslista")
    expect(page.locator("#documents-h + ul")).to_contain_text("Egenvårdsintyg")
    page.goto(f"/stays/{case.pk}/")
    warnings = page.locator("#discharge-warnings")
    expect(warnings.locator("[data-warning=later_reception]")).to_contain_text(
        world.participant_unit.name
    )
    expect(warnings.locator("[data-warning=no_care_contact]")).to_be_visible()
    reveal(page, "/discharge-notice/")
    expect(page.locator("input[name=self_discharge]")).to_be_checked()  # proposed, not typed
    check(page, "before-discharge-02-warnings")
    page.set_viewport_size({"width": 390, "height": 844})
    check(page, "before-discharge-03-warnings-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    submit(page, "/discharge-notice/")
    expect(page.locator(".status")).to_contain_text("Avslutad: Utskriven")
    stay = Stay.objects.get(pk=case.pk)
    assert stay.self_discharge is True and stay.ready_physician_user == erik
