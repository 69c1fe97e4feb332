"""The access log (SEC-2): append-only, reviewable by administrators, exportable."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from samordna.audit.models import AccessLog, AppendOnlyError
from samordna.audit.services import log
from samordna.people import services
from tests.conftest import World


def test_the_model_refuses_update_and_delete(world: World) -> None:
    entry = log(world.actor(world.alice), AccessLog.Action.READ, "person.detail", world.person)
    entry.what = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_the_database_refuses_update(world: World) -> None:
    log(world.actor(world.alice), AccessLog.Action.READ, "person.detail", world.person)
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.update(what="tampered")
    assert AccessLog.objects.get().what == "person.detail"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="DELETE trigger is PostgreSQL only")
def test_postgresql_refuses_delete(world: World) -> None:
    log(world.actor(world.alice), AccessLog.Action.READ, "person.detail", world.person)
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.all()._raw_delete(AccessLog.objects.db)
    assert AccessLog.objects.count() == 1


def test_review_is_for_administrators_only(login, world: World) -> None:  # type: ignore[no-untyped-def]
    assert login(world.alice).get(reverse("audit:review")).status_code == 403
    assert login(world.charlie).get(reverse("audit:export")).status_code == 403
    assert login(world.admin).get(reverse("audit:review")).status_code == 200


def test_review_shows_a_read_and_filters(login, world: World) -> None:  # type: ignore[no-untyped-def]
    services.get_visible(world.actor(world.alice), world.person.pk)
    services.search(world.actor(world.bob), "Lundberg")  # another unit: not in alice's unit log
    client = login(world.admin)
    page = client.get(reverse("audit:review")).content.decode()
    assert "Individens sida" in page and "19360323-9090" in page
    assert "Namnsökning" not in page
    filtered = client.get(reverse("audit:review"), {"user": "admin"}).content.decode()
    assert "Individens sida" not in filtered
    by_person = client.get(reverse("audit:review"), {"identity_number": "360323-9090"})
    assert "Individens sida" in by_person.content.decode()


def test_bad_filter_dates_give_400_and_a_message(login, world: World) -> None:  # type: ignore[no-untyped-def]
    client = login(world.admin)
    response = client.get(reverse("audit:review"), {"date_from": "2026-02-30"})
    assert response.status_code == 400
    response = client.get(
        reverse("audit:review"), {"date_from": "2026-03-02", "date_to": "2026-03-01"}
    )
    assert response.status_code == 400


def test_export_is_csv_and_is_itself_logged(login, world: World) -> None:  # type: ignore[no-untyped-def]
    services.get_visible(world.actor(world.alice), world.person.pk)
    response = login(world.admin).get(reverse("audit:export"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    # Header, the export itself (logged before the rows stream out, newest first), the read.
    assert [(r[1], r[5]) for r in rows[1:]] == [
        ("admin", "Export av åtkomstloggen"),
        ("alice", "Individens sida"),
    ]
    assert rows[2][3] == world.person.identity_number
    assert AccessLog.objects.filter(action="export", user=world.admin).exists()


def test_county_admin_sees_the_whole_county(login, world: World) -> None:  # type: ignore[no-untyped-def]
    from samordna.organisations.models import Membership

    services.search(world.actor(world.bob), "Lundberg")
    Membership.objects.create(user=world.charlie, unit=world.unrelated_unit, role="county_admin")
    page = login(world.charlie).get(reverse("audit:review")).content.decode()
    assert "Namnsökning" in page


def test_a_list_read_is_logged_per_person_in_batches_as_the_orm_writes_a_row(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """log_many writes raw INSERTs (audit.services): in batches, an empty client address as
    NULL (gunicorn on a unix socket gives REMOTE_ADDR ''), the time as the ORM stores it."""
    from dataclasses import replace

    from django.utils import timezone

    from samordna.audit import services as audit

    monkeypatch.setattr(audit, "_BATCH", 2)
    persons = [world.person] * 5  # one row per person listed, whoever they are
    actor = replace(world.actor(world.alice), ip="")
    audit.log_many(actor, AccessLog.Action.READ, "overview.read", persons)
    written = AccessLog.objects.filter(what="overview.read").order_by("pk")
    assert [e.person_id for e in written] == [p.pk for p in persons]
    assert {(e.ip, e.user_id, e.unit_id, e.via) for e in written} == {
        (None, world.alice.pk, actor.unit.pk, "web")
    }
    # Found by its time as the ORM writes it (SQLite compares the stored text).
    assert written.filter(at=written[0].at).count() == len(persons)
    assert abs(written[0].at - timezone.now()) < dt.timedelta(minutes=1)
