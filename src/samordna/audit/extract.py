"""The individual's access-log extract (PAT-2, issue 15 item 3), as 1177's log extract: which
unit read or changed what about them, and when; the staff member's name only where the county
says so (``RuleSet.access_log_names_staff``). Reads on their own pages are listed as theirs.

The extract is the person's range of the log, the largest table of all, read newest first by
keyset from the index ``accesslog_person_at_id_idx`` (person, -at, -id): a page costs its own
rows, whichever page it is, and nothing is counted.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samordna.audit.models import AccessLog
from samordna.people.models import Person
from samordna.people.subjects import Relation

PER_PAGE = 25
_CURSOR = re.compile(r"([0-9]{1,16})-([0-9]{1,18})")
# A cursor's time: from the first possible log row to a day past now (a clock set wrong).
_EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


class BadCursor(ValueError):
    pass


def cursor_of(entry: AccessLog) -> str:
    micros = int(entry.at.timestamp() * 1_000_000)
    return f"{micros}-{entry.pk}"


def parse_cursor(text: str) -> tuple[dt.datetime, int]:
    """``<microseconds since 1970>-<id>``; BadCursor for anything else (no NUL, no huge
    numbers, no times before the log or in the future)."""
    match = _CURSOR.fullmatch(text)
    if match is None:
        raise BadCursor(text)
    at = dt.datetime.fromtimestamp(int(match[1]) / 1_000_000, tz=dt.UTC)
    if not _EARLIEST <= at <= timezone.now() + dt.timedelta(days=1) or int(match[2]) < 1:
        raise BadCursor(text)
    return at, int(match[2])


@dataclass(frozen=True)
class Line:
    """One row of the extract, as the individual reads it."""

    at: dt.datetime  # local time
    who: str  # the unit, or "you" / "your guardian" ...
    staff: str  # the staff member's name, where the county shows it; else empty
    kind: str  # read, change, search ...
    what: str


@dataclass(frozen=True)
class ExtractPage:
    lines: list[Line]
    next_cursor: str | None  # None: this is the last page
    names_staff: bool


_READER = {
    Relation.SELF: lambda: _("You, on your own pages"),
    Relation.GUARDIAN: lambda: _("A guardian, on your pages"),
    Relation.TRUSTEE: lambda: _("Your trustee (god man), on your pages"),
    Relation.ADMINISTRATOR: lambda: _("Your administrator (förvaltare), on your pages"),
}


def _who(entry: AccessLog) -> str:
    if entry.reader_relation:
        label = _READER.get(entry.reader_relation)  # type: ignore[call-overload]
        return label() if label else _("On your own pages")
    if entry.unit is not None:
        return entry.unit.name
    return _("Samordna")


def _staff(entry: AccessLog) -> str:
    if entry.user is None:
        return ""
    return entry.user.get_full_name() or entry.user.username


def page(person: Person, cursor: str = "", per_page: int = PER_PAGE) -> ExtractPage:
    """One page of ``person``'s extract, newest first, after ``cursor`` (the last row of the
    page before; empty for the first page). Raises BadCursor for a cursor that is none of
    ours. One query (two with the county's setting, read from the person's municipality)."""
    entries = AccessLog.objects.filter(person=person)
    if cursor:
        at, pk = parse_cursor(cursor)
        entries = entries.filter(Q(at__lt=at) | Q(at=at, pk__lt=pk))
    names = bool(person.municipality.county.rule_set.access_log_names_staff)
    related = ["unit", "user"] if names else ["unit"]
    rows = list(entries.select_related(*related).order_by("-at", "-pk")[: per_page + 1])
    shown = rows[:per_page]
    lines = [
        Line(
            at=timezone.localtime(e.at),
            who=_who(e),
            staff=_staff(e) if names else "",
            kind=str(e.get_action_display()),
            what=e.what_display,
        )
        for e in shown
    ]
    more = len(rows) > per_page
    return ExtractPage(lines, cursor_of(shown[-1]) if more else None, names)
