"""What the ward is warned about before the patient goes home (SVU-11, SVU-12; issue 14 items
12 and 13). Warnings, never refusals: the patient may leave whenever they choose.

- Before the discharge notice (seed 001_118551e475ece215.txt lines 907-916): "Den slutna vården
  ansvarar för att bevaka och säkerställa att patienten inte skickas hem innan
  insatserna/åtgärderna är på plats". A recipient that replied it can receive the patient only
  later, or no designated care contact named (SVU-4, lines 781-813), means the interventions are
  not in place: the self-discharge flag is then proposed (lines 912-916).
- Discharges on weekends and red days (seed 002_ca8314ba67d4fca6.txt line 116): "Patienter som
  ska skrivas ut under helgen eller på röda dagar ska planeras av samtliga parter under
  vardagen innan helgen/röd dag." A county setting (``RuleSet.plan_holiday_discharges_before``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from samordna.core import calendar
from samordna.core.rules import RuleSet
from samordna.discharge.models import RecipientPlan, Stay

LATER_RECEPTION = "later_reception"
NO_CARE_CONTACT = "no_care_contact"
PLAN_BEFORE_HOLIDAY = "plan_before_holiday"


@dataclass(frozen=True)
class Warning:
    code: str
    message: str


def _moment(at: dt.datetime) -> str:
    return f"{timezone.localtime(at):%Y-%m-%d %H:%M}"


def before_discharge(
    stay: Stay, replies: Iterable[RecipientPlan], at: dt.datetime
) -> list[Warning]:
    """Why the interventions may not be in place if the patient leaves at ``at``: each
    recipient whose newest reply (``replies``) says it can receive the patient only later, and
    a missing designated care contact. A stay that needs only social services has no care
    contact in region outpatient care to name (seed 001 lines 981-984)."""
    found = [
        Warning(
            LATER_RECEPTION,
            _("%(unit)s can receive the patient only from %(time)s.")
            % {"unit": reply.unit.name, "time": _moment(reply.can_receive_at)},
        )
        for reply in replies
        if reply.can_receive_at > at
    ]
    if not stay.care_contact_name and not stay.only_social_services:
        found.append(
            Warning(
                NO_CARE_CONTACT,
                _(
                    "No designated care contact is named: primary care names one before the "
                    "patient goes home."
                ),
            )
        )
    return found


def plan_by(expected: dt.date, rules: RuleSet) -> dt.date | None:
    """The working day before a discharge expected on a weekend or red day, by which every
    party plans it; None when the county has no such rule or the day is a working day."""
    if not rules.plan_holiday_discharges_before or calendar.is_working_day(expected):
        return None
    day = expected - dt.timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def holiday_planning(stay: Stay, rules: RuleSet) -> list[Warning]:
    """The warning with the date to plan by, while the patient has not left (SVU-12)."""
    by = None if stay.discharged_at else plan_by(stay.expected_discharge_on, rules)
    if by is None:
        return []
    return [
        Warning(
            PLAN_BEFORE_HOLIDAY,
            _(
                "The expected discharge date %(date)s is a weekend or red day: every party "
                "plans the discharge by %(by)s, the working day before."
            )
            % {"date": f"{stay.expected_discharge_on:%Y-%m-%d}", "by": f"{by:%Y-%m-%d}"},
        )
    ]
