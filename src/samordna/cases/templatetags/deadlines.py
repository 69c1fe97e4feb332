"""Showing deadlines the way the routines say them: "within 3 days" means by the end of a day.

A deadline stored as local midnight is shown as the date of the day that ends there; any other
time (e.g. an acknowledgement due at 12:00) is shown with its clock time.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def due(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    if local.time() == dt.time(0, 0):
        return (local.date() - dt.timedelta(days=1)).isoformat()
    return local.strftime("%Y-%m-%d %H:%M")
