"""``{% oidc_buttons next %}``: one "Log in with <provider>" link per configured provider."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from samordna.accounts import oidc

register = template.Library()


@register.inclusion_tag("accounts/_oidc_buttons.html", takes_context=True)
def oidc_buttons(context: dict[str, Any], next_url: str = "") -> dict[str, Any]:
    request = context.get("request")
    host = {request.get_host()} if request is not None else set()
    query = (
        "?" + urlencode({"next": next_url})
        if next_url and url_has_allowed_host_and_scheme(next_url, host)
        else ""
    )
    return {
        "providers": [
            (p.label, reverse("accounts:oidc-start", args=[p.name]) + query)
            for p in oidc.providers()
        ]
    }
