"""Reads and acts of the individual's own pages (issue 15, PAT-1).

Everything is reached from the ``Subject`` (``mypages.session``), never from an id alone: a
meeting, a plan version, an action or a consent is looked up *within the subject's own SIP
cases*, so an id of another person's case is simply not found (404). Every read is logged in
the access log as the individual (no user, no unit, ``via="individual"``); every act is one
transaction (``cases.acts.act``) and validates its input here as well as in the forms: length
limits, no NUL, stripped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samordna.audit.models import AccessLog
from samordna.audit.services import log_individual
from samordna.cases import services as cases
from samordna.cases.acts import act
from samordna.cases.models import Case, Obligation
from samordna.core import deadlines
from samordna.errors import Conflict, NotFound, ServiceError
from samordna.mypages.models import (
    COMMENT_MAX,
    MATTERS_MAX,
    QUESTIONS_MAX,
    REASON_MAX,
    MeetingReply,
    OwnComment,
    Preparation,
    WithdrawalRequest,
)
from samordna.mypages.session import Subject
from samordna.people.models import Person
from samordna.sip.models import Action, Consent, Coordinator, Meeting, Participant, PlanVersion
from samordna.sip.services import case as case_acts
from samordna.sip.services import plan as plan_acts
from samordna.validation import has_nul

# The access log ---------------------------------------------------------------------------------


def log(subject: Subject, what: str, action: str = AccessLog.Action.READ) -> None:
    """One row per read or act of the individual's pages, about the person shown: no staff
    user, the viewer's identity number and relation (``audit.services.log_individual``)."""
    if subject.person is None:
        return
    log_individual(
        subject.viewer_identity, subject.acting_as, action, what, subject.person, ip=subject.ip
    )


# Reads ------------------------------------------------------------------------------------------


def sip_cases(person: Person | None) -> QuerySet[Case]:
    """The person's SIP cases, the active one first, then the latest closed."""
    if person is None:
        return Case.objects.none()
    return Case.objects.filter(person=person, kind=Case.Kind.SIP).order_by(
        "-closed_at", "-opened_at"
    )


def current_case(subject: Subject) -> Case | None:
    """The SIP shown: the active one (one at a time, SIP-3), else the most recently closed."""
    found = sip_cases(subject.person)
    return found.filter(closed_at__isnull=True).first() or found.first()


def _case(subject: Subject) -> Case:
    case = current_case(subject)
    if case is None:
        raise NotFound("no_plan", _("You have no plan in Samordna."))
    return case


def coordinator(case: Case) -> Coordinator | None:
    return case_acts.current_coordinator(case)


def documented_plans(case: Case) -> list[PlanVersion]:
    """Only documented versions reach the individual: a draft is still being written (seed
    002_ca8314ba67d4fca6.txt line 251: the plan is handed over once documented)."""
    return list(case.plans.filter(documented_at__isnull=False).order_by("-number"))


def plan(subject: Subject, number: int | None = None) -> tuple[Case, PlanVersion | None]:
    """The plan in force (``number`` None) or an earlier documented version, with contents."""
    case = _case(subject)
    versions = case.plans.filter(documented_at__isnull=False)
    if number is None:
        chosen = versions.order_by("-number").first()
        if chosen is None:
            log(subject, "mypages.plan.read")
            return case, None
        number = chosen.number
    found = plan_acts.with_contents(versions.filter(number=number)).first()
    if found is None:
        raise NotFound("plan_not_found", _("There is no such plan version."))
    log(subject, f"mypages.plan.read: {number}")
    return case, found


def upcoming_meetings(case: Case) -> list[Meeting]:
    return list(
        case.meetings.filter(cancelled_at__isnull=True, held=False, ends_at__gt=timezone.now())
        .prefetch_related(
            Prefetch("participants", queryset=Participant.objects.select_related("unit"))
        )
        .order_by("starts_at")
    )


def meeting(subject: Subject, meeting_pk: int, what: str) -> tuple[Case, Meeting]:
    """One meeting of the subject's own SIP, upcoming (not held, not cancelled)."""
    case = _case(subject)
    found = next((m for m in upcoming_meetings(case) if m.pk == meeting_pk), None)
    if found is None:
        raise NotFound("meeting_not_found", _("The meeting was not found."))
    log(subject, what)
    return case, found


def replies(subject: Subject, meetings: list[Meeting]) -> dict[int, MeetingReply]:
    rows = MeetingReply.objects.filter(person=subject.person, meeting__in=meetings)
    return {r.meeting_id: r for r in rows}


def preparations(subject: Subject, meetings: list[Meeting]) -> dict[int, Preparation]:
    rows = Preparation.objects.filter(person=subject.person, meeting__in=meetings)
    return {p.meeting_id: p for p in rows}


def consents(case: Case) -> list[Consent]:
    return list(case.consents.prefetch_related("units").order_by("-recorded_at", "-pk"))


def open_withdrawal(case: Case) -> WithdrawalRequest | None:
    return (
        WithdrawalRequest.objects.filter(
            case=case, obligation__met_at__isnull=True, obligation__cancelled_at__isnull=True
        )
        .order_by("-requested_at")
        .first()
    )


@dataclass
class MyAction:
    action: Action
    comments: list[OwnComment]


def my_actions(plan: PlanVersion) -> list[MyAction]:
    """The actions the individual does themself (responsible "the individual"), with their own
    comments: what they comment on before the follow-up (SIP-11)."""
    comments: dict[int, list[OwnComment]] = {}
    for c in plan.individual_comments.order_by("written_at", "pk"):
        comments.setdefault(c.action_id, []).append(c)
    return [
        MyAction(a, comments.get(a.pk, []))
        for a in plan.actions.all()
        if a.responsible == Action.Responsible.INDIVIDUAL
    ]


def may_comment(plan: PlanVersion, today: dt.date | None = None) -> bool:
    """Before the follow-up date (SIP-11; seed 000_106b8acbeb42519c.txt lines 228-229)."""
    today = today or timezone.localdate()
    return plan.follow_up_on is None or today < plan.follow_up_on


# What staff see (the SIP case page and the plan's editor) ---------------------------------------


def for_meetings(meetings: list[Meeting]) -> dict[int, dict[str, object]]:
    """The individual's reply and preparation per meeting, for the coordinator's meeting list."""
    found: dict[int, dict[str, object]] = {}
    for r in MeetingReply.objects.filter(meeting__in=meetings):
        found.setdefault(r.meeting_id, {})["reply"] = r
    for p in Preparation.objects.filter(meeting__in=meetings):
        found.setdefault(p.meeting_id, {})["preparation"] = p
    return found


def own_words(case: Case, meeting_pk: int | None = None) -> Preparation | None:
    """What the individual wrote as mattering most, for the plan's main goal "in their own
    words": for the plan's meeting, else the latest they wrote."""
    rows = Preparation.objects.filter(meeting__case=case, person=case.person).exclude(
        what_matters=""
    )
    if meeting_pk is not None:
        for_meeting = rows.filter(meeting_id=meeting_pk).first()
        if for_meeting is not None:
            return for_meeting
    return rows.order_by("-written_at", "-pk").first()


def own_comments(plan: PlanVersion) -> list[OwnComment]:
    return list(plan.individual_comments.select_related("action").order_by("written_at", "pk"))


# Acts -------------------------------------------------------------------------------------------


def clean(value: object, field: str, max_length: int, required: str = "") -> str:
    """Text from the individual: a string without NUL, stripped, at most ``max_length``."""
    if not isinstance(value, str) or has_nul(value):
        raise ServiceError(
            "invalid_text", _("The text contains characters that are not allowed."), field
        )
    text = value.strip()
    if required and not text:
        raise ServiceError("required", required, field)
    if len(text) > max_length:
        raise ServiceError(
            "too_long",
            _("Write at most %(max)d characters (you wrote %(count)d).")
            % {"max": max_length, "count": len(text)},
            field,
        )
    return text


def _active(case: Case) -> None:
    if not case.is_active:
        raise ServiceError("closed", _("Your plan is closed. Call your coordinator."))


@act
def decline(subject: Subject, meeting_pk: int, reason: str) -> MeetingReply:
    """ "I can't come": the coordinator sees it, with the reason, on the case's meetings."""
    case, found = meeting(subject, meeting_pk, "mypages.decline")
    _active(case)
    text = clean(reason, "reason", REASON_MAX)
    reply, _created = MeetingReply.objects.update_or_create(
        meeting=found,
        person=case.person,
        defaults={
            "can_come": False,
            "reason": text,
            "written_by": subject.viewer_label,
            "written_at": timezone.now(),
        },
    )
    cases.touch(case.pk)
    return reply


@act
def undo_decline(subject: Subject, meeting_pk: int) -> None:
    case, found = meeting(subject, meeting_pk, "mypages.decline_undo")
    _active(case)
    MeetingReply.objects.filter(meeting=found, person=case.person).delete()
    cases.touch(case.pk)


@act
def prepare(
    subject: Subject, meeting_pk: int, what_matters: str, questions: str, version: int | None
) -> Preparation:
    """ "What matters to me" and questions before a meeting; saved again while it is upcoming.
    ``version``: the one the form showed (None: none was saved yet), so two tabs do not
    overwrite each other unseen (SEC-4)."""
    case, found = meeting(subject, meeting_pk, "mypages.prepare")
    _active(case)
    matters = clean(what_matters, "what_matters", MATTERS_MAX)
    asked = clean(questions, "questions", QUESTIONS_MAX)
    if not matters and not asked:
        raise ServiceError(
            "required", _("Write what matters to you, or a question."), "what_matters"
        )
    existing = (
        Preparation.objects.select_for_update().filter(meeting=found, person=case.person).first()
    )
    now = timezone.now()
    if existing is None:
        if version is not None:
            raise _stale()
        return Preparation.objects.create(
            meeting=found,
            person=case.person,
            what_matters=matters,
            questions=asked,
            written_by=subject.viewer_label,
            written_at=now,
        )
    if version != existing.version:
        raise _stale()
    existing.what_matters = matters
    existing.questions = asked
    existing.written_by = subject.viewer_label
    existing.written_at = now
    existing.version += 1
    existing.save()
    return existing


def _stale() -> Conflict:
    return Conflict(
        "stale",
        _("What you wrote was changed in another window. Look at it again and save once more."),
    )


@act
def comment(subject: Subject, number: int, action_pk: int, text: str) -> OwnComment:
    """The individual's own comment on one of their actions before the follow-up (SIP-11)."""
    case = _case(subject)
    _active(case)
    in_force = plan_acts.in_force(case)
    if in_force is None or in_force.number != number:
        raise NotFound("plan_not_found", _("There is no such plan version."))
    action = in_force.actions.filter(
        pk=action_pk, responsible=Action.Responsible.INDIVIDUAL
    ).first()
    if action is None:
        raise NotFound("action_not_found", _("The action was not found."))
    if not may_comment(in_force):
        raise ServiceError(
            "too_late",
            _("The follow-up date has come: tell the people at the follow-up instead."),
        )
    body = clean(text, "text", COMMENT_MAX, required=_("Write your comment."))
    log(subject, f"mypages.comment: {number}", AccessLog.Action.CREATE)
    written = OwnComment.objects.create(
        plan=in_force, action=action, person=case.person, text=body, written_by=subject.viewer_label
    )
    cases.touch(case.pk)
    return written


@act
def request_withdrawal(subject: Subject, consent_pk: int, reason: str) -> WithdrawalRequest:
    """Ask to withdraw the consent in force: an obligation for the coordinator's unit to talk
    with the individual and record the withdrawal, whose consequences are the routine's (CON-2;
    seed 000_106b8acbeb42519c.txt line 110). Asked once; the answer comes from the coordinator."""
    case = _case(subject)
    _active(case)
    consent = case.consents.in_force().filter(pk=consent_pk).first()
    if consent is None:
        raise NotFound("consent_not_found", _("There is no such consent in force."))
    text = clean(reason, "reason", REASON_MAX)
    if open_withdrawal(case) is not None or consent.withdrawal_requests.exists():
        raise Conflict(
            "already_asked", _("You have already asked. Your coordinator will call you.")
        )
    log(subject, "mypages.consent_withdrawal", AccessLog.Action.CREATE)
    now = timezone.now()
    obligation = cases.oblige(
        case,
        case.owner_unit,
        Obligation.Kind.CONSENT_WITHDRAWAL,
        deadlines.end_of_day(timezone.localdate() + dt.timedelta(days=1)),
        note=text[:200],
    )
    return WithdrawalRequest.objects.create(
        case=case,
        consent=consent,
        person=case.person,
        obligation=obligation,
        reason=text,
        written_by=subject.viewer_label,
        requested_at=now,
    )
