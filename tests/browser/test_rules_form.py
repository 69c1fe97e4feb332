"""The county administrator edits the rule set in a Swedish form (issue 18 item 13), in Chromium:
each rule with its meaning, unit and source; a bad value is refused on its own field."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from samordna.organisations.models import User
from tests.browser.conftest import check
from tests.conftest import World, force_full_login


def test_the_rule_set_form(page: Page, live_server: Any, world: World) -> None:
    client = force_full_login(Client(), User.objects.create_superuser("root", password="x"))
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(f"/admin/organisations/county/{world.county.pk}/change/")
    expect(page.get_by_label("Brytpunkt för betalningsansvaret")).to_have_value("12:00")
    expect(page.locator("#id_payment_cutoff_helptext")).to_contain_text(
        "Länsgemensam riktlinje för samverkan, Norrbottens län"
    )
    check(page, "admin-county-rules")
    page.get_by_label("Tidigaste möte").fill("30")
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.locator(".field-meeting_min_days .errorlist")).to_contain_text(
        "får inte vara större än"
    )
    world.county.refresh_from_db()
    assert world.county.rule_set.meeting_min_days == 3
