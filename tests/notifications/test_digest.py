"""BOX-3: one digest per user at the county's reading times, idempotent, never naming anyone."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from samordna.cases.acts import touch
from samordna.core.deadlines import next_reading_time
from samordna.core.rules import RuleSet
from samordna.notifications import digest
from samordna.notifications.models import Digest, DigestState, Preference
from samordna.organisations.models import Membership
from tests.conftest import World, make_user
from tests.overview.conftest import Day, at


@pytest.fixture
def emails(world: World) -> None:
    for user, address in [(world.alice, "alice@example.org"), (world.bob, "bob@example.org")]:
        user.email = address
        user.save()


def run(moment: dt.datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return digest.run(moment)


@pytest.mark.parametrize(
    ("rules", "now", "expected"),
    [
        # Norrbotten: 12:00 every day of the year (seed 001_118551e475ece215.txt lines 689-690).
        (RuleSet(), at(23, 11, 59), at(22, 12)),
        (RuleSet(), at(23, 12), at(23, 12)),
        (RuleSet(), at(28, 18), at(28, 12)),  # a Saturday
        # Gävleborg: 09:00 and 13:00 on working days (seed 002_ca8314ba67d4fca6.txt line 116).
        (
            RuleSet(reading_times=(dt.time(9), dt.time(13)), reading_days="working"),
            at(23, 10),
            at(23, 9),
        ),
        (
            RuleSet(reading_times=(dt.time(9), dt.time(13)), reading_days="working"),
            at(29, 10),
            at(27, 13),
        ),
    ],
)
def test_latest_reading_time(rules: RuleSet, now: dt.datetime, expected: dt.datetime) -> None:
    assert digest.latest_reading_time(now, rules) == expected


def _forward(now: dt.datetime, rules: RuleSet) -> dt.datetime | None:
    """The first way of finding it: step forward through every reading time of two weeks."""
    latest, moment = None, now - digest.LOOKBACK
    while (found := next_reading_time(moment, rules)) <= now:
        latest = moment = found
    return latest


@hypothesis_settings(max_examples=150, deadline=None)
@given(
    now=st.datetimes(
        min_value=dt.datetime(2026, 1, 1),
        max_value=dt.datetime(2029, 12, 31),
        timezones=st.just(dt.UTC),
    ),
    times=st.sets(
        st.builds(dt.time, st.integers(0, 23), st.integers(0, 59)), min_size=1, max_size=4
    ),
    days=st.sampled_from(["all", "working"]),
)
def test_latest_reading_time_walking_back_equals_stepping_forward(
    now: dt.datetime, times: set[dt.time], days: str
) -> None:
    """Across summer time's changes and holiday runs: the day-by-day walk back finds the
    same instant as stepping forward through every reading time."""
    rules = RuleSet(reading_times=tuple(sorted(times)), reading_days=days)
    found = digest.latest_reading_time(now, rules)
    expected = _forward(now, rules)
    assert found == expected
    if found is not None:
        assert found.utcoffset() == expected.utcoffset()  # type: ignore[union-attr]


def test_one_digest_at_the_reading_time_and_not_again(world: World, day: Day, emails: None) -> None:
    assert run(at(23, 12, 1)) == 2  # alice and bob; charlie has no address
    alice = next(m for m in mail.outbox if m.to == ["alice@example.org"])
    assert alice.subject == "Samordna: sammanfattning 2026-11-23 12:00"
    assert "== Hertsöns hälsocentral ==" in alice.body
    assert "Nytt sedan förra sammanfattningen:" in alice.body
    assert "Försenat eller att göra i dag:" in alice.body
    assert any(
        line.startswith("- Inskrivningsmeddelande: ") and "Sunderby medicin 5" in line
        for line in alice.body.splitlines()
    )
    assert "Skicka kallelse till SIP" in alice.body  # the overdue deadline
    for secret in ["Lundberg", "Sture", "Holmström", "Greta", world.person.identity_number[2:8]]:
        assert secret not in alice.body and secret not in alice.subject
    assert "http://127.0.0.1:8000/overview/" in alice.body
    for moment in [at(23, 12, 2), at(23, 17)]:
        assert run(moment) == 0
    assert len(mail.outbox) == 2
    assert Digest.objects.filter(slot=at(23, 12), sent_at__isnull=False).count() == 2
    assert set(Digest.objects.values_list("state", flat=True)) == {DigestState.SENT}


def test_the_next_digest_says_only_what_is_new_since_the_last(
    world: World, day: Day, emails: None
) -> None:
    run(at(23, 12, 1))
    mail.outbox.clear()
    day.admission.acknowledged_at = at(23, 12, 5)
    day.admission.save()
    touch(day.stay_case.pk)
    assert run(at(24, 12)) == 2
    alice = next(m for m in mail.outbox if m.to == ["alice@example.org"])
    new = alice.body.split("Nytt sedan förra sammanfattningen:")[1].split("Försenat")[0]
    # Only the invitation sent after the first digest (at 16:00 on the 23rd) is new.
    assert [line.split(":")[0] for line in new.split("\n") if line] == ["- Kallelse"]
    assert "Inskrivningsmeddelande" not in alice.body  # acknowledged since


def test_no_mail_when_there_is_nothing(world: World, emails: None) -> None:
    world.charlie.email = "charlie@example.org"
    world.charlie.save()
    assert run(at(23, 12, 1)) == 0
    assert mail.outbox == []
    # Claimed all the same, so later runs for this reading time do not look again, and marked
    # as having had nothing to say: not a mail still owed.
    row = Digest.objects.get(user=world.charlie)
    assert (row.state, row.sent_at, row.lease_until) == (DigestState.NOTHING, None, None)
    assert run(at(23, 12, 30)) == 0


def test_preferences_choose_whether_and_where(world: World, day: Day, emails: None) -> None:
    Preference.objects.create(user=world.alice, digest=True, address="vc-hertson@example.org")
    Preference.objects.create(user=world.bob, digest=False)
    assert run(at(23, 12, 1)) == 1
    assert [m.to for m in mail.outbox] == [["vc-hertson@example.org"]]
    assert not Digest.objects.filter(user=world.bob).exists()


def test_a_worker_that_loses_the_race_sends_nothing(
    world: World, day: Day, emails: None, monkeypatch: Any
) -> None:
    """Another worker claims (alice, 12:00) after this one decided to send, before it inserts."""
    recipients = digest._recipients

    def other_worker_claims_first(county: Any, slot: dt.datetime, now: dt.datetime) -> list[Any]:
        found = recipients(county, slot, now)
        for r in found:
            Digest.objects.get_or_create(
                user=r.user, slot=slot, defaults={"lease_until": digest.lease_until(now)}
            )
        return found

    monkeypatch.setattr(digest, "_recipients", other_worker_claims_first)
    assert run(at(23, 12, 1)) == 0
    assert mail.outbox == []
    assert Digest.objects.filter(slot=at(23, 12)).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_digest_once(world: World, emails: None) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's shared in-memory test database cannot run two writers at once")
    from tests.overview.conftest import deliver

    deliver(world.case, "message", world.bob, world.participant_unit, world.owner_unit, at(24, 12))
    start = threading.Barrier(2)
    results: list[int] = []

    def worker() -> None:
        try:
            start.wait()
            results.append(digest.run(at(23, 12, 1)))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [0, 1]
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]


def test_a_digest_the_mail_server_refused_is_sent_on_the_next_run(
    world: World, day: Day, emails: None, settings: Any
) -> None:
    """A real SMTP connection to a closed port fails; the lease is ended at once, so the next
    run tries again, and the same Message-ID is used."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    assert run(at(23, 12, 1)) == 0
    rows = list(Digest.objects.all())
    assert [(r.state, r.lease_until) for r in rows] == [(DigestState.PENDING, at(23, 12, 1))] * 2
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert run(at(23, 12, 2)) == 2
    assert sorted(m.extra_headers["Message-ID"] for m in mail.outbox) == sorted(
        digest.message_id(r.pk) for r in rows
    )
    assert set(Digest.objects.values_list("state", "attempts")) == {(DigestState.SENT, 2)}


def test_the_digest_run_reads_a_constant_number_of_queries_whatever_the_users(
    world: World, day: Day, emails: None
) -> None:
    """Issue 10 item 4: no read per user. The same reading time with 3 and with 9 users at
    the same two units (alice's and bob's) costs the same number of queries, but for two
    UPDATEs per mail (issue 16 item 4): one holds the row just before it is sent (still this
    run's, its lease renewed), one marks it sent the moment it went, so that a worker killed
    mid-run leaves no mail it sent marked as owed."""
    users = [world.alice, world.bob]

    def add_users(count: int) -> None:
        for n in range(count):
            unit = (world.owner_unit, world.participant_unit)[n % 2]
            user = make_user(f"extra{len(users)}", unit, Membership.Role.NURSE)
            user.email = f"{user.username}@example.org"
            user.save()
            users.append(user)

    def measure() -> tuple[int, int]:
        """Queries and mails of one run, rolled back so the next starts from the same state."""
        mail.outbox.clear()
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            with time_machine.travel(at(23, 12, 1), tick=False):
                sent = digest.run(at(23, 12, 1))
            transaction.set_rollback(True)
        return len(queries), sent

    add_users(1)
    few, sent_few = measure()
    add_users(6)
    many, sent_many = measure()
    assert (sent_few, sent_many) == (3, 9)  # every user got a mail: the work did grow
    assert many - few == 2 * (sent_many - sent_few)


def test_a_run_slower_than_its_lease_does_not_send_what_another_took_over(
    world: World, day: Day, emails: None, monkeypatch: Any, settings: Any
) -> None:
    """Issue 16 item 4: run A claims; before it gets to its mails, its lease runs out and run B
    takes the rows over and sends them. A must then send nothing: each mail once."""
    claim = digest._claim
    later = at(23, 12, 1) + dt.timedelta(seconds=settings.DIGEST_LEASE_SECONDS + 60)
    others: list[int] = []

    def slow_claim(recipients: Any, slot: dt.datetime, now: dt.datetime) -> dict[int, int]:
        mine = claim(recipients, slot, now)
        if now != later:  # run A, stalled past its lease: run B comes along meanwhile
            others.append(run(later))
        return mine

    monkeypatch.setattr(digest, "_claim", slow_claim)
    assert run(at(23, 12, 1)) == 0
    assert others == [2]
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.org", "bob@example.org"]
    assert set(Digest.objects.values_list("state", "attempts")) == {(DigestState.SENT, 2)}
