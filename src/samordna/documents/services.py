"""Reading a case as a document: PDFs (DOC-1) and calendar files (DOC-2).

Each function reads the case through the visibility choke point, which logs the read with its
own purpose (SEC-1, SEC-2), and renders the document on request: nothing is stored, so a
document always shows the case as it is now.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from samordna.accounts.actor import Actor
from samordna.cases.acts import act
from samordna.cases.models import Case
from samordna.deviations import services as deviation_services
from samordna.deviations.services import shows_case
from samordna.discharge import information
from samordna.documents import court, ics, papers
from samordna.documents.pdf import Sheet
from samordna.errors import NotFound
from samordna.organisations.models import Unit
from samordna.sip.models import Meeting, SipCase
from samordna.sip.services import case as case_acts
from samordna.sip.services import consent as consent_acts
from samordna.sip.services import plan as plan_acts
from samordna.sip.services import svp as svp_acts
from samordna.sip.views.plan_section import next_meeting

PDF = "application/pdf"
CALENDAR = "text/calendar; charset=utf-8"


@dataclass(frozen=True)
class Download:
    filename: str
    content_type: str
    content: bytes


def county_name(case: Case) -> str:
    return case.owner_unit.principal.county.name


def _meeting(case: Case, meeting_pk: int) -> Meeting:
    meeting = case.meetings.filter(pk=meeting_pk).first()
    if meeting is None:
        raise NotFound("not_found", _("The meeting was not found."))
    return meeting


@act
def plan_for_individual(actor: Actor, case_pk: int) -> Download:
    """The plan in force, as the individual gets it on paper (DOC-1, PAT-1): only a documented
    version is handed over (seed 002_ca8314ba67d4fca6.txt line 251)."""
    case = case_acts.get(actor, case_pk, "documents.plan.read")
    in_force = plan_acts.in_force(case)
    if in_force is None:
        raise NotFound(
            "plan_not_documented",
            _("No plan version is documented yet, so there is no plan to print."),
        )
    plan = plan_acts.plan_version(case, in_force.number, contents=True)
    content = papers.plan(
        county_name(case), case, plan, case_acts.current_coordinator(case), next_meeting(case)
    )
    return Download(f"sip-{case.pk}-plan-{plan.number}.pdf", PDF, content)


@act
def svp_court_plan(actor: Actor, case_pk: int) -> Download:
    """SIP-16: the coordinated care plan for ÖPT/ÖRV to attach to the application to the
    administrative court (seed 001_118551e475ece215.txt lines 1226-1227, 1254-1255): the
    documented version, the plan being "upprättad när den har justerats av enheterna" (lines
    1250-1251)."""
    case = case_acts.get(actor, case_pk, "documents.svp_court.read")
    if case.sip.type != SipCase.Type.SVP:
        raise NotFound("not_svp", _("This is not a coordinated care plan for ÖPT/ÖRV (SVP)."))
    in_force = plan_acts.in_force(case)
    if in_force is None:
        raise NotFound(
            "plan_not_documented",
            _("No plan version is documented yet, so there is no plan to print."),
        )
    plan = plan_acts.plan_version(case, in_force.number, contents=True)
    content = court.svp_plan(
        county_name(case),
        case,
        plan,
        svp_acts.detail(case),
        svp_acts.exchanges(case),
        case_acts.current_coordinator(case),
    )
    return Download(f"svp-{case.pk}-forvaltningsratten-{plan.number}.pdf", PDF, content)


@act
def invitation_letter(actor: Actor, case_pk: int, meeting_pk: int, participant_pk: int) -> Download:
    """The letter to someone invited outside the system; the coordinator's unit sends it
    ("Deltagare utanför Lifecare SP kallas av samordningsansvarig via telefon eller brev", seed
    000_106b8acbeb42519c.txt line 202). Connected units get the invitation in Samordna."""
    case = case_acts.get(actor, case_pk, "documents.invitation_letter.read")
    case_acts.require_coordinator_unit(actor, case)
    meeting = _meeting(case, meeting_pk)
    participant = (
        meeting.participants.filter(pk=participant_pk, delivery__isnull=True)
        .exclude(unit=case.owner_unit_id)
        .first()
    )
    if participant is None:
        raise NotFound(
            "not_found", _("This participant was not invited by letter, so there is no letter.")
        )
    content = papers.letter(
        county_name(case), case, meeting, participant, case_acts.current_coordinator(case)
    )
    return Download(f"sip-{case.pk}-kallelse-{meeting.pk}-{participant.pk}.pdf", PDF, content)


@act
def consent_form(actor: Actor, case_pk: int) -> Download:
    """The consent form filled in for the individual: signed by the guardians for a child
    (CON-3). It lists the units taking part and those the consent in force names, to tick."""
    case = case_acts.get(actor, case_pk, "documents.consent_form.read")
    consent = consent_acts.consent_in_force(case)
    named = [u.pk for u in consent.units.all()] if consent else []
    taking_part = Q(participations__case=case, participations__until__isnull=True)
    units = list(
        Unit.objects.filter(taking_part | Q(pk__in=named))
        .select_related("principal")
        .distinct()
        .order_by("name")
    )
    child = case.person.is_child()
    sheet = Sheet(
        county_name(case),
        f"Samtycke till SIP, {'barn' if child else 'vuxen'}",
        sender=case.owner_unit.name,
    )
    papers.consent(sheet, child, case.person, units)
    return Download(f"sip-{case.pk}-samtycke.pdf", PDF, sheet.render())


@act
def meeting_calendar(actor: Actor, case_pk: int, meeting_pk: int) -> Download:
    """The meeting as a calendar file for everyone taking part in the case (DOC-2)."""
    case = case_acts.get(actor, case_pk, "documents.meeting_calendar.read")
    meeting = _meeting(case, meeting_pk)
    county = case.owner_unit.principal.county
    content = ics.calendar(meeting, county.code, case.owner_unit.name)
    return Download(f"sip-{case.pk}-mote-{meeting.pk}.ics", CALENDAR, content)


@act
def discharge_information(actor: Actor, case_pk: int) -> Download:
    """The discharge information for the patient (SVU-6), read as ``discharge.information``
    allows: by the ward, and by recipients the patient consented to share with."""
    info = information.discharge_information(actor, case_pk)
    return Download(f"vardtillfalle-{case_pk}-information.pdf", PDF, papers.discharge(info))


@act
def deviation_report(actor: Actor, pk: int) -> Download:
    """A deviation the unit sees, printed (DEV-2): for the paper route from the region to a
    municipality (seed 000_106b8acbeb42519c.txt lines 273-275) and for the organisation's own
    deviation system."""
    found = deviation_services.get(actor, pk)
    return Download(f"avvikelse-{pk}.pdf", PDF, papers.deviation(found, shows_case(found)))
