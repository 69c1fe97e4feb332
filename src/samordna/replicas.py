"""Reads that may come from a PostgreSQL streaming replica (README: beyond one machine).

With ``SAMORDNA_REPLICA_DATABASE_URL`` set, settings add the ``replica`` alias. Only the views
marked with :func:`reads_from_replica` (the overview, its polled counts, the name search) send
their reads there; every write, every read in a transaction on the primary, and every other
view use ``default``. A replica lags the primary by a moment, which those read-only screens
tolerate: the next poll shows the act that a read just missed.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import connections

REPLICA = "replica"
_reading = contextvars.ContextVar("samordna_replica_reads", default=False)

P = ParamSpec("P")
R = TypeVar("R")


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads() -> Iterator[None]:
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def reads_from_replica(view: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        with replica_reads():
            return view(*args, **kwargs)

    return wrapped


class ReplicaRouter:
    """settings.DATABASE_ROUTERS. Returning None leaves the choice to Django (``default``)."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        if not _reading.get() or not replica_configured():
            return None
        if connections["default"].in_atomic_block:  # an act reads what it is about to write
            return None
        return REPLICA

    def db_for_write(self, model: type, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"
