"""What the pages of the plain measures read (``reporting.stats``): sums over ``StatCount``
only, in the scope ``queries.scope_for`` decided (RPT-1, RPT-3). The waiting days' median is
exact: the counters are kept per number of days.

Suppression outside the unit's own view (RPT-3): a count from 1 to 4 is shown as "<5"; a row
with 1 to 4 stays shows no median and no distribution, and a row with 1 to 4 liable stays no
liable days and no amount, since each would describe those few individuals.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, Sum

from samordna.discharge.models import DailyAmount
from samordna.organisations.models import Principal, Unit
from samordna.reporting.models import StatCount
from samordna.reporting.queries import SMALL, Scope
from samordna.reporting.stats import BY_ID, Stat

WAITING = ("waiting_days", "liable_stays", "liable_days")
COUNTS = ("sip_opened", "sip_closed", "stays", "deviations")
# The distribution of waiting days: (label, first day, last day or None).
BUCKETS: list[tuple[str, int, int | None]] = [
    ("0", 0, 0), ("1", 1, 1), ("2", 2, 2), ("3", 3, 3), ("4–7", 4, 7), ("8–14", 8, 14),
    ("15–30", 15, 30), (">30", 31, None),
]  # fmt: skip


def stat(id: str) -> Stat:
    return BY_ID[id]


def small(n: int, suppress: bool) -> bool:
    return suppress and 0 < n < SMALL


def count_text(n: int | None, suppress: bool) -> str:
    if n is None:
        return "–"
    return f"<{SMALL}" if small(n, suppress) else str(n)


def count_value(n: int, suppress: bool) -> int | None:
    return None if small(n, suppress) else n


def decimal(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}".replace(".", ",")


@dataclass
class Waiting:
    """One row of the waiting and liability table."""

    suppress: bool
    days: Counter[int] = field(default_factory=Counter)  # waiting days → stays
    liable_stays: int = 0
    liable_by_year: Counter[int] = field(default_factory=Counter)

    @property
    def stays(self) -> int:
        return sum(self.days.values())

    @property
    def hidden(self) -> bool:
        return small(self.stays, self.suppress)

    @property
    def liable_hidden(self) -> bool:
        return small(self.liable_stays, self.suppress)

    @property
    def median(self) -> float | None:
        n = self.stays
        if not n or self.hidden:
            return None
        ordered = sorted(self.days.items())

        def nth(k: int) -> int:
            seen = 0
            for days, count in ordered:
                seen += count
                if seen > k:
                    return days
            raise AssertionError(k)

        return float(nth(n // 2)) if n % 2 else (nth(n // 2 - 1) + nth(n // 2)) / 2

    @property
    def mean(self) -> float | None:
        n = self.stays
        if not n or self.hidden:
            return None
        return sum(d * c for d, c in self.days.items()) / n

    def buckets(self) -> list[tuple[str, int | None]]:
        """The distribution; None when the row is hidden (a small count is the caller's to
        show as "<5", ``count_text``)."""
        found = []
        for label, lo, hi in BUCKETS:
            n = sum(c for d, c in self.days.items() if d >= lo and (hi is None or d <= hi))
            found.append((label, None if self.hidden else n))
        return found

    @property
    def liable_days(self) -> int | None:
        return None if self.liable_hidden else sum(self.liable_by_year.values())

    def amount(self, amounts: dict[int, int]) -> tuple[int | None, list[int]]:
        """The amount in kronor, and the years whose national amount is missing."""
        if self.liable_hidden:
            return None, []
        missing = sorted(y for y in self.liable_by_year if y not in amounts)
        if missing:
            return None, missing
        return sum(days * amounts[y] for y, days in self.liable_by_year.items()), []


def _waiting(scope: Scope, by: str | None) -> dict[object, Waiting]:
    group = ["stat", "key"] + ([by] if by else [])
    found: dict[object, Waiting] = defaultdict(lambda: Waiting(not scope.own_unit))
    counts = (
        StatCount.objects.filter(scope.counts(), stat__in=WAITING)
        .values(*group)
        .annotate(stays=Sum("n"), days=Sum("total"))
        .order_by()
    )
    for row in counts:
        w = found[row[by] if by else None]
        if row["stat"] == "waiting_days":
            w.days[int(row["key"])] += row["stays"]
        elif row["stat"] == "liable_stays":
            w.liable_stays += row["stays"]
        else:
            w.liable_by_year[int(row["key"])] += row["days"]
    return found


def amounts() -> dict[int, int]:
    return dict(DailyAmount.objects.values_list("year", "amount_sek"))


def waiting_total(scope: Scope) -> Waiting:
    return _waiting(scope, None).get(None) or Waiting(not scope.own_unit)


def waiting_by_month(scope: Scope) -> list[tuple[dt.date, Waiting]]:
    found = _waiting(scope, "month")
    return [(m, found.get(m) or Waiting(not scope.own_unit)) for m in scope.months]


def waiting_by_municipality(scope: Scope) -> list[tuple[Principal, Waiting]]:
    found = _waiting(scope, "municipality_id")
    names = Principal.objects.in_bulk(list(found))
    return sorted(((names[k], w) for k, w in found.items()), key=lambda r: r[0].name)


def waiting_by_unit(scope: Scope) -> list[tuple[Unit, Waiting]]:
    found = _waiting(scope, "unit_id")
    names = Unit.objects.in_bulk(list(found))
    return sorted(((names[k], w) for k, w in found.items()), key=lambda r: r[0].name)


@dataclass
class Month:
    """One month of the counts."""

    month: dt.date
    active: int  # SIPs open at the end of the month
    opened: int
    closed: int
    stays: int
    deviations: int


def counts_by_month(scope: Scope) -> list[Month]:
    """The counts per month, and the SIPs active at each month's end: every SIP opened by then
    less every SIP closed by then (the counters of all earlier months, a few rows each)."""
    per: dict[tuple[str, dt.date], int] = defaultdict(int)
    rows = (
        StatCount.objects.filter(scope.counts(), stat__in=COUNTS)
        .values("stat", "month")
        .annotate(total=Sum("n"))
        .order_by()
    )
    for row in rows:
        per[(row["stat"], row["month"])] += row["total"]
    earlier = (
        StatCount.objects.filter(
            _before(scope), stat__in=("sip_opened", "sip_closed"), month__lt=scope.first
        )
        .values("stat")
        .annotate(total=Sum("n"))
        .order_by()
    )
    active = 0
    for row in earlier:
        active += row["total"] if row["stat"] == "sip_opened" else -row["total"]
    found = []
    for m in scope.months:
        active += per[("sip_opened", m)] - per[("sip_closed", m)]
        found.append(
            Month(m, active, per[("sip_opened", m)], per[("sip_closed", m)], per[("stays", m)],
                  per[("deviations", m)])
        )  # fmt: skip
    return found


def _before(scope: Scope) -> Q:
    q = Q(county_id=scope.county_id)
    if scope.unit is not None:
        q &= Q(unit_id=scope.unit.pk)
    if scope.municipality is not None:
        q &= Q(municipality_id=scope.municipality.pk)
    return q


def counts_by_key(scope: Scope) -> dict[str, list[tuple[str, int]]]:
    """SIPs opened by type, closed by reason and deviations by kind over the period."""
    found: dict[str, list[tuple[str, int]]] = defaultdict(list)
    rows = (
        StatCount.objects.filter(
            scope.counts(), stat__in=("sip_opened", "sip_closed", "deviations")
        )
        .values("stat", "key")
        .annotate(total=Sum("n"))
        .order_by("stat", "key")
    )
    for row in rows:
        found[row["stat"]].append((row["key"], row["total"]))
    return found
