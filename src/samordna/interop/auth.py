"""Who is calling: a system, authenticated by its API token (API-1's ``ApiToken``).

The national platform authenticates with mutual TLS; here the TLS-terminating proxy may do the
same and forward the verified client certificate's SHA-256 fingerprint in a header
(``SAMORDNA_CLIENT_CERT_HEADER``, believed only from ``SAMORDNA_TRUSTED_PROXIES``), which
``SAMORDNA_CLIENT_CERTIFICATES`` maps to the name of an API token (``fingerprint=name,...``):
the call then acts as that token's system. Without the setting only ``Authorization: Bearer
<token>`` counts. A bad token is counted against the address like the REST API's
(``accounts/throttle.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from samordna.accounts import throttle
from samordna.accounts.actor import Actor
from samordna.accounts.middleware import client_ip
from samordna.api.common import TokenAuth
from samordna.api.models import ApiToken
from samordna.organisations.models import Membership


class Unauthenticated(Exception):
    """No credentials, or credentials that name no active system."""


def system_actor(request: HttpRequest, via: str) -> Actor:
    """The actor the request's credentials name; raises ``Unauthenticated`` or
    ``throttle.Locked``."""
    certified = _by_certificate(request, via)
    if certified is not None:
        return certified
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated
    actor = TokenAuth().authenticate(request, token.strip())
    if actor is None:
        raise Unauthenticated
    return Actor(actor.user, actor.unit, actor.roles, via=via, ip=actor.ip)


def _by_certificate(request: HttpRequest, via: str) -> Actor | None:
    header = settings.SAMORDNA_CLIENT_CERT_HEADER
    if not header or request.META.get("REMOTE_ADDR") not in settings.TRUSTED_PROXIES:
        return None  # only the proxy that verified the certificate may say whose it is
    fingerprint = request.headers.get(header, "").replace(":", "").strip().lower()
    name = settings.SAMORDNA_CLIENT_CERTIFICATES.get(fingerprint) if fingerprint else None
    if name is None:
        return None
    ip = client_ip(request)
    if lock := throttle.locked(throttle.Kind.TOKEN, None, ip):
        raise throttle.Locked(lock)
    token = (
        ApiToken.objects.select_related("user", "unit__principal__county")
        .filter(name=name, revoked_at__isnull=True, user__is_active=True)
        .order_by("-created_at")
        .first()
    )
    # The system's newest token speaks for the certificate: its unit closed, it is refused (not
    # replaced by an older token of another unit under the same name).
    if token is not None and not token.unit.active:
        raise Unauthenticated
    if token is None or not Membership.objects.filter(user=token.user, unit=token.unit).exists():
        raise Unauthenticated
    return Actor.for_unit(token.user, token.unit, via=via, ip=ip)
