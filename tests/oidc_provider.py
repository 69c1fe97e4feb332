"""A real OpenID provider for the tests: scripts/oidc-provider (the npm package `oidc-provider`)
run with Node.js on 127.0.0.1 on a free port, with test hooks on stdin (its clock, and a way to
replace the next ID token). ``scripts/test`` installs its npm packages (`npm ci`); without them
the first use installs them too.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
import time_machine
from csp.constants import SELF

from samordna.accounts import oidc_config
from samordna.accounts.oidc_config import OidcProvider

NODE_DIR = Path(__file__).resolve().parent.parent / "scripts" / "oidc-provider"
SECRET = "test-secret-" + "x" * 24
PASSWORD = "idp-password"

# Demo accounts with HSA-id claims; karin's is linked in the tests that log in, okand's never.
ACCOUNTS = [
    {
        "login": "karin",
        "password": PASSWORD,
        "claims": {
            "sub": "a1b2c3-karin",
            "hsa_id": "SE2321000230-K001",
            "name": "Karin Holm",
            "given_name": "Karin",
            "family_name": "Holm",
        },
    },
    {
        "login": "okand",
        "password": PASSWORD,
        "claims": {"sub": "d4e5f6-okand", "hsa_id": "SE2321000230-X999", "name": "Okänd Person"},
    },
]
# Demo individuals (issue 15, /mina-sidor/): e-identification through the county's identity
# broker, whose claim carries the personal identity number. Sture is ``tests.conftest.world``'s
# individual, Signe a second one, Jessica has a protected identity in the register
# (src/samordna/demo/population.json).
INDIVIDUALS = [
    {
        "login": "sture",
        "password": PASSWORD,
        "claims": {
            "sub": "p-sture",
            "personal_identity_number": "193603239090",
            "name": "Sture Lundberg",
        },
    },
    {
        "login": "signe",
        "password": PASSWORD,
        "claims": {
            "sub": "p-signe",
            "personal_identity_number": "192304069285",
            "name": "Signe Lindqvist",
        },
    },
    {
        "login": "jessica",
        "password": PASSWORD,
        "claims": {
            "sub": "p-jessica",
            "personal_identity_number": "198503149885",
            "name": "Jessica Lidström",
        },
    },
    {
        # A guardian of two children (tests/browser/test_mypages_own.py): the identity number
        # recorded on the children's legal representative.
        "login": "annakarin",
        "password": PASSWORD,
        "claims": {
            "sub": "p-annakarin",
            "personal_identity_number": "198005171239",
            "name": "Anna-Karin Sundqvist",
        },
    },
]


def clock_offset_ms(shift_seconds: float = 0) -> int:
    """How far the test's clock is from the real time, for a provider to run at the same."""
    real = (
        time_machine.escape_hatch.time.time()
        if time_machine.escape_hatch.is_travelling()
        else time.time()
    )
    return int((time.time() - real + shift_seconds) * 1000)


def node_available() -> bool:
    return shutil.which("node") is not None and shutil.which("npm") is not None


def ensure_installed() -> None:
    if not node_available():
        if os.environ.get("CI") == "true":
            pytest.fail("Node.js is needed for the OpenID provider tests")
        pytest.skip("Node.js is not installed: no local OpenID provider")
    if not (NODE_DIR / "node_modules" / "oidc-provider").is_dir():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=NODE_DIR, check=True
        )


def use_providers(settings, providers: list[oidc_config.OidcProvider]) -> None:  # type: ignore[no-untyped-def]
    settings.OIDC_PROVIDERS = providers
    policy = {**settings.CONTENT_SECURITY_POLICY}
    policy["DIRECTIVES"] = {
        **policy["DIRECTIVES"],
        "form-action": oidc_config.form_action([SELF], providers),
    }
    settings.CONTENT_SECURITY_POLICY = policy


class LocalProvider:
    """One provider process; ``clients`` as oidc-provider client metadata."""

    def __init__(self, base_urls: list[str], names: tuple[str, ...] = ("region",)) -> None:
        ensure_installed()
        self.folder = Path(tempfile.mkdtemp(prefix="samordna-idp-"))
        accounts = self.folder / "accounts.json"
        accounts.write_text(json.dumps(ACCOUNTS + INDIVIDUALS))
        clients = [
            {
                "client_id": client_id,
                "client_secret": SECRET,
                "client_name": "Samordna",
                "redirect_uris": [
                    f"{base}/login/oidc/{name}/callback/" for base in base_urls for name in names
                ]
                + [
                    f"{base}/mina-sidor/logga-in/{name}/klar/"
                    for base in base_urls
                    for name in (*names, "e-legitimation")
                ],
                "post_logout_redirect_uris": [f"{base}/login/" for base in base_urls]
                + [f"{base}/mina-sidor/logga-in/" for base in base_urls],
            }
            for client_id in ("samordna", "journal-app")
        ]
        self.stderr = (self.folder / "stderr.log").open("w")
        self.process = subprocess.Popen(
            ["node", "provider.js"],
            cwd=NODE_DIR,
            env={
                **os.environ,
                "OIDC_ACCOUNTS_FILE": str(accounts),
                "OIDC_CLIENTS": json.dumps(clients),
                "OIDC_TEST_HOOKS": "1",
            },
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
            bufsize=1,
        )
        line = self._read()
        self.issuer: str = line["issuer"]

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        while line and not line.startswith("{"):
            line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(
                "the OpenID provider stopped: " + (self.folder / "stderr.log").read_text()
            )
        return dict(json.loads(line))

    def control(self, **command: Any) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        assert self._read() == {"ok": True}

    def follow_python_clock(self, shift_seconds: float = 0) -> None:
        """Run the provider at the test's instant (time-machine moves only this process)."""
        self.control(clock_offset_ms=clock_offset_ms(shift_seconds))

    def config(
        self, name: str = "region", label: str = "Region Norrbotten", **kw: Any
    ) -> OidcProvider:
        fields: dict[str, Any] = {
            "name": name,
            "label": label,
            "issuer": self.issuer,
            "client_id": "samordna",
            "client_secret": SECRET,
            "claim": "hsa_id",
            "scope": "openid profile hsa",
            "second_factor": True,  # it stands for the region's SITHS IdP
            **kw,
        }
        return OidcProvider(**fields)

    def individual_config(self, **kw: Any) -> OidcProvider:
        """The county's e-identification for individuals (issue 15): the identity number claim."""
        fields: dict[str, Any] = {
            "name": "e-legitimation",
            "label": "e-legitimation",
            "claim": "personal_identity_number",
            "scope": "openid profile pnr",
            **kw,
        }
        return self.config(**fields)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.stderr.close()
        shutil.rmtree(self.folder, ignore_errors=True)


class Browser:
    """The person's browser at the provider: a requests session with its own cookies."""

    def __init__(self) -> None:
        self.session = requests.Session()

    def log_in(self, authorize_url: str, login: str = "karin", password: str = PASSWORD) -> str:
        """Follow the authorization request, log in, and return the redirect back to the service
        (not followed: the test delivers it to Django's test client)."""
        response = self.session.get(authorize_url, timeout=10)
        assert response.status_code == 200, response.text
        action = re.search(r'action="([^"]+)"', response.text)
        if action is None:  # already logged in at the provider: straight back to the service
            raise AssertionError("expected the provider's login form")
        response = self.session.post(
            urljoin(response.url, action.group(1)),
            data={"login": login, "password": password},
            allow_redirects=False,
            timeout=10,
        )
        return self.back_to_service(response)

    def back_to_service(self, response: requests.Response) -> str:
        for _ in range(5):
            assert response.status_code in (302, 303), response.text
            location = urljoin(response.url, response.headers["Location"])
            if not location.startswith(self.provider_origin(response.url)):
                return location
            response = self.session.get(location, allow_redirects=False, timeout=10)
        raise AssertionError("too many redirects at the provider")

    @staticmethod
    def provider_origin(url: str) -> str:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}"


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
