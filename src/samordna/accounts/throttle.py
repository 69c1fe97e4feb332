"""Throttling of guesses: passwords, second-factor codes and API tokens (issue 17 item 3).

Every failure is a ``Failure`` row. A key (an account, i.e. the user name as typed, or a client
address) is locked when it has ``limit`` failures within the window, until the oldest of those
leaves the window. Attempts while locked are refused without being checked and are not
counted, so the wait is bounded (at most one window after the failure that locked) and the right
password during the lock does not log in. The lock's start is written to the access log (when the
account exists) and to the ``samordna.security`` logger.

Counting is in the database, not in Django's cache: the default cache is per process, and
gunicorn runs several processes, each of which would otherwise allow its own five guesses.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import math
from dataclasses import dataclass
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from samordna.accounts.middleware import client_ip
from samordna.accounts.models import Failure
from samordna.audit.models import AccessLog
from samordna.organisations.models import User
from samordna.validation import BoundaryMixin

logger = logging.getLogger("samordna.security")
Kind = Failure.Kind


def window() -> dt.timedelta:
    return dt.timedelta(seconds=settings.THROTTLE_WINDOW_SECONDS)


@dataclass(frozen=True)
class Lock:
    until: dt.datetime
    by: str  # "account" or "address"

    def retry_after(self) -> int:
        """Whole seconds to wait, at least one (the HTTP ``Retry-After``)."""
        return max(1, math.ceil((self.until - timezone.now()).total_seconds()))

    def message(self) -> str:
        return _(
            "Too many failed attempts. Wait until %(time)s (about %(minutes)s min) and try "
            "again. If you have forgotten your password, ask your unit's administrator."
        ) % {
            "time": timezone.localtime(self.until).strftime("%H:%M"),
            "minutes": math.ceil(self.retry_after() / 60),
        }


class Locked(Exception):
    """Raised where an attempt is refused because of a lock (the API answers 429)."""

    def __init__(self, lock: Lock) -> None:
        super().__init__(lock.by)
        self.lock = lock


def account_key(username: str | None) -> str:
    return (username or "").strip().casefold()[:150]


def address_key(ip: str | None) -> str | None:
    """The address as counted: an IPv6 client by its /64 (its network's first address), since
    any IPv6 client has 2^64 addresses to spray from (breaker F4); IPv4 as it is."""
    if not ip:
        return None
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return None
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


def locked(kind: str, username: str | None, ip: str | None) -> Lock | None:
    """The lock on this account or address, if either is locked now."""
    ip = address_key(ip)
    since = timezone.now() - window()
    found = []
    key = account_key(username)
    if key:
        found += _lock(kind, "account", settings.THROTTLE_ACCOUNT_FAILURES, since, username=key)
    if ip:
        found += _lock(kind, "address", settings.THROTTLE_ADDRESS_FAILURES, since, ip=ip)
    return max(found, key=lambda lock: lock.until) if found else None


def _lock(kind: str, by: str, limit: int, since: dt.datetime, **key: str) -> list[Lock]:
    """The ``limit``-th newest failure in the window locks until it leaves the window."""
    ats = list(
        Failure.objects.filter(kind=kind, at__gt=since, **key)
        .order_by("-at")
        .values_list("at", flat=True)[limit - 1 : limit]
    )
    return [Lock(ats[0] + window(), by)] if ats else []


def fail(kind: str, username: str | None, ip: str | None, via: str = "web") -> Lock | None:
    """Count a failure; returns the lock it started, if any (then it is logged)."""
    Failure.objects.create(kind=kind, username=account_key(username), ip=address_key(ip))
    lock = locked(kind, username, ip)
    if lock is not None:
        _log_lock(kind, username, ip, via, lock)
    return lock


def succeeded(kind: str, username: str | None) -> None:
    """The account's own failures are forgiven after a success; the address's others stay."""
    if key := account_key(username):
        Failure.objects.filter(kind=kind, username=key).delete()


def _log_lock(kind: str, username: str | None, ip: str | None, via: str, lock: Lock) -> None:
    logger.warning(
        "%s guesses locked by %s: user name %r, address %s, until %s",
        kind,
        lock.by,
        account_key(username),
        ip,
        lock.until.isoformat(),
    )
    user = User.objects.filter(username__iexact=account_key(username)).first() if username else None
    if user is not None:
        AccessLog.objects.create(
            user=user,
            unit=None,
            action=AccessLog.Action.REFUSE,
            what=f"account.locked: {kind}, {lock.by}, {timezone.localtime(lock.until):%H:%M}",
            via=via,
            ip=ip,
        )


def prune(now: dt.datetime) -> int:
    """Worker job: failures older than the window count for nothing any more."""
    deleted, _rows = Failure.objects.filter(at__lte=now - window()).delete()
    return deleted


class ThrottledModelBackend(ModelBackend):
    """Django's password check, refused while the account or the address is locked.

    Every way in with a password goes through here (the login page, the admin's login), so the
    lock cannot be bypassed by choosing another form. A refusal raises ``PermissionDenied``,
    which makes ``authenticate`` stop and answer "no" without trying the password."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        ip = client_ip(request) if request is not None else None
        lock = locked(Kind.PASSWORD, username, ip)
        if lock is None:
            user = super().authenticate(request, username, password, **kwargs)
            if user is not None:
                succeeded(Kind.PASSWORD, username)
                return user
            lock = fail(Kind.PASSWORD, username, ip)
            if lock is None:
                return None
        if request is not None:
            request.samordna_lock = lock  # type: ignore[attr-defined]
        raise PermissionDenied

    async def aauthenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        """The same lock for Django's async ``aauthenticate`` (its own path otherwise)."""
        return await sync_to_async(self.authenticate)(request, username, password, **kwargs)


class ThrottledAuthenticationForm(BoundaryMixin, AuthenticationForm):
    """The login form, which tells a locked account or address how long to wait."""

    lock: Lock | None = None

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError:
            self.lock = getattr(self.request, "samordna_lock", None)
            if self.lock is not None:
                raise ValidationError(self.lock.message(), code="locked") from None
            raise


class LoginView(auth_views.LoginView):
    """Django's login view; a locked attempt answers 429 with ``Retry-After``."""

    authentication_form = ThrottledAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        lock = getattr(form, "lock", None)
        if lock is not None:
            response.status_code = 429
            response["Retry-After"] = str(lock.retry_after())
        return response
