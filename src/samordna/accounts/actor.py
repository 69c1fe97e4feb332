"""Who is acting: a user, working for one unit, with the roles held there.

The web session and an API token both end up as an ``Actor``; services and the visibility choke
points take one, so they never look at requests or tokens themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from samordna.organisations.models import Membership, Unit, User


@dataclass(frozen=True)
class Actor:
    user: User
    unit: Unit
    roles: frozenset[str] = field(default_factory=frozenset)
    via: str = "web"
    ip: str | None = None
    # The integrating system an API token names (the token's name), "" on the screens.
    system: str = ""
    # The access-log rows this actor (one request) has written, so that a page that reads the
    # same case twice logs it once (audit.services.log).
    logged: dict[tuple[str, str, int | None], Any] = field(
        default_factory=dict, compare=False, repr=False
    )

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_log_reviewer(self) -> bool:
        return self.has_role(Membership.Role.UNIT_ADMIN, Membership.Role.COUNTY_ADMIN)

    @property
    def may_read_indicators(self) -> bool:
        """The county's indicators (RPT-1): its administrators, statistics staff, unit heads."""
        return self.has_role(
            Membership.Role.COUNTY_ADMIN, Membership.Role.STATISTICS, Membership.Role.UNIT_ADMIN
        )

    @classmethod
    def for_unit(cls, user: User, unit: Unit, via: str = "web", ip: str | None = None) -> Actor:
        roles = frozenset(
            Membership.objects.filter(user=user, unit=unit).values_list("role", flat=True)
        )
        return cls(user=user, unit=unit, roles=roles, via=via, ip=ip)

    @classmethod
    def member(cls, user: User, unit_id: int, ip: str | None = None) -> Actor | None:
        """The user working for the active unit ``unit_id`` (the session's choice), or None when
        they are no longer one of its members or it is no longer active: the unit (with its
        principal and county) and the roles held there in one query, as every page asks."""
        held = list(
            Membership.objects.filter(user=user, unit_id=unit_id, unit__active=True)
            .select_related("unit__principal__county")
            .order_by()
        )
        if not held:
            return None
        roles = frozenset(m.role for m in held)
        return cls(user=user, unit=held[0].unit, roles=roles, ip=ip)


class UnitRequest(HttpRequest):
    """The request type of views behind ``unit_required``: the actor is always set."""

    actor: Actor
    user: User
    htmx: HtmxDetails
