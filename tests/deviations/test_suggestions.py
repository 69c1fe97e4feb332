"""DEV-1: suggestions made by the system, for missed acknowledgement deadlines (the worker job)
and for meeting no-shows (recording a SIP meeting); and the move of SIP's old suggestions.

Seed 000_106b8acbeb42519c.txt lines 254, 262: a departure from the routine is a deviation;
seed 002_ca8314ba67d4fca6.txt line 226: a no-show "ska rapporteras som en avvikelse av den som
kallat till mötet".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from samordna.cases.models import Delivery
from samordna.deviations import jobs
from samordna.deviations.models import Deviation
from samordna.sip.models import Meeting
from tests.conftest import World
from tests.deviations.conftest import overdue_delivery
from tests.sip.conftest import sip  # noqa: F401  (fixture)
from tests.sip.test_meetings import attendance, consented, invited, record  # noqa: F401

Source = Deviation.Source


def test_a_missed_acknowledgement_suggests_a_deviation_to_the_sender(
    world: World, overdue: Delivery
) -> None:
    assert jobs.run(timezone.now()) == 1
    d = Deviation.objects.get()
    assert (d.status, d.source, d.delivery, d.case) == (
        Deviation.Status.SUGGESTED,
        Source.MISSED_ACKNOWLEDGEMENT,
        overdue,
        world.case,
    )
    assert (d.reporting_unit, d.concerned_unit) == (world.owner_unit, world.participant_unit)
    assert d.occurred_at == overdue.due_at and d.created_by is None
    due = f"{timezone.localtime(overdue.due_at):%Y-%m-%d %H:%M}"
    assert due in d.event and world.participant_unit.name in d.event
    assert str(overdue.notice.get_kind_display()) in d.event
    # The text never identifies the individual.
    assert world.person.last_name not in d.event and "9090" not in d.event


@pytest.mark.parametrize(
    ("change", "suggested"),
    [
        ({}, True),
        ({"acknowledged_at": timezone.now}, False),
        ({"mode": Delivery.Mode.FYI}, False),
        ({"due_at": lambda: timezone.now() + dt.timedelta(minutes=1)}, False),
        ({"due_at": lambda: None}, False),
        ({"due_at": lambda: timezone.now() - jobs.LOOKBACK + dt.timedelta(minutes=1)}, True),
        ({"due_at": lambda: timezone.now() - jobs.LOOKBACK - dt.timedelta(minutes=1)}, False),
    ],
)
def test_only_overdue_unacknowledged_deliveries_to_acknowledge_are_suggested(
    world: World, overdue: Delivery, change: dict[str, Any], suggested: bool
) -> None:
    Delivery.objects.filter(pk=overdue.pk).update(
        **{k: v() if callable(v) else v for k, v in change.items()}
    )
    assert jobs.run(timezone.now()) == int(suggested)
    assert Deviation.objects.exists() is suggested


def test_running_twice_suggests_once(world: World, overdue: Delivery) -> None:
    other = overdue_delivery(world, hours=30)
    assert jobs.run(timezone.now()) == 2
    assert jobs.run(timezone.now()) == 0
    assert sorted(Deviation.objects.values_list("delivery", flat=True)) == sorted(
        [overdue.pk, other.pk]
    )


def test_a_dismissed_suggestion_is_not_made_again(world: World, overdue: Delivery) -> None:
    jobs.run(timezone.now())
    Deviation.objects.update(status=Deviation.Status.DISMISSED)
    assert jobs.run(timezone.now()) == 0
    assert Deviation.objects.count() == 1


def test_a_second_worker_racing_the_first_creates_no_duplicate(
    world: World, overdue: Delivery, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another worker commits its suggestion between this worker's query and its insert: the
    unique constraint on the delivery drops the second row, and nothing fails."""
    real = Deviation.objects.bulk_create

    def other_worker_first(objs: list[Deviation], **kwargs: Any) -> list[Deviation]:
        Deviation.objects.create(
            status=Deviation.Status.SUGGESTED,
            source=Source.MISSED_ACKNOWLEDGEMENT,
            reporting_unit=world.owner_unit,
            delivery=overdue,
            occurred_at=overdue.due_at,
            event="the other worker",
        )
        return real(objs, **kwargs)

    monkeypatch.setattr(Deviation.objects, "bulk_create", other_worker_first)
    jobs.run(timezone.now())
    assert list(Deviation.objects.values_list("event", flat=True)) == ["the other worker"]


def test_the_database_refuses_two_suggestions_for_one_delivery(
    world: World, overdue: Delivery
) -> None:
    jobs.run(timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Deviation.objects.create(
            status=Deviation.Status.SUGGESTED,
            reporting_unit=world.owner_unit,
            delivery=overdue,
            occurred_at=timezone.now(),
            event="x",
        )


def test_the_job_is_one_query_and_one_insert_whatever_the_number(
    world: World,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    for hours in range(1, 21):
        overdue_delivery(world, hours=hours)
    with django_assert_max_num_queries(6):  # savepoint, select, insert, release (+ PostgreSQL)
        assert jobs.run(timezone.now()) == 20


def test_recording_a_no_show_suggests_a_deviation_in_the_register(
    world: World,
    invited: Meeting,  # noqa: F811
) -> None:
    record(
        world,
        invited,
        attendance=attendance(invited, **{f"unit_{world.participant_unit.pk}": "absent"}),
    )
    d = Deviation.objects.get()
    assert (d.status, d.source, d.case_id) == (
        Deviation.Status.SUGGESTED,
        Source.NO_SHOW,
        invited.case_id,
    )
    assert (d.reporting_unit, d.concerned_unit) == (world.owner_unit, world.participant_unit)
    assert d.occurred_at == invited.starts_at


@pytest.mark.django_db(transaction=True)
def test_sips_old_suggestions_move_into_the_register(world: World) -> None:
    """The data migration copies ``sip.DeviationSuggestion`` rows as suggested no-shows."""
    executor = MigrationExecutor(connection)
    before = [("deviations", "0001_initial"), ("sip", "0002_meeting_version_plan_format_uids")]
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    created = timezone.now() - dt.timedelta(days=3)
    old_apps.get_model("sip", "DeviationSuggestion").objects.create(
        case_id=world.case.pk,
        reporting_unit_id=world.owner_unit.pk,
        concerned_unit_id=world.participant_unit.pk,
        event="Luleå biståndshandläggning uteblev.",
        created_at=created,
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    d = Deviation.objects.get()
    assert (d.status, d.source, d.case_id, d.concerned_unit_id) == (
        Deviation.Status.SUGGESTED,
        Source.NO_SHOW,
        world.case.pk,
        world.participant_unit.pk,
    )
    assert d.occurred_at == created and d.event == "Luleå biståndshandläggning uteblev."
