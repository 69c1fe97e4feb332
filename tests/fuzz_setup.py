"""The scratch county scripts/fuzz-api fuzzes (issue 17 item 6), in one process:
``python -m tests.fuzz_setup OUT CASES SEED USER@UNIT...``.

Migrates the (empty) database, loads the demo county and ``CASES`` generated cases, collects the
static files (the in-process run serves the HTML error pages too), and writes to ``OUT``:
``schema.json`` (the OpenAPI document), one API token per ``USER@UNIT`` (``token-USER``), and
``schemathesis.toml``: scripts/fuzz-api.toml plus dictionaries of the ids that exist, so most
generated requests reach a real case, stay, delivery or plan instead of a 404; a share of them
still gets generated ids (``probability``)."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samordna.settings")
django.setup()

from django.core.management import call_command  # noqa: E402

from samordna.api.api import api  # noqa: E402
from samordna.api.models import ApiToken  # noqa: E402
from samordna.organisations.models import Unit, User  # noqa: E402
from samordna.server import collect_static  # noqa: E402

# How often a path parameter takes an id that exists rather than a generated one.
PROBABILITY = 0.8
MAX_IDS = 40


def ids() -> dict[str, list[int | str]]:
    from samordna.cases.models import Delivery
    from samordna.deviations.models import Deviation
    from samordna.discharge.models import Stay
    from samordna.messaging.models import Message
    from samordna.people.models import Person
    from samordna.sip.models import Meeting, Participant, PlanVersion, SipCase

    def pks(model: type) -> list[int | str]:
        return list(model.objects.order_by("pk").values_list("pk", flat=True)[:MAX_IDS])  # type: ignore[attr-defined]

    numbers = sorted(set(PlanVersion.objects.values_list("number", flat=True))) or [1]
    return {
        "case_id": pks(SipCase),
        "stay_id": pks(Stay),
        "delivery_id": pks(Delivery),
        "deviation_id": pks(Deviation),
        "meeting_id": pks(Meeting),
        "message_id": pks(Message),
        "participant_id": pks(Participant),
        "person_id": pks(Person),
        "number": list(numbers),
        "identity_number": list(
            Person.objects.order_by("pk").values_list("identity_number", flat=True)[:MAX_IDS]
        ),
    }


def toml_value(value: object) -> str:
    return json.dumps(value)  # a JSON string, number or list of them is TOML as well


def main(out: Path, cases: int, seed: int, logins: list[str]) -> None:
    call_command("migrate", verbosity=0)
    if Unit.objects.exists():
        sys.exit("The database has data; give an empty scratch database.")
    quiet = io.StringIO()
    call_command("load_demo", verbosity=0, stdout=quiet)
    call_command("generate_county", cases=cases, seed=seed, verbosity=0, stdout=quiet)
    collect_static()
    out.mkdir(parents=True, exist_ok=True)
    (out / "schema.json").write_text(json.dumps(api.get_openapi_schema(), indent=1))
    for login in logins:
        username, code = login.split("@")
        _token, secret = ApiToken.issue(
            "fuzz", User.objects.get(username=username), Unit.objects.get(code=code)
        )
        (out / f"token-{username}").write_text(secret)
    config = [Path("scripts/fuzz-api.toml").read_text(), "\n# Written by tests/fuzz_setup.py\n"]
    found = {name: values for name, values in ids().items() if values}
    for name, values in found.items():
        config.append(f"[dictionaries.{name}]\nvalues = {toml_value(values)}\n")
    config.append("[parameters]")
    for name in found:
        where = "query" if name == "identity_number" else "path"
        config.append(
            f'"{where}.{name}" = {{ dictionary = "{name}", probability = {PROBABILITY} }}'
        )
    (out / "schemathesis.toml").write_text("\n".join(config) + "\n")
    print(f"   {', '.join(f'{len(v)} {k}' for k, v in found.items())}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:])
