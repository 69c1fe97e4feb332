"""The unit's active SIPs with their phase, filterable by phase (SIP-19, issue 14 item 7).

Every unit that sees an active SIP has a row of its phase in the overview's read model
(``overview.readmodel.PHASE_KINDS``, kept by the acts), so one phase is an index range of
``(unit, kind, source, ref)`` read newest case first with ``LIMIT``, and the counts per phase
are sums of the read model's counters: O(page), whatever the size of the county.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Sum

from samordna.accounts.actor import Actor
from samordna.audit.models import AccessLog
from samordna.audit.services import log_many
from samordna.cases.models import Case
from samordna.core.paging import Window, offset, page_number
from samordna.overview.models import WorkCount, WorkItem
from samordna.overview.readmodel import ACTIVE_SIP, PHASE_KINDS
from samordna.sip.models import Coordinator, SipCase

PER_PAGE = 50


@dataclass
class Row:
    case: Case
    coordinator: Coordinator | None


@dataclass
class Listing:
    rows: list[Row]
    page: Window[int]
    phase: str | None
    counts: dict[str, int]  # per phase, and "" for all
    total: int


def counts(actor: Actor) -> dict[str, int]:
    """How many active SIPs the unit sees, per phase and in all ("")."""
    kinds = {kind: phase for phase, kind in PHASE_KINDS.items()} | {ACTIVE_SIP: ""}
    summed = (
        WorkCount.objects.filter(unit=actor.unit, kind__in=list(kinds))
        .values_list("kind")
        .annotate(n=Sum("n"))
        .order_by()
    )
    found = dict.fromkeys(kinds.values(), 0)
    for kind, n in summed:
        found[kinds[kind]] = n or 0
    return found


def sip_list(actor: Actor, phase: str | None, page: int | str | None) -> Listing:
    """One page of the unit's active SIPs, in one phase or all; the individuals shown logged."""
    if phase not in SipCase.Phase.values:
        phase = None
    kind = PHASE_KINDS[phase] if phase else ACTIVE_SIP
    number = counts(actor)
    keys = (
        WorkItem.objects.filter(unit=actor.unit, kind=kind, source=WorkItem.Source.CASE)
        .order_by("-ref")
        .values_list("ref", flat=True)
    )
    n = page_number(page)
    start = offset(n, PER_PAGE)
    read = list(keys[start : start + PER_PAGE + 1])  # LIMIT, no COUNT (``core.paging``)
    found = Window(read[:PER_PAGE], n, PER_PAGE, len(read) > PER_PAGE, number[phase or ""])
    ids = list(found.object_list)
    # The choke point decides what is shown, for the keys of the page only (SEC-1).
    cases = (
        Case.objects.visible_to(actor).filter(pk__in=ids).select_related("person", "sip").in_bulk()
    )
    coordinators = {
        c.case_id: c
        for c in Coordinator.objects.filter(
            case_id__in=list(cases), renounced_at__isnull=True
        ).select_related("user", "unit")
    }
    rows = [Row(cases[pk], coordinators.get(pk)) for pk in ids if pk in cases]
    log_many(actor, AccessLog.Action.READ, "sip.list", [r.case.person for r in rows])
    return Listing(rows, found, phase, number, number[phase or ""])
