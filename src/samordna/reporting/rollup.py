"""Keeping the indicators' facts and monthly counts (``IndicatorFact``, ``IndicatorCount``)
equal to the source tables, as ``overview.readmodel`` does for the overview.

``rows(...)`` is the definition: every deadline an indicator counts, from the deliveries and
obligations of the cases. ``update(case_ids)`` runs at the end of every act for the cases it
touched (``samordna.cases.acts``): it computes their rows again, writes the difference and
moves the counters by it (one upsert). ``rebuild()`` computes everything from scratch.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Max, Min, Q
from django.utils import timezone

from samordna.cases.acts import count_later
from samordna.cases.models import Case, Delivery, Notice, Obligation
from samordna.core.calendar import STOCKHOLM
from samordna.core.planner import analyze
from samordna.core.sql import (
    CaseFilter,
    every_case,
    execute_prepared,
    replace_rows,
    rows_of_cases,
    these_cases,
    wanted_and_stored,
)
from samordna.people.models import Person
from samordna.reporting import stats
from samordna.reporting.indicators import (
    FROM_DELIVERIES,
    OBLIGATION_KINDS,
    OBLIGATION_RULES,
    from_obligation,
)
from samordna.reporting.models import IndicatorCount, IndicatorFact, Outcome
from samordna.sip.models import SipCase

CHUNK = 5000
_EPSILON = dt.timedelta(microseconds=1)


class Row(NamedTuple):
    indicator: str
    ref: int
    case_id: int
    county_id: int
    unit_id: int
    municipality_id: int
    month: dt.date
    due_at: dt.datetime
    done_at: dt.datetime | None
    outcome: str

    @property
    def key(self) -> tuple[str, int]:
        return self.indicator, self.ref

    @property
    def counter(self) -> tuple[str, dt.date, int, int, int, str]:
        return (
            self.indicator,
            self.month,
            self.county_id,
            self.unit_id,
            self.municipality_id,
            self.outcome,
        )


def month_of(due: dt.datetime) -> dt.date:
    """The local month a deadline falls in; a deadline at local midnight ends the day before."""
    return timezone.localtime(due - _EPSILON, STOCKHOLM).date().replace(day=1)


def outcome_of(due: dt.datetime, done: dt.datetime | None) -> str:
    """On time when done at or before the deadline (``indicators`` module docstring)."""
    if done is None:
        return Outcome.OPEN
    return Outcome.ON_TIME if done <= due else Outcome.LATE


def _row(
    indicator: str,
    ref: int,
    case: int,
    county: int,
    unit: int,
    municipality: int,
    due: Any,
    done: Any,
) -> Row:
    return Row(
        indicator, ref, case, county, unit, municipality, month_of(due), due, done,
        outcome_of(due, done),
    )  # fmt: skip


def rows(cases: Q) -> Iterator[Row]:
    """Every fact of the cases ``cases`` selects (a ``Q`` on ``Case``)."""
    deliveries = Delivery.objects.filter(
        _on("notice__case__", cases),
        mode=Delivery.Mode.ACK,
        due_at__isnull=False,
        forwarded_to__isnull=True,
        notice__kind__in=list(FROM_DELIVERIES),
    ).values_list(
        "pk",
        "notice__case_id",
        "notice__kind",
        "unit_id",
        "unit__principal__county_id",
        "notice__case__person__municipality_id",
        "due_at",
        "acknowledged_at",
    )
    for pk, case, kind, unit, county, municipality, due, done in deliveries:
        yield _row(FROM_DELIVERIES[kind], pk, case, county, unit, municipality, due, done)
    obligations = Obligation.objects.filter(
        _on("case__", cases), cancelled_at__isnull=True, kind__in=list(OBLIGATION_KINDS)
    ).values_list(
        "pk",
        "case_id",
        "kind",
        "case__kind",
        "case__sip__type",
        "unit_id",
        "unit__principal__county_id",
        "case__person__municipality_id",
        "due_at",
        "met_at",
    )
    for pk, case, kind, case_kind, sip_type, unit, county, municipality, due, done in obligations:
        indicator = from_obligation(kind, case_kind, sip_type)
        if indicator is not None:
            yield _row(indicator, pk, case, county, unit, municipality, due, done)


def _on(prefix: str, cases: Q) -> Q:
    """``cases`` (a Q on Case's own fields) as a Q through ``prefix``."""
    children = [(prefix + name, value) for name, value in cases.children]  # type: ignore[misc]
    return Q(*children, _connector=cases.connector, _negated=cases.negated)


def _fact(row: Row) -> IndicatorFact:
    return IndicatorFact(
        case_id=row.case_id,
        indicator=row.indicator,
        ref=row.ref,
        county_id=row.county_id,
        unit_id=row.unit_id,
        municipality_id=row.municipality_id,
        month=row.month,
        due_at=row.due_at,
        done_at=row.done_at,
        outcome=row.outcome,
    )


_FIELDS = (
    "indicator", "ref", "case_id", "county_id", "unit_id", "municipality_id", "month", "due_at",
    "done_at", "outcome",
)  # fmt: skip


def _stored(case_ids: set[int]) -> dict[tuple[str, int], tuple[int, Row]]:
    found = IndicatorFact.objects.filter(case_id__in=case_ids).values_list("pk", *_FIELDS)
    return {(r[1], r[2]): (r[0], Row(*r[1:])) for r in found}


def update(case_ids: set[int]) -> None:
    """Bring the facts of these cases up to date and move the counters by the difference.

    Runs after the overview's read model, which has locked the cases in key order; the
    counters are changed last, in key order, in one statement."""
    if connection.vendor == "postgresql":
        wanted, stored = _compared_in_sql(sorted(case_ids))
    else:
        wanted = {row.key: row for row in rows(Q(pk__in=sorted(case_ids)))}
        stored = _stored(case_ids)
    gone = [pk for key, (pk, row) in stored.items() if wanted.get(key) != row]
    new = [row for key, row in wanted.items() if key not in stored or stored[key][1] != row]
    if not gone and not new:
        return
    delta: Counter[tuple[str, dt.date, int, int, int, str]] = Counter()
    for key, (_pk, row) in stored.items():
        if wanted.get(key) != row:
            delta[row.counter] -= 1
    for row in new:
        delta[row.counter] += 1
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            replace_rows(cursor, IndicatorFact._meta.db_table, gone, _ROW, new)
    else:
        if gone:
            IndicatorFact.objects.filter(pk__in=gone).delete()
        if new:
            IndicatorFact.objects.bulk_create(_fact(row) for row in new)
    count_later(_count, delta)  # last, just before the commit (cases.acts)


def _count(delta: Counter[tuple[str, dt.date, int, int, int, str]]) -> None:
    changes = sorted((key, n) for key, n in delta.items() if n)
    if not changes:
        return
    table = IndicatorCount._meta.db_table
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(changes))
    params: list[Any] = []
    for key, n in changes:
        params += [*key, n]
    conflict = "indicator, month, unit_id, municipality_id, outcome"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (indicator, month, county_id, unit_id, municipality_id, "
            f"outcome, n) VALUES {values} "
            f"ON CONFLICT ({conflict}) DO UPDATE SET n = {table}.n + excluded.n",
            params,
        )
        keys = ", ".join(["(%s, %s, %s, %s, %s)"] * len(changes))
        cursor.execute(
            f"DELETE FROM {table} WHERE n = 0 AND ({conflict}) IN (VALUES {keys})",
            [part for (i, m, _c, u, mu, o), _n in changes for part in (i, m, u, mu, o)],
        )


def rebuild(chunk: int = CHUNK) -> int:
    """Compute every fact and counter again from the source tables; returns the facts.

    On PostgreSQL one INSERT ... SELECT per kind of source row (``_rebuild_in_sql``, from the
    same tables of indicators as ``rows``); elsewhere ``rows`` in chunks of cases. The plain
    measures (``stats``) are rebuilt with them."""
    if connection.vendor == "postgresql":
        with transaction.atomic():
            total = _rebuild_in_sql()
    else:
        total = _rebuild_in_chunks(chunk)
    stats.rebuild()
    return total


def _quoted(values: Iterable[str]) -> str:
    # The values are the code's own constants (kinds and indicator ids), never input.
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


# A due time's month: the local month of the instant just before it (``month_of``).
_MONTH = (
    "date_trunc('month', (({due}) - interval '1 microsecond') AT TIME ZONE "
    "'Europe/Stockholm')::date"
)
_OUTCOME = (
    "CASE WHEN {done} IS NULL THEN 'open' WHEN {done} <= {due} THEN 'on_time' ELSE 'late' END"
)
_FACT_COLUMNS = (
    "case_id, indicator, ref, county_id, unit_id, municipality_id, month, due_at, done_at, outcome"
)


def _obligation_indicator() -> str:
    whens = []
    for kind, case_kinds, sip_types, indicator in OBLIGATION_RULES:
        parts = [f"o.kind = '{kind}'"]
        if case_kinds is not None:
            parts.append(f"c.kind IN ({_quoted(case_kinds)})")
        if sip_types is not None:
            parts.append(f"s.type IN ({_quoted(sip_types)})")
        whens.append(f"WHEN {' AND '.join(parts)} THEN '{indicator}'")
    return "CASE " + " ".join(whens) + " END"


def _sources(cases: CaseFilter) -> list[str]:
    """``rows`` in SQL for the cases ``cases`` chooses (every case in a rebuild)."""
    deliveries = " ".join(f"WHEN '{k}' THEN '{i}'" for k, i in FROM_DELIVERIES.items())
    return [
        f"""SELECT n.case_id, CASE n.kind {deliveries} END, d.id, pr.county_id, d.unit_id,
            pe.municipality_id, {_MONTH.format(due="d.due_at")}, d.due_at, d.acknowledged_at,
            {_OUTCOME.format(done="d.acknowledged_at", due="d.due_at")}
        FROM cases_delivery d JOIN cases_notice n ON n.id = d.notice_id
            JOIN cases_case c ON c.id = n.case_id JOIN people_person pe ON pe.id = c.person_id
            JOIN organisations_unit u ON u.id = d.unit_id
            JOIN organisations_principal pr ON pr.id = u.principal_id
        WHERE d.mode = 'ack' AND d.due_at IS NOT NULL AND d.forwarded_to_id IS NULL
            AND n.kind IN ({_quoted(FROM_DELIVERIES)}) AND {cases("n.case_id")}""",
        f"""SELECT * FROM (SELECT o.case_id, {_obligation_indicator()} AS indicator, o.id,
            pr.county_id, o.unit_id, pe.municipality_id, {_MONTH.format(due="o.due_at")},
            o.due_at, o.met_at, {_OUTCOME.format(done="o.met_at", due="o.due_at")}
        FROM cases_obligation o JOIN cases_case c ON c.id = o.case_id
            LEFT JOIN sip_sipcase s ON s.case_id = o.case_id
            JOIN people_person pe ON pe.id = c.person_id
            JOIN organisations_unit u ON u.id = o.unit_id
            JOIN organisations_principal pr ON pr.id = u.principal_id
        WHERE o.cancelled_at IS NULL AND o.kind IN ({_quoted(OBLIGATION_KINDS)})
            AND {cases("o.case_id")}) f
        WHERE f.indicator IS NOT NULL""",
    ]


# An act's update (PostgreSQL): the facts the cases should have beside the ones stored, in one
# prepared statement (``core.sql``); the overview's update has locked the cases already.
_ROW = ", ".join(_FIELDS)
_FACTS_OF_CASES = rows_of_cases(
    _sources(these_cases), _FACT_COLUMNS, _ROW, "reporting_indicatorfact"
)


def _compared_in_sql(
    ids: list[int],
) -> tuple[dict[tuple[str, int], Row], dict[tuple[str, int], tuple[int, Row]]]:
    with connection.cursor() as cursor:
        found = execute_prepared(cursor, "rollup_facts", _FACTS_OF_CASES, ids)
    return wanted_and_stored(found, Row, lambda row: row.key)


def _rebuild_in_sql() -> int:
    facts, counts = IndicatorFact._meta.db_table, IndicatorCount._meta.db_table
    total = 0
    analyze(Delivery, Notice, Obligation, Case, SipCase, Person)  # after a bulk load or a restore
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {facts}, {counts}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for select in _sources(every_case):
            cursor.execute(f"INSERT INTO {facts} ({_FACT_COLUMNS}) {select}")
            total += cursor.rowcount
        cursor.execute(
            f"INSERT INTO {counts} (indicator, month, county_id, unit_id, municipality_id, "
            f"outcome, n) SELECT indicator, month, county_id, unit_id, municipality_id, outcome, "
            f"COUNT(*) FROM {facts} GROUP BY indicator, month, county_id, unit_id, "
            f"municipality_id, outcome"
        )
        cursor.execute(f"ANALYZE {facts}")
        cursor.execute(f"ANALYZE {counts}")
    return total


def _rebuild_in_chunks(chunk: int) -> int:
    from samordna.cases.models import Case

    total = 0
    counts: Counter[tuple[str, dt.date, int, int, int, str]] = Counter()
    with transaction.atomic():
        IndicatorFact.objects.all().delete()
        IndicatorCount.objects.all().delete()
        bounds = Case.objects.aggregate(lo=Min("pk"), hi=Max("pk"))
        lo, hi = bounds["lo"], bounds["hi"]
        if lo is not None and hi is not None:
            for start in range(lo, hi + 1, chunk):
                found = list(rows(Q(pk__gte=start, pk__lt=start + chunk)))
                IndicatorFact.objects.bulk_create((_fact(r) for r in found), batch_size=2000)
                counts.update(r.counter for r in found)
                total += len(found)
        IndicatorCount.objects.bulk_create(
            (
                IndicatorCount(
                    indicator=i, month=m, county_id=c, unit_id=u, municipality_id=mu, outcome=o, n=n
                )
                for (i, m, c, u, mu, o), n in counts.items()
            ),
            batch_size=2000,
        )
    return total


def snapshot() -> tuple[set[Row], dict[tuple[str, dt.date, int, int, int, str], int]]:
    """The stored facts and counters, to compare with a recomputation (tests, --check)."""
    facts = {Row(*r) for r in IndicatorFact.objects.values_list(*_FIELDS)}
    counts = {
        (i, m, c, u, mu, o): n
        for i, m, c, u, mu, o, n in IndicatorCount.objects.values_list(
            "indicator", "month", "county_id", "unit_id", "municipality_id", "outcome", "n"
        )
        if n
    }
    return facts, counts


def recomputed() -> tuple[set[Row], dict[tuple[str, dt.date, int, int, int, str], int]]:
    """The same, computed from the source tables without touching the stored ones."""
    facts = set(rows(Q()))
    counts: Counter[tuple[str, dt.date, int, int, int, str]] = Counter(r.counter for r in facts)
    return facts, dict(counts)


def facts_for(case_ids: Iterable[int]) -> list[Row]:
    return list(rows(Q(pk__in=list(case_ids))))
