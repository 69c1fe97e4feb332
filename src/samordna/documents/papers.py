"""What the SIP documents say (DOC-1): the plan for the individual, the invitation letter and
the consent form, in Swedish (see ``pdf.py``).

These functions only draw: the services read the case through the visibility choke point and
log the read before calling them. A form drawn without a case is the blank paper form for
downtime (``blank.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import translation

from samordna.cases.models import Case
from samordna.deviations.models import Deviation
from samordna.discharge import information
from samordna.discharge.information import DischargeInformation
from samordna.documents.pdf import Sheet, clock, day, weekday_and_day
from samordna.organisations.models import Unit
from samordna.people.models import Person
from samordna.sip.models import Action, Coordinator, Meeting, Participant, PlanVersion
from samordna.sip.services import self_care as self_care_acts
from samordna.sip.views.plan_section import layout

# The right-hand window (H2) of Swedish C4 and C5 window envelopes: the address field starts
# 118 mm from the left edge and 50 mm from the top of the A4 sheet, 80 × 35 mm; an A4 folded
# once (C5) or not at all (C4) shows it in the window.
ADDRESS_X, ADDRESS_Y, ADDRESS_W = 118, 50, 80
BODY_Y = 100  # below the window

CONSENT_TEXT = (
    "Samordnad individuell plan kan endast genomföras efter samtycke av den enskilde eller "
    "legal företrädare. Samtycket kan vara muntligt eller skriftligt och dokumenteras. Du kan "
    "när som helst ta tillbaka ditt samtycke. Om du inte samtycker har du ändå rätt till de "
    "planerade insatserna. En kopia av samtycket lämnas till dig."
)  # seed 000_106b8acbeb42519c.txt lines 110, 114; seed 002_ca8314ba67d4fca6.txt line 122
CHILD_TEXT = (
    "För barn och unga under 18 år ger vårdnadshavarna samtycke och utser därmed vilka "
    "verksamheter som får kallas till mötet. Barnet tillfrågas utifrån ålder och mognad."
)  # seed 000_106b8acbeb42519c.txt line 112; seed 002_ca8314ba67d4fca6.txt line 126
ABSENCE_TEXT = "Kan du inte komma? Meddela den som kallar så snart som möjligt."
# seed 002_ca8314ba67d4fca6.txt line 140: "Frånvaro ... måste meddelas till den som kallat".


def swedish(meeting: Meeting, field: str) -> str:
    """A choice label of the meeting in Swedish, whatever the user's language."""
    with translation.override("sv"):
        return str(getattr(meeting, f"get_{field}_display")())


def contact_line(coordinator: Coordinator | None) -> str:
    if coordinator is None:
        return ""
    phone = coordinator.phone
    name = coordinator.user.get_full_name() or coordinator.user.username
    return f"{name}, {coordinator.unit.name}" + (f", telefon {phone}" if phone else "")


def where(meeting: Meeting) -> tuple[str, str]:
    """How to take part: the place, the video link, or the number to call and its code."""
    if meeting.form == Meeting.Form.VIDEO:
        return "Videolänk", meeting.video_link
    if meeting.form == Meeting.Form.PHONE:
        return "Telefonmöte", f"Ring {meeting.phone_number}, kod {meeting.phone_code}"
    return "Plats", meeting.place


def who(action: Action) -> str:
    if action.responsible == Action.Responsible.INDIVIDUAL:
        return "Du"
    if action.responsible == Action.Responsible.UNIT and action.responsible_unit:
        return action.responsible_unit.name
    return action.responsible_name


def when(action: Action) -> str:
    parts = [f"från {day(action.starts_on)}" if action.starts_on else ""]
    parts.append(f"till {day(action.ends_on)}" if action.ends_on else "")
    return " ".join(p for p in parts if p)


# The plan for the individual (PAT-1) ------------------------------------------------------------


def plan(
    county: str,
    case: Case,
    plan: PlanVersion,
    coordinator: Coordinator | None,
    meeting: Meeting | None,
) -> bytes:
    """The documented plan in plain words and large type (14 pt), as the individual's view on
    screen says it: the main goal in their own words, who does what and when, whom to call,
    the next meeting. "Enskildes delaktighet ska denne erhålla sin plan utskriven på papper"
    (seed 001_118551e475ece215.txt line 306)."""
    sheet = Sheet(county, "Samordnad individuell plan (SIP)", size=14, sender=case.owner_unit.name)
    sheet.heading(f"Din plan, {case.person.full_name}")
    sheet.para(
        "En samordnad individuell plan (SIP) är det som du och de som hjälper dig har kommit "
        "överens om, och vem som gör vad."
    )
    if plan.documented_at:
        sheet.para(f"Planen skrevs ned {day(plan.documented_at)}.")
    sheet.heading("Det här är viktigt för dig", 2)
    sheet.para(f"”{plan.main_goal.strip()}”", bold=True)
    # SIP-22, seed 001 lines 524-526: the described needs and the individual's own resources.
    if plan.needs.strip():
        sheet.heading("Det du behöver hjälp med", 2)
        sheet.para(plan.needs.strip())
    if plan.own_resources.strip():
        sheet.heading("Det du själv kan och har", 2)
        sheet.para(plan.own_resources.strip())
    goals = [g.text for g in plan.goals.all()]
    if goals:
        sheet.heading("Dina mål", 2)
        sheet.bullets(goals, numbered=True)
    sheet.heading("Vem gör vad, och när", 2)
    blocks = layout(plan)
    for block in blocks:
        for action, _comments in block.actions:
            sheet.para(action.text, bold=True)
            sheet.facts([("Vem", who(action))] + ([("När", when(action))] if when(action) else []))
            if action.care_type == Action.CareType.SELF_CARE:
                sheet.para(
                    "Egenvård: du gör det här själv, eller med hjälp av någon nära dig. "
                    "Vården har bedömt att det kan göras säkert och har visat hur.",
                    size=12,
                )
                # ORG-6: the written self-care plan (seed 001_118551e475ece215.txt lines
                # 1466-1482), which the individual also needs for an application (line 1356).
                assessed = self_care_acts.current(case).get(action.uid)
                if assessed is not None:
                    sheet.facts(
                        [
                            (
                                "Bedömd av",
                                f"{assessed.assessed_by.get_full_name()}, "
                                f"{assessed.unit.name}, {day(assessed.assessed_at)}",
                            ),
                            ("Så får du lära dig", assessed.instructions),
                            ("Om något går fel", assessed.on_harm),
                            ("Om din situation förändras", assessed.on_change),
                            ("Uppföljning", assessed.follow_up),
                            ("Ses över igen senast", day(assessed.reassess_on)),
                        ]
                    )
            sheet.gap()
    if not blocks:
        sheet.para("Inget är planerat ännu.")
    if plan.if_worse:
        sheet.heading("Om du blir sämre", 2)
        sheet.para(plan.if_worse)
    sheet.heading("Vem du kan ringa", 2)
    if coordinator is not None:
        sheet.para(contact_line(coordinator), bold=True)
        sheet.para("Din samordningsansvariga: håller ihop planen och kallar till möten.", size=12)
        sheet.gap()
    for contact in plan.care_contacts.all():
        sheet.para(f"{contact.name}, {contact.workplace}, telefon {contact.phone}", bold=True)
        # SIP-18, seed 001 lines 256-257: which care contact holds the coordination.
        coordinates = " Samordnar din plan." if contact.coordinates else ""
        sheet.para(f"Din fasta vårdkontakt.{coordinates}", size=12)
        sheet.gap()
    sheet.heading("Ditt nästa möte", 2)
    if meeting is None:
        sheet.para("Inget möte är bokat ännu.")
    else:
        sheet.para(
            f"{weekday_and_day(meeting.starts_at)}, {clock(meeting.starts_at, meeting.ends_at)}",
            bold=True,
        )
        label, value = where(meeting)
        sheet.para(f"{label}: {value}")
    if plan.follow_up_on:
        caller = f" {plan.follow_up_caller} kallar dig." if plan.follow_up_caller else ""
        sheet.para(f"Vi går igenom planen tillsammans igen {day(plan.follow_up_on)}.{caller}")
    return sheet.render()


# The invitation letter (SIP-6) -------------------------------------------------------------------


def address(sheet: Sheet, lines: Sequence[str]) -> None:
    """The recipient in the envelope window; an empty line is left to write on by hand."""
    sheet.set_xy(ADDRESS_X, ADDRESS_Y)
    sheet.set_font("Sans", "", 11)
    for text in lines:
        if text:
            sheet.set_x(ADDRESS_X)
            sheet.multi_cell(ADDRESS_W, 5.5, text, align="L")
        else:
            sheet.line_across(sheet.get_y() + 6, ADDRESS_X, ADDRESS_W)
            sheet.set_y(sheet.get_y() + 7)
    sheet.set_y(BODY_Y)


def sender(unit: Unit) -> str:
    place = f"{unit.postal_code} {unit.city}".strip()
    return ", ".join(p for p in (unit.name, unit.street, place) if p)


def letter(
    county: str,
    case: Case,
    meeting: Meeting,
    participant: Participant,
    coordinator: Coordinator | None,
) -> bytes:
    """A letter to someone invited outside the system (seed 000_106b8acbeb42519c.txt line 202;
    seed 002_ca8314ba67d4fca6.txt line 164), for a window envelope. It says whether consent
    was obtained and gives time and place (seed 002_ca8314ba67d4fca6.txt lines 138, 152); a
    changed meeting is marked as such, a cancelled one says so."""
    unit = case.owner_unit
    sheet = Sheet(county, "Kallelse", sender=sender(unit))
    address(
        sheet,
        [
            participant.name,
            participant.street,
            f"{participant.postal_code} {participant.city}".strip(),
        ],
    )
    person = case.person
    yours = participant.kind == Participant.Kind.INDIVIDUAL
    about = "din samordnade individuella plan" if yours else f"SIP för {person.full_name}"
    if meeting.cancelled_at:
        sheet.heading("Inställt möte om samordnad individuell plan (SIP)")
        sheet.para(
            f"Mötet om {about} {weekday_and_day(meeting.starts_at)}, "
            f"{clock(meeting.starts_at)}, är inställt."
        )
    else:
        changed = "Ändrad kallelse" if meeting.sequence else "Kallelse"
        sheet.heading(f"{changed} till samordnad individuell planering (SIP)")
        sheet.para(
            f"Du kallas till ett möte om {about}. På mötet planerar vi tillsammans vem som "
            "gör vad, så att insatserna från region, kommun och andra hänger ihop."
        )
        if meeting.sequence:
            sheet.para("Tiden, platsen eller formen för mötet har ändrats. Det här gäller nu.")
        sheet.gap()
        sheet.facts(
            [
                ("Syfte", swedish(meeting, "purpose")),
                ("Dag", weekday_and_day(meeting.starts_at)),
                ("Tid", clock(meeting.starts_at, meeting.ends_at)),
                ("Form", swedish(meeting, "form")),
                where(meeting),
            ]
        )
        if meeting.agenda:
            sheet.heading("Dagordning och kommentar", 2)
            sheet.para(meeting.agenda)
        sheet.gap()
        if meeting.consent_confirmed:  # the letter speaks to the individual, never of them
            sheet.para(
                "Du har samtyckt till mötet."
                if yours
                else f"{person.full_name} har samtyckt till mötet."
            )
        sheet.para(ABSENCE_TEXT)
    if coordinator is not None:
        sheet.para(f"Kontakt: {contact_line(coordinator)}")
    if not yours and participant.kind != Participant.Kind.RELATIVE:
        sheet.para("Kallelsen är ett arbetsmaterial och kasseras efter mötet.", size=9)
    sheet.gap()
    sheet.para("Med vänlig hälsning")
    if coordinator is not None:
        sheet.para(coordinator.user.get_full_name() or coordinator.user.username)
    sheet.para(unit.name)
    return sheet.render()


# Consent (CON-1 to CON-3) ------------------------------------------------------------------------


def consent(
    sheet: Sheet, child: bool, person: Person | None = None, units: Sequence[Unit] = ()
) -> None:
    """The consent form for an adult or, signed by the guardians, for a child ("Samtycke vuxna"
    and "Samtycke barn – SIP formulär", seed 002_ca8314ba67d4fca6.txt lines 317-318). With a
    person it is filled in for that individual; without, it is the blank form."""
    whom = "barnet" if child else "mig"
    sheet.heading(
        "Samtycke till samordnad individuell plan (SIP)"
        + (" för barn och unga under 18 år" if child else "")
    )
    sheet.para(CONSENT_TEXT)
    if child:
        sheet.gap(0.3)
        sheet.para(CHILD_TEXT)
    sheet.gap()
    label = "Barnets" if child else "Den enskildes"
    sheet.write_in(f"{label} namn", value=person.full_name if person else "")
    sheet.write_in("Personnummer", value=person.identity.formatted if person else "")
    sheet.heading("Samtycke", 2)
    we = "Vi" if child else "Jag"
    sheet.checkbox(
        f"{we} samtycker till att en samordnad individuell plan upprättas för {whom} och att "
        "ett planeringsmöte hålls."
    )
    sheet.checkbox(
        f"{we} samtycker till att verksamheterna som är markerade nedan får utbyta information "
        f"om {whom} och kallas till möten om planen."
    )
    sheet.checkbox(
        f"{we} samtycker inte till en samordnad individuell plan. "
        f"{'Barnet' if child else 'Jag'} har ändå rätt till de planerade insatserna."
    )
    sheet.heading("Verksamheter som får utbyta information och kallas", 2)
    for unit in units:
        sheet.checkbox(f"{unit.name} ({unit.principal.name})")
    for _n in range(max(3, 6 - len(units))):
        sheet.checkbox("")
    if child:
        sheet.write_in("Barnets egen syn, utifrån ålder och mognad", lines=3)
    if child:
        sheet.signatures(
            [
                "Ort och datum",
                "Ort och datum",
                "Vårdnadshavare 1, underskrift",
                "Vårdnadshavare 2, underskrift",
                "Namnförtydligande",
                "Namnförtydligande",
            ]
        )
    else:
        sheet.signatures(
            [
                "Ort och datum",
                "Den enskilde eller legal företrädare, underskrift",
                "Namnförtydligande",
                "Legal företrädare: god man eller förvaltare",
            ]
        )
    sheet.gap()
    sheet.write_in("Samtycket inhämtat av (namn, verksamhet, telefon)")


# The discharge information to the patient (SVU-6) -----------------------------------------------


def discharge(info: DischargeInformation) -> bytes:
    """What the ward gives the patient at discharge, in large type: each recipient unit's
    planned interventions from when they start, the designated care contact and the planned
    SIP meeting (seed 001_118551e475ece215.txt lines 873-886)."""
    sheet = Sheet(info.county, "Information vid utskrivning", size=14, sender=info.ward.name)
    sheet.heading(f"Information vid utskrivning för {info.person.full_name}")
    sheet.para(info.person.identity.formatted)
    sheet.para(
        "Här är det som har planerats för dig när du lämnar sjukhuset, och vem du kan kontakta."
    )
    sheet.heading("Din vård och ditt stöd efter utskrivningen", 2)
    for plan in info.interventions:
        sheet.para(plan.unit.name, bold=True)
        start = f"{weekday_and_day(plan.can_receive_at)}, {clock(plan.can_receive_at)}"
        sheet.facts(
            [("Börjar", start)] + ([("Telefon", plan.unit.phone)] if plan.unit.phone else [])
        )
        sheet.para(plan.interventions or "Enheten kontaktar dig.")
        sheet.gap()
    if not info.interventions:
        sheet.para("Inga insatser är planerade.")
    sheet.heading("Dokument du får med dig hem", 2)  # SVU-12, seed 001 lines 824-826
    for key in info.documents:
        sheet.para(f"– {information.DOCUMENTS[key]}")
    sheet.heading("Din fasta vårdkontakt", 2)
    if info.care_contact is not None:
        contact = info.care_contact
        sheet.para(f"{contact.name}, {contact.workplace}, telefon {contact.phone}", bold=True)
        sheet.para(
            "Din fasta vårdkontakt hjälper dig med frågor om din vård och samordnar den när du "
            "har lämnat sjukhuset.",
            size=12,
        )
    else:
        sheet.para("Inte utsedd ännu. Din hälsocentral berättar vem det blir.")
    sheet.heading("Möte om din samordnade individuella plan (SIP)", 2)
    meeting = info.sip_meeting
    if meeting is not None:
        sheet.para(
            f"{weekday_and_day(meeting.starts_at)}, {clock(meeting.starts_at, meeting.ends_at)}",
            bold=True,
        )
        label, value = where(meeting)
        sheet.para(f"{label}: {value}")
    elif info.stay.sip_declined_at:
        sheet.para(
            "Du har sagt nej till en SIP. Du kan ändra dig: prata med din fasta vårdkontakt."
        )
    else:
        sheet.para("Inget möte är bokat ännu.")
    sheet.heading("Frågor om tiden på sjukhuset", 2)
    sheet.para(info.ward.name + (f", telefon {info.ward.phone}" if info.ward.phone else ""))
    if info.stay.ready_physician:
        sheet.para(
            f"Ansvarig läkare: {info.stay.ready_physician}. "
            f"Ansvarig sjuksköterska: {info.stay.ready_nurse}."
        )
    return sheet.render()


# A deviation report (DEV-1, DEV-2) ---------------------------------------------------------------


def deviation(found: Deviation, show_case: bool) -> bytes:
    """The deviation as the seed describes it (seed 000_106b8acbeb42519c.txt lines 258-267:
    from which unit, date and time, event, consequence, risk, action, improvement proposal,
    the concerned unit), for the paper route to a municipality (lines 273-275) addressed to
    the concerned unit. The individual is named only where the unit may see the case."""
    reporter = found.reporting_unit
    sheet = Sheet(reporter.principal.county.name, "Avvikelserapport", sender=sender(reporter))
    concerned = found.concerned_unit
    if concerned is not None:
        address(sheet, [concerned.name, concerned.street, concerned.city])
    sheet.heading(f"Avvikelserapport nr {found.pk}")
    rows = [
        ("Händelsen inträffade", f"{day(found.occurred_at)} {clock(found.occurred_at)}"),
        ("Rapporterande enhet", reporter.name),
        ("Berörd enhet", concerned.name if concerned else "–"),
    ]
    if found.mas_unit is not None:
        rows.append(("Även till MAS vid", found.mas_unit.name))
    if found.case is not None and show_case:
        person = found.case.person
        rows.append(("Gäller", f"{person.full_name}, {person.identity.formatted}"))
    sheet.facts(rows)
    for label, text in [
        ("Händelse", found.event),
        ("Konsekvens", found.consequence),
        ("Risk", found.risk),
        ("Åtgärd", found.action),
        ("Förbättringsförslag", found.improvement),
    ]:
        sheet.heading(label, 2)
        sheet.para(text or "–")
    if found.sent_at is not None and found.sent_by is not None:
        sheet.gap()
        who = found.sent_by.get_full_name() or found.sent_by.username
        sheet.para(f"Skickad {day(found.sent_at)} av {who}, {reporter.name}.", size=9)
    return sheet.render()
