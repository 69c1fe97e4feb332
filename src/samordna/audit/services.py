"""Writing the access log. Every view and API endpoint that touches personal data calls ``log``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from samordna.audit.models import AccessLog

if TYPE_CHECKING:
    from samordna.accounts.actor import Actor
    from samordna.people.models import Person


def log(
    actor: Actor,
    action: str,
    what: str,
    person: Person | None = None,
    purpose: str = "",
) -> AccessLog:
    return AccessLog.objects.create(
        user=actor.user,
        unit=actor.unit,
        person=person,
        action=action,
        what=what[:200],
        purpose=purpose[:200],
        via=actor.via,
        ip=actor.ip,
    )


def log_many(
    actor: Actor, action: str, what: str, persons: list[Person], purpose: str = ""
) -> None:
    """One row per person shown in a result list, in one INSERT."""
    AccessLog.objects.bulk_create(
        AccessLog(
            user=actor.user,
            unit=actor.unit,
            person=person,
            action=action,
            what=what[:200],
            purpose=purpose[:200],
            via=actor.via,
            ip=actor.ip,
        )
        for person in persons
    )
