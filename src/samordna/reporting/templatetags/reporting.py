from django import template

from samordna.core.rules import routine_names
from samordna.reporting.queries import Shown

register = template.Library()


@register.filter
def get_text(shown: Shown, name: str) -> str:
    """A count as shown: "<5" when suppressed (RPT-3)."""
    return shown.text(name)


@register.filter
def routines(source: str) -> str:
    """A definition's source with each routine named, not its file (as the rule form does)."""
    return routine_names(source)
