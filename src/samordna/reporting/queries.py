"""What an indicator page reads: sums over ``IndicatorCount`` (a few hundred counter rows for a
county year) and, for the current month, the facts whose deadline has not passed yet. Who may
read which scope is decided here once (``scope_for``): the county's administrators and its
statistics staff see the county; a unit's head sees the unit's own figures (RPT-1, RPT-3).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from samordna.accounts.actor import Actor
from samordna.core.calendar import STOCKHOLM
from samordna.errors import Forbidden, NotFound, ServiceError
from samordna.organisations.models import Membership, Principal, Unit
from samordna.reporting.indicators import BY_ID, INDICATORS, Indicator
from samordna.reporting.models import IndicatorCount, IndicatorFact, Outcome

COUNTY_ROLES = (Membership.Role.COUNTY_ADMIN, Membership.Role.STATISTICS)
UNIT_ROLES = (Membership.Role.UNIT_ADMIN,)
# RPT-3: a count from 1 to 4 is shown as "<5" outside the unit's own view.
SMALL = 5
MAX_MONTHS = 36
_MONTH = re.compile(r"\A(\d{4})-(\d{2})\Z")


def may_read(actor: Actor) -> bool:
    return actor.may_read_indicators


@dataclass(frozen=True)
class Scope:
    county_id: int
    unit: Unit | None  # the unit view's own unit, or the county view's filter
    municipality: Principal | None
    own_unit: bool  # the unit's own view: nothing suppressed
    first: dt.date
    last: dt.date

    @property
    def months(self) -> list[dt.date]:
        found, m = [], self.first
        while m <= self.last:
            found.append(m)
            m = (m + dt.timedelta(days=32)).replace(day=1)
        return found

    def counts(self) -> Q:
        q = Q(county_id=self.county_id, month__gte=self.first, month__lte=self.last)
        if self.unit is not None:
            q &= Q(unit_id=self.unit.pk)
        if self.municipality is not None:
            q &= Q(municipality_id=self.municipality.pk)
        return q


def parse_month(value: str, field: str) -> dt.date:
    found = _MONTH.match(value.strip())
    if not found or not 1 <= int(found[2]) <= 12 or not 2000 <= int(found[1]) <= 2100:
        raise ServiceError("invalid_month", _("Give the month as YYYY-MM."), field)
    return dt.date(int(found[1]), int(found[2]), 1)


def scope_for(
    actor: Actor,
    first: str = "",
    last: str = "",
    unit: str = "",
    municipality: str = "",
) -> Scope:
    """The scope the actor asked for, within what the actor may read; refused with a 4xx."""
    if not may_read(actor):
        raise Forbidden("forbidden", _("The indicators are for county and unit administrators."))
    county = actor.unit.principal.county_id
    this_month = timezone.localdate().replace(day=1)
    to = parse_month(last, "to") if last else this_month
    since = parse_month(first, "from") if first else _add_months(to, -11)
    if since > to:
        raise ServiceError("invalid_period", _("The period ends before it starts."), "from")
    if _months_between(since, to) >= MAX_MONTHS:
        raise ServiceError(
            "period_too_long", _("Choose at most %(n)s months.") % {"n": MAX_MONTHS}, "from"
        )
    chosen_municipality = None
    if municipality:
        chosen_municipality = Principal.objects.filter(
            code=municipality, county_id=county, kind=Principal.Kind.MUNICIPALITY
        ).first()
        if chosen_municipality is None:
            raise ServiceError(
                "unknown_municipality", _("No such municipality in the county."), "municipality"
            )
    if actor.has_role(*COUNTY_ROLES):
        chosen_unit = None
        if unit:
            chosen_unit = Unit.objects.filter(code=unit, principal__county_id=county).first()
            if chosen_unit is None:
                raise ServiceError("unknown_unit", _("No such unit in the county."), "unit")
        return Scope(county, chosen_unit, chosen_municipality, False, since, to)
    if unit and unit != actor.unit.code:
        raise Forbidden("forbidden", _("A unit's head sees the unit's own figures only."), "unit")
    return Scope(county, actor.unit, chosen_municipality, True, since, to)


def _add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def _months_between(a: dt.date, b: dt.date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


@dataclass
class Cell:
    """An indicator's counts for one row (a month, a unit, a municipality)."""

    on_time: int = 0
    late: int = 0
    open: int = 0  # not done, deadline passed or not
    pending: int = 0  # not done, deadline not yet passed

    @property
    def missed(self) -> int:
        return self.open - self.pending

    @property
    def due(self) -> int:
        """The deadlines that have passed: the denominator."""
        return self.on_time + self.late + self.missed

    @property
    def share(self) -> float | None:
        return 100 * self.on_time / self.due if self.due else None

    def add(self, outcome: str, n: int) -> None:
        setattr(self, outcome, getattr(self, outcome) + n)


@dataclass
class Shown:
    """A cell as shown outside the unit's own view (RPT-3): a count from 1 to 4 as "<5"; and
    then, in that row, neither the number of deadlines passed nor the share, since either
    would give the small count back (due − on time − missed = late). Pending deadlines are
    not part of the share and hide only their own cell."""

    cell: Cell
    suppress: bool
    hidden: bool = field(init=False)

    def __post_init__(self) -> None:
        c = self.cell
        self.hidden = self.suppress and any(0 < n < SMALL for n in (c.on_time, c.late, c.missed))

    def _small(self, n: int) -> bool:
        return self.suppress and 0 < n < SMALL

    def count(self, name: str) -> int | None:
        n: int = getattr(self.cell, name)
        if self._small(n) or (name == "due" and self.hidden):
            return None
        return n

    def text(self, name: str) -> str:
        n: int = getattr(self.cell, name)
        if self._small(n):
            return f"<{SMALL}"
        return "–" if self.count(name) is None else str(n)

    @property
    def share(self) -> float | None:
        return None if self.hidden else self.cell.share

    @property
    def share_text(self) -> str:
        share = self.share
        if share is None:
            return "–"
        return f"{share:.1f}".replace(".", ",") + " %"


def _cells(scope: Scope, indicators: list[str], by: str | None) -> dict[tuple[str, object], Cell]:
    """The cells of the indicators, grouped by ``by`` (a column of the counts) or not at all."""
    group = ["indicator", "outcome"] + ([by] if by else [])
    found: dict[tuple[str, object], Cell] = defaultdict(Cell)
    counts = (
        IndicatorCount.objects.filter(scope.counts(), indicator__in=indicators)
        .values(*group)
        .annotate(total=Sum("n"))
        .order_by()
    )
    for row in counts:
        found[(row["indicator"], row[by] if by else None)].add(row["outcome"], row["total"])
    now = timezone.now()
    if scope.last >= timezone.localdate().replace(day=1):
        # Deadlines not yet passed: only the current month's (and any later month's) facts.
        # A due time still ahead has its month (``rollup.month_of``) in the current month or
        # later, so the month bound changes no answer and makes the scan that index range.
        pending = (
            IndicatorFact.objects.filter(
                scope.counts(),
                indicator__in=indicators,
                outcome=Outcome.OPEN,
                month__gte=timezone.localtime(now, STOCKHOLM).date().replace(day=1),
                due_at__gt=now,
            )
            .values(*(["indicator"] + ([by] if by else [])))
            .annotate(total=Count("*"))
            .order_by()
        )
        for row in pending:
            found[(row["indicator"], row[by] if by else None)].pending += row["total"]
    return found


def summary(scope: Scope) -> list[tuple[Indicator, Shown]]:
    cells = _cells(scope, [i.id for i in INDICATORS], None)
    return [(i, Shown(cells.get((i.id, None), Cell()), not scope.own_unit)) for i in INDICATORS]


def by_month(indicator: Indicator, scope: Scope) -> list[tuple[dt.date, Shown]]:
    cells = _cells(scope, [indicator.id], "month")
    return [
        (m, Shown(cells.get((indicator.id, m), Cell()), not scope.own_unit)) for m in scope.months
    ]


def by_unit(indicator: Indicator, scope: Scope) -> list[tuple[Unit, Shown]]:
    cells = _cells(scope, [indicator.id], "unit_id")
    units = Unit.objects.in_bulk([key for _i, key in cells])
    rows = [(units[key], Shown(c, not scope.own_unit)) for (_i, key), c in cells.items()]
    return sorted(rows, key=lambda r: r[0].name)


def by_municipality(indicator: Indicator, scope: Scope) -> list[tuple[Principal, Shown]]:
    cells = _cells(scope, [indicator.id], "municipality_id")
    found = Principal.objects.in_bulk([key for _i, key in cells])
    rows = [(found[key], Shown(c, not scope.own_unit)) for (_i, key), c in cells.items()]
    return sorted(rows, key=lambda r: r[0].name)


def indicator(id: str) -> Indicator:
    found = BY_ID.get(id)
    if found is None:
        raise NotFound("unknown_indicator", _("No such indicator."))
    return found
