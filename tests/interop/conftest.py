"""A SIP with documented plans for the facades: Sture Lundberg's outpatient SIP, opened by
alice at Hertsöns hälsocentral (HSA-ids on the units and on alice), bob's unit named in the
consent, and API tokens of the coordinator's unit, bob's unit and the unrelated unit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from samordna.api.models import ApiToken
from samordna.cases.acts import touch
from samordna.cases.models import Case
from samordna.people.models import PlanFormat
from samordna.sip.models import PlanVersion
from samordna.sip.services import case as case_acts
from samordna.sip.services import plan as plan_acts
from samordna.sip.services import plan_follow_up as plan_follow_up_acts
from tests.conftest import World
from tests.sip.plans import draft, give_consent

OWNER_HSA = "SE2321000230-HERTSON"
PARTICIPANT_HSA = "SE2120002627-BISTAND"
ALICE_HSA = "SE2321000230-ALICE"


@dataclass
class Plans:
    case: Case
    tokens: dict[str, str]  # "owner", "participant", "unrelated" -> Authorization header value

    def header(self, who: str) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": self.tokens[who]}


def open_sip(world: World) -> Case:
    world.case.closed_at = timezone.now()
    world.case.close_reason = Case.CloseReason.OTHER
    world.case.save()
    touch(world.case.pk)
    case = case_acts.open_case(
        world.actor(world.alice),
        world.person.identity_number,
        "outpatient",
        timezone.now() - dt.timedelta(hours=1),
    )
    case.participations.create(unit=world.participant_unit, role="participant")
    give_consent(world, case)
    return case


def document_version(world: World, case: Case, **changes: object) -> PlanVersion:
    """A new plan version, saved and documented by alice."""
    started = plan_acts.start_version(world.actor(world.alice), case.pk)
    saved = plan_acts.save_draft(
        world.actor(world.alice),
        case.pk,
        started.number,
        started.version,
        draft(world, **({"plan_format": PlanFormat.DIGITAL} | changes)),
    )
    return plan_follow_up_acts.mark_documented(
        world.actor(world.alice), case.pk, saved.number, saved.version
    )


@pytest.fixture
def plans(world: World) -> Plans:
    world.owner_unit.hsa_id = OWNER_HSA
    world.owner_unit.phone = "0920-123 45"
    world.owner_unit.save()
    world.participant_unit.hsa_id = PARTICIPANT_HSA
    world.participant_unit.save()
    world.alice.hsa_id = ALICE_HSA
    world.alice.last_name = "Holm"
    world.alice.save()
    case = open_sip(world)
    document_version(world, case)
    tokens = {}
    for who, user, unit in (
        ("owner", world.alice, world.owner_unit),
        ("participant", world.bob, world.participant_unit),
        ("unrelated", world.charlie, world.unrelated_unit),
    ):
        _token, secret = ApiToken.issue(f"EHR {who}", user, unit)
        tokens[who] = f"Bearer {secret}"
    return Plans(case, tokens)
