"""The indicators (RPT-1), each defined once: its title, its definition as shown on screen, the
routine it follows, and which deadlines it counts (``rollup.rows`` reads ``FROM_DELIVERIES``
and ``from_obligation``).

Every indicator is the share of deadlines met on time among those whose deadline has passed,
per month of the deadline. A deadline is met on time when the act was done at or before the
deadline ("senast klockan 12.00" includes 12:00 itself; the deviation job calls a delivery
overdue only after its ``due_at`` too). A deadline the act made unnecessary (cancelled: the
case closed, the invitation moved from the stay to the SIP) is not counted; one not yet
passed is "pending" and not counted either.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from samordna.cases.models import Case, Notice, Obligation


@dataclass(frozen=True)
class Indicator:
    id: str
    title: Promise
    definition: Promise
    source: str  # the seed passage, file and lines


_ACK = _(
    "Share of the deliveries to acknowledge whose deadline fell in the month that the receiving "
    "unit acknowledged by the deadline: the county's next reading time after the notice was "
    "sent (Norrbotten: 12:00 every day of the year; exactly 12:00 is on time)."
)
_ACK_SOURCE = (
    "001_118551e475ece215.txt rad 689-690, 852-853, 923-924; 002_ca8314ba67d4fca6.txt rad 116"
)

INDICATORS: list[Indicator] = [
    Indicator("ack_admission", _("Admission notices acknowledged on time"), _ACK, _ACK_SOURCE),
    Indicator(
        "ack_ready", _("Ready-for-discharge notices acknowledged on time"), _ACK, _ACK_SOURCE
    ),
    Indicator("ack_discharge", _("Discharge notices acknowledged on time"), _ACK, _ACK_SOURCE),
    Indicator("ack_invitation", _("Meeting invitations acknowledged on time"), _ACK, _ACK_SOURCE),
    Indicator(
        "invite_after_discharge",
        _("SIP after discharge invited within 3 days of the ready notice"),
        _(
            "Share of the SIP invitations after discharge due in the month (3 days after the "
            "ready-for-discharge notice was sent) that were sent by then; counted for the "
            "primary care unit that must invite."
        ),
        "001_118551e475ece215.txt rad 888-895, 966-969; 002_ca8314ba67d4fca6.txt rad 156",
    ),
    Indicator(
        "invite_outpatient",
        _("Outpatient SIP invited within 3 working days"),
        _(
            "Share of the outpatient SIP invitations due in the month (3 working days after the "
            "need became known; weekends and public holidays are not working days) that were "
            "sent by then."
        ),
        "001_118551e475ece215.txt rad 389-391",
    ),
    Indicator(
        "meeting_outpatient",
        _("Outpatient SIP meeting held within 21 days"),
        _(
            "Share of the outpatient SIP meetings due in the month (by the 21st day after the "
            "need became known) that were held by then. A meeting earlier than the third day "
            "is counted as on time."
        ),
        "001_118551e475ece215.txt rad 391-392",
    ),
    Indicator(
        "plan_documented",
        _("Plans documented within 3 days of the meeting"),
        _(
            "Share of the plans due to be documented in the month (3 days after the meeting) "
            "that were documented by then."
        ),
        "001_118551e475ece215.txt rad 516-517; 002_ca8314ba67d4fca6.txt rad 251",
    ),
    Indicator(
        "plan_after_discharge",
        _("Plan within 21 days after discharge"),
        _(
            "Share of the SIPs after discharge whose 21 days after discharge ended in the month "
            "that had a documented plan by then."
        ),
        "001_118551e475ece215.txt rad 606-611",
    ),
    Indicator(
        "follow_up",
        _("Plans followed up by their follow-up date (at least yearly)"),
        _(
            "Share of the follow-ups due in the month (the plan's follow-up date, or one year "
            "after the meeting when the plan gives none) that were held by then."
        ),
        "001_118551e475ece215.txt rad 518-520; 000_106b8acbeb42519c.txt rad 228",
    ),
]
BY_ID: dict[str, Indicator] = {i.id: i for i in INDICATORS}

# Deliveries to acknowledge, by the notice's kind.
FROM_DELIVERIES: dict[str, str] = {
    Notice.Kind.ADMISSION: "ack_admission",
    Notice.Kind.READY: "ack_ready",
    Notice.Kind.DISCHARGE: "ack_discharge",
    Notice.Kind.INVITATION: "ack_invitation",
}
OBLIGATION_KINDS = (
    Obligation.Kind.SIP_INVITATION,
    Obligation.Kind.SIP_MEETING,
    Obligation.Kind.PLAN_DOCUMENTED,
    Obligation.Kind.PLAN_AFTER_DISCHARGE,
    Obligation.Kind.FOLLOW_UP,
)


# Obligations, by kind and the case's context: (obligation kind, case kinds, SIP types) →
# indicator; the first rule that matches decides (None: any). ``rollup`` reads this table in
# Python for the acts and as SQL for the rebuild on PostgreSQL, so the two cannot differ. The
# invitation after discharge is the stay's until the SIP is opened (it then moves).
OBLIGATION_RULES: list[tuple[str, tuple[str, ...] | None, tuple[str, ...] | None, str]] = [
    (Obligation.Kind.SIP_INVITATION, (Case.Kind.DISCHARGE,), None, "invite_after_discharge"),
    (Obligation.Kind.SIP_INVITATION, None, ("after_discharge",), "invite_after_discharge"),
    (Obligation.Kind.SIP_INVITATION, None, ("outpatient",), "invite_outpatient"),
    (Obligation.Kind.SIP_MEETING, None, ("outpatient",), "meeting_outpatient"),
    (Obligation.Kind.PLAN_DOCUMENTED, None, None, "plan_documented"),
    (Obligation.Kind.PLAN_AFTER_DISCHARGE, None, None, "plan_after_discharge"),
    (Obligation.Kind.FOLLOW_UP, None, None, "follow_up"),
]


def from_obligation(kind: str, case_kind: str, sip_type: str | None) -> str | None:
    """The indicator an obligation counts for, or None."""
    for rule_kind, case_kinds, sip_types, indicator in OBLIGATION_RULES:
        if (
            kind == rule_kind
            and (case_kinds is None or case_kind in case_kinds)
            and (sip_types is None or sip_type in sip_types)
        ):
            return indicator
    return None
