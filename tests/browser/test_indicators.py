"""The indicators in a real browser (RPT-1): the county view and a unit head's own view, with
their charts and tables, checked with axe-core at 1280 and 390 px; the filters work with the
keyboard alone."""

from __future__ import annotations

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from samordna.organisations.models import Membership, Unit, User
from tests.browser.conftest import check, log_in
from tests.conftest import PASSWORD, World, make_user
from tests.reporting.test_views import deadlines


@pytest.fixture
def stina(world: World) -> User:
    office = Unit.objects.create(
        principal=world.region, code="office", name="Samverkanskansliet", kind="external"
    )
    user = make_user("stina", office, Membership.Role.STATISTICS)
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return user


def test_the_county_view_with_charts_tables_and_filters(
    page: Page, world: World, stina: User
) -> None:
    deadlines(world, on_time=17, late=6)
    deadlines(world, on_time=3, late=1, unit=world.participant_unit)
    log_in(page, "stina", PASSWORD)
    page.get_by_role("link", name=re.compile("^(Indicators|Indikatorer)$")).click()
    expect(page.get_by_role("img", name=re.compile("(Share on time|Andel i tid)"))).to_be_visible()
    check(page, "indicators-01-county-summary")
    page.get_by_role("link", name=re.compile("(Plans documented|Planer dokumenterade)")).click()
    expect(page.get_by_role("heading", name=re.compile("(Definition)"))).to_be_visible()
    expect(
        page.get_by_text(
            "«Länsgemensam riktlinje för samverkan, Norrbottens län» rad 516-517", exact=False
        )
    ).to_be_visible()
    # Alice's unit: 17 of 23 on time; bob's unit's 3 and 1 shown as <5 and no share.
    per_unit = page.locator("table[aria-labelledby=per-unit]")
    expect(per_unit.get_by_role("row", name=re.compile(world.owner_unit.name))).to_contain_text(
        "73,9 %"
    )
    expect(
        per_unit.get_by_role("row", name=re.compile(world.participant_unit.name))
    ).to_contain_text("<5")
    check(page, "indicators-02-county-indicator")
    # The filter by unit, with the keyboard alone.
    page.get_by_label(re.compile("^(Unit|Enhet)$")).focus()
    page.keyboard.press("ArrowDown")  # "All" → the first unit
    page.get_by_role("button", name=re.compile("^(Show|Visa)$")).focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"unit="))
    check(page, "indicators-03-filtered")
    page.set_viewport_size({"width": 390, "height": 844})
    check(page, "indicators-04-phone")


def test_a_unit_head_sees_the_unit_only(page: Page, world: World) -> None:
    deadlines(world, on_time=3, late=1)
    TOTPDevice.objects.create(user=world.admin, name="app", confirmed=True)
    log_in(page, "admin", PASSWORD)
    page.goto("/reports/plan_documented/")
    expect(page.get_by_text(world.owner_unit.name).first).to_be_visible()
    expect(page.locator("table[aria-labelledby=per-unit]")).to_have_count(0)
    expect(page.locator("table[aria-labelledby=per-month]")).to_contain_text("75,0 %")
    check(page, "indicators-05-unit-head")


def test_waiting_days_and_counts_with_charts_and_tables(
    page: Page, world: World, stina: User
) -> None:
    from samordna.reporting.models import StatCount
    from tests.reporting.test_measures import _month

    month = _month()
    for stat, key, n, total in [
        ("waiting_days", "1", 5, 5), ("waiting_days", "6", 3, 18), ("liable_stays", "", 6, 21),
        ("liable_days", str(month.year), 6, 21), ("sip_opened", "outpatient", 7, 7),
        ("sip_closed", "goals_met", 2, 2), ("stays", "", 9, 9), ("deviations", "manual", 5, 5),
    ]:  # fmt: skip
        StatCount.objects.create(
            stat=stat, month=month, county=world.county, unit=world.ward,
            municipality=world.lulea, key=key, n=n, total=total,
        )  # fmt: skip
    log_in(page, "stina", PASSWORD)
    page.goto("/reports/")
    page.get_by_role("link", name=re.compile("(Waiting days|Väntedagar)")).first.click()
    expect(page.get_by_role("img", name=re.compile("(Median)"))).to_be_visible()
    expect(page.locator("table[aria-labelledby=per-month]")).to_contain_text("1,0")
    check(page, "indicators-06-waiting")
    page.set_viewport_size({"width": 390, "height": 844})
    check(page, "indicators-07-waiting-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/reports/counts/")
    expect(page.get_by_role("img", name=re.compile("(Active SIPs|Aktiva SIP)"))).to_be_visible()
    check(page, "indicators-08-counts")
    page.set_viewport_size({"width": 390, "height": 844})
    check(page, "indicators-09-counts-phone")
