"""The coordinated care plan for ÖPT/ÖRV as attached to the application to the administrative
court (SIP-16, DOC-1): the plan pipeline's variant for the court, in Swedish.

Seed 001_118551e475ece215.txt lines 1221-1227: "Ansökan görs till Förvaltningsrätten. ... Till
ansökan ska det fogas en sådan samordnad vårdplan som avses nedan"; lines 1250-1251: the plan
"är upprättad när den har justerats av enheterna" (a documented version); lines 1253-1255: with
no interventions from other units "skall inget samråd ske, dock skall en samordnad vårdplan
upprättas och bifogas ansökan"; lines 1261-1263: how region and municipality exchange
information; lines 1240-1244: the individual's objection and what was shared despite it.

Only draws, like ``papers``: the service reads the case through the choke point and logs it.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import translation

from samordna.cases.models import Case
from samordna.documents.papers import contact_line, when
from samordna.documents.pdf import Sheet, day
from samordna.sip.models import Action, Coordinator, NecessaryExchange, PlanVersion, SvpDetail
from samordna.sip.models.svp import CareForm
from samordna.sip.views.plan_section import layout

TITLE = "Samordnad vårdplan – bilaga till ansökan till förvaltningsrätten"
HEADINGS = {
    CareForm.OPT: "Samordnad vårdplan vid öppen psykiatrisk tvångsvård (ÖPT)",
    CareForm.ORV: "Samordnad vårdplan vid öppen rättspsykiatrisk vård (ÖRV)",
}
NO_OTHER_UNITS = (
    "Inga insatser behövs från andra enheter. Något samråd har därför inte skett, men den "
    "samordnade vårdplanen är upprättad och bifogas ansökan."
)  # seed 001_118551e475ece215.txt lines 1253-1255


def _responsible(action: Action) -> str:
    if action.responsible == Action.Responsible.UNIT and action.responsible_unit:
        return action.responsible_unit.name
    if action.responsible == Action.Responsible.INDIVIDUAL:
        return "Patienten"
    return action.responsible_name


def svp_plan(
    county: str,
    case: Case,
    plan: PlanVersion,
    detail: SvpDetail,
    exchanges: Sequence[NecessaryExchange],
    coordinator: Coordinator | None,
) -> bytes:
    """The documented plan in the court's terms: who the patient is, who answers for the plan,
    the interventions and who gives them, the units taking part, how information is exchanged,
    the objection and what was shared despite it, and the follow-up."""
    sheet = Sheet(county, "Samordnad vårdplan (ÖPT/ÖRV)", sender=case.owner_unit.name)
    sheet.heading(TITLE)
    sheet.para(HEADINGS[CareForm(detail.care_form)], bold=True)
    with translation.override("sv"):
        sheet.facts(
            [
                ("Patient", f"{case.person.full_name}, {case.person.identity.formatted}"),
                ("Vårdform", str(detail.get_care_form_display())),
                ("Ansvarig enhet", case.owner_unit.name),
                ("Samordningsansvarig", contact_line(coordinator)),
                ("Planversion", str(plan.number)),
                ("Justerad", day(plan.documented_at) if plan.documented_at else ""),
            ]
        )
    if detail.extension_application_by:
        sheet.para(
            f"Ansökan om fortsatt vård ska göras senast {day(detail.extension_application_by)}."
        )
    sheet.heading("Mål", 2)
    sheet.para(plan.main_goal.strip())
    goals = [g.text for g in plan.goals.all()]
    if goals:
        sheet.bullets(goals, numbered=True)
    if plan.needs.strip():
        sheet.heading("Behov", 2)
        sheet.para(plan.needs.strip())
    sheet.heading("Insatser och ansvar", 2)
    others = False
    for block in layout(plan):
        for action, _comments in block.actions:
            others = others or (
                action.responsible == Action.Responsible.UNIT
                and action.responsible_unit_id != case.owner_unit_id
            )
            sheet.para(action.text, bold=True)
            rows = [("Ansvarig", _responsible(action))]
            if when(action):
                rows.append(("Tid", when(action)))
            sheet.facts(rows)
            sheet.gap(0.3)
    if not others:
        sheet.para(NO_OTHER_UNITS)
    if plan.if_worse.strip():
        sheet.heading("Vid försämring", 2)
        sheet.para(plan.if_worse.strip())
    sheet.heading("Informationsutbyte mellan region och kommun", 2)
    sheet.para(detail.exchange_routine.strip() or "Inte angivet.")
    sheet.heading("Patientens inställning till informationsutbyte", 2)
    if detail.objection_at is None:
        sheet.para("Patienten har inte motsatt sig informationsutbyte mellan parterna.")
    else:
        sheet.para(
            f"Patienten motsätter sig informationsutbyte ({day(detail.objection_at)}): "
            f"{detail.objection.strip()}"
        )
        sheet.para(
            "Invändningen respekteras. Endast uppgifter som är nödvändiga för att genomföra den "
            "samordnade vårdplaneringen har lämnats:"
        )
        for exchange in exchanges:
            sheet.para(f"{day(exchange.shared_at)}, till {exchange.shared_with}", bold=True)
            sheet.facts([("Uppgifter", exchange.what), ("Skäl", exchange.why)])
        if not exchanges:
            sheet.para("Inga uppgifter har lämnats trots invändningen.")
    sheet.heading("Uppföljning", 2)
    if plan.follow_up_on:
        sheet.para(f"Planen följs upp {day(plan.follow_up_on)}.")
    sheet.para(
        "Inför ansökan om fortsatt ÖPT eller ÖRV följs den samordnade vårdplanen upp."
    )  # seed 001_118551e475ece215.txt lines 1231-1232
    sheet.gap()
    sheet.signatures(["Chefsöverläkare, namnförtydligande", "Datum"])
    return sheet.render()
