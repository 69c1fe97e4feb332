"""What an act costs in queries (issue 11): sending an admission notice makes the same number
of queries for one recipient as for three (the deliveries and the participations are written
in bulk, the county's rule set comes with the case), and no more than a fixed budget."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from samordna.cases.models import Participation
from samordna.discharge.services import notices as notices_acts
from samordna.discharge.services import stays as stays_acts
from samordna.organisations.models import County, Unit, User
from tests.conftest import World
from tests.discharge.conftest import stay_data, ward
from tests.discharge.test_ward_stays import patient

# Measured after batching (37 before: two queries per recipient, the rule set's county read
# per act, a savepoint for the read model): 29 on SQLite and PostgreSQL alike. 36 since the act
# also keeps, still flat in the recipients: the SIP phase of the cases it touched (2 reads, none
# here), the indicators' rollup (a read of the facts, their insert, the counters' upsert and
# their zero-count cleanup) and the webhook outbox (the subscriptions that hear of it). 39 since
# it also keeps the plain measures (``reporting.stats``: a read of their facts, the cases with
# their SIP or stay, the deviations; nothing written here, the stay has not ended).
BUDGET = 39


def queries_to_send(world: World, nurse: User, serial: int, units: list[Unit]) -> int:
    actor = ward(world, nurse)
    case = stays_acts.register_stay(actor, patient(world, serial).identity_number, stay_data())
    with CaptureQueriesContext(connection) as captured:
        notices_acts.send_admission_notice(actor, case.pk, units)
    assert set(
        Participation.objects.filter(case=case, role="recipient").values_list("unit", flat=True)
    ) == {u.pk for u in units}
    return len(captured)


def test_an_admission_notice_to_three_units_costs_what_one_to_one_does(
    world: World, nurse: User
) -> None:
    health_care = Unit.objects.create(
        principal=world.lulea, code="lulea-hsl", name="Luleå HSL", kind="municipal_health_care"
    )
    three = [world.participant_unit, health_care, world.owner_unit]
    queries_to_send(world, nurse, 1, [world.participant_unit])  # warm up
    to_three = queries_to_send(world, nurse, 3, three)
    to_one = queries_to_send(world, nurse, 5, [world.participant_unit])
    assert to_three == to_one <= BUDGET


def test_the_rule_set_is_parsed_once_and_anew_when_it_changes(world: World) -> None:
    county = world.county
    first = county.rule_set
    assert County.objects.get(pk=county.pk).rule_set is first  # another read, the same parse
    changed = {**first.to_json(), "reading_times": ["08:00", "13:00"]}
    County.objects.filter(pk=county.pk).update(rules=changed)
    again = County.objects.get(pk=county.pk).rule_set
    assert again is not first
    assert [t.hour for t in again.reading_times] == [8, 13]
