"""The select list written in Python (``samordna/rendering.py``) is Django's, character for
character: for any choices, optgroups, values, labels and attributes, the renderer's output
equals Django's own templates' (``django.forms.renderers.DjangoTemplates``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from samordna.rendering import Renderer, render_select

DJANGO = DjangoTemplates()
OURS = Renderer()

# Text a label or value may hold: markup, quotes, ampersands, Swedish letters, spaces.
text = st.text(alphabet=st.sampled_from(list("aåÖz 0<>&\"'/=;é")), max_size=8)
value = st.one_of(text, st.integers(-5, 20_000), st.just(""))
label = st.one_of(
    text,
    text.map(mark_safe),
    st.integers(0, 20_000),
    st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)),
)


class Called:
    """A value the templates call (and one that asks not to be)."""

    def __init__(self, text: str, call: bool = True) -> None:
        self.text, self.do_not_call_in_templates = text, not call

    def __call__(self) -> str:
        return f"called {self.text}"

    def __str__(self) -> str:
        return f"str {self.text}"


called = st.builds(Called, text, st.booleans())  # the renderer leaves these to the templates
value = st.one_of(value, called)
label = st.one_of(label, called)
choice = st.tuples(value, label)
group = st.tuples(text.filter(bool), st.lists(choice, max_size=3))
choices = st.lists(st.one_of(choice, group), max_size=6)
attr_value = st.one_of(st.booleans(), text, st.integers(0, 99), text.map(mark_safe), called)
attrs = st.dictionaries(
    st.sampled_from(["id", "aria-describedby", "required", "class"]), attr_value
)


def _both(widget: forms.Select, name: str, chosen: Any) -> tuple[str, str]:
    return (
        widget.render(name, chosen, renderer=DJANGO),
        widget.render(name, chosen, renderer=OURS),
    )


@settings(max_examples=300, deadline=None)
@given(choices, attrs, st.one_of(value, st.lists(value, max_size=3)), text, st.booleans())
def test_a_select_renders_as_djangos_templates(
    options: list[Any], attributes: dict[str, Any], chosen: Any, name: str, multiple: bool
) -> None:
    widget = (forms.SelectMultiple if multiple else forms.Select)(attrs=attributes, choices=options)
    django, ours = _both(widget, name, chosen)
    assert ours == django


def test_the_fast_path_is_taken_and_an_own_option_template_is_left_to_django() -> None:
    widget = forms.Select(choices=[(1, "Ett"), (2, "Två")])
    context = widget.get_context("n", 2, None)
    assert render_select(context["widget"]) == (
        '<select name="n">\n  <option value="1">Ett</option>\n\n'
        '  <option value="2" selected>Två</option>\n\n</select>'
    )

    class Own(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    own = Own(choices=[(1, "Ett")])
    assert render_select(own.get_context("n", 1, None)["widget"]) is None
    django, ours = _both(own, "n", 1)
    assert ours == django


def test_the_form_renderer_in_use_is_this_one(settings: Any) -> None:
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), Renderer)
    assert settings.FORM_RENDERER == "samordna.rendering.Renderer"
