"""A 200-character unbroken name must wrap, not widen the page (issue 18 item 7).

Before, such a name overflowed its card and made the SIP case page 2,300 px wide at 390 px. Every
page that shows the individual's name is opened at a phone's and a desktop's width, and the
document must be no wider than the window.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from samordna.cases.acts import touch
from samordna.people.models import Person
from tests.browser.conftest import check, log_in
from tests.conftest import PASSWORD, World

LONG = "Långnamn" + "x" * 92  # 100 characters, the longest a name field takes
WIDTHS = [390, 1280]


@pytest.mark.parametrize("width", WIDTHS)
def test_a_long_unbroken_name_wraps_everywhere(page: Page, world: World, width: int) -> None:
    Person.objects.filter(pk=world.person.pk).update(first_name=LONG, last_name=LONG)
    touch(world.case.pk)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "alice", PASSWORD)
    page.goto(reverse("overview:overview"))  # the header and the lists must not widen either
    check(page, f"long-name-overview-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for name, url in [
        ("sip-case", reverse("sip:case", args=[world.case.pk])),
        ("person", reverse("people:detail", args=[world.person.pk])),
        ("search", reverse("people:search") + "?q=Långnamn"),
    ]:
        page.goto(url)
        assert page.get_by_text(LONG[:20], exact=False).first.is_visible()
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"{name} is {wide} px wide at {width} px"
        check(page, f"long-name-{name}-{width}")
