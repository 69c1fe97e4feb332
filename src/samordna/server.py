"""The production web server behind `samordna serve`: gunicorn with threaded (gthread) workers.

Why gunicorn with threads (README, design decisions): Samordna's requests are CPU-bound Python
plus short PostgreSQL round trips, so throughput comes from one process per core (the GIL) and a
few threads per process to use the time a request waits for the database. gunicorn's master is
plain Python that forks the workers from an application already loaded (``preload_app``), restarts
a worker that dies or hangs, and stops cleanly on SIGTERM at any moment; the figures that decided
against granian are in the README.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

DEFAULT_BIND = "127.0.0.1:8000"
DEFAULT_THREADS = 4


def cores() -> int:
    """The cores this process may run on (a container's CPU set, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def default_workers() -> int:
    """One process per core, and at least two so one slow request never blocks the others."""
    return max(2, cores())


def _positive(value: str | int | None, name: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {value!r}") from None
    if number < 1:
        raise SystemExit(f"{name} must be at least 1, not {number}")
    return number


def options(bind: str | None, workers: int | None, threads: int | None) -> dict[str, Any]:
    """gunicorn's settings: the command line first, then SAMORDNA_BIND / SAMORDNA_WORKERS /
    SAMORDNA_THREADS, then defaults for this machine's cores."""
    chosen_workers = (
        _positive(workers, "--workers")
        or _positive(os.environ.get("SAMORDNA_WORKERS"), "SAMORDNA_WORKERS")
        or default_workers()
    )
    chosen_threads = (
        _positive(threads, "--threads")
        or _positive(os.environ.get("SAMORDNA_THREADS"), "SAMORDNA_THREADS")
        or DEFAULT_THREADS
    )
    return {
        "bind": [bind or os.environ.get("SAMORDNA_BIND") or DEFAULT_BIND],
        "workers": chosen_workers,
        "threads": chosen_threads,
        "worker_class": "gthread",
        # The application is imported once in the master and the workers are forked from it.
        "preload_app": True,
        # Keep-alive connections from the reverse proxy (or a load generator) are reused.
        "keepalive": 5,
        # A request that takes longer is a bug; the worker is restarted rather than left stuck.
        "timeout": 60,
        "graceful_timeout": 20,
        # The reverse proxy keeps the access log; errors and start-up go to stderr.
        "accesslog": os.environ.get("SAMORDNA_ACCESS_LOG") or None,
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "samordna",
        # gunicorn's runtime control socket lives in $HOME: two servers would share it.
        "control_socket_disable": True,
        # X-Forwarded-Proto is trusted from these addresses only (default: this machine's proxy).
        "forwarded_allow_ips": os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
    }


STAMP = ".samordna-collected"


def static_fingerprint() -> str:
    """Every source static file (name, size, modification time) and the storage that collects
    them: equal fingerprints mean collectstatic would write the same files again."""
    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256(settings.STORAGES["staticfiles"]["BACKEND"].encode())
    entries = []
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            stat = os.stat(storage.path(path))
            entries.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    for entry in sorted(entries):
        digest.update(entry.encode() + b"\n")
    return digest.hexdigest()


def collect_static() -> bool:
    """collectstatic (hashing and compressing a thousand files takes a while) unless the static
    root already holds this release's files. True when it collected."""
    from django.conf import settings
    from django.core.management import call_command

    root = Path(settings.STATIC_ROOT)
    stamp = root / STAMP
    fingerprint = static_fingerprint()
    if (root / "staticfiles.json").exists() and stamp.exists() and stamp.read_text() == fingerprint:
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(fingerprint)
    return True


class Server(BaseApplication):
    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.settings.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from samordna.wsgi import application

        return application


def run(settings: dict[str, Any]) -> None:
    """Serve until SIGTERM/SIGINT. Database connections the master opened (migrations,
    collectstatic) are closed first, so no forked worker shares one."""
    from django.db import connections

    connections.close_all()
    Server(settings).run()
