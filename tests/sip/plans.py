"""Building plans for tests: a SIP with consent, a filled-in draft, a documented version."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from samordna.cases.models import Case
from samordna.sip.models import PlanVersion
from samordna.sip.services import plan as plan_acts
from samordna.sip.services import plan_follow_up as plan_follow_up_acts
from tests.conftest import World
from tests.sip.conftest import consent_to

give_consent = consent_to  # consent naming bob's unit


def draft(world: World, **changes: Any) -> plan_acts.Draft:
    """A complete draft: bob's unit (social services) helps in the morning, the individual
    takes his insulin himself (self-care), a relative shops, Pensionsmyndigheten decides."""
    values: dict[str, Any] = {
        "main_goal": "Att kunna bo kvar hemma och gå till affären själv.",
        "needs": "Behöver hjälp med dusch och påklädning på morgonen.",
        "own_resources": "Klarar sin medicinering själv; dottern Anna bor nära.",
        "initiated_by": "Sture själv, via distriktssköterskan",
        "if_worse": "Ring hälsocentralen; efter 17 ring 1177.",
        "time_plan": "Hemtjänst från december, uppföljning i februari.",
        "follow_up_on": timezone.localdate() + dt.timedelta(days=60),
        "follow_up_caller": "Karin Holm, Hertsöns hälsocentral",
        "goals": [plan_acts.GoalIn("Klara morgonrutinerna"), plan_acts.GoalIn("Handla själv")],
        "actions": [
            plan_acts.ActionIn(
                "Hemtjänst hjälper till med dusch",
                "unit",
                "social_care",
                unit=world.participant_unit.pk,
                goal=0,
            ),
            plan_acts.ActionIn(
                "Tar sitt insulin morgon och kväll", "individual", "self_care", goal=0
            ),
            plan_acts.ActionIn(
                "Följer med och handlar", "relative", "other", name="Anna (dotter)", goal=1
            ),
            plan_acts.ActionIn(
                "Beslut om bostadstillägg", "external", "other", name="Pensionsmyndigheten"
            ),
        ],
        "care_contacts": [
            plan_acts.ContactIn("Karin Holm", "Hertsöns hälsocentral", "0920-123 45")
        ],
    }
    values.update(changes)
    return plan_acts.Draft(**values)


def written(world: World, case: Case, **changes: Any) -> PlanVersion:
    """Version 1 started and saved by alice."""
    started = plan_acts.start_version(world.actor(world.alice), case.pk)
    return plan_acts.save_draft(
        world.actor(world.alice), case.pk, started.number, started.version, draft(world, **changes)
    )


def documented(world: World, case: Case, **changes: Any) -> PlanVersion:
    give_consent(world, case)
    saved = written(world, case, **changes)
    return plan_follow_up_acts.mark_documented(
        world.actor(world.alice), case.pk, saved.number, saved.version
    )
