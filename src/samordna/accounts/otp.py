"""The second factor for local accounts: TOTP with recovery codes (issue 17 item 2).

Devices are django-otp's: a ``TOTPDevice`` (the authenticator app) and a ``StaticDevice`` whose
tokens are the recovery codes, each used up when it logs in. Who must have one: Django staff and
superusers, and whoever holds an administrator's or a county role at any unit
(``STRONG_ROLES``); with ``SAMORDNA_OTP_REQUIRED_FOR=everyone`` every local account. A user who
set up a factor of their own accord is asked for it too.

The session records where the login stands (``STATE_KEY``): after the password a user who needs
a code is *pending* and ``SecondFactorMiddleware`` lets them reach nothing but the code page (or
the setup page, when they have no device yet), logout and the static files. A federated login
through a provider configured with ``second_factor`` (``AUTH_METHOD_KEY`` = "oidc") was
authenticated strongly by the identity provider and is never asked; through any other provider
it is asked like a password login. Every login starts over (``user_logged_in`` decides the
state again).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import segno
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models import QuerySet
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from samordna.audit.models import AccessLog
from samordna.organisations.models import Membership, Unit, User

STATE_KEY = "samordna_second_factor"
PENDING_KEY = "samordna_otp_new_key"
AUTH_METHOD_KEY = "samordna_auth_method"
DONE, NOT_REQUIRED, PENDING = "done", "not-required", "pending"
STRONG_ROLES = (
    Membership.Role.UNIT_ADMIN,
    Membership.Role.COUNTY_ADMIN,
    Membership.Role.STATISTICS,
)
RECOVERY_CODES = 10
OTP_PAGES = ("accounts:otp-code", "accounts:otp-setup")


def required(user: User) -> bool:
    """Whether policy says this account must have a second factor."""
    if settings.SAMORDNA_OTP_REQUIRED_FOR == "everyone" or user.is_staff or user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role__in=STRONG_ROLES).exists()


def device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def decide(user: User) -> str:
    return PENDING if required(user) or device(user) is not None else NOT_REQUIRED


def state(request: HttpRequest) -> str:
    """Where this session's login stands: decided at login and kept in the session, so a
    request asks the database nothing (a session from before this check is decided here)."""
    if request.session.get(AUTH_METHOD_KEY) == "oidc":
        return DONE
    current: str | None = request.session.get(STATE_KEY)
    if current is None:
        current = request.session[STATE_KEY] = decide(request.user)  # type: ignore[arg-type]
    return current


@receiver(user_logged_in)
def _each_login_decides(
    sender: Any, request: HttpRequest | None, user: User, **kwargs: Any
) -> None:
    """Every login starts over: a password login of someone who needs a code is pending."""
    if request is not None and hasattr(request, "session"):
        request.session[STATE_KEY] = decide(user)


def verified(request: HttpRequest, used: Device) -> None:
    """The code was right: the login is complete, under a new session key."""
    request.session.pop(PENDING_KEY, None)
    request.session.pop("samordna_otp_failures", None)  # otp_views.FAILURES_KEY
    otp_login(request, used)
    request.session[STATE_KEY] = DONE
    request.session.cycle_key()


def normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()[:32]


def check(user: User, code: str) -> Device | None:
    """The device that accepts this code: the app's (a code used once is refused until the next
    one, django-otp's ``last_t``), else a recovery code, which is used up. The device row is
    locked, so two requests with the same code cannot both pass."""
    code = normalise(code)
    if not code:
        return None
    with transaction.atomic():
        totp = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if totp is not None and code.isdigit() and totp.verify_token(code):
            return totp
        static = StaticDevice.objects.select_for_update().filter(user=user).first()
        if static is not None and static.verify_token(code):
            return static
    return None


def pending_device(request: HttpRequest, create: bool = True) -> TOTPDevice | None:
    """The new key the setup page shows, kept in the session until a first code confirms it
    (so showing the page writes no row), as an unsaved device."""
    key = request.session.get(PENDING_KEY)
    if not isinstance(key, str) or len(key) != 40:
        if not create:
            return None
        key = random_hex(20)
        request.session[PENDING_KEY] = key
    return TOTPDevice(user=request.user, name="app", key=key, confirmed=False)


def confirm(user: User, new: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the new key with its first code; replaces any earlier factor and returns the
    new recovery codes (shown once), or None when the code is wrong. The code confirming the
    key counts as used (``last_t``): it cannot log in again."""
    code = normalise(code)
    totp = TOTP(new.bin_key, new.step, new.t0, new.digits, 0)
    if not code.isdigit() or len(code) > new.digits or not totp.verify(int(code), new.tolerance):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(
            user=user, name="app", key=new.key, confirmed=True, last_t=totp.t(), drift=totp.drift
        )
        StaticDevice.objects.filter(user=user).delete()
        static = StaticDevice.objects.create(user=user, name="recovery")
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=static, token=c) for c in codes)
        AccessLog.objects.create(
            user=user, action=AccessLog.Action.UPDATE, what="account.otp_setup"
        )
    return codes


def reset(target: User) -> int:
    """Remove every factor of an account (a lost phone); the next login sets up a new one."""
    removed = TOTPDevice.objects.filter(user=target).delete()[0]
    return removed + StaticDevice.objects.filter(user=target).delete()[0]


def secret(device: TOTPDevice) -> str:
    """The key in base32 for typing into an app, in groups of four."""
    text = base64.b32encode(device.bin_key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(device: TOTPDevice, title: str) -> str:
    """The ``otpauth://`` address as an inline SVG QR code (made on the server, no images)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=4, title=title, dark="#000", light="#fff"
    )


def _exempt_paths() -> tuple[str, ...]:
    names = (*OTP_PAGES, "accounts:logout", "accounts:login", "operations:downtime")
    return (
        *(reverse(name) for name in names),
        "/" + settings.STATIC_URL.lstrip("/"),
        "/i18n/",
        "/health",
        "/api/",
        "/documents/blank/",
    )


class SecondFactorMiddleware:
    """Keeps a pending login (password given, code not yet) away from everything but the code
    and setup pages. Goes after ``AuthenticationMiddleware``; costs no query once decided."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.exempt: tuple[str, ...] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and state(request) == PENDING:
            if self.exempt is None:
                self.exempt = _exempt_paths()
            if not request.path_info.startswith(self.exempt):
                user: User = request.user
                page = "accounts:otp-code" if device(user) else "accounts:otp-setup"
                query = urlencode({"next": request.get_full_path()})
                return redirect(reverse(page) + ("?" + query if request.method == "GET" else ""))
        return self.get_response(request)


def resettable(actor_user: User, unit: Unit, county_wide: bool) -> QuerySet[User]:
    """The accounts with a factor whose factor this administrator may reset. Never one's own;
    a reset lets the next password login set up a new factor, so nobody reaches an account with
    more rights than their own (breaker F9): a unit administrator resets those of the unit who
    hold no administrator's, county or statistics role at any unit and are not staff; a county
    administrator anyone at the county's units who is not staff. Staff and superusers: only a
    superuser (here or in the Django admin)."""
    units = (
        Unit.objects.filter(principal__county_id=unit.principal.county_id)
        if county_wide
        else [unit]
    )
    found = (
        User.objects.filter(memberships__unit__in=units)
        .filter(pk__in=TOTPDevice.objects.filter(confirmed=True).values("user"))
        .exclude(pk=actor_user.pk)
    )
    if not actor_user.is_superuser:
        found = found.exclude(is_staff=True).exclude(is_superuser=True)
    if not county_wide:
        strong = Membership.objects.filter(role__in=STRONG_ROLES).values("user")
        found = found.exclude(pk__in=strong)
    return found.distinct().order_by("last_name", "first_name", "username")


def may_reset_in_admin(actor_user: User, target: User) -> bool:
    """The Django admin's reset: staff and superuser accounts only by a superuser."""
    return actor_user.is_superuser or not (target.is_staff or target.is_superuser)
