"""Federated login against a real OpenID provider (scripts/oidc-provider, issue 17 item 1).

Each refusal is checked the same way: a Swedish message, status 4xx, and no login in the session.
"""

from __future__ import annotations

import json
import logging
import socket
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samordna.accounts import oidc
from samordna.accounts.oidc_config import ConfigError, OidcProvider, parse
from samordna.audit.models import AccessLog
from samordna.organisations.models import FederatedIdentity
from tests.conftest import World
from tests.oidc_provider import ACCOUNTS, Browser, LocalProvider, path_of, query, use_providers

KARIN_HSA = ACCOUNTS[0]["claims"]["hsa_id"]  # type: ignore[index]
NOT_CONFIRMED = "Inloggningen kunde inte bekräftas"


def link(world: World, idp: LocalProvider, value: str = KARIN_HSA) -> None:
    FederatedIdentity.objects.create(user=world.alice, issuer=idp.issuer, value=value)


def start(client: Client, name: str = "region", next_url: str = "") -> str:
    url = reverse("accounts:oidc-start", args=[name])
    response = client.get(url + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302, response.content
    return str(response["Location"])


def assert_refused(response, text: str, client: Client, caplog=None, reason: str = "") -> None:  # type: ignore[no-untyped-def]
    """A Swedish message, a 4xx status, no login; and, given ``caplog``, the logged reason."""
    if caplog is not None:
        assert f"login refused ({reason})" in caplog.text
    body = response.content.decode()
    assert 400 <= response.status_code < 500, body
    assert text in body
    assert "Du är inte inloggad i Samordna" in body
    assert "_auth_user_id" not in client.session


def test_login_through_the_provider(client: Client, world: World, idp: LocalProvider) -> None:
    link(world, idp)
    authorize = start(client)
    params = query(authorize)
    assert params["code_challenge_method"] == "S256" and params["nonce"] and params["state"]
    back = Browser().log_in(authorize)
    response = client.get(path_of(back))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:choose-unit")
    assert client.session["_auth_user_id"] == str(world.alice.pk)
    assert client.session["samordna_auth_method"] == "oidc"
    response = client.get(reverse("accounts:choose-unit"), follow=True)
    assert world.owner_unit.name in response.content.decode()
    entry = AccessLog.objects.get(user=world.alice, action=AccessLog.Action.LOGIN)
    assert entry.what == "login.oidc: Region Norrbotten" and entry.unit is None
    assert entry.ip == "127.0.0.1"


def test_an_administrator_is_not_asked_for_a_second_factor(
    client: Client, world: World, idp: LocalProvider
) -> None:
    """The provider did the strong authentication (SITHS): no TOTP code after it."""
    FederatedIdentity.objects.create(user=world.admin, issuer=idp.issuer, value=KARIN_HSA)
    back = client.get(path_of(Browser().log_in(start(client))))
    response = client.get(back["Location"], follow=True)
    assert response.redirect_chain[-1][0] == reverse("overview:overview")
    assert response.status_code == 200
    assert world.owner_unit.name in response.content.decode()


def test_a_provider_without_its_own_second_factor_is_followed_by_a_code(
    client: Client,
    world: World,
    idp: LocalProvider,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    """Breaker F10: a provider not configured with ``second_factor`` (a plain password IdP)
    is like a password login: an administrator gives a TOTP code after it."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from samordna.accounts import otp
    from tests.accounts.test_otp import code_of, set_up

    use_providers(settings, [idp.config(second_factor=False)])
    FederatedIdentity.objects.create(user=world.admin, issuer=idp.issuer, value=KARIN_HSA)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        device, _codes = set_up(world.admin)
        clock.shift(30)
        idp.follow_python_clock()
        back = client.get(path_of(Browser().log_in(start(client))))
        assert back.status_code == 302
        assert client.session["samordna_auth_method"] == "oidc-single-factor"
        assert client.session[otp.STATE_KEY] == otp.PENDING
        asked = client.get(reverse("overview:overview"))
        assert asked.status_code == 302
        assert asked["Location"].startswith(reverse("accounts:otp-code"))
        code = client.post(reverse("accounts:otp-code"), {"code": code_of(device)})
        assert code.status_code == 302
        assert client.session[otp.STATE_KEY] == otp.DONE
    # Without a device yet, the setup page is where the federated login leads.
    TOTPDevice.objects.filter(user=world.admin).delete()
    other = Client()
    other.get(path_of(Browser().log_in(start(other))))
    asked = other.get(reverse("overview:overview"))
    assert asked["Location"].startswith(reverse("accounts:otp-setup"))


def test_the_page_asked_for_comes_after_login(
    client: Client, world: World, idp: LocalProvider
) -> None:
    link(world, idp)
    back = Browser().log_in(start(client, next_url="/persons/"))
    assert client.get(path_of(back))["Location"] == "/persons/"


def test_login_page_offers_each_provider(client: Client, idp: LocalProvider, settings) -> None:  # type: ignore[no-untyped-def]
    use_providers(settings, [idp.config(), idp.config(name="kommun", label="Luleå kommun")])
    body = client.get(reverse("accounts:login")).content.decode()
    assert "Logga in med Region Norrbotten" in body and "Logga in med Luleå kommun" in body
    assert 'href="/login/oidc/kommun/"' in body
    assert 'name="password"' in body  # the local form stays beside them
    assert idp.issuer in client.get(reverse("accounts:login"))["Content-Security-Policy"]


def test_unknown_person_is_told_whom_to_ask(
    client: Client, world: World, idp: LocalProvider
) -> None:
    response = client.get(path_of(Browser().log_in(start(client), login="okand")))
    body = response.content.decode()
    assert response.status_code == 403
    assert "Du har inget konto i Samordna" in body
    assert "enhetens administratör" in body or "din enhets administratör" in body
    assert "SE2321000230-X999" in body  # what the administrator links
    assert "_auth_user_id" not in client.session
    assert not AccessLog.objects.filter(action=AccessLog.Action.LOGIN).exists()


def test_an_inactive_account_is_refused_and_logged(
    client: Client, world: World, idp: LocalProvider
) -> None:
    link(world, idp)
    world.alice.is_active = False
    world.alice.save()
    response = client.get(path_of(Browser().log_in(start(client))))
    assert response.status_code == 403 and "_auth_user_id" not in client.session
    assert AccessLog.objects.filter(user=world.alice, action=AccessLog.Action.REFUSE).exists()


def test_identity_of_another_issuer_does_not_match(
    client: Client, world: World, idp: LocalProvider
) -> None:
    FederatedIdentity.objects.create(
        user=world.alice, issuer="https://idp.other.example", value=KARIN_HSA
    )
    response = client.get(path_of(Browser().log_in(start(client))))
    assert response.status_code == 403 and "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        # issued to another client of the same provider
        ({"claims": {"aud": "journal-app"}}, "claim:aud"),
        # Authlib's defaults check the audience only through azp, and would accept this one
        ({"claims": {"aud": ["journal-app"], "azp": "samordna"}}, "claim:aud"),
        ({"claims": {"iss": "http://127.0.0.1:1"}}, "claim:iss"),
        # signed with a key the provider does not publish (under the kid of its own)
        ({"foreign_key": True}, "token:bad_signature"),
    ],
    ids=["wrong-audience", "wrong-audience-with-azp", "wrong-issuer", "forged-signature"],
)
def test_a_tampered_id_token_is_refused(
    client: Client,
    world: World,
    idp: LocalProvider,
    caplog: pytest.LogCaptureFixture,
    tamper: dict[str, object],
    reason: str,
) -> None:
    link(world, idp)
    back = Browser().log_in(start(client))
    idp.control(tamper=tamper)
    assert_refused(client.get(path_of(back)), NOT_CONFIRMED, client, caplog, reason)
    assert not AccessLog.objects.filter(action=AccessLog.Action.LOGIN).exists()


def test_an_expired_id_token_is_refused(
    client: Client, world: World, idp: LocalProvider, caplog: pytest.LogCaptureFixture
) -> None:
    """The provider's clock two hours behind when it issues the token: the token it signs has
    expired (its lifetime is ten minutes) by the time Samordna reads it."""
    link(world, idp)
    back = Browser().log_in(start(client))
    idp.follow_python_clock(shift_seconds=-2 * 3600)
    assert_refused(client.get(path_of(back)), "Inloggningen har gått ut", client, caplog, "expired")


def test_a_wrong_nonce_is_refused(
    client: Client, world: World, idp: LocalProvider, caplog: pytest.LogCaptureFixture
) -> None:
    """Code injection: the answer to an authentication request with another nonce (the
    attacker's own) delivered to this browser's callback with this browser's state."""
    link(world, idp)
    authorize = start(client)
    parts = urlsplit(authorize)
    params = {**query(authorize), "nonce": "the-attackers-nonce"}
    back = Browser().log_in(urlunsplit(parts._replace(query=urlencode(params))))
    assert_refused(client.get(path_of(back)), NOT_CONFIRMED, client, caplog, "claim:nonce")


def test_a_replayed_callback_is_refused(
    client: Client, world: World, idp: LocalProvider, caplog: pytest.LogCaptureFixture
) -> None:
    link(world, idp)
    back = Browser().log_in(start(client))
    assert client.get(path_of(back)).status_code == 302
    client.post(reverse("accounts:logout"))
    assert_refused(client.get(path_of(back)), "redan använts", client, caplog, "state")
    # The same code with a fresh login's state: the provider refuses a code used once already.
    fresh_state = query(start(client))["state"]
    callback = reverse("accounts:oidc-callback", args=["region"])
    replay = f"{callback}?code={query(back)['code']}&state={fresh_state}"
    assert_refused(client.get(replay), NOT_CONFIRMED, client, caplog, "code")


def test_a_callback_without_a_login_started_here_is_refused(
    client: Client, world: World, idp: LocalProvider
) -> None:
    link(world, idp)
    back = Browser().log_in(start(Client()))  # started in another browser
    assert_refused(client.get(path_of(back)), "påbörjades inte i den här webbläsaren", client)


def test_the_provider_refusing_is_a_message(client: Client, db: None, idp: LocalProvider) -> None:
    state = query(start(client))["state"]
    callback = reverse("accounts:oidc-callback", args=["region"])
    response = client.get(f"{callback}?error=access_denied&state={state}")
    assert_refused(response, "Inloggningstjänsten loggade inte in dig", client)


def test_logout_ends_the_provider_session(client: Client, world: World, idp: LocalProvider) -> None:
    link(world, idp)
    browser = Browser()
    client.get(path_of(browser.log_in(start(client))))
    response = client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session
    end_session = response["Location"]
    assert end_session.startswith(idp.issuer)
    params = query(end_session)
    assert params["id_token_hint"] and params["client_id"] == "samordna"
    assert params["post_logout_redirect_uri"] == "http://testserver/login/"
    # At the provider: confirm, and land on Samordna's login page.
    page = browser.session.get(end_session, timeout=10)
    assert "Vill du logga ut" in page.text
    form = dict(
        (name, value)
        for name, value in __import__("re").findall(r'name="([^"]+)" value="([^"]*)"', page.text)
    )
    confirm = browser.session.post(
        f"{idp.issuer}/session/end/confirm",
        data={**form, "logout": "yes"},
        allow_redirects=False,
        timeout=10,
    )
    assert browser.back_to_service(confirm).startswith("http://testserver/login/?state=")
    # The provider's session is over: the next login asks for the password again.
    assert "Lösenord" in browser.session.get(start(client), timeout=10).text


def test_a_local_login_logs_out_only_locally(
    client: Client, world: World, idp: LocalProvider
) -> None:
    client.force_login(world.alice)
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == reverse("accounts:login")


def test_two_providers_each_with_its_own_identities(
    client: Client,
    world: World,
    idp: LocalProvider,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    municipality = LocalProvider(["http://testserver"], names=("kommun",))
    try:
        municipality.follow_python_clock()
        use_providers(
            settings, [idp.config(), municipality.config(name="kommun", label="Luleå kommun")]
        )
        FederatedIdentity.objects.create(
            user=world.bob, issuer=municipality.issuer, value=KARIN_HSA
        )
        back = Browser().log_in(start(client, "kommun"))
        assert urlsplit(back).path == "/login/oidc/kommun/callback/"
        assert client.get(path_of(back)).status_code == 302
        assert client.session["_auth_user_id"] == str(world.bob.pk)
        client.post(reverse("accounts:logout"))
        # The same claim value from the region's provider is not bob's: that link is per issuer.
        response = client.get(path_of(Browser().log_in(start(client, "region"))))
        assert response.status_code == 403
    finally:
        municipality.stop()


def test_an_unreachable_provider_is_a_message(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    provider = OidcProvider(
        name="region",
        label="Region Norrbotten",
        issuer="http://127.0.0.1:9",
        client_id="samordna",
        client_secret="x",
    )
    use_providers(settings, [provider])
    response = client.get(reverse("accounts:oidc-start", args=["region"]))
    assert response.status_code == 503
    assert "Inloggningstjänsten svarar inte" in response.content.decode()


def test_an_unknown_provider_is_not_found(client: Client, idp: LocalProvider) -> None:
    assert client.get(reverse("accounts:oidc-start", args=["nowhere"])).status_code == 404
    assert client.get(reverse("accounts:oidc-callback", args=["nowhere"])).status_code == 404


GOOD = {"label": "x", "issuer": "https://a", "client_id": "c", "client_secret": "s"}


@pytest.mark.parametrize(
    "value",
    [
        "{",
        '{"name": "region"}',
        '[{"name": "region"}]',
        json.dumps([{**GOOD, "name": "Region!"}]),
        json.dumps([{**GOOD, "name": "r", "issuer": "ftp://a"}]),
        json.dumps([{**GOOD, "name": "r", "colour": 1}]),
        json.dumps([{**GOOD, "name": "r", "scope": "profile"}]),
        json.dumps([{**GOOD, "name": "r"}, {**GOOD, "name": "r"}]),
        json.dumps([{**GOOD, "name": "r", "second_factor": "yes"}]),
    ],
)
def test_bad_configuration_stops_the_start(value: str) -> None:
    with pytest.raises((ConfigError, ValueError)):
        parse(value)


def test_configuration_of_two_providers() -> None:
    providers = parse(
        '[{"name": "region", "label": "Region Norrbotten", "issuer": "https://idp.inera.example",'
        ' "client_id": "samordna", "client_secret": "s", "claim": "hsa_id", "scope": "openid hsa"},'
        ' {"name": "lulea", "label": "Luleå kommun", "issuer": "https://login.lulea.example/realm",'
        ' "client_id": "samordna", "client_secret": "t"}]'
    )
    assert [p.claim for p in providers] == ["hsa_id", "sub"]
    assert providers[1].origin == "https://login.lulea.example"


def test_a_provider_that_never_answers_is_a_message(
    client: Client,
    settings,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    """Connections are accepted (by the kernel's backlog) but nothing is ever answered."""
    monkeypatch.setattr(oidc, "TIMEOUT_SECONDS", 1)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        issuer = f"http://127.0.0.1:{silent.getsockname()[1]}"
        provider = OidcProvider(
            name="region", label="R", issuer=issuer, client_id="samordna", client_secret="x"
        )
        use_providers(settings, [provider])
        response = client.get(reverse("accounts:oidc-start", args=["region"]))
    assert response.status_code == 503
    assert "Inloggningstjänsten svarar inte" in response.content.decode()


@pytest.mark.parametrize("extra", ["", "&code="])
def test_a_callback_without_a_code_is_refused(
    client: Client,
    world: World,
    idp: LocalProvider,
    caplog,
    extra: str,  # type: ignore[no-untyped-def]
) -> None:
    """Breaker F7: this session's state but no (or an empty) code was a server error, since
    Authlib's MissingCodeException is no OAuthError."""
    state = query(start(client))["state"]
    callback = reverse("accounts:oidc-callback", args=["region"])
    response = client.get(f"{callback}?state={state}{extra}")
    assert_refused(response, NOT_CONFIRMED, client, caplog, reason="no-code")
    # The state is used up: the same callback again is refused as not started here.
    again = client.get(f"{callback}?state={state}{extra}")
    assert_refused(again, "påbörjades inte i den här webbläsaren", client)


def test_the_error_parameter_cannot_forge_security_log_lines(
    client: Client,
    world: World,
    idp: LocalProvider,
    caplog,  # type: ignore[no-untyped-def]
) -> None:
    """Breaker F8: the provider's ``error`` went verbatim into the ``samordna.security`` log,
    so anyone could write a line of their choosing there."""
    state = query(start(client))["state"]
    callback = reverse("accounts:oidc-callback", args=["region"])
    forged = "x%0A2026-12-01 WARNING admin logged in from 10.0.0.1"
    with caplog.at_level(logging.WARNING, logger="samordna.security"):
        response = client.get(f"{callback}?state={state}&error={forged}")
    assert_refused(response, "Inloggningstjänsten loggade inte in dig", client)
    messages = [record.getMessage() for record in caplog.records]
    assert messages and not any("\n" in m or "10.0.0.1" in m for m in messages), messages
    assert any("login refused (provider:x??????" in m for m in messages), messages
