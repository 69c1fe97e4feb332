"""The stay page derives the liability facts and the recipient check from the notices it has
read already (issue 11: two queries fewer per page); both must agree with the acts' own reads
at every step of a stay, for the ward, the recipients and a unit outside the stay."""

from __future__ import annotations

from django.db.models import prefetch_related_objects

from samordna.cases.models import Case, Delivery, Notice
from samordna.discharge.services import collaboration as svu_collaboration_acts
from samordna.discharge.services import liability_export as svu_liability_export_acts
from samordna.discharge.services import notices as notices_acts
from samordna.messaging.services import sending as message_sending
from samordna.organisations.models import User
from tests.conftest import World
from tests.discharge.conftest import version, ward
from tests.discharge.test_stay import ready_data


def _as_the_page_reads(case: Case) -> list[Notice]:
    notices = list(case.notices.all())
    prefetch_related_objects(notices, "deliveries__unit")
    return notices


def _agree(world: World, nurse: User, case: Case) -> tuple[bool, bool]:
    notices = _as_the_page_reads(case)
    facts = svu_liability_export_acts.facts_from(case, notices)
    assert facts == svu_liability_export_acts.facts_of(case)
    actors = [ward(world, nurse), world.actor(world.alice), world.actor(world.bob)]
    actors.append(world.actor(world.charlie))
    for actor in actors:
        assert svu_collaboration_acts.is_recipient(
            actor, case, notices
        ) == svu_collaboration_acts.is_recipient(actor, case), actor.unit.code
    return facts.admission_notice_to_municipality, facts.ready_sent_at is not None


def test_the_page_reads_agree_with_the_acts_through_a_stay(
    world: World, nurse: User, stay: Case
) -> None:
    seen = [_agree(world, nurse, stay)]
    notices_acts.send_admission_notice(
        ward(world, nurse), stay.pk, notices_acts.default_recipients(world.person)
    )
    seen.append(_agree(world, nurse, stay))
    # A message about the stay is a notice too, but makes no unit a recipient of the stay.
    message_sending.send(
        ward(world, nurse), [(world.unrelated_unit, Delivery.Mode.ACK)], case_pk=stay.pk, body="Hej"
    )
    seen.append(_agree(world, nurse, stay))
    notices_acts.send_ready_notice(ward(world, nurse), stay.pk, version(stay), ready_data(stay))
    seen.append(_agree(world, nurse, stay))
    assert seen == [(False, False), (True, False), (True, False), (True, True)]
    assert not svu_collaboration_acts.is_recipient(world.actor(world.charlie), stay)
    assert svu_collaboration_acts.is_recipient(world.actor(world.bob), stay)
