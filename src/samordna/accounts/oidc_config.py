"""The county's OpenID providers as configured (``SAMORDNA_OIDC_PROVIDERS``, README).

Pure: settings.py reads the environment through it, before Django has started.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import urlsplit

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class OidcProvider:
    name: str  # in URLs: /login/oidc/<name>/
    label: str  # "Logga in med <label>"
    issuer: str
    client_id: str
    client_secret: str
    claim: str = "sub"  # the claim whose value identifies the person (e.g. an HSA-id claim)
    scope: str = "openid"
    redirect_uri: str = ""  # default: this site's /login/oidc/<name>/callback/
    post_logout_redirect_uri: str = ""  # default: this site's login page
    end_session: bool = True  # end the provider's session too at logout, when it offers that
    # The provider itself did a second factor (SITHS card, BankID): no TOTP code after it.
    # False: whoever needs a second factor gives a TOTP code after it, as after a password.
    second_factor: bool = False

    @property
    def origin(self) -> str:
        parts = urlsplit(self.issuer)
        return f"{parts.scheme}://{parts.netloc}"


def parse(value: str | list[dict[str, Any]] | None) -> list[OidcProvider]:
    """A JSON list of objects with the fields of ``OidcProvider``; an empty value is none."""
    if not value:
        return []
    items = json.loads(value) if isinstance(value, str) else value
    if not isinstance(items, list):
        raise ConfigError("SAMORDNA_OIDC_PROVIDERS must be a JSON list")
    known = {f.name for f in fields(OidcProvider)}
    providers = []
    for item in items:
        if not isinstance(item, dict) or set(item) - known:
            raise ConfigError(f"unknown keys in an OpenID provider: {sorted(set(item) - known)}")
        try:
            provider = OidcProvider(**item)
        except TypeError as error:
            raise ConfigError(f"an OpenID provider lacks a key: {error}") from error
        if not NAME.match(provider.name):
            raise ConfigError(f"provider name {provider.name!r}: lower-case letters, digits, -")
        if urlsplit(provider.issuer).scheme not in ("https", "http") or "openid" not in (
            provider.scope.split()
        ):
            raise ConfigError(f"provider {provider.name}: an http(s) issuer and scope openid")
        if not isinstance(provider.second_factor, bool) or not isinstance(
            provider.end_session, bool
        ):
            raise ConfigError(f"provider {provider.name}: second_factor, end_session: true/false")
        providers.append(provider)
    if len({p.name for p in providers}) != len(providers):
        raise ConfigError("two OpenID providers have the same name")
    return providers


def form_action(base: list[str], providers: list[OidcProvider]) -> list[str]:
    """The CSP ``form-action`` sources: logging out is a form whose answer redirects to the
    provider's end-session endpoint, which browsers check against this list."""
    return [*base, *sorted({p.origin for p in providers} - set(base))]
