"""The form renderer: Django's, with the select list written in Python (issue 11).

Django renders a ``<select>`` through three templates, one ``select_option.html`` and one
``attrs.html`` per option: the filters on the overview, a forwarding form's list of the county's
units or a ready notice's physicians cost 0.5–2.5 ms a page, 5–10 % of a page's CPU. This
renderer writes the same markup in Python, character for character (a property-based test
compares it with Django's templates), and leaves every other template to Django. A select
whose options use a template of their own is rendered by the templates as before.
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # not in the stubs

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


class _Templates(Exception):
    """A value the templates would call: left to them."""


def _plain(value: Any) -> Any:
    if callable(value) and not getattr(value, "do_not_call_in_templates", False):
        raise _Templates
    return value


def _shown(value: Any) -> str:
    """``{{ value }}``: as a template shows a variable (``render_value_in_context``)."""
    value = localize(template_localtime(_plain(value)))
    return conditional_escape(value if isinstance(value, str) else str(value))


def _formatted(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``: the text of the value, escaped unless marked safe."""
    text = str(_plain(value))
    return text if isinstance(value, SafeData) else conditional_escape(text)


def _attrs(attrs: dict[str, Any]) -> str:
    """``django/forms/widgets/attrs.html``."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(
            f" {_shown(name)}" if value is True else f' {_shown(name)}="{_formatted(value)}"'
        )
    return "".join(out)


def render_select(widget: dict[str, Any]) -> SafeString | None:
    """``django/forms/widgets/select.html`` for this widget context, or None when an option
    uses another template or a value is one the templates would call."""
    try:
        return _select(widget)
    except _Templates:
        return None


def _select(widget: dict[str, Any]) -> SafeString | None:
    out = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in options:
            if option["template_name"] != OPTION:
                return None
            out.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_shown(option['label'])}</option>\n"  # the option template's last line end
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return mark_safe("".join(out))


class Renderer(DjangoTemplates):
    """``FORM_RENDERER``: Django's template renderer, with ``render_select`` for selects."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == SELECT:
            rendered = render_select(context["widget"])
            if rendered is not None:
                return rendered
        return str(super().render(template_name, context, request))
