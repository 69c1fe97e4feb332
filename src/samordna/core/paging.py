"""Pages of a list without counting the whole list (BOX-1, issue 11 item 3).

Django's ``Paginator`` runs ``COUNT(*)`` over everything a list selects and, for "page N of
M", needs the whole set sorted: O(the unit's history). A ``Window`` is page N fetched with
``LIMIT per_page + 1`` from an index range: the extra row says whether there is a next page.
It answers the same questions the pager partial (``_pager.html``) asks of a ``Page``; the
total is known only when a counter kept elsewhere gives it (``total``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Generic, TypeVar

from django.db.models import Model, Q, QuerySet
from django.db.models.expressions import Combinable

T = TypeVar("T")
M = TypeVar("M", bound=Model)

# A page number past this is answered as this page: OFFSET stays bounded whatever is asked.
MAX_PAGE = 1000


def page_number(number: int | str | None) -> int:
    """The page asked for: anything that is not a whole number from 1 is page 1."""
    try:
        value = int(str(number).strip())
    except (TypeError, ValueError):
        return 1
    return min(max(value, 1), MAX_PAGE)


class Window(Generic[T]):
    """One page of a list: its rows, its number and whether there are pages around it."""

    def __init__(
        self, rows: Sequence[T], number: int, per_page: int, more: bool, total: int | None = None
    ) -> None:
        self.object_list = list(rows)
        self.number = number
        self.per_page = per_page
        self.has_next = more
        self.has_previous = number > 1
        self.total = total

    def __iter__(self) -> Iterator[T]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def __getitem__(self, index: int) -> T:
        return self.object_list[index]

    def __bool__(self) -> bool:
        return bool(self.object_list)

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.object_list else 0

    @property
    def num_pages(self) -> int | None:
        """Pages in all, when a total is known."""
        if self.total is None:
            return None
        return max(1, -(-self.total // self.per_page))


def offset(number: int, per_page: int) -> int:
    return (number - 1) * per_page


def window(
    found: QuerySet[M], number: int | str | None, per_page: int, total: int | None = None
) -> Window[M]:
    """Page ``number`` of an ordered queryset, by ``LIMIT per_page + 1`` (no COUNT)."""
    n = page_number(number)
    start = offset(n, per_page)
    rows = list(found[start : start + per_page + 1])
    return Window(rows[:per_page], n, per_page, len(rows) > per_page, total)


class Segment(Generic[M]):
    """One part of a segmented list: ``order`` is a queryset that an index range serves alone
    (no joins: the unit's rows in index order), ``keep`` what of it the list shows (joins
    allowed: it is asked only of the primary keys already read from the range). ``key`` is
    what the list is made of, read with ``keep`` from the rows kept: their primary key, or a
    column such as ``notice_id`` when the range is one table and the list another."""

    def __init__(self, order: QuerySet[M], keep: Q | Combinable, key: str = "pk") -> None:
        self.order = order
        self.keep = keep
        self.key = key

    def first(self, limit: int) -> tuple[list[int], bool]:
        """The keys of the first ``limit`` rows kept, in order, and whether the segment
        ended before that many.

        Where most of the range is kept (a unit's invitations among its deliveries) two
        batches, each one index range with LIMIT and one lookup by primary key, find them.
        Where little is (a ward's few invitations), the rest is asked of the database in
        one query with the filter joined in, so a sparse list never walks the whole range
        batch by batch."""
        found: list[int] = []
        start = 0
        for size in (max(2 * limit, 64), max(4 * limit, 128)):
            batch = list(self.order.values_list("pk", flat=True)[start : start + size])
            if batch:
                kept = dict(
                    self.order.model._default_manager.filter(pk__in=batch)
                    .filter(self.keep)
                    .values_list("pk", self.key)
                )
                found.extend(kept[pk] for pk in batch if pk in kept)
            if len(found) >= limit:
                return found[:limit], False
            if len(batch) < size:
                return found, True
            start += size
        rest, seen = limit - len(found), len(found)
        joined = self.order.filter(self.keep).values_list(self.key, flat=True)
        more = list(joined[seen : seen + rest])
        return found + more, len(more) < rest


class Merged:
    """Segments read as one, merged by key, the greatest first (each ordered so by its key,
    e.g. the newest first by primary key): what a unit received and what it sent, in one list.
    A key found in more than one of them is listed once."""

    def __init__(self, *parts: Segment[Any]) -> None:
        self.parts = parts

    def first(self, limit: int) -> tuple[list[int], bool]:
        found: set[int] = set()
        for part in self.parts:
            found.update(part.first(limit)[0])
        keys = sorted(found, reverse=True)[:limit]
        # Fewer than ``limit`` in all only when every part ended before ``limit``.
        return keys, len(keys) < limit


def segmented(
    segments: Iterable[Segment[Any] | Merged],
    load: Callable[[list[int]], Iterable[M]],
    number: int | str | None,
    per_page: int,
) -> Window[M]:
    """Page ``number`` of lists shown one after the other (what is open, then the rest).

    Only keys are read from the segments, at most ``offset + per_page + 1`` kept rows of each
    and only as far as the page reaches; ``load`` then reads the page's rows by key (in any
    order) with what they show. The segments' keys must be distinct: where one could list a key
    an earlier one lists, its ``keep`` leaves that key out."""
    n = page_number(number)
    skip = offset(n, per_page)
    want = per_page + 1
    keys: list[int] = []
    for segment in segments:
        ids, ended = segment.first(skip + want - len(keys))
        keys.extend(ids[skip:])
        if not ended:
            break
        skip = max(0, skip - len(ids))  # how many of this segment lay before the page
    shown = keys[:per_page]
    rows = {row.pk: row for row in load(shown)}
    return Window([rows[k] for k in shown if k in rows], n, per_page, len(keys) > per_page)
