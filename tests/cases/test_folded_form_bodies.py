"""Every folded form's body (``cases.lazy_forms``) is one whole form: its tags close, and it has a
submit button inside the form. A body cut short when it was moved out of its case page renders
without complaint (the browser closes the tags), so only a check of the source finds it: the
invitation's body once lost its last lines, and with them the button that sends it."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.template.loader import get_template

from samordna.discharge.views.folded_forms import FORMS as STAY_FORMS
from samordna.sip.views.folded_forms import FORMS as SIP_FORMS

VOID = {"input", "br", "hr", "img", "meta", "link", "source", "col", "wbr"}
TEMPLATE_TAG = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)


class _Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.problems: list[str] = []
        self.forms = 0
        self.submits_in_form = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "form":
            self.forms += 1
        if tag == "button" and ("type", "submit") in attrs and "form" in self.open:
            self.submits_in_form += 1
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.open[-1:] or 'nothing'}")
            return
        self.open.pop()


def _structure(template: str) -> _Structure:
    source = get_template(template).template.source
    parser = _Structure()
    parser.feed(TEMPLATE_TAG.sub("", source))
    parser.close()
    return parser


BODIES = sorted({form.body for form in [*SIP_FORMS.values(), *STAY_FORMS.values()]})


def test_every_folded_form_is_listed() -> None:
    # 6 of the SIP case page, 8 of the stay page (the one of the planning basis included)
    assert len(BODIES) == 14, BODIES


@pytest.mark.parametrize("template", BODIES)
def test_the_body_is_one_whole_form(template: str) -> None:
    found = _structure(template)
    assert found.problems == []
    assert found.open == [], f"left open: {found.open}"
    assert found.forms == 1
    assert found.submits_in_form >= 1


def test_the_check_finds_a_body_cut_short() -> None:
    parser = _Structure()
    parser.feed('<form method="post"><details><summary>x</summary><input name="a">')
    parser.close()
    assert parser.open == ["form", "details"] and parser.submits_in_form == 0
