"""Every act a user can do on screen has an API operation through the same service (API-1,
issue 12 item 4).

The acts are the service functions decorated ``@act`` (``cases/acts.py``: each is one
transaction, whatever calls it). An act is covered when a module of ``samordna.api`` calls it;
the few acts with no operation are listed in ``EXEMPT`` with the reason, reviewed like code. A
new act without an endpoint fails here until it gets one (or a reasoned exemption).

Reads the screens offer that are not acts (search, the access-log review, exports, the plan
comparison, the individual's view) are listed in ``READS`` by the screen's URL name, with the
API operation that gives the same read; the test checks that the screen and the operation both
exist.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "samordna"

# act (module:function) -> why it has no API operation
_OWN_SESSION = (
    "the individual's own act (PAT-1): done only in the individual's e-identified session on "
    "/mina-sidor/; API tokens belong to units' systems, and no system may act as the individual"
)
EXEMPT: dict[str, str] = {
    "samordna.mypages.services:comment": _OWN_SESSION,
    "samordna.mypages.services:decline": _OWN_SESSION,
    "samordna.mypages.services:undo_decline": _OWN_SESSION,
    "samordna.mypages.services:prepare": _OWN_SESSION,
    "samordna.mypages.services:request_withdrawal": _OWN_SESSION,
    "samordna.people.services:_add_representative": (
        "the transaction of add_representative, which checks the register before it and which "
        "POST /api/v1/persons/{person_id}/representatives calls"
    ),
}

# screen URL name -> (method, API path) of the operation giving the same read or act
READS: dict[str, tuple[str, str]] = {
    "people:search": ("GET", "/api/v1/persons/search"),
    "people:detail": ("PUT", "/api/v1/persons/{person_id}"),
    "people:add-relative": ("POST", "/api/v1/persons/{person_id}/relatives"),
    "people:remove-relative": ("DELETE", "/api/v1/persons/{person_id}/relatives/{relative_id}"),
    "people:add-representative": ("POST", "/api/v1/persons/{person_id}/representatives"),
    "people:remove-representative": (
        "DELETE",
        "/api/v1/persons/{person_id}/representatives/{representative_id}",
    ),
    "sip:open": ("POST", "/api/v1/stays/{stay_id}/sip"),  # from the stay's page: its origin
    "sip:plan-compare": ("GET", "/api/v1/sip/{case_id}/plan-comparison"),
    "sip:cases": ("GET", "/api/v1/sip"),  # SIP-19: the unit's active SIPs by phase
    "sip:for-individual": ("GET", "/api/v1/sip/{case_id}/for-the-individual"),
    "audit:review": ("GET", "/api/v1/access-log"),
    "audit:export": ("GET", "/api/v1/access-log/export.csv"),
    "discharge:liability-csv": ("GET", "/api/v1/liability/export.csv"),
}


def _module(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_act(decorator: ast.expr) -> bool:
    return (isinstance(decorator, ast.Name) and decorator.id == "act") or (
        isinstance(decorator, ast.Attribute) and decorator.attr == "act"
    )


def acts() -> set[str]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts or path.parts[-2] == "api":
            continue
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and any(map(_is_act, node.decorator_list)):
                found.add(f"{_module(path)}:{node.name}")
    return found


def called_from_api() -> set[str]:
    """``module:function`` for every service function an API module names."""
    called = set()
    for path in (PACKAGE / "api").glob("*.py"):
        tree = ast.parse(path.read_text())
        aliases: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                for name in node.names:
                    full = f"{node.module}.{name.name}"
                    aliases[name.asname or name.name] = full
            elif isinstance(node, ast.Import):
                for name in node.names:
                    aliases[name.asname or name.name] = name.name
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                module = aliases.get(node.value.id)
                if module:
                    called.add(f"{module}:{node.attr}")
            elif isinstance(node, ast.Name) and node.id in aliases:
                module, _, func = aliases[node.id].rpartition(".")
                called.add(f"{module}:{func}")
    return called


def test_every_act_has_an_api_operation() -> None:
    missing = sorted(acts() - called_from_api() - EXEMPT.keys())
    assert missing == [], "acts without an API operation (add one, or a reason to EXEMPT):\n" + (
        "\n".join(missing)
    )


def test_the_exemptions_name_acts_that_exist_and_have_no_operation() -> None:
    every = acts()
    assert sorted(EXEMPT.keys() - every) == []
    assert sorted(EXEMPT.keys() & called_from_api()) == []
    assert all(len(reason) > 20 for reason in EXEMPT.values())


def test_the_screens_reads_have_api_operations(client: Client) -> None:
    schema = client.get("/api/v1/schema").json()
    operations = {(method.upper(), path) for path, ops in schema["paths"].items() for method in ops}
    screens = _url_names(get_resolver().url_patterns)
    for name, operation in READS.items():
        assert name in screens, name
        assert operation in operations, (name, operation)


def _url_names(patterns: list[Any], namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
    return names


def test_schema_names_are_unique_across_the_api_modules() -> None:
    """The OpenAPI document names each schema by its class name: two classes of one name in
    different modules share one component, and one of them is then described wrongly (found by
    scripts/fuzz-api: a ``CoordinatorOut`` of two shapes)."""
    seen: dict[str, list[str]] = {}
    for path in sorted((PACKAGE / "api").glob("*.py")):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.ClassDef) and node.name.endswith(("In", "Out", "Query")):
                seen.setdefault(node.name, []).append(path.stem)
    assert {name: mods for name, mods in seen.items() if len(mods) > 1} == {}
