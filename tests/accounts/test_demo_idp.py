"""The demo's OpenID provider (`samordna serve --demo`): started with Node.js, configured as
provider ``demo``, the demo users linked by HSA-id, and a demo login going through."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from samordna.accounts import demo_idp
from samordna.organisations.models import FederatedIdentity
from tests.conftest import World
from tests.oidc_provider import Browser, clock_offset_ms, ensure_installed, path_of


def test_demo_provider_logs_in_a_demo_user(
    client: Client,
    world: World,
    settings,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    ensure_installed()
    settings.OIDC_PROVIDERS = []  # restored after the test, with the policy demo_idp changes
    settings.INDIVIDUAL_OIDC_PROVIDERS = []
    settings.CONTENT_SECURITY_POLICY = settings.CONTENT_SECURITY_POLICY
    monkeypatch.setattr(demo_idp, "PORT", 0)
    monkeypatch.setenv("OIDC_CLOCK_OFFSET_MS", str(clock_offset_ms()))  # the test's instant
    world.alice.username = "lena"  # a demo login
    world.alice.save()
    process = demo_idp.start("127.0.0.1:8000", None)
    assert process is not None
    try:
        [provider] = settings.OIDC_PROVIDERS
        assert provider.name == "demo" and provider.origin in str(settings.CONTENT_SECURITY_POLICY)
        link = FederatedIdentity.objects.get(user=world.alice)
        assert (link.issuer, link.value) == (provider.issuer, "SE2321000230-LENA")
        host = {"HTTP_HOST": "127.0.0.1:8000"}
        authorize = client.get(reverse("accounts:oidc-start", args=["demo"]), **host)["Location"]
        back = Browser().log_in(authorize, login="lena", password="samordna")
        assert client.get(path_of(back), **host).status_code == 302
        assert client.session["_auth_user_id"] == str(world.alice.pk)
        # The same provider logs in the demo individuals on /mina-sidor/ (issue 15).
        [individual] = settings.INDIVIDUAL_OIDC_PROVIDERS
        assert individual.claim == "personal_identity_number"
        person = Client()
        start = person.get(reverse("mypages:oidc-start", args=["demo"]), **host)["Location"]
        back = Browser().log_in(start, login="signe", password="samordna")
        assert person.get(path_of(back), **host).status_code == 302
        assert person.session["samordna_individual"]["viewer"] == "192304069285"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_demo_without_node_has_no_federated_login(
    db: None,
    settings,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    settings.OIDC_PROVIDERS = []
    monkeypatch.setattr(demo_idp.shutil, "which", lambda name: None)
    assert demo_idp.start("127.0.0.1:8000", None) is None
    assert settings.OIDC_PROVIDERS == []
