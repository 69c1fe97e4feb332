"""Shared counters are moved last in an act (``cases.acts.count_later``, issue 11): a counter
row stays locked from its upsert to the commit, so the upserts are the act's last statements,
in its transaction, once per act, and never for an act that fails."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.db import connection

from samordna.cases import acts

pytestmark = pytest.mark.django_db

flushed: list[tuple[str, dict[Any, int], bool]] = []


def first(delta: Counter[Any]) -> None:
    flushed.append(("first", dict(delta), connection.in_atomic_block))


def second(delta: Counter[Any]) -> None:
    flushed.append(("second", dict(delta), connection.in_atomic_block))


@pytest.fixture(autouse=True)
def _clear() -> None:
    flushed.clear()


def test_inside_an_act_the_counters_move_once_after_the_act_in_its_transaction() -> None:
    seen_in_body: list[int] = []

    @acts.act
    def inner() -> None:
        acts.count_later(first, Counter({"a": 2}))

    @acts.act
    def outer() -> None:
        acts.count_later(second, Counter({"x": 1}))
        acts.count_later(first, Counter({"a": 1, "b": -1}))
        inner()  # a nested act: its counters wait for the outermost one
        seen_in_body.append(len(flushed))

    outer()
    assert seen_in_body == [0]
    # Summed per flush, in the order first asked for, inside the act's transaction.
    assert flushed == [("second", {"x": 1}, True), ("first", {"a": 3, "b": -1}, True)]


def test_an_act_that_fails_moves_no_counter_and_the_next_act_starts_clean() -> None:
    @acts.act
    def failing() -> None:
        acts.count_later(first, Counter({"a": 1}))
        raise ValueError("no")

    @acts.act
    def fine() -> None:
        acts.count_later(first, Counter({"b": 1}))

    with pytest.raises(ValueError):
        failing()
    assert flushed == []
    fine()
    assert [(name, delta) for name, delta, _atomic in flushed] == [("first", {"b": 1})]


def test_outside_an_act_the_counters_move_at_once() -> None:
    acts.count_later(first, Counter({"a": 1}))
    assert [(name, delta) for name, delta, _atomic in flushed] == [("first", {"a": 1})]
