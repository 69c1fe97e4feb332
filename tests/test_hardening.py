"""The web's hardening (issue 17 item 8): `manage.py check --deploy` is clean in the production
configuration the README describes (environment variables only), and the security headers stay
as they are: a strict CSP, frame denial, Referrer-Policy, nosniff, and HSTS over HTTPS.

Each check runs in a fresh process, since the settings read the environment when imported."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

HOST = "samordna.region.example"


def production_env(data_dir: Path, https: bool = True) -> dict[str, str]:
    """The environment of the README's systemd unit (Deployment), with a scratch data folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAMORDNA_")}
    env.pop("DATABASE_URL", None)
    # Set by the browser tests' conftest for Playwright's event loop, in this same process; a
    # production server never has it (check --deploy says so, async.E001).
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(
        SAMORDNA_DATA_DIR=str(data_dir),
        SAMORDNA_SECRET_KEY=secrets.token_urlsafe(50),
        SAMORDNA_ALLOWED_HOSTS=HOST,
        SAMORDNA_TRUSTED_PROXIES="127.0.0.1",
    )
    if https:
        env["SAMORDNA_HTTPS"] = "1"
    return env


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "samordna.cli", "manage", "check", "--deploy"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_check_deploy_is_clean_in_the_production_configuration(tmp_path: Path) -> None:
    result = check_deploy(production_env(tmp_path))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output, output


def test_check_deploy_warns_without_https(tmp_path: Path) -> None:
    """The check above can fail: without SAMORDNA_HTTPS the same configuration is not clean."""
    result = check_deploy(production_env(tmp_path, https=False))
    output = result.stdout + result.stderr
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in output, output


# The API's answer to a request without a token needs neither the database nor static files.
HEADERS_SCRIPT = """
import json, sys, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST=sys.argv[1])
secure = client.get("/api/v1/units", secure=True)
plain = client.get("/api/v1/units")
print(json.dumps({"secure": [secure.status_code, dict(secure.headers)],
                  "plain": [plain.status_code, dict(plain.headers)]}))
"""


@pytest.mark.parametrize("https", [True, False])
def test_security_headers_in_the_production_configuration(tmp_path: Path, https: bool) -> None:
    env = production_env(tmp_path, https=https)
    env["DJANGO_SETTINGS_MODULE"] = "samordna.settings"
    result = subprocess.run(
        [sys.executable, "-c", HEADERS_SCRIPT, HOST],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    status, headers = answers["secure"]
    assert status == 401
    assert_strict_headers(headers)
    if https:
        hsts = headers["Strict-Transport-Security"]
        assert hsts == "max-age=31536000; includeSubDomains; preload"
        status, plain = answers["plain"]
        assert status == 301 and plain["Location"] == f"https://{HOST}/api/v1/units"
    else:
        assert "Strict-Transport-Security" not in headers
        assert answers["plain"][0] == 401


def assert_strict_headers(headers: dict[str, str]) -> None:
    csp = {
        directive.split()[0]: directive.split()[1:]
        for directive in headers["Content-Security-Policy"].split(";")
        if directive.strip()
    }
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert not any("'unsafe-inline'" in v or "'unsafe-eval'" in v for v in csp.values())
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_security_headers_on_a_page(db: None) -> None:
    """The pages carry the same headers as the API's answers above."""
    response = Client().get("/login/")
    assert response.status_code == 200
    assert_strict_headers(dict(response.headers))
