"""The replica router: the read-only screens read from the replica, everything else from the
primary, and every write goes to the primary (README: beyond one machine)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import router, transaction
from django.test import Client
from django.urls import reverse

from samordna import replicas
from samordna.audit.models import AccessLog
from samordna.cases.models import Case
from samordna.people.models import Person
from tests.conftest import World


@pytest.fixture
def with_replica(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(replicas, "replica_configured", lambda: True)


def test_without_a_replica_everything_stays_on_the_primary(db: None) -> None:
    with replicas.replica_reads():
        assert Case.objects.all().db == "default"


def test_marked_reads_go_to_the_replica_writes_and_other_reads_to_the_primary(
    transactional_db: None, with_replica: None
) -> None:
    """Transactional: a plain test runs inside a transaction, which keeps every read on the
    primary, as it should in an act."""
    assert Case.objects.all().db == "default"
    with replicas.replica_reads():
        assert Case.objects.all().db == replicas.REPLICA
        assert Person.objects.filter(last_name="Berg").db == replicas.REPLICA
        assert router.db_for_write(AccessLog) == "default"
        assert router.db_for_write(Case) == "default"
        with transaction.atomic():  # an act reads what it then writes: the primary
            assert Case.objects.all().db == "default"
    assert Case.objects.all().db == "default"


def test_only_the_primary_is_migrated() -> None:
    assert router.allow_migrate("default", "cases")
    assert not router.allow_migrate(replicas.REPLICA, "cases")


def test_the_overview_and_the_search_read_from_the_replica_other_pages_do_not(
    transactional_db: None,
    login: Any,
    world: World,
    with_replica: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The views run with replica reads on; here the router's answers are recorded (the test
    database has no replica to connect to, so they are recorded, then sent to the primary)."""
    seen: list[tuple[str, str | None]] = []
    answer = replicas.ReplicaRouter.db_for_read

    def recording(self: replicas.ReplicaRouter, model: type, **hints: Any) -> str | None:
        chosen = answer(self, model, **hints)
        seen.append((model.__name__, chosen))
        return None

    monkeypatch.setattr(replicas.ReplicaRouter, "db_for_read", recording)
    client: Client = login(world.alice)
    for url, marked in [
        (reverse("overview:overview"), True),
        (reverse("overview:counts"), True),
        (reverse("people:search") + "?q=Lundberg", True),
        (reverse("people:detail", args=[world.person.pk]), False),
    ]:
        seen.clear()
        assert client.get(url).status_code == 200, url
        chosen = {db for _model, db in seen}
        assert seen, url
        assert chosen == ({replicas.REPLICA, None} & chosen if marked else {None}), (url, seen)
        if marked:
            assert replicas.REPLICA in chosen, (url, seen)
