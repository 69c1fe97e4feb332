"""Federated login with OpenID Connect (issue 17): one Authlib client per configured provider.

The authorization code flow with PKCE. Authlib keeps state, nonce and the code verifier in the
session under the state, and pops them when the callback comes, so a callback is accepted once;
the provider refuses a code used twice. The ID token is checked here, stricter than Authlib's
defaults: signature against the provider's JWKS, issuer and audience as configured (Authlib alone
checks ``aud`` only through ``azp``), expiry and issue time with one minute of leeway, and the
nonce of this session. What is refused raises ``Refused`` with a Swedish message.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from joserfc import errors as jose_errors

from samordna.accounts.oidc_config import OidcProvider

log = logging.getLogger("samordna.security")

LEEWAY_SECONDS = 60
TIMEOUT_SECONDS = 10
MAX_CLAIM_LENGTH = 255

_clients: dict[OidcProvider, DjangoOAuth2App] = {}
_lock = threading.Lock()


class Refused(Exception):
    """A federated login that does not go through: ``reason`` for the log, ``message`` (Swedish
    through the catalogue) for the person."""

    def __init__(self, reason: str, message: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class Identity:
    provider: OidcProvider
    value: str  # the matching claim's value
    claims: dict[str, Any]
    id_token: str


def providers() -> list[OidcProvider]:
    return list(settings.OIDC_PROVIDERS)


def get(name: str) -> OidcProvider | None:
    return next((p for p in providers() if p.name == name), None)


def client(provider: OidcProvider) -> DjangoOAuth2App:
    """Kept per configuration, so the provider's metadata and keys are fetched once per process
    (and the keys again when a token names a key not seen yet)."""
    with _lock:
        app = _clients.get(provider)
        if app is None:
            app = OAuth().register(
                name=f"oidc-{provider.name}",
                client_id=provider.client_id,
                client_secret=provider.client_secret,
                server_metadata_url=provider.issuer.rstrip("/")
                + "/.well-known/openid-configuration",
                client_kwargs={
                    "scope": provider.scope,
                    "code_challenge_method": "S256",
                    "default_timeout": TIMEOUT_SECONDS,
                },
            )
            _clients[provider] = app
    return app


def _metadata(provider: OidcProvider) -> dict[str, Any]:
    try:
        metadata: dict[str, Any] = client(provider).load_server_metadata()
    except (requests.RequestException, ValueError) as error:
        log.warning("oidc %s: metadata unavailable: %s", provider.name, error)
        raise Refused(
            "unreachable", _("The login service does not answer. Try again later.")
        ) from error
    if metadata.get("issuer") != provider.issuer:
        # A provider must name itself as configured (mix-up protection, OIDC Discovery 4.3).
        raise Refused("metadata", _("The login service is not configured correctly."))
    return metadata


def redirect_uri(
    request: HttpRequest, provider: OidcProvider, callback: str = "accounts:oidc-callback"
) -> str:
    return provider.redirect_uri or request.build_absolute_uri(
        reverse(callback, args=[provider.name])
    )


def start(
    request: HttpRequest, provider: OidcProvider, callback: str = "accounts:oidc-callback"
) -> str:
    """The provider's authorization URL; state, nonce and PKCE verifier go into the session.
    ``callback``: the URL name the provider sends back to (the individual's login has its own,
    ``mypages:oidc-callback``); Authlib keeps it with the state for the token request."""
    _metadata(provider)
    app = client(provider)
    try:
        response = app.authorize_redirect(
            request, redirect_uri(request, provider, callback), ui_locales="sv"
        )
    except (requests.RequestException, RuntimeError) as error:
        raise Refused(
            "unreachable", _("The login service does not answer. Try again later.")
        ) from error
    return str(response["Location"])


def complete(request: HttpRequest, provider: OidcProvider) -> Identity:
    """Check the provider's answer on the callback and return who logged in."""
    app = client(provider)
    state = request.GET.get("state", "")
    if not state or app.framework.get_state_data(request.session, state) is None:
        raise Refused(
            "state",
            _(
                "This login was not started in this browser, or it has already been used. "
                "Start again from the login page."
            ),
        )
    if request.GET.get("error"):
        app.framework.clear_state_data(request.session, state)
        # Only an RFC 6749 error code's characters reach the security log (no forged lines).
        code = re.sub(r"[^a-z_]", "?", request.GET.get("error", "")[:40])
        raise Refused(
            f"provider:{code}",
            _("The login service did not log you in. Start again from the login page."),
        )
    if not request.GET.get("code"):
        # Authlib would raise MissingCodeException (not an OAuthError): refuse it here.
        app.framework.clear_state_data(request.session, state)
        raise Refused("no-code", _("The login could not be confirmed. Start again."))
    _metadata(provider)
    claims_options = {
        "iss": {"essential": True, "values": [provider.issuer]},
        "aud": {"essential": True, "values": [provider.client_id]},
        "sub": {"essential": True},
        "exp": {"essential": True},
        "iat": {"essential": True},
    }
    try:
        token = app.authorize_access_token(
            request, claims_options=claims_options, leeway=LEEWAY_SECONDS
        )
    except OAuthError as error:
        reason = "code" if error.error == "invalid_grant" else f"token:{error.error}"
        raise Refused(reason, _("The login could not be confirmed. Start again.")) from error
    except requests.RequestException as error:
        raise Refused(
            "unreachable", _("The login service does not answer. Try again later.")
        ) from error
    except jose_errors.ExpiredTokenError as error:
        raise Refused("expired", _("The login has expired. Start again.")) from error
    except jose_errors.ClaimError as error:
        raise Refused(
            f"claim:{error.claim}", _("The login could not be confirmed. Start again.")
        ) from error
    except jose_errors.JoseError as error:
        raise Refused(
            f"token:{error.error}", _("The login could not be confirmed. Start again.")
        ) from error
    except AuthlibBaseError as error:  # any other Authlib refusal (e.g. an OAuth2Error)
        raise Refused(
            f"authlib:{type(error).__name__}", _("The login could not be confirmed. Start again.")
        ) from error
    claims = token.get("userinfo")
    if not claims or not token.get("id_token"):
        raise Refused("no-id-token", _("The login could not be confirmed. Start again."))
    value = claims.get(provider.claim)
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_CLAIM_LENGTH:
        raise Refused(
            f"no-claim:{provider.claim}",
            _("The login service did not say who you are. Contact your unit administrator."),
        )
    return Identity(provider, value.strip(), dict(claims), str(token["id_token"]))


def logout_url(
    request: HttpRequest, provider: OidcProvider, id_token: str, after_name: str = "accounts:login"
) -> str | None:
    """RP-initiated logout: the provider's end-session URL, or None when it has none."""
    if not provider.end_session:
        return None
    try:
        metadata = _metadata(provider)
    except Refused:
        return None
    if not metadata.get("end_session_endpoint"):
        return None
    after = provider.post_logout_redirect_uri or request.build_absolute_uri(reverse(after_name))
    result = client(provider).create_logout_url(
        post_logout_redirect_uri=after,
        id_token_hint=id_token,
        client_id=provider.client_id,
        ui_locales="sv",
    )
    return str(result["url"])
