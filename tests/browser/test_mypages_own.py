"""Issue 15 items 3-5 in Chromium: a guardian of two children logs in through the local OpenID
provider, chooses whose pages, sees whose they are, reads who has read the child's information
and opens the notification settings. axe-core at 390 and 1280 px on each page; the 390 px
screenshots are saved as ``mypages-own-*-390.png``."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Page, expect

from samordna.audit.models import AccessLog
from samordna.people.models import Person, Representative
from tests.browser.test_mypages import (  # noqa: F401  (the fixtures)
    both,
    idp,
    individual_browser_idp,
    log_in_as_individual,
)
from tests.conftest import World, valid_identity_number
from tests.oidc_provider import LocalProvider

GUARDIAN = "198005171239"  # "annakarin" of tests/oidc_provider.py


def child(world: World, born: dt.date, first: str, serial: int) -> Person:
    kid = Person.objects.create(
        identity_number=valid_identity_number(f"{born:%Y%m%d}", serial),
        first_name=first,
        last_name="Sundqvist",
        municipality=world.lulea,
    )
    Representative.objects.create(
        person=kid, kind="guardian", name="Anna-Karin Sundqvist", identity_number=GUARDIAN
    )
    return kid


def test_a_guardian_chooses_a_child_and_reads_who_has_read(
    page: Page,
    world: World,
    idp: LocalProvider,  # noqa: F811
) -> None:
    today = dt.date.today()  # the 28th at the latest: the run may start on 29 February
    child(world, dt.date(today.year - 12, today.month, min(today.day, 28)), "Elsa", 239)
    olle = child(world, dt.date(today.year - 8, today.month, min(today.day, 28)), "Olle", 131)
    AccessLog.objects.create(
        user=world.bob,
        unit=world.participant_unit,
        person=olle,
        action="read",
        what="sip.plan.read",
    )
    page.set_viewport_size({"width": 390, "height": 900})
    log_in_as_individual(page, "annakarin")
    # Two children: the login lands on the chooser, not on the first child's pages.
    expect(page).to_have_url(re.compile(r"/mina-sidor/vems-sidor/$"))
    expect(page.get_by_role("heading", name="Vems sidor vill du se?")).to_be_visible()
    both(page, "mypages-own-01-choose")
    page.get_by_role("button", name="Olle Sundqvist").click()
    expect(page.get_by_test_id("whose")).to_contain_text("Olle Sundqvist")

    page.get_by_role("navigation").get_by_role("link", name="Vem har läst").click()
    expect(page.get_by_role("heading", name="Vem har läst mina uppgifter")).to_be_visible()
    extract = page.get_by_test_id("log-extract")
    expect(extract).to_contain_text("Luleå biståndshandläggning")
    expect(extract).to_contain_text("En vårdnadshavare, på dina sidor")
    expect(extract).not_to_contain_text("Bob")
    both(page, "mypages-own-02-access-log")

    page.get_by_role("navigation").get_by_role("link", name="Aviseringar").click()
    expect(page.get_by_role("heading", name="Aviseringar")).to_be_visible()
    page.get_by_label("Meddela mig med e-post").check()
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Ange e-postadressen du vill få besked till.")).to_be_visible()
    both(page, "mypages-own-03-notifications-refused")
    page.get_by_label("E-postadress").fill("anna-karin@example.se")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Dina val är sparade.")).to_be_visible()
    both(page, "mypages-own-04-notifications")
