"""Federated login screens: start at the provider, come back, log out there too (accounts/oidc.py).

A person is logged in only when the provider's identity is linked to an active account
(``FederatedIdentity``, made in the admin); nobody is created by logging in, and units and roles
stay in Samordna's admin. Successful and refused logins of known accounts go to the access log;
every refusal also goes to the ``samordna.security`` log with its reason.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from samordna.accounts import oidc
from samordna.accounts.middleware import client_ip
from samordna.accounts.oidc_config import OidcProvider
from samordna.audit.services import log_login
from samordna.organisations.models import FederatedIdentity

# The marker the second-factor check respects: "oidc" when the provider did the strong
# authentication (its ``second_factor``), else "oidc-single-factor" (a TOTP code may follow).
AUTH_METHOD_KEY = "samordna_auth_method"
FEDERATED_KEY = "samordna_oidc"  # {"provider": name, "id_token": ...} for the logout
NEXT_KEY = "samordna_oidc_next"
# The model backend as configured (the throttled one): the session names it for later requests.
BACKEND = "samordna.accounts.throttle.ThrottledModelBackend"


def _provider(name: str) -> OidcProvider:
    provider = oidc.get(name)
    if provider is None:
        raise Http404
    return provider


def _refused(
    request: HttpRequest, provider: OidcProvider, refusal: oidc.Refused, status: int = 400
) -> HttpResponse:
    oidc.log.warning(
        "oidc %s: login refused (%s) from %s", provider.name, refusal.reason, client_ip(request)
    )
    return render(
        request, "accounts/oidc_refused.html", {"message": refusal.message}, status=status
    )


@never_cache
@require_GET
def start(request: HttpRequest, name: str) -> HttpResponse:
    provider = _provider(name)
    next_url = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        request.session[NEXT_KEY] = next_url
    try:
        return HttpResponseRedirect(oidc.start(request, provider))
    except oidc.Refused as refusal:
        return _refused(request, provider, refusal, status=503)


@never_cache
@require_GET
def callback(request: HttpRequest, name: str) -> HttpResponse:
    provider = _provider(name)
    try:
        identity = oidc.complete(request, provider)
    except oidc.Refused as refusal:
        status = 503 if refusal.reason == "unreachable" else 400
        return _refused(request, provider, refusal, status=status)
    link = (
        FederatedIdentity.objects.select_related("user")
        .filter(issuer=provider.issuer, value=identity.value)
        .first()
    )
    ip = client_ip(request)
    if link is None or not link.user.is_active:
        oidc.log.warning(
            "oidc %s: no active account for %s=%r from %s",
            provider.name,
            provider.claim,
            identity.value,
            ip,
        )
        if link is not None:
            log_login(link.user, f"login.oidc: {provider.label}", ip, refused=True)
        context: dict[str, Any] = {"provider": provider, "value": identity.value}
        return render(request, "accounts/oidc_unknown.html", context, status=403)
    next_url = request.session.pop(NEXT_KEY, "")
    # The first configured backend (the throttled one): it loads the user on later requests.
    auth.login(request, link.user, backend=settings.AUTHENTICATION_BACKENDS[0])
    # A provider without its own second factor is like a password: user_logged_in has
    # decided the second-factor state as for one (breaker F10).
    request.session[AUTH_METHOD_KEY] = "oidc" if provider.second_factor else "oidc-single-factor"
    request.session[FEDERATED_KEY] = {"provider": provider.name, "id_token": identity.id_token}
    log_login(link.user, f"login.oidc: {provider.label}", ip)
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = ""
    return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


class LogoutView(auth_views.LogoutView):
    """Django's logout, then the provider's end-session endpoint when the login came from one
    (RP-initiated logout with ``id_token_hint``), which brings the person back to the login page."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        federated = request.session.get(FEDERATED_KEY) or {}
        response = super().post(request, *args, **kwargs)
        provider = oidc.get(str(federated.get("provider", "")))
        if provider is not None:
            url = oidc.logout_url(request, provider, str(federated.get("id_token", "")))
            if url:
                return HttpResponseRedirect(url)
        return response
