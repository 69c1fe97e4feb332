"""The messages section of the stay and SIP pages, so those pages' views need not change."""

from __future__ import annotations

from typing import Any

from django import template

from samordna.cases.models import Case
from samordna.messaging.services import reading as message_reading

register = template.Library()


@register.inclusion_tag("messaging/_case_messages.html", takes_context=True)
def case_messages(context: dict[str, Any], case: Case) -> dict[str, Any]:
    """The threads of the case the unit is party to, and a link to write a new one. The page
    has already read the case through the choke point."""
    actor = context["request"].actor
    return {"case": case, "threads": message_reading.of_case(actor, case), "actor": actor}
