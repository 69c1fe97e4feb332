"""A system's own webhook subscriptions, kept through the API (API-3): create, list, change,
delete and a new signing secret, each act one transaction.

A system is an API token's name at its unit (``samordna create-token --name SYSTEM --unit
UNIT``): it sees and changes only the subscriptions of that name at that unit (those an
administrator made for it in the admin too), so one system never learns another's URL or
secret. The subscription hears only of cases its unit sees (``outbox``), whoever made it.

The URL is checked at the boundary: ``https://`` (``http://`` only to this machine, for a
receiver beside Samordna, or with ``DEBUG``), a host, no user name or password in it (they
would be shown in the admin), no fragment, at most 500 characters.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from samordna.accounts.actor import Actor
from samordna.cases.acts import act
from samordna.errors import Conflict, Forbidden, NotFound, ServiceError
from samordna.validation import has_nul
from samordna.webhooks.models import EventType, Subscription, new_secret

MAX_URL = 500
MAX_SUBSCRIPTIONS = 20  # per system and unit: a guard against a runaway integration
LOCAL_HOSTS = {"localhost"}


def _system(actor: Actor) -> str:
    if not actor.system:
        raise Forbidden(
            "not_a_system",
            _("Webhook subscriptions belong to an integrating system: use its API token."),
        )
    return actor.system


def mine(actor: Actor) -> QuerySet[Subscription]:
    """The subscriptions of the calling system at its unit."""
    return Subscription.objects.filter(unit=actor.unit, name=_system(actor))


def get(actor: Actor, pk: int) -> Subscription:
    found = mine(actor).filter(pk=pk).first()
    if found is None:
        raise NotFound("not_found", _("The webhook subscription was not found."))
    return found


def _is_local(host: str) -> bool:
    if host in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str) -> str:
    refused = ServiceError(
        "invalid_url",
        _(
            "Give the receiver's full address, https://host/path (http:// only to this "
            "machine), without user name, password or #fragment, at most 500 characters."
        ),
        "url",
    )
    if not isinstance(url, str) or has_nul(url) or len(url) > MAX_URL or url != url.strip():
        raise refused
    try:
        URLValidator(schemes=["http", "https"])(url)
        parts = urlsplit(url)
        host = parts.hostname or ""
    except (ValidationError, ValueError):
        raise refused from None
    if parts.username is not None or parts.password is not None or parts.fragment or not host:
        raise refused
    if parts.scheme == "http" and not (settings.DEBUG or _is_local(host)):
        raise refused
    return url


def check_types(types: list[str]) -> list[str]:
    known = set(EventType.values)
    if not types or any(t not in known for t in types):
        raise ServiceError(
            "invalid_event_types",
            _("Choose one or more of the event types: %(types)s.")
            % {"types": ", ".join(EventType.values)},
            "event_types",
        )
    return list(dict.fromkeys(types))  # each once, in the order given


def _locked(actor: Actor, pk: int, version: int | None) -> Subscription:
    found = mine(actor).select_for_update().filter(pk=pk).first()
    if found is None:
        raise NotFound("not_found", _("The webhook subscription was not found."))
    if version is not None and found.version != version:
        raise Conflict(
            "edit_conflict",
            _(
                "Someone else changed the subscription since you read it. Nothing has been "
                "saved; read it again and retry."
            ),
        )
    return found


@act
def subscribe(actor: Actor, url: str, event_types: list[str], active: bool = True) -> Subscription:
    system = _system(actor)
    url, types = check_url(url), check_types(event_types)
    if mine(actor).count() >= MAX_SUBSCRIPTIONS:
        raise ServiceError(
            "too_many_subscriptions",
            _("A system may have at most %(n)d subscriptions per unit.") % {"n": MAX_SUBSCRIPTIONS},
        )
    return Subscription.objects.create(
        name=system, unit=actor.unit, url=url, event_types=types, active=active
    )


@act
def change_subscription(
    actor: Actor,
    pk: int,
    version: int,
    url: str | None = None,
    event_types: list[str] | None = None,
    active: bool | None = None,
) -> Subscription:
    """A partial change: what is given is replaced, the rest kept."""
    found = _locked(actor, pk, version)
    if url is not None:
        found.url = check_url(url)
    if event_types is not None:
        found.event_types = check_types(event_types)
    if active is not None:
        found.active = active
    found.version = F("version") + 1
    found.save()
    found.refresh_from_db()
    return found


@act
def rotate_secret(actor: Actor, pk: int, version: int) -> Subscription:
    """A new signing secret, used from the next attempt on (deliveries still waiting are signed
    with it too: the receiver switches to the new one when it gets it here)."""
    found = _locked(actor, pk, version)
    found.secret = new_secret()
    found.version = F("version") + 1
    found.save()
    found.refresh_from_db()
    return found


@act
def unsubscribe(actor: Actor, pk: int) -> None:
    """The subscription and its deliveries (sent, waiting or failed) are deleted."""
    _locked(actor, pk, None).delete()
