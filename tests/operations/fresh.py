"""A second, fresh installation beside the test database, for the round trips of backup,
restore, export and import (issue 16 items 1 and 2): a SQLite file in a folder of its own, or a
PostgreSQL database of its own on the test database's server, run through the real ``samordna``
command in a process of its own, as an operator would."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def installation(folder: Path) -> Iterator[dict[str, str]]:
    """The environment of a fresh, empty installation (no tables) of the same engine as the
    test database; dropped again afterwards."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SAMORDNA_DATA_DIR"] = str(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        yield env
        return
    settings = connection.settings_dict
    # One database per folder name, so installations can be open side by side.
    suffix = re.sub(r"[^a-z0-9]", "_", folder.name.lower())
    name = f"{settings['NAME']}_{suffix}"[:63]
    user, password = settings["USER"], settings["PASSWORD"]
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    server = psycopg.connect(
        host=host, port=port, user=user, password=password or None, dbname="postgres"
    )
    server.autocommit = True
    server.execute(f'DROP DATABASE IF EXISTS "{name}"')
    server.execute(f'CREATE DATABASE "{name}"')
    credentials = f"{user}:{password}" if password else user
    env["DATABASE_URL"] = f"postgres://{credentials}@{host}:{port}/{name}"
    try:
        yield env
    finally:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.close()


def samordna(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "samordna.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def digest(env: dict[str, str]) -> dict[str, tuple[int, str]]:
    """tests/digest.py's digest of every table of the installation, taken in its own process."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.digest"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return {table: (count, sha) for table, (count, sha) in json.loads(done.stdout).items()}
