"""The phase of a SIP (issue 14 item 7, SPEC SIP-19 extending SIP-4), kept by the acts.

Seed 004_2b6a4bde1435f963.txt lines 26-30 and 39-136 name the phases: preparation
("Förberedelsefas": initiative, assessment, invitation), carrying out ("Genomförandefas": the
meeting, goals and activities), closure ("Avslutsfas": invitation to the evaluation, the
evaluation); SPEC SIP-4 splits the repeatable follow-up out of it. The phase is a pure function
of the case's facts (``phase_of``), stored in ``SipCase.phase`` so lists can show and filter
it as an index range. Like the overview's read model, ``update`` runs before every act commits
for the cases it touched (registered in ``SipConfig.ready``, before the overview's, which reads
the stored phase), and ``rebuild`` computes it for every SIP again.

The rules, first match wins:
1. closed, or the current plan version evaluated, or an evaluation meeting invited to and not
   yet held: evaluation and closure (seed 004 lines 129-136);
2. the current plan version documented, or a later draft from a follow-up meeting: follow-up;
3. a meeting held or a plan version started: meeting and plan (lines 89-98; "genomförandefasen
   kan starta om", lines 119-121: a new version from a new establishing meeting is back here);
4. otherwise preparation (lines 39-46).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Max, Min

from samordna.cases.models import Case
from samordna.sip.models import Evaluation, Meeting, PlanVersion, SipCase

Phase = SipCase.Phase
# The overview read model's kind of the row each unit that sees an active SIP has for its phase.
ROW_KINDS: dict[str, str] = {phase: f"sip_{phase}" for phase in Phase.values}


@dataclass(frozen=True)
class Facts:
    closed: bool = False
    meeting_held: bool = False
    evaluation_invited: bool = False  # an evaluation meeting, not held or cancelled
    # The current (highest-numbered) plan version, if any.
    plan_started: bool = False
    plan_documented: bool = False
    plan_evaluated: bool = False
    plan_meeting_purpose: str = ""
    earlier_documented: bool = False  # a version before the current one was documented


def phase_of(facts: Facts) -> str:
    if facts.closed or facts.plan_evaluated or facts.evaluation_invited:
        return Phase.EVALUATION
    if facts.plan_documented:
        return Phase.FOLLOW_UP
    if facts.earlier_documented and facts.plan_meeting_purpose != Meeting.Purpose.ESTABLISH:
        return Phase.FOLLOW_UP
    if facts.meeting_held or facts.plan_started:
        return Phase.MEETING
    return Phase.PREPARATION


def facts_of(case_ids: Iterable[int]) -> dict[int, Facts]:
    """The facts of these SIP cases in four queries, whatever their number."""
    ids = list(case_ids)
    closed = dict(
        Case.objects.filter(pk__in=ids, kind=Case.Kind.SIP).values_list("pk", "closed_at")
    )
    if not closed:
        return {}
    ids = list(closed)
    held: set[int] = set()
    evaluating: set[int] = set()
    for case_id, purpose, is_held, cancelled in Meeting.objects.filter(case_id__in=ids).values_list(
        "case_id", "purpose", "held", "cancelled_at"
    ):
        if is_held:
            held.add(case_id)
        if purpose == Meeting.Purpose.EVALUATE and not is_held and cancelled is None:
            evaluating.add(case_id)
    plans: dict[int, list[tuple[int, int, bool, str]]] = {}
    for pk, case_id, number, documented, purpose in PlanVersion.objects.filter(
        case_id__in=ids
    ).values_list("pk", "case_id", "number", "documented_at", "meeting__purpose"):
        plans.setdefault(case_id, []).append((number, pk, documented is not None, purpose or ""))
    evaluated = set(
        Evaluation.objects.filter(plan__case_id__in=ids).values_list("plan_id", flat=True)
    )
    found = {}
    for case_id in ids:
        versions = sorted(plans.get(case_id, []))
        current = versions[-1] if versions else None
        found[case_id] = Facts(
            closed=closed[case_id] is not None,
            meeting_held=case_id in held,
            evaluation_invited=case_id in evaluating,
            plan_started=current is not None,
            plan_documented=bool(current and current[2]),
            plan_evaluated=bool(current and current[1] in evaluated),
            plan_meeting_purpose=current[3] if current else "",
            earlier_documented=any(v[2] for v in versions[:-1]),
        )
    return found


def update(case_ids: set[int]) -> None:
    """Store the phase of the touched SIP cases where it changed (one UPDATE per phase)."""
    facts = facts_of(case_ids)
    if not facts:
        return
    stored = dict(SipCase.objects.filter(pk__in=list(facts)).values_list("pk", "phase"))
    changed: dict[str, list[int]] = {}
    for case_id, f in facts.items():
        phase = phase_of(f)
        if stored.get(case_id) != phase:
            changed.setdefault(phase, []).append(case_id)
    for phase, ids in changed.items():
        SipCase.objects.filter(pk__in=ids).update(phase=phase)


def rebuild(chunk: int = 5000) -> None:
    """Compute every SIP's phase from the facts (after a bulk load; before the overview's)."""
    bounds = SipCase.objects.aggregate(lo=Min("pk"), hi=Max("pk"))
    lo, hi = bounds["lo"], bounds["hi"]
    if lo is None or hi is None:
        return
    for start in range(lo, hi + 1, chunk):
        update(set(range(start, min(start + chunk, hi + 1))))
