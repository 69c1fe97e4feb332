"""The second factor's pages: the code after the password, setting up an app, and an
administrator's reset of someone's lost factor (issue 17 item 2)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from samordna import validation
from samordna.accounts import otp, throttle
from samordna.accounts.actor import UnitRequest
from samordna.accounts.decorators import unit_required
from samordna.accounts.middleware import client_ip
from samordna.audit.models import AccessLog
from samordna.audit.services import log, log_login
from samordna.organisations.models import Membership, User

Kind = throttle.Kind
# Wrong codes in a row after one password before the login is ended (breaker F3; NIST SP
# 800-63B 5.2.2 allows at most 100): the per-window throttle alone let one pending session guess
# for ever, so after these the password must be given again.
MAX_CODE_FAILURES = 20
FAILURES_KEY = "samordna_otp_failures"


class CodeForm(validation.Form):
    code = forms.CharField(label=gettext_lazy("Code"), max_length=40, strip=True)


class SetupForm(CodeForm):
    current = forms.CharField(
        label=gettext_lazy("Code from your current app"), max_length=40, strip=True, required=False
    )


def _next(request: HttpRequest) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        return ""
    return next_url


def _with_next(name: str, next_url: str) -> str:
    return reverse(name) + ("?" + urlencode({"next": next_url}) if next_url else "")


def _page(
    request: HttpRequest, template: str, context: dict[str, object], lock: throttle.Lock | None
) -> HttpResponse:
    status = 429 if lock else 400 if request.method == "POST" else 200
    response = render(request, template, {**context, "lock": lock}, status=status)
    if lock is not None:
        response["Retry-After"] = str(lock.retry_after())
    return response


def _guess(request: HttpRequest, user: User) -> tuple[throttle.Lock | None, str]:
    """The lock that stops this guess before it is checked, else ``(None, ip)``."""
    ip = client_ip(request) or ""
    return throttle.locked(Kind.CODE, user.username, ip or None), ip


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def code(request: HttpRequest) -> HttpResponse:
    """After the password: a code from the app, or a recovery code."""
    user: User = request.user  # type: ignore[assignment]
    next_url = _next(request)
    if otp.state(request) != otp.PENDING:
        return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    if otp.device(user) is None:
        return redirect(_with_next("accounts:otp-setup", next_url))
    form = CodeForm(request.POST or None)
    lock = None
    if request.method == "POST":
        lock, ip = _guess(request, user)
        if lock is None and form.is_valid():
            used = otp.check(user, form.cleaned_data["code"])
            if used is not None:
                throttle.succeeded(Kind.CODE, user.username)
                otp.verified(request, used)
                if isinstance(used, StaticDevice):
                    left = StaticToken.objects.filter(device=used).count()
                    messages.warning(
                        request,
                        _(
                            "You logged in with a recovery code, which cannot be used again. "
                            "Recovery codes left: %(left)s."
                        )
                        % {"left": left},
                    )
                return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
            lock = throttle.fail(Kind.CODE, user.username, ip or None)
            failures = request.session[FAILURES_KEY] = request.session.get(FAILURES_KEY, 0) + 1
            if failures >= MAX_CODE_FAILURES:
                return _end_pending_login(request, user, ip)
            if lock is None:
                form.add_error("code", _("The code is wrong or already used. Try again."))
    return _page(request, "accounts/otp_code.html", {"form": form, "next": next_url}, lock)


def _end_pending_login(request: HttpRequest, user: User, ip: str) -> HttpResponse:
    """Too many wrong codes after one password: log out, so the password is needed again;
    in the access log under the account and on the security logger."""
    throttle.logger.warning(
        "second factor: %s wrong codes in a row for %r from %s, login ended",
        MAX_CODE_FAILURES,
        user.username,
        ip,
    )
    log_login(user, "login.otp_failures", ip or None, refused=True)
    auth.logout(request)
    messages.error(
        request,
        _("Too many wrong codes. You have been logged out: log in again with your password."),
    )
    return redirect("accounts:login")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Set up the app: a QR code and the key as text; the first code confirms it, then the
    recovery codes are shown once."""
    user: User = request.user  # type: ignore[assignment]
    next_url = _next(request)
    if otp.device(user) is not None and otp.state(request) != otp.DONE:
        # Replacing a factor takes the current one first.
        return redirect(_with_next("accounts:otp-code", next_url))
    new = otp.pending_device(request, create=request.method == "GET")
    if new is None:  # a code for a key never shown: show one first
        return redirect(_with_next("accounts:otp-setup", next_url))
    # Replacing a factor asks for a code of the current one (breaker F5): a borrowed session
    # alone does not swap the owner's app for the borrower's.
    replacing = otp.device(user) is not None
    form = SetupForm(request.POST or None)
    lock = None
    if request.method == "POST":
        lock, ip = _guess(request, user)
        if (
            lock is None
            and form.is_valid()
            and replacing
            and otp.check(user, form.cleaned_data["current"]) is None
        ):
            lock = throttle.fail(Kind.CODE, user.username, ip or None)
            if lock is None:
                form.add_error(
                    "current",
                    _("Give a code from the app you use now, or one of your recovery codes."),
                )
        elif lock is None and form.is_valid():
            codes = otp.confirm(user, new, form.cleaned_data["code"])
            if codes is not None:
                throttle.succeeded(Kind.CODE, user.username)
                confirmed = otp.device(user)
                assert confirmed is not None
                otp.verified(request, confirmed)
                continue_url = next_url or resolve_url(settings.LOGIN_REDIRECT_URL)
                return render(
                    request,
                    "accounts/otp_recovery.html",
                    {"codes": codes, "continue_url": continue_url},
                )
            lock = throttle.fail(Kind.CODE, user.username, ip or None)
            if lock is None:
                form.add_error("code", _("The code is wrong. Check the app's clock and try again."))
    context = {
        "form": form,
        "next": next_url,
        "qr": otp.qr_svg(new, _("QR code for the authenticator app")),
        "secret": otp.secret(new),
        "required": otp.required(user),
        "replacing": replacing,
    }
    return _page(request, "accounts/otp_setup.html", context, lock)


@never_cache
@unit_required(Membership.Role.UNIT_ADMIN, Membership.Role.COUNTY_ADMIN)
@require_http_methods(["GET", "POST"])
def reset(request: UnitRequest) -> HttpResponse:
    """An administrator resets the factor of someone who lost their phone (logged)."""
    actor = request.actor
    county_wide = actor.has_role(Membership.Role.COUNTY_ADMIN)
    candidates = otp.resettable(actor.user, actor.unit, county_wide)
    if request.method == "POST":
        chosen = request.POST.get("user", "")
        target = (
            candidates.filter(pk=int(chosen)).first()
            if chosen.isdecimal() and len(chosen) < 19
            else None
        )
        if target is None:
            messages.error(request, _("Choose one of the listed accounts."))
        else:
            otp.reset(target)
            log(actor, AccessLog.Action.UPDATE, f"account.otp_reset: {target.username}")
            messages.success(
                request,
                _("The second factor of %(user)s is reset: a new one is set up at next login.")
                % {"user": target},
            )
            return redirect("accounts:otp-reset")
    return render(
        request,
        "accounts/otp_reset.html",
        {"candidates": candidates, "county_wide": county_wide},
        status=400 if request.method == "POST" else 200,
    )
