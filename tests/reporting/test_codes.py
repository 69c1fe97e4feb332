"""KVÅ procedure codes recorded by the meeting record (RPT-2).

Seed 002_ca8314ba67d4fca6.txt lines 282-287: each unit of the region that takes part codes
AU124 for establishing a SIP, which excludes XU042 (compulsory care) and AU125 (discharge).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from samordna.cases.models import Case
from samordna.reporting import codes
from samordna.reporting.models import ProcedureCode
from samordna.sip.models import Meeting
from tests.conftest import World
from tests.sip.test_meetings import attendance, give_consent, invite, record


@pytest.fixture
def meeting(world: World, sip: Case) -> Meeting:
    """An establishing meeting with bob's municipal unit and the region's ward invited."""
    give_consent(world, sip)
    sip.participations.create(unit=world.ward, role="participant")
    return invite(world, sip, [world.participant_unit, world.ward])


def test_each_region_unit_present_codes_au124(world: World, meeting: Meeting) -> None:
    record(world, meeting)
    found = {(c.code, c.unit_id) for c in ProcedureCode.objects.all()}
    # The coordinator's primary care centre and the ward (region); not Luleå's unit.
    assert found == {("AU124", world.owner_unit.pk), ("AU124", world.ward.pk)}
    code = ProcedureCode.objects.get(unit=world.ward)
    assert code.performed_on == timezone.localdate(meeting.starts_at)
    assert code.recorded_by == world.alice and code.case_id == meeting.case_id


def test_a_corrected_record_follows_who_was_there(world: World, meeting: Meeting) -> None:
    record(world, meeting)
    first = ProcedureCode.objects.get(unit=world.owner_unit).pk
    meeting.refresh_from_db()
    with_ward_absent = attendance(meeting, **{f"unit_{world.ward.pk}": "absent_notified"})
    record(world, meeting, attendance=with_ward_absent)
    assert list(ProcedureCode.objects.values_list("pk", "unit_id")) == [
        (first, world.owner_unit.pk)
    ]


def test_a_follow_up_meeting_codes_nothing(world: World, sip: Case) -> None:
    give_consent(world, sip)
    record(world, invite(world, sip, purpose="follow_up"))
    assert not ProcedureCode.objects.exists()


@pytest.mark.parametrize(
    ("sip_type", "code"),
    [("outpatient", "AU124"), ("actor_meeting", "AU124"), ("after_discharge", "AU125"),
     ("svp", "XU042")],
)  # fmt: skip
def test_the_context_chooses_the_one_code(
    world: World, meeting: Meeting, sip_type: str, code: str
) -> None:
    starts = timezone.now() - dt.timedelta(hours=1)
    units = {world.owner_unit.pk, world.participant_unit.pk}
    made = codes.for_establishing_meeting(
        meeting.case, sip_type, meeting.pk, starts, units, world.alice
    )
    assert [(c.code, c.unit_id) for c in made] == [(code, world.owner_unit.pk)]


def test_the_unit_reads_its_codes_of_the_month_on_screen_in_csv_and_api(
    world: World,
    meeting: Meeting,
    login,
    client,  # type: ignore[no-untyped-def]
) -> None:
    from django.urls import reverse

    from samordna.api.models import ApiToken
    from samordna.audit.models import AccessLog

    record(world, meeting)
    month = f"{timezone.localtime(meeting.starts_at):%Y-%m}"
    alice = login(world.alice)
    page = alice.get(reverse("reporting:codes") + f"?month={month}").content.decode()
    assert "AU124" in page and world.person.last_name in page
    csv = alice.get(reverse("reporting:codes-csv") + f"?month={month}").content.decode("utf-8-sig")
    assert f";AU124;{meeting.case_id};{world.person.identity.formatted};" in csv
    assert AccessLog.objects.filter(user=world.alice, what="reports.procedure_codes").count() == 2
    _token, secret = ApiToken.issue("journal", world.alice, world.owner_unit)
    found = client.get(
        f"/api/v1/reports/procedure-codes?month={month}",
        headers={"Authorization": f"Bearer {secret}"},
    ).json()
    assert [(c["code"], c["case_id"]) for c in found] == [("AU124", meeting.case_id)]
    # Another unit sees none of them, a bad month is refused.
    other = login(world.charlie).get(reverse("reporting:codes") + f"?month={month}")
    assert world.person.last_name not in other.content.decode()
    assert alice.get(reverse("reporting:codes") + "?month=2026-13").status_code == 400
