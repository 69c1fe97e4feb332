"""A coordinated care plan for ÖPT/ÖRV (SVP, SIP-16) opened by the chief physician of a
psychiatry unit, for the SVP tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from samordna.cases.acts import touch
from samordna.cases.models import Case
from samordna.organisations.models import Membership, Unit, User
from samordna.sip.models import PlanVersion
from samordna.sip.services import case as case_acts
from samordna.sip.services import plan as plan_acts
from samordna.sip.services import plan_follow_up as plan_follow_up_acts
from tests.conftest import World, make_user
from tests.sip.plans import draft


def psychiatry(world: World) -> Unit:
    return Unit.objects.get_or_create(
        code="psykiatri-lulea",
        defaults={
            "principal": world.region,
            "name": "Psykiatriska öppenvården Luleå",
            "kind": Unit.Kind.OUTPATIENT_PSYCHIATRY,
        },
    )[0]


def chief(world: World) -> User:
    """Dora, psychiatrist with the chief physician's assignment at psychiatry."""
    found = User.objects.filter(username="dora").first()
    return found or make_user(
        "dora", psychiatry(world), Membership.Role.PHYSICIAN, Membership.Role.CHIEF_PSYCHIATRIST
    )


def open_svp(world: World) -> Case:
    """Sture's SVP, opened by Dora; bob's unit (Luleå biståndshandläggning) takes part."""
    world.case.closed_at = timezone.now()
    world.case.close_reason = Case.CloseReason.OTHER
    world.case.save()
    touch(world.case.pk)  # closed by hand: the read model follows
    case = case_acts.open_case(
        world.actor(chief(world)),
        world.person.identity_number,
        "svp",
        timezone.now() - dt.timedelta(hours=1),
    )
    case.participations.create(unit=world.participant_unit, role="participant")
    return case


def consent(world: World, case: Case) -> None:
    """Sture consents to exchange with every unit taking part (recorded by Dora's unit)."""
    from samordna.sip.services import consent as consent_acts

    consent_acts.record_consent(
        world.actor(chief(world)),
        case.pk,
        {
            "decision": "given",
            "giver": "individual",
            "giver_name": "Sture Lundberg",
            "form": "oral",
            "given_at": timezone.now() - dt.timedelta(minutes=5),
            "units": [],
        },
    )


def documented_svp(world: World, case: Case, **changes: object) -> PlanVersion:
    """Version 1 of the plan written and documented by Dora (the draft of ``tests.sip.plans``,
    bob's unit giving social care)."""
    consent(world, case)
    dora = world.actor(chief(world))
    started = plan_acts.start_version(dora, case.pk)
    saved = plan_acts.save_draft(
        dora, case.pk, started.number, started.version, draft(world, **changes)
    )
    return plan_follow_up_acts.mark_documented(dora, case.pk, saved.number, saved.version)
