"""The plain measures' facts that SQL can compute, as ``reporting.stats.rows`` defines them, for
the set-based rebuild on PostgreSQL (``stats.rebuild``): one SELECT per kind of fact, with the
columns of ``StatFact``; the liable days are the liability rules' (Python), computed for the
candidates ``liable_candidates`` selects. Local dates and months are Stockholm's, as
``stats._local_date`` and ``stats._month`` take them; the first READY notice is the earliest
sent (``rows``: ordered by ``sent_at``, then ``pk``: the same instant either way)."""

from __future__ import annotations

from samordna.core.sql import CaseFilter, rows_of_cases, these_cases

ZONE = "'Europe/Stockholm'"


def local_date(column: str) -> str:
    return f"({column} AT TIME ZONE {ZONE})::date"


def month(column: str) -> str:
    return f"date_trunc('month', {column} AT TIME ZONE {ZONE})::date"


COLUMNS = "stat, ref, key, case_id, county_id, unit_id, municipality_id, month, value"

# Where a case's facts are counted: the owner unit's county and unit, the person's municipality.
_CASE = """FROM cases_case c JOIN people_person pe ON pe.id = c.person_id
    JOIN organisations_unit u ON u.id = c.owner_unit_id
    JOIN organisations_principal pr ON pr.id = u.principal_id"""
_WHERE = "c.id, pr.county_id, c.owner_unit_id, pe.municipality_id"


def _first_ready(cases: CaseFilter) -> str:
    return f"""JOIN (SELECT case_id, MIN(sent_at) AS ready_at FROM cases_notice
        WHERE kind = 'ready' AND {cases("case_id")} GROUP BY case_id) r ON r.case_id = c.id"""


def sources(cases: CaseFilter) -> list[str]:
    """The facts SQL computes, for the cases ``cases`` chooses (every case in a rebuild)."""
    return [
        f"""SELECT 'sip_opened', c.id, s.type, {_WHERE}, {month("c.opened_at")}, 1
        {_CASE} JOIN sip_sipcase s ON s.case_id = c.id
        WHERE c.kind = 'sip' AND {cases("c.id")}""",
        f"""SELECT 'sip_closed', c.id, c.close_reason, {_WHERE}, {month("c.closed_at")}, 1
        {_CASE} JOIN sip_sipcase s ON s.case_id = c.id
        WHERE c.kind = 'sip' AND c.closed_at IS NOT NULL AND {cases("c.id")}""",
        f"""SELECT 'stays', c.id, '', {_WHERE}, {month("st.admitted_at")}, 1
        {_CASE} JOIN discharge_stay st ON st.case_id = c.id
        WHERE c.kind = 'discharge' AND {cases("c.id")}""",
        f"""SELECT 'waiting_days', c.id, w.days::text, {_WHERE}, {month("st.discharged_at")},
            w.days
        {_CASE} JOIN discharge_stay st ON st.case_id = c.id {_first_ready(cases)}
            CROSS JOIN LATERAL (SELECT GREATEST(0, {local_date("st.discharged_at")}
                - {local_date("r.ready_at")}) AS days) w
        WHERE c.kind = 'discharge' AND st.discharged_at IS NOT NULL AND {cases("c.id")}""",
        f"""SELECT 'deviations', d.id, d.source, d.case_id, dpr.county_id, d.reporting_unit_id,
            pe.municipality_id, {month("d.sent_at")}, 1
        FROM deviations_deviation d JOIN cases_case c ON c.id = d.case_id
            JOIN people_person pe ON pe.id = c.person_id
            JOIN organisations_unit du ON du.id = d.reporting_unit_id
            JOIN organisations_principal dpr ON dpr.id = du.principal_id
        WHERE d.sent_at IS NOT NULL AND {cases("d.case_id")}""",
    ]


def liable_candidates(cases: CaseFilter) -> str:
    """The stays the liability rules are run for (``stats._liable_candidate``): a discharge case
    with a stay and a READY notice, discharged or closed."""
    return f"""SELECT c.id FROM cases_case c JOIN discharge_stay st ON st.case_id = c.id
    {_first_ready(cases)}
    WHERE c.kind = 'discharge' AND (st.discharged_at IS NOT NULL OR c.closed_at IS NOT NULL)
        AND {cases("c.id")}"""


# An act's update: the facts SQL computes for its cases, the facts stored (with their keys), and
# the liability candidates among the cases (a row with only the case's key, the stat NULL).
FACTS_OF_CASES = (
    rows_of_cases(sources(these_cases), COLUMNS, COLUMNS, "reporting_statfact")
    + " UNION ALL SELECT NULL, NULL, NULL, NULL, l.id, NULL, NULL, NULL, NULL, NULL "
    f"FROM ({liable_candidates(these_cases)}) l"
)


def counters(facts: str, counts: str) -> str:
    """One counter per measure, month, unit, municipality and key, from the facts."""
    group = "stat, month, county_id, unit_id, municipality_id, key"
    return (
        f"INSERT INTO {counts} ({group}, n, total) "
        f"SELECT {group}, COUNT(*), SUM(value) FROM {facts} GROUP BY {group}"
    )
