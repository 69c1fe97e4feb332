"""The demo's OpenID provider: scripts/oidc-provider run by `samordna serve --demo` as a child
process when Node.js and its npm packages are there (scripts/demo installs them), so the login
page offers "Logga in med Demo-IdP". Each demo login has an account there with the same name and
password and an HSA-id, linked to the demo user; `okand` has none in Samordna (the page that
says whom to ask). Without Node.js the demo starts as before, without the button.
"""

from __future__ import annotations

import json
import os
import secrets
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from csp.constants import SELF
from django.conf import settings

from samordna.accounts import oidc_config
from samordna.organisations import demo
from samordna.organisations.models import FederatedIdentity, User

NODE_DIR = Path(__file__).resolve().parents[3] / "scripts" / "oidc-provider"
PORT = int(os.environ.get("SAMORDNA_DEMO_IDP_PORT", "8001"))
REGION_ORG = "SE2321000230"  # Region Norrbotten's organisation number, the HSA-id prefix


def hsa_id(username: str) -> str:
    return f"{REGION_ORG}-{username.upper()}"


def accounts() -> list[dict[str, Any]]:
    people = [(s["username"], s["first_name"], s["last_name"]) for s in demo.staff()] + [
        ("okand", "Okänd", "Person")
    ]
    return [
        {
            "login": username,
            "password": demo.DEMO_PASSWORD,
            "claims": {
                "sub": f"demo-{username}",
                "hsa_id": hsa_id(username),
                "name": f"{first} {last}",
                "given_name": first,
                "family_name": last,
            },
        }
        for username, first, last in people
    ]


# Demo individuals for /mina-sidor/ (issue 15): e-identification whose claim is the personal
# identity number (src/samordna/demo/population.json); Jessica has a protected identity.
INDIVIDUALS = [
    ("signe", "192304069285", "Signe Lindqvist"),
    ("elsa", "193109259287", "Elsa Nyström"),
    ("gosta", "194007189196", "Gösta Bergman"),
    ("jessica", "198503149885", "Jessica Lidström"),
    # Representatives recorded on demo individuals: Elsa Nyström's god man, and the guardian of
    # Noah Keskitalo (born 2011, a child): they see the pages of the one they represent.
    ("perolof", "195804122710", "Per-Olof Sandström"),
    ("annakarin", "198005171239", "Anna-Karin Sundqvist"),
]


def individuals() -> list[dict[str, Any]]:
    return [
        {
            "login": login,
            "password": demo.DEMO_PASSWORD,
            "claims": {
                "sub": f"demo-person-{login}",
                "personal_identity_number": number,
                "name": name,
            },
        }
        for login, number, name in INDIVIDUALS
    ]


def _read_line(process: subprocess.Popen[bytes], timeout: float) -> str:
    assert process.stdout is not None
    deadline, data = time.monotonic() + timeout, b""
    while not data.endswith(b"\n") and time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.2)
        if ready:
            chunk = os.read(process.stdout.fileno(), 4096)
            if not chunk:
                break
            data += chunk
    return data.decode(errors="replace")


def start(bind: str, preexec: Callable[[], None] | None) -> subprocess.Popen[bytes] | None:
    """Start the provider, configure it as provider ``demo`` and link the demo users."""
    if shutil.which("node") is None or not (NODE_DIR / "node_modules" / "oidc-provider").is_dir():
        print("Demo IdP: Node.js or scripts/oidc-provider's packages missing, no federated login.")
        return None
    host, _, port = bind.rpartition(":")
    hosts = {"127.0.0.1", "localhost"} | ({host} if host not in ("", "0.0.0.0", "[::]") else set())
    bases = [f"http://{h}:{port}" for h in sorted(hosts)]
    secret = secrets.token_urlsafe(24)
    folder = settings.DATA_DIR
    folder.mkdir(parents=True, exist_ok=True)
    accounts_file = folder / "demo-idp-accounts.json"
    accounts_file.write_text(json.dumps(accounts() + individuals(), ensure_ascii=False))
    client = {
        "client_id": "samordna-demo",
        "client_secret": secret,
        "client_name": "Samordna (demo)",
        "redirect_uris": [f"{b}/login/oidc/demo/callback/" for b in bases]
        + [f"{b}/mina-sidor/logga-in/demo/klar/" for b in bases],
        "post_logout_redirect_uris": [f"{b}/login/" for b in bases]
        + [f"{b}/mina-sidor/logga-in/" for b in bases],
    }
    process = subprocess.Popen(
        ["node", "provider.js"],
        cwd=NODE_DIR,
        env={
            **os.environ,
            "OIDC_PORT": str(PORT),
            "OIDC_ACCOUNTS_FILE": str(accounts_file),
            "OIDC_CLIENTS": json.dumps([client]),
        },
        stdout=subprocess.PIPE,
        stderr=(folder / "demo-idp.log").open("ab"),
        preexec_fn=preexec if sys.platform == "linux" else None,
    )
    line = _read_line(process, timeout=30)
    try:
        issuer = str(json.loads(line)["issuer"])
    except (ValueError, KeyError):
        print(f"Demo IdP did not start (port {PORT} busy?), see {folder / 'demo-idp.log'}.")
        process.terminate()
        return None
    provider = oidc_config.OidcProvider(
        name="demo",
        label="Demo-IdP",
        issuer=issuer,
        client_id="samordna-demo",
        client_secret=secret,
        claim="hsa_id",
        scope="openid profile hsa",
        second_factor=True,  # it stands for the region's SITHS IdP
    )
    # The same provider stands for the county's e-identification of individuals (/mina-sidor/).
    individual = oidc_config.OidcProvider(
        name="demo",
        label="Demo-e-legitimation",
        issuer=issuer,
        client_id="samordna-demo",
        client_secret=secret,
        claim="personal_identity_number",
        scope="openid profile pnr",
    )
    settings.INDIVIDUAL_OIDC_PROVIDERS = [*settings.INDIVIDUAL_OIDC_PROVIDERS, individual]
    configure([*settings.OIDC_PROVIDERS, provider])
    for user in User.objects.filter(username__in=[s["username"] for s in demo.staff()]):
        FederatedIdentity.objects.get_or_create(
            issuer=issuer, value=hsa_id(user.username), defaults={"user": user}
        )
    print(f"Demo IdP at {issuer}: 'Logga in med Demo-IdP', same logins and password; try 'okand'.")
    print(
        "  /mina-sidor/: individuals signe, elsa, gosta (jessica: protected identity);"
        " representatives perolof (god man), annakarin (guardian)."
    )
    return process


def configure(providers: list[oidc_config.OidcProvider]) -> None:
    """Set the providers at run time (before the server forks its workers), with the CSP."""
    settings.OIDC_PROVIDERS = providers
    policy = dict(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"] = {
        **policy["DIRECTIVES"],
        "form-action": oidc_config.form_action(
            [SELF], [*providers, *settings.INDIVIDUAL_OIDC_PROVIDERS]
        ),
    }
    settings.CONTENT_SECURITY_POLICY = policy
