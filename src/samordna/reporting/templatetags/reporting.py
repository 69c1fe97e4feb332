from django import template

from samordna.reporting.queries import Shown

register = template.Library()


@register.filter
def get_text(shown: Shown, name: str) -> str:
    """A count as shown: "<5" when suppressed (RPT-3)."""
    return shown.text(name)
