"""What makes a service function an act: one transaction, and the read models kept with it.

``@act`` replaces ``@transaction.atomic`` on every service act. Acts say which cases they
changed with ``touch(case_id)`` (the shared helpers in ``cases.services`` do it: every act
appends to the timeline, sets deadlines or closes through them). Just before the outermost act
commits, each registered read model brings itself up to date for the touched cases, in the
same transaction: so the overview can never show what the facts do not say, and a crash loses
both or neither.

Read models register themselves in their app's ``ready()`` (``register``), so the apps whose
acts touch cases need not import the apps that read them. So do the listeners of the timeline
(``listen``): the webhooks' outbox receives every event an act appended, also just before the act
commits, once the read models (and so what each unit sees) are up to date.

Counters shared by many cases (the overview's counts per unit and day, the indicators' and
measures' counts per unit and month) are moved last (``count_later``): a counter row an act
upserts stays locked until the act commits, so every other act on the same unit and day waits
for it. Deferred to the act's last statements, each counter row is held for the time of those
statements and the commit, not for the rest of the act's Python (issue 11: 16 concurrent
admission notices to the same three units queued on these rows).
"""

from __future__ import annotations

import functools
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any, ParamSpec, TypeVar

from django.db import transaction

P = ParamSpec("P")
R = TypeVar("R")

_state = threading.local()
_read_models: list[Callable[[set[int]], None]] = []
_listeners: list[Callable[[list[Any]], None]] = []


Flush = Callable[[Counter[Any]], None]


def count_later(flush: Flush, delta: Counter[Any]) -> None:
    """Move shared counters by ``delta`` (``flush(delta)`` writes it) just before the outermost
    act commits, after every read model and listener; outside an act at once. Deltas of one
    act to the same ``flush`` are added up, so each counter row is written once per act. The
    flushes run in the order first asked for, which the read models' fixed order of
    registration keeps the same in every act (with each flush writing its keys sorted, two
    acts never wait on each other in a circle)."""
    pending: dict[Flush, Counter[Any]] | None = getattr(_state, "pending", None)
    if pending is None:
        flush(delta)
        return
    pending.setdefault(flush, Counter()).update(delta)


def _flush() -> None:
    pending: dict[Flush, Counter[Any]] = _state.pending
    _state.pending = None
    for flush, delta in pending.items():
        flush(delta)


def register(update: Callable[[set[int]], None]) -> None:
    """A read model's ``update(case_ids)``, called before each outermost act commits."""
    if update not in _read_models:
        _read_models.append(update)


def listen(listener: Callable[[list[Any]], None]) -> None:
    """``listener(events)``: the timeline events (``cases.models.Event``) an act appended, in
    order, called in the act's transaction before it commits."""
    if listener not in _listeners:
        _listeners.append(listener)


def recorded(event: Any) -> None:
    """An event was appended to a timeline. Outside an act, the listeners hear of it at once."""
    if _depth() == 0:
        _tell([event])
    else:
        _state.events.append(event)


def _tell(events: list[Any]) -> None:
    if events:
        with transaction.atomic(savepoint=False):
            for listener in _listeners:
                listener(events)


def _depth() -> int:
    return getattr(_state, "depth", 0)


def in_act() -> bool:
    """Whether an act's transaction is open (and may still roll back what is written now)."""
    return _depth() > 0


def touch(*case_ids: int | None) -> None:
    """The act changed these cases. Outside an act (a script, a test building facts by hand),
    the read models are brought up to date at once."""
    ids = {pk for pk in case_ids if pk is not None}
    if not ids:
        return
    if _depth() == 0:
        update(ids)
    else:
        _state.touched |= ids


def update(case_ids: Iterable[int]) -> None:
    ids = set(case_ids)
    if ids:
        # Inside an act no savepoint of its own: should a read model fail, the act fails.
        with transaction.atomic(savepoint=False):
            for read_model in _read_models:
                read_model(ids)


def act(func: Callable[P, R]) -> Callable[P, R]:
    """Run ``func`` as one act: one transaction, read models updated before it commits."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        outermost = _depth() == 0
        if outermost:
            _state.touched = set()
            _state.events = []
            _state.pending = {}
        _state.depth = _depth() + 1
        try:
            with transaction.atomic():
                result = func(*args, **kwargs)
                if outermost:
                    # Read models may touch nothing further; take the set before updating.
                    touched, _state.touched = _state.touched, set()
                    events, _state.events = _state.events, []
                    _state.depth = 0
                    update(touched)
                    _tell(events)
                    _flush()
            return result
        finally:
            _state.depth = 0 if outermost else _state.depth - 1
            if outermost:
                _state.touched = set()
                _state.events = []
                _state.pending = None

    return wrapper
