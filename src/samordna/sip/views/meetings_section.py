"""The meetings section of the SIP case page: meeting rows, invitations, assessment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone

from samordna.accounts.actor import Actor, UnitRequest
from samordna.cases.models import Case, Delivery
from samordna.deviations.models import Deviation
from samordna.mypages import services as mypages
from samordna.organisations.models import Unit
from samordna.sip import checklist
from samordna.sip.forms.invitation_answers import AnswerForm, ForwardForm
from samordna.sip.forms.invitations import CancelForm, ChangeForm
from samordna.sip.forms.meetings import RecordForm
from samordna.sip.models import Consent, LifeArea, Meeting, Participant, SipCase
from samordna.sip.services import assessment as assessment_acts
from samordna.sip.services import consent as consent_acts
from samordna.sip.services import meetings as meetings_acts


def county_units(actor: Actor) -> Any:
    return Unit.objects.filter(principal__county=actor.unit.principal.county, active=True).order_by(
        "name"
    )


@dataclass
class MeetingRow:
    """One meeting on the case page with the forms the actor's unit may use on it."""

    meeting: Meeting
    participants: list[Participant]
    own: Delivery | None = None
    ack_form: forms.Form | None = None
    answer_form: AnswerForm | None = None
    forward_form: ForwardForm | None = None
    change_form: ChangeForm | None = None
    cancel_form: CancelForm | None = None
    record_form: RecordForm | None = None
    # What the individual wrote on their own pages (issue 15): "reply", "preparation".
    individual: dict[str, Any] | None = None

    @property
    def warning(self) -> bool:
        return meetings_acts.lacks_professional_with_individual(self.meeting)


@dataclass
class DeliveryRow:
    """One invitation in a unit's list, with the forms to answer or forward it."""

    delivery: Delivery
    answer_form: AnswerForm
    forward_form: ForwardForm
    ack_form: forms.Form | None = None


def _forward_units(actor: Actor) -> list[tuple[int, str]]:
    """Connected units of the county a wrongly addressed invitation can go to (one query)."""
    return list(
        Unit.objects.filter(
            principal__county=actor.unit.principal.county_id, active=True, connected=True
        )
        .exclude(pk=actor.unit.pk)
        .order_by("name")
        .values_list("pk", "name")
    )


def _delivery_forms(
    d: Delivery,
    owner_unit_id: int,
    units: list[tuple[int, str]],
    scopes: dict[int, frozenset[int] | None],
) -> tuple[AnswerForm, ForwardForm]:
    """``scopes`` from ``consent_acts.consent_scopes``: an invitation is forwarded only to a
    unit its case's consent covers (CON-1; issue 18 item 9: every unit of the county was
    offered, and the act then refused most of them)."""
    prefix = f"d{d.pk}"
    case_id = d.notice.case_id
    covered = scopes.get(case_id, frozenset())
    offered = [
        u
        for u in units
        if u[0] != owner_unit_id and (covered is consent_acts.ANY_UNIT or u[0] in covered)
    ]
    return (
        AnswerForm(prefix=prefix, initial={"answer": d.answer or None, "reason": d.answer_reason}),
        ForwardForm(prefix=prefix, units=offered),
    )


# The coordinator's unit first, then the other units, the individual and the people around them.
PARTICIPANT_ORDER: list[str] = [
    Participant.Kind.UNIT,
    Participant.Kind.INDIVIDUAL,
    Participant.Kind.RELATIVE,
    Participant.Kind.REPRESENTATIVE,
    Participant.Kind.EXTERNAL,
]


def _in_order(participants: Iterable[Participant], case: Case) -> list[Participant]:
    return sorted(
        participants,
        key=lambda p: (p.unit_id != case.owner_unit_id, PARTICIPANT_ORDER.index(p.kind), p.pk),
    )


def _meeting_row(
    meeting: Meeting,
    case: Case,
    actor: Actor,
    units: list[tuple[int, str]],
    scopes: dict[int, frozenset[int] | None],
    now: dt.datetime,
) -> MeetingRow:
    participants = _in_order(meeting.participants.all(), case)
    row = MeetingRow(meeting, participants)
    if not case.is_active:
        return row
    row.own = next(
        (
            p.delivery
            for p in participants
            if p.delivery is not None
            and p.delivery.unit_id == actor.unit.pk
            and p.delivery.forwarded_to_id is None
        ),
        None,
    )
    if row.own is not None:
        row.answer_form, row.forward_form = _delivery_forms(
            row.own, case.owner_unit_id, units, scopes
        )
    if case.owner_unit_id != actor.unit.pk or meeting.cancelled_at is not None:
        return row
    prefix = f"m{meeting.pk}"
    if not meeting.held and meeting.starts_at > now:
        row.change_form = ChangeForm.for_meeting(meeting, prefix)
        row.cancel_form = CancelForm(prefix=prefix, initial={"version": meeting.version})
    if meeting.starts_at <= now:
        row.record_form = RecordForm(
            prefix=prefix,
            meeting=meeting,
            participants=_in_order(meetings_acts.expected(meeting), case),
        )
    return row


def _assessment(case: Case) -> list[tuple[Any, list[Any]]]:
    """The areas with content, in the standard order, each with its signed entries."""
    entries: dict[str, list[Any]] = {}
    for entry in case.assessment.select_related("author", "unit"):
        entries.setdefault(entry.area, []).append(entry)
    return [(area.label, entries[area.value]) for area in LifeArea if area.value in entries]


def meetings_context(request: UnitRequest, case: Case, consent: Consent | None) -> dict[str, Any]:
    """The case page's assessment and meetings section; ``consent``: the one in force, as the
    page read it with its units."""
    actor = request.actor
    now = timezone.now()
    units = _forward_units(actor)
    scopes = {case.pk: consent_acts.scope_of(consent)} if consent is not None else {}
    rows = [
        _meeting_row(m, case, actor, units, scopes, now) for m in meetings_acts.meetings_of(case)
    ]
    own_pages = mypages.for_meetings([r.meeting for r in rows])
    for row in rows:
        row.individual = own_pages.get(row.meeting.pk)
    coordinator = case.is_active and case.owner_unit_id == actor.unit.pk
    return {
        "meetings_section": "sip/_meetings.html",
        "now": now,
        "assessment": _assessment(case),
        "assessment_open": assessment_acts.assessment_open(case),
        "meeting_rows": rows,
        "may_invite": coordinator,  # the form itself is folded (``folded_forms``)
        # SIP-23: the chair's checklist, offered when preparing and recording (seed 001 app. 1).
        "good_meeting": checklist.GOOD_MEETING,
        "good_meeting_introduction": checklist.INTRODUCTION,
        "weekday_rule": case.sip.type in (SipCase.Type.OUTPATIENT, SipCase.Type.ACTOR_MEETING),
        "deviation_suggestions": case.deviations.filter(
            reporting_unit=actor.unit, status=Deviation.Status.SUGGESTED
        ).select_related("concerned_unit"),
    }
