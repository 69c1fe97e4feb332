"""The meetings of a SIP case and the record of a held meeting (SIP-8)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from samordna.accounts.actor import Actor
from samordna.cases import services as cases
from samordna.cases.acts import act
from samordna.cases.models import Case, Obligation
from samordna.core import deadlines
from samordna.core.calendar import is_working_day
from samordna.deviations.models import Deviation
from samordna.errors import ServiceError
from samordna.reporting import codes
from samordna.sip.models import (
    Meeting,
    Participant,
    SipCase,
)
from samordna.sip.services import case as case_acts
from samordna.sip.services.invitations import _meeting, _rules

DIGITAL_FORMS = (Meeting.Form.VIDEO, Meeting.Form.PHONE)


def meetings_of(case: Case) -> QuerySet[Meeting]:
    """The case's meetings with everything the case page shows, in a fixed number of queries."""
    return case.meetings.select_related("notice", "recorded_by", "case__sip").prefetch_related(
        "participants__unit",
        "participants__delivery__acknowledged_by",
        "participants__delivery__answered_by",
        "participants__delivery__forwarded_to__unit",
    )


def expected(meeting: Meeting) -> list[Participant]:
    """Whose attendance is recorded: everyone invited, except units that forwarded."""
    return [
        p
        for p in meeting.participants.all()
        if p.delivery is None or p.delivery.forwarded_to_id is None
    ]


def lacks_professional_with_individual(meeting: Meeting) -> bool:
    """Seed 000_106b8acbeb42519c.txt line 212: "Om mötet sker digitalt ska minst en profession
    från region eller kommun delta fysisk med den enskilde". A warning, never a refusal."""
    return (
        meeting.held and meeting.form in DIGITAL_FORMS and not meeting.professional_with_individual
    )


def outside_weekdays(meeting: Meeting, sip_type: str) -> bool:
    """SIP-23, seed 001_118551e475ece215.txt lines 351-353: "Samordnad individuell planering i
    öppen hälso- och sjukvård och socialtjänst sker vardagar måndag till fredag." An outpatient
    SIP meeting (and an actor meeting) on a Saturday, Sunday or public holiday (BOX-2): a
    warning, never a refusal. A SIP after discharge or an SVP may need another day."""
    if sip_type not in (SipCase.Type.OUTPATIENT, SipCase.Type.ACTOR_MEETING):
        return False
    return not is_working_day(timezone.localtime(meeting.starts_at).date())


def _no_show_text(participant: Participant, meeting: Meeting) -> str:
    """Stored in the installation's language: it goes to the organisation's deviation system.
    Units and external actors are named; the individual and those close to them only by their
    role, so the free text does not identify the individual (DEV-1)."""
    named = participant.kind in (Participant.Kind.UNIT, Participant.Kind.EXTERNAL)
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "%(name)s was invited to the SIP meeting on %(time)s and stayed away without "
            "giving notice. According to the routine, the one who sent the invitation reports "
            "this as a deviation."
        ) % {
            "name": participant.name if named else participant.get_kind_display(),
            "time": f"{timezone.localtime(meeting.starts_at):%Y-%m-%d %H:%M}",
        }


@act
def record_meeting(
    actor: Actor,
    pk: int,
    meeting_pk: int,
    version: int,
    attendance: dict[int, str],
    chair: str,
    documenter: str,
    professional_with_individual: bool = False,
) -> Meeting:
    """Who attended and how, chair and documenter (SIP-8); "Den som kallat till
    planeringsmötet ansvarar för att: Utse vem som ska leda mötet, Utse vem som ska dokumentera
    planen" (seed 002_ca8314ba67d4fca6.txt lines 203-206).

    Recording may start when the meeting starts: the documenter writes during it (seed
    000_106b8acbeb42519c.txt line 214). A no-show without notice suggests a deviation report
    (seed 002_ca8314ba67d4fca6.txt line 226). The first record starts the plan's deadlines
    (SIP-10); a later correction does not restart them.
    """
    case = case_acts.get(actor, pk, "sip.record_meeting", lock=True)
    cases.require_active(case)
    case_acts.require_coordinator_unit(actor, case)
    meeting = _meeting(case, meeting_pk, version)
    now = timezone.now()
    if meeting.starts_at > now:
        raise ServiceError("not_started", _("The meeting can be recorded once it has started."))
    chair, documenter = chair.strip(), documenter.strip()
    if not chair:
        raise ServiceError("required", _("Give who chaired the meeting."), "chair")
    if not documenter:
        raise ServiceError("required", _("Give who documented the meeting."), "documenter")
    participants = expected(meeting)
    choices = set(Participant.Attendance.values) - {Participant.Attendance.UNKNOWN}
    if any(attendance.get(p.pk) not in choices for p in participants):
        raise ServiceError(
            "attendance_required", _("Record the attendance of every participant."), "attendance"
        )
    no_shows = [
        p
        for p in participants
        if attendance[p.pk] == Participant.Attendance.ABSENT_WITHOUT_NOTICE
        and p.attendance != Participant.Attendance.ABSENT_WITHOUT_NOTICE
    ]
    for p in participants:
        p.attendance = attendance[p.pk]
    Participant.objects.bulk_update(participants, ["attendance"])
    Deviation.objects.bulk_create(
        Deviation(
            status=Deviation.Status.SUGGESTED,
            source=Deviation.Source.NO_SHOW,
            case=case,
            reporting_unit=case.owner_unit,
            concerned_unit=p.unit if p.kind == Participant.Kind.UNIT else None,
            occurred_at=meeting.starts_at,
            event=_no_show_text(p, meeting),
        )
        for p in no_shows
    )
    first = not meeting.held
    meeting.held = True
    meeting.chair = chair
    meeting.documenter = documenter
    meeting.professional_with_individual = (
        professional_with_individual and meeting.form in DIGITAL_FORMS
    )
    meeting.recorded_at = now
    meeting.recorded_by = actor.user
    meeting.version += 1
    meeting.save()
    if first:
        rules = _rules(case)
        cases.meet(case, Obligation.Kind.SIP_MEETING, at=meeting.starts_at)
        cases.oblige(
            case,
            case.owner_unit,
            Obligation.Kind.PLAN_DOCUMENTED,
            deadlines.plan_documented_due(meeting.starts_at, rules),
        )
        cases.oblige(
            case,
            case.owner_unit,
            Obligation.Kind.PLAN_HANDED_OVER,
            deadlines.plan_handed_over_due(meeting.starts_at, rules),
        )
    if case.sip.type == SipCase.Type.SVP and meeting.purpose != Meeting.Purpose.ESTABLISH:
        # SIP-16, seed 001_118551e475ece215.txt lines 1231-1232: the follow-up of the plan before
        # the application for continued ÖPT/ÖRV is made.
        cases.meet(case, Obligation.Kind.SVP_FOLLOW_UP, at=meeting.starts_at)
    if meeting.purpose == Meeting.Purpose.ESTABLISH:
        # RPT-2: the KVÅ code of establishing the plan, for each region unit taking part.
        present = [
            p.unit_id
            for p in participants
            if p.kind == Participant.Kind.UNIT and p.unit_id and p.attendance in codes.PRESENT
        ]
        codes.for_establishing_meeting(
            case,
            case.sip.type,
            meeting.pk,
            meeting.starts_at,
            {case.owner_unit_id, *present},
            actor.user,
        )
    cases.record(
        actor,
        case,
        "meeting_recorded" if first else "meeting_record_corrected",
        {
            "meeting": meeting.pk,
            "no_shows": [p.pk for p in no_shows],
            "no_professional_with_individual": lacks_professional_with_individual(meeting),
        },
    )
    return meeting
