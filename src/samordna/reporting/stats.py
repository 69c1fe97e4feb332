"""The plain measures beside the on-time indicators (RPT-1, issue 13): waiting days after ready
for discharge, the municipalities' liable days and amounts, and counts of SIPs, stays and
deviations. Each is defined once here; ``StatFact`` holds one counted thing, ``StatCount``
the number and the sum of values per measure, month, unit, municipality of residence and key.

Kept as the indicators' rollup is (``reporting.rollup``): ``update(case_ids)`` runs before each
act commits, computes the touched cases' facts again (``rows``), writes the difference and moves
the counters by it in one upsert; ``rebuild()`` recomputes everything, and the tests compare
the two after random acts. A fact depends on the source rows only, never on today's date: the
waiting and liable days of a stay are counted once the stay has ended (in the month it ended),
when they no longer grow. The liable days are kept per calendar year and priced when read,
with the year's national daily amount (``DailyAmount``), so a newly entered amount needs no
rebuild.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, transaction
from django.db.models import Exists, Max, Min, OuterRef, Q, Subquery, prefetch_related_objects
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from samordna.cases.acts import count_later
from samordna.cases.models import Case, Delivery, Notice
from samordna.core.calendar import STOCKHOLM
from samordna.core.sql import every_case, execute_prepared, replace_rows, wanted_and_stored
from samordna.deviations.models import Deviation
from samordna.discharge import liability
from samordna.discharge.models import UnavailablePeriod
from samordna.discharge.services.notices import _facts
from samordna.organisations.models import County
from samordna.reporting import stats_sql
from samordna.reporting.models import StatCount, StatFact

__all__ = ["STATS", "StatCount", "StatFact", "rebuild", "update"]

CHUNK = 2000


@dataclass(frozen=True)
class Stat:
    id: str
    title: Promise
    definition: Promise
    source: str  # the seed passage, file and lines, or the law


_LIABILITY_SOURCE = "001_118551e475ece215.txt rad 1526-1562 (Lag 2017:612); discharge/liability.py"
STATS: list[Stat] = [
    Stat(
        "waiting_days",
        _("Waiting days after ready for discharge"),
        _(
            "For each stay that ended with a discharge in the month: the days from the local "
            "date the first ready-for-discharge notice was sent to the local date of discharge "
            "(sent and discharged the same day: 0). Median and distribution."
        ),
        "001_118551e475ece215.txt rad 815-822, 1550-1557",
    ),
    Stat(
        "liable_stays",
        _("Stays with payment liability"),
        _(
            "Stays that ended in the month (discharged, or closed) for which the municipality of "
            "residence was liable to pay for at least one day, with the liability rules of the "
            "stay's page."
        ),
        _LIABILITY_SOURCE,
    ),
    Stat(
        "liable_days",
        _("Liable days and amount"),
        _(
            "The days the municipality of residence was liable to pay for (vårddygn, the day "
            "of discharge not counted), of the stays that ended in the month, priced with the "
            "national daily amount of each day's calendar year."
        ),
        _LIABILITY_SOURCE,
    ),
    Stat(
        "sip_opened",
        _("SIPs opened, by type"),
        _("SIPs opened in the month, counted for the coordinator's unit."),
        "001_118551e475ece215.txt rad 386-392",
    ),
    Stat(
        "sip_closed",
        _("SIPs closed, by reason"),
        _("SIPs closed in the month, by the reason given for the closure."),
        "001_118551e475ece215.txt rad 550-558",
    ),
    Stat(
        "stays",
        _("Stays"),
        _("Inpatient stays with a discharge collaboration, by the month of admission."),
        "001_118551e475ece215.txt rad 675-677",
    ),
    Stat(
        "deviations",
        _("Deviations sent, by kind"),
        _(
            "Deviations about a case sent in the month, counted for the reporting unit, by "
            "kind (written by a user, meeting no-show, missed acknowledgement)."
        ),
        "001_118551e475ece215.txt rad 131-143",
    ),
]
BY_ID: dict[str, Stat] = {s.id: s for s in STATS}


class Row(NamedTuple):
    stat: str
    ref: int
    key: str
    case_id: int
    county_id: int
    unit_id: int
    municipality_id: int
    month: dt.date
    value: int

    @property
    def id(self) -> tuple[str, int, str]:
        return self.stat, self.ref, self.key

    @property
    def counter(self) -> tuple[str, dt.date, int, int, int, str]:
        return (
            self.stat, self.month, self.county_id, self.unit_id, self.municipality_id, self.key
        )  # fmt: skip


def _month(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment, STOCKHOLM).date().replace(day=1)


def _local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment, STOCKHOLM).date()


def rows(cases: Q) -> Iterator[Row]:
    """Every fact of the cases ``cases`` selects (a ``Q`` on ``Case``'s own fields): one query
    for the cases with their SIP or stay, one for the deviations, and one for the periods of
    unavailability of the stays that have ended (none while no stay has)."""
    found = _cases(cases)
    ended = [
        c.stay for c in found
        if c.kind == Case.Kind.DISCHARGE and _has(c, "stay") and _liable_candidate(c)
    ]  # fmt: skip
    prefetch_related_objects(ended, "unavailable_periods")
    for case in found:
        where = _where(case)
        if case.kind == Case.Kind.SIP and _has(case, "sip"):
            yield Row("sip_opened", case.pk, case.sip.type, *where, _month(case.opened_at), 1)
            if case.closed_at is not None:
                month = _month(case.closed_at)
                yield Row("sip_closed", case.pk, case.close_reason, *where, month, 1)
        elif case.kind == Case.Kind.DISCHARGE and _has(case, "stay"):
            yield from _stay(case, where)
    deviations = Deviation.objects.filter(
        case__in=Case.objects.filter(cases), sent_at__isnull=False
    ).values_list(
        "pk", "case_id", "reporting_unit__principal__county_id", "reporting_unit_id",
        "case__person__municipality_id", "source", "sent_at",
    )  # fmt: skip
    for pk, case_id, county, unit, municipality, source, sent in deviations:
        assert sent is not None and case_id is not None  # the filter says so
        yield Row("deviations", pk, source, case_id, county, unit, municipality, _month(sent), 1)


# What the liability export reads per stay (``discharge.services.liability_export``).
_READ: dict[str, Any] = {
    "first_ready_at": Subquery(
        Notice.objects.filter(case=OuterRef("pk"), kind=Notice.Kind.READY)
        .order_by("sent_at", "pk")
        .values("sent_at")[:1]
    ),
    "notified_municipality": Exists(
        Delivery.objects.filter(
            notice__case=OuterRef("pk"),
            notice__kind=Notice.Kind.ADMISSION,
            unit__principal_id=OuterRef("person__municipality_id"),
        )
    ),
}


def _cases(cases: Q) -> list[Case]:
    return list(
        Case.objects.filter(cases, kind__in=(Case.Kind.SIP, Case.Kind.DISCHARGE))
        .select_related("person", "sip", "stay", "owner_unit__principal__county")
        .annotate(
            first_ready_at=_READ["first_ready_at"],
            notified_municipality=_READ["notified_municipality"],
        )
        .order_by("pk")
    )


def _has(case: Case, name: str) -> bool:
    try:
        getattr(case, name)
    except ObjectDoesNotExist:
        return False
    return True


def _liable_candidate(case: Case) -> bool:
    annotated: Any = case
    return annotated.first_ready_at is not None and (
        case.stay.discharged_at is not None or case.closed_at is not None
    )


def _stay(case: Case, where: tuple[int, int, int, int]) -> Iterator[Row]:
    annotated: Any = case
    stay = case.stay
    yield Row("stays", case.pk, "", *where, _month(stay.admitted_at), 1)
    ready = annotated.first_ready_at
    if ready is None:
        return
    if stay.discharged_at is not None:
        days = max(0, (_local_date(stay.discharged_at) - _local_date(ready)).days)
        yield Row("waiting_days", case.pk, str(days), *where, _month(stay.discharged_at), days)
    if _liable_candidate(case):  # else still in hospital: the days still grow
        yield from _liable(case, where)


def _where(case: Case) -> tuple[int, int, int, int]:
    return (case.pk, case.owner_unit.principal.county_id, case.owner_unit_id,
            case.person.municipality_id)  # fmt: skip


def _liable(case: Case, where: tuple[int, int, int, int]) -> Iterator[Row]:
    """The liable days of a stay that has ended after a ready notice, by the liability rules."""
    annotated: Any = case
    ready = annotated.first_ready_at
    facts = _facts(case, ready, annotated.notified_municipality)
    assert facts.discharged_on is not None
    yield from _assessed(facts, case.owner_unit.principal.county.rule_set, where)


def _assessed(
    facts: liability.Facts, rules: Any, where: tuple[int, int, int, int]
) -> Iterator[Row]:
    assert facts.discharged_on is not None
    result = liability.assess(facts, rules, {}, facts.discharged_on)
    if not result.days:
        return
    month = facts.discharged_on.replace(day=1)
    yield Row("liable_stays", where[0], "", *where, month, result.days)
    for year, days in result.days_by_year().items():
        yield Row("liable_days", where[0], str(year), *where, month, days)


_FIELDS = (
    "stat", "ref", "key", "case_id", "county_id", "unit_id", "municipality_id", "month", "value",
)  # fmt: skip
_COUNTER = "stat, month, county_id, unit_id, municipality_id, key"


def _fact(row: Row) -> StatFact:
    return StatFact(**dict(zip(_FIELDS, row, strict=True)))


def update(case_ids: set[int]) -> None:
    """Bring the facts of these cases up to date and move the counters by the difference."""
    if connection.vendor == "postgresql":
        wanted, stored = _compared_in_sql(sorted(case_ids))
    else:
        wanted = {row.id: row for row in rows(Q(pk__in=sorted(case_ids)))}
        found = StatFact.objects.filter(case_id__in=case_ids).values_list("pk", *_FIELDS)
        stored = {Row(*r[1:]).id: (r[0], Row(*r[1:])) for r in found}
    gone = [pk for key, (pk, row) in stored.items() if wanted.get(key) != row]
    new = [row for key, row in wanted.items() if key not in stored or stored[key][1] != row]
    if not gone and not new:
        return
    delta: Counter[tuple[tuple[str, dt.date, int, int, int, str], str]] = Counter()
    for key, (_pk, row) in stored.items():
        if wanted.get(key) != row:
            delta[(row.counter, "n")] -= 1
            delta[(row.counter, "total")] -= row.value
    for row in new:
        delta[(row.counter, "n")] += 1
        delta[(row.counter, "total")] += row.value
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            replace_rows(cursor, StatFact._meta.db_table, gone, stats_sql.COLUMNS, new)
    else:
        if gone:
            StatFact.objects.filter(pk__in=gone).delete()
        if new:
            StatFact.objects.bulk_create(_fact(row) for row in new)
    count_later(_count, delta)  # last, just before the commit (cases.acts)


def _compared_in_sql(
    ids: list[int],
) -> tuple[dict[tuple[str, int, str], Row], dict[tuple[str, int, str], tuple[int, Row]]]:
    """The facts the cases should have (SQL's, and the liability rules' for the candidates
    among them) and the facts stored, from one prepared statement (``core.sql``)."""
    with connection.cursor() as cursor:
        found = execute_prepared(cursor, "stats_facts", stats_sql.FACTS_OF_CASES, ids)
    candidates = [r[4] for r in found if r[0] is None and r[1] is None]  # no key, no stat
    wanted, stored = wanted_and_stored(
        (r for r in found if r[1] is not None), Row, lambda row: row.id
    )
    if candidates:
        rule_sets = {county.pk: county.rule_set for county in County.objects.all()}
        wanted.update((row.id, row) for row in _liable_of(sorted(candidates), rule_sets))
    return wanted, stored


def _count(delta: Counter[tuple[tuple[str, dt.date, int, int, int, str], str]]) -> None:
    keys = sorted({key for key, _part in delta})
    changes = [(k, delta[(k, "n")], delta[(k, "total")]) for k in keys]
    changes = [c for c in changes if c[1] or c[2]]
    if not changes:
        return
    table = StatCount._meta.db_table
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(changes))
    params: list[Any] = []
    for key, n, total in changes:
        params += [*key, n, total]
    conflict = "stat, month, unit_id, municipality_id, key"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({_COUNTER}, n, total) VALUES {values} "
            f"ON CONFLICT ({conflict}) DO UPDATE SET n = {table}.n + excluded.n, "
            f"total = {table}.total + excluded.total",
            params,
        )
        where = ", ".join(["(%s, %s, %s, %s, %s)"] * len(changes))
        cursor.execute(
            f"DELETE FROM {table} WHERE n = 0 AND ({conflict}) IN (VALUES {where})",
            [part for (s, m, _c, u, mu, k), _n, _t in changes for part in (s, m, u, mu, k)],
        )


def rebuild(chunk: int = CHUNK) -> int:
    """Compute every fact and counter again from the source tables; returns the number of facts.

    On PostgreSQL set-based (``_rebuild_in_sql``): one INSERT ... SELECT per kind of fact SQL
    can compute (``stats_sql``), the liability rules (Python) run only for the stays that
    ended after a ready notice, in chunks, and the counters summed from the facts in one
    INSERT ... SELECT ... GROUP BY. Elsewhere ``rows`` in chunks of cases."""
    if connection.vendor == "postgresql":
        with transaction.atomic():
            return _rebuild_in_sql(chunk)
    return _rebuild_in_chunks(chunk)


def _rebuild_in_sql(chunk: int) -> int:
    facts, counts = StatFact._meta.db_table, StatCount._meta.db_table
    total = 0
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {facts}, {counts}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for select in stats_sql.sources(every_case):
            cursor.execute(f"INSERT INTO {facts} ({stats_sql.COLUMNS}) {select}")
            total += cursor.rowcount
        cursor.execute(stats_sql.liable_candidates(every_case) + " ORDER BY c.id")
        candidates = [pk for (pk,) in cursor.fetchall()]
    rule_sets = {county.pk: county.rule_set for county in County.objects.all()}
    for start in range(0, len(candidates), chunk):
        liable = list(_liable_of(candidates[start : start + chunk], rule_sets))
        StatFact.objects.bulk_create((_fact(r) for r in liable), batch_size=2000)
        total += len(liable)
    with connection.cursor() as cursor:
        cursor.execute(stats_sql.counters(facts, counts))
        cursor.execute(f"ANALYZE {facts}")
        cursor.execute(f"ANALYZE {counts}")
    return total


def _liable_of(ids: list[int], rule_sets: dict[int, Any]) -> Iterator[Row]:
    """``_liable`` for these stays, read as values rather than models (the rebuild's cost is
    loading the candidates): the same ``liability.Facts`` as ``notices._facts`` builds."""
    periods: dict[int, list[liability.Period]] = {}
    for stay, starts, ends in (
        UnavailablePeriod.objects.filter(stay_id__in=ids)
        .order_by("starts_on", "pk")
        .values_list("stay_id", "starts_on", "ends_on")
    ):
        periods.setdefault(stay, []).append(liability.Period(starts, ends))
    found = (
        Case.objects.filter(pk__in=ids, kind=Case.Kind.DISCHARGE, stay__isnull=False)
        .annotate(
            first_ready_at=_READ["first_ready_at"],
            notified_municipality=_READ["notified_municipality"],
        )
        .order_by("pk")
        .values_list(
            "pk", "owner_unit__principal__county_id", "owner_unit_id", "person__municipality_id",
            "closed_at", "close_reason", "person__deceased_on", "stay__consent_to_transfer",
            "stay__sip_invited_at", "stay__only_social_services", "stay__sip_declined_at",
            "stay__discharged_at", "first_ready_at", "notified_municipality",
        )
    )  # fmt: skip
    for row in found:
        pk, county, unit, municipality, closed, reason, died = row[:7]
        consent, invited, social, declined, discharged, ready, notified = row[7:]
        ended = discharged or closed
        if ready is None or ended is None:
            continue
        ended_on = timezone.localdate(ended)
        if reason == Case.CloseReason.DECEASED and died:
            ended_on = died  # registered later than it happened
        facts = liability.Facts(
            consent=consent, admission_notice_to_municipality=notified, ready_sent_at=ready,
            sip_invited_at=invited, only_social_services=social, sip_declined_at=declined,
            discharged_on=ended_on, unavailable=tuple(periods.get(pk, ())),
        )  # fmt: skip
        yield from _assessed(facts, rule_sets[county], (pk, county, unit, municipality))


def _rebuild_in_chunks(chunk: int) -> int:
    total = 0
    counts: Counter[tuple[str, dt.date, int, int, int, str]] = Counter()
    sums: Counter[tuple[str, dt.date, int, int, int, str]] = Counter()
    with transaction.atomic():
        StatFact.objects.all().delete()
        StatCount.objects.all().delete()
        bounds = Case.objects.aggregate(lo=Min("pk"), hi=Max("pk"))
        lo, hi = bounds["lo"], bounds["hi"]
        if lo is not None and hi is not None:
            for start in range(lo, hi + 1, chunk):
                found = list(rows(Q(pk__gte=start, pk__lt=start + chunk)))
                StatFact.objects.bulk_create((_fact(r) for r in found), batch_size=2000)
                for r in found:
                    counts[r.counter] += 1
                    sums[r.counter] += r.value
                total += len(found)
        StatCount.objects.bulk_create(
            (
                StatCount(
                    stat=s, month=m, county_id=c, unit_id=u, municipality_id=mu, key=k, n=n,
                    total=sums[(s, m, c, u, mu, k)],
                )
                for (s, m, c, u, mu, k), n in counts.items()
            ),
            batch_size=2000,
        )  # fmt: skip
    return total


Counters = dict[tuple[str, dt.date, int, int, int, str], tuple[int, int]]


def snapshot() -> tuple[set[Row], Counters]:
    """The stored facts and counters, to compare with a recomputation (tests, --check)."""
    facts = {Row(*r) for r in StatFact.objects.values_list(*_FIELDS)}
    counts = {
        (s, m, c, u, mu, k): (n, t)
        for s, m, c, u, mu, k, n, t in StatCount.objects.values_list(
            "stat", "month", "county_id", "unit_id", "municipality_id", "key", "n", "total"
        )
        if n or t
    }
    return facts, counts


def recomputed() -> tuple[set[Row], Counters]:
    """The same, computed from the source tables without touching the stored ones."""
    facts = set(rows(Q()))
    counts: dict[tuple[str, dt.date, int, int, int, str], tuple[int, int]] = {}
    for r in facts:
        n, t = counts.get(r.counter, (0, 0))
        counts[r.counter] = (n + 1, t + r.value)
    return facts, counts
