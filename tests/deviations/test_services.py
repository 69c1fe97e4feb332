"""DEV-1: validation, the status life cycle, who may do what, visibility and the access log.

Seed 000_106b8acbeb42519c.txt lines 258-266 name what a report holds; lines 269-277 that it is
sent to the concerned unit, which deals with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from samordna.audit.models import AccessLog
from samordna.cases.models import Case
from samordna.deviations import services
from samordna.deviations.models import Deviation
from samordna.errors import Conflict, Forbidden, NotFound, ServiceError
from samordna.organisations.models import County, Principal, Unit
from tests.conftest import World, make_user
from tests.deviations.conftest import COMPLETE, content, sent, write

Status = Deviation.Status


def other_county_unit(world: World) -> Unit:
    county = County.objects.create(code="vasterbotten", name="Västerbottens län")
    principal = Principal.objects.create(
        county=county, code="umea", name="Umeå kommun", kind="municipality"
    )
    return Unit.objects.create(principal=principal, code="umea-hemtjanst", name="Hemtjänst Umeå")


def inactive_unit(world: World) -> Unit:
    return Unit.objects.create(
        principal=world.lulea, code="lulea-gammal", name="Nedlagd enhet", active=False
    )


def unseen_case(world: World) -> int:
    """A case alice's unit does not take part in."""
    case = Case.objects.create(
        person=world.person, kind=Case.Kind.DISCHARGE, owner_unit=world.ward, opened_by=world.alice
    )
    return case.pk


@pytest.mark.parametrize(
    ("extra", "code", "field"),
    [
        (lambda w: {"event": "   "}, "required", "event"),
        (lambda w: {"event": "Gäller 19360323-9090, ej kvitterat."}, "identity_in_text", "event"),
        (lambda w: {"consequence": "Se 360323-9090"}, "identity_in_text", "consequence"),
        (lambda w: {"risk": "Gäller 19360323 9090"}, "identity_in_text", "risk"),
        (lambda w: {"action": "Gäller 1936 03 23-9090"}, "identity_in_text", "action"),
        (lambda w: {"event": "Se 360323 9090 i journalen"}, "identity_in_text", "event"),
        (lambda w: {"risk": "x" * (services.MAX_TEXT + 1)}, "too_long", "risk"),
        (
            lambda w: {"occurred_at": timezone.now() + dt.timedelta(minutes=5)},
            "in_the_future",
            "occurred_at",
        ),
        (lambda w: {"concerned_unit": w.owner_unit}, "invalid_unit", "concerned_unit"),
        (lambda w: {"concerned_unit": inactive_unit(w)}, "invalid_unit", "concerned_unit"),
        (lambda w: {"concerned_unit": other_county_unit(w)}, "invalid_unit", "concerned_unit"),
        (lambda w: {"case": 999_999}, "invalid_case", "case"),
        (lambda w: {"case": unseen_case(w)}, "invalid_case", "case"),
    ],
)
def test_bad_input_is_refused_and_nothing_stored(
    world: World, extra: Callable[[World], dict[str, Any]], code: str, field: str
) -> None:
    with pytest.raises(ServiceError) as caught:
        write(world, **extra(world))
    assert (caught.value.code, caught.value.field, caught.value.status) == (code, field, 400)
    assert caught.value.message
    assert not Deviation.objects.exists()


@pytest.mark.parametrize(
    "text",
    [
        "Telefon 0920-100 00, mötet 2026-11-20 10:00.",
        "Nummer 20991231-1234 är inget personnummer (framtida datum).",
        "193603239091 har fel kontrollsiffra.",
    ],
)
def test_numbers_that_are_not_identity_numbers_are_accepted(world: World, text: str) -> None:
    assert write(world, event=text).event == text


def test_a_written_deviation_is_a_draft_of_the_reporting_unit(world: World) -> None:
    d = write(world, event="  Kallelsen kvitterades inte.  ")
    assert (d.status, d.source, d.reporting_unit, d.created_by) == (
        Status.DRAFT,
        Deviation.Source.MANUAL,
        world.owner_unit,
        world.alice,
    )
    assert d.event == "Kallelsen kvitterades inte." and d.version == 1 and d.case == world.case


def suggestion(world: World, concerned: Unit | None = None) -> Deviation:
    return Deviation.objects.create(
        status=Status.SUGGESTED,
        source=Deviation.Source.NO_SHOW,
        reporting_unit=world.owner_unit,
        concerned_unit=concerned,
        case=world.case,
        occurred_at=timezone.now() - dt.timedelta(hours=1),
        event="Luleå biståndshandläggning uteblev.",
    )


def in_status(world: World, status: str) -> Deviation:
    """A deviation of alice's unit concerning no other unit (alice's unit handles it)."""
    d = suggestion(world)
    alice = world.actor(world.alice)
    if status == Status.DISMISSED:
        return services.dismiss(alice, d.pk, d.version)
    if status == Status.SUGGESTED:
        return d
    d = services.confirm(alice, d.pk, d.version)
    d = services.update(alice, d.pk, d.version, content(world, concerned_unit=None))
    if status == Status.DRAFT:
        return d
    d = services.send(alice, d.pk, d.version)
    if status == Status.SENT:
        return d
    return services.handle(alice, d.pk, d.version, "Rutinen genomgången på APT.")


ACTS: dict[str, Callable[[World, Deviation], Deviation]] = {
    "confirm": lambda w, d: services.confirm(w.actor(w.alice), d.pk, d.version),
    "dismiss": lambda w, d: services.dismiss(w.actor(w.alice), d.pk, d.version),
    "update": lambda w, d: services.update(
        w.actor(w.alice), d.pk, d.version, content(w, concerned_unit=None)
    ),
    "send": lambda w, d: services.send(w.actor(w.alice), d.pk, d.version),
    "handle": lambda w, d: services.handle(w.actor(w.alice), d.pk, d.version),
}
ALLOWED = {
    (Status.SUGGESTED, "confirm"): Status.DRAFT,
    (Status.SUGGESTED, "dismiss"): Status.DISMISSED,
    (Status.DRAFT, "update"): Status.DRAFT,
    (Status.DRAFT, "send"): Status.SENT,
    (Status.SENT, "handle"): Status.HANDLED,
}


@pytest.mark.parametrize("act", ACTS)
@pytest.mark.parametrize("status", Status.values)
def test_status_transitions(world: World, status: str, act: str) -> None:
    d = in_status(world, status)
    if (status, act) in ALLOWED:
        done = ACTS[act](world, d)
        assert done.status == ALLOWED[status, act] and done.version == d.version + 1
        return
    with pytest.raises(ServiceError) as caught:
        ACTS[act](world, d)
    assert (caught.value.code, caught.value.status) == ("wrong_status", 400)
    assert caught.value.message
    d.refresh_from_db()
    assert d.status == status


def test_each_step_keeps_who_and_when(world: World) -> None:
    alice, bob = world.actor(world.alice), world.actor(world.bob)
    d = suggestion(world, concerned=world.participant_unit)
    d = services.confirm(alice, d.pk, d.version)
    assert d.confirmed_by == world.alice and d.confirmed_at is not None
    d = services.update(alice, d.pk, d.version, content(world))
    d = services.send(alice, d.pk, d.version)
    assert d.sent_by == world.alice and d.sent_at is not None
    d = services.handle(bob, d.pk, d.version, "  Nya rutiner för inkorgen.  ")
    assert (d.status, d.handled_by, d.handled_comment) == (
        Status.HANDLED,
        world.bob,
        "Nya rutiner för inkorgen.",
    )
    dismissed = services.dismiss(alice, suggestion(world).pk, 1)
    assert dismissed.dismissed_by == world.alice and dismissed.dismissed_at is not None


@pytest.mark.parametrize("empty", list(COMPLETE))
def test_sending_needs_every_part_of_the_report(world: World, empty: str) -> None:
    d = write(world, **{empty: ""} if empty != "event" else {})
    if empty == "event":  # the event is required from the start; empty it in the database
        Deviation.objects.filter(pk=d.pk).update(event="")
    with pytest.raises(ServiceError) as caught:
        services.send(world.actor(world.alice), d.pk, d.version)
    assert (caught.value.code, caught.value.field) == ("incomplete", empty)
    d.refresh_from_db()
    assert d.status == Status.DRAFT and d.sent_at is None


def test_saving_and_sending_in_one_step_keeps_nothing_when_incomplete(world: World) -> None:
    alice = world.actor(world.alice)
    d = write(world, risk="")
    with pytest.raises(ServiceError) as caught:
        services.update(alice, d.pk, d.version, content(world, risk="", action="Ny"), send=True)
    assert (caught.value.code, caught.value.field) == ("incomplete", "risk")
    d.refresh_from_db()
    assert (d.status, d.action, d.version) == (Status.DRAFT, COMPLETE["action"], 1)
    done = services.update(alice, d.pk, d.version, content(world, action="Ny"), send=True)
    assert (done.status, done.action, done.sent_by) == (Status.SENT, "Ny", world.alice)


def test_a_stale_edit_is_refused_and_the_other_kept(world: World) -> None:
    alice = world.actor(world.alice)
    d = write(world)
    services.update(alice, d.pk, d.version, content(world, risk="Första"))
    with pytest.raises(Conflict) as caught:
        services.update(alice, d.pk, d.version, content(world, risk="Andra"))
    assert caught.value.status == 409
    d.refresh_from_db()
    assert (d.risk, d.version) == ("Första", 2)


def test_only_the_reporting_unit_writes_and_only_the_concerned_unit_handles(
    world: World,
) -> None:
    alice, bob = world.actor(world.alice), world.actor(world.bob)
    d = sent(world)
    for act in (
        lambda: services.update(bob, d.pk, d.version, content(world)),
        lambda: services.send(bob, d.pk, d.version),
        lambda: services.confirm(bob, d.pk, d.version),
    ):
        with pytest.raises(Forbidden):
            act()
    with pytest.raises(Forbidden) as caught:
        services.handle(alice, d.pk, d.version)
    assert caught.value.code == "not_concerned_unit"
    assert services.handle(bob, d.pk, d.version).status == Status.HANDLED


def test_the_concerned_unit_sees_a_deviation_only_once_sent(world: World) -> None:
    bob = world.actor(world.bob)
    d = write(world)
    assert list(services.page(bob, services.Filters())) == []
    with pytest.raises(NotFound):
        services.get(bob, d.pk)
    with pytest.raises(NotFound):
        services.handle(bob, d.pk, d.version)
    services.send(world.actor(world.alice), d.pk, d.version)
    assert [x.pk for x in services.page(bob, services.Filters())] == [d.pk]


def test_charlie_of_an_unrelated_unit_sees_nothing(world: World) -> None:
    charlie = world.actor(world.charlie)
    d = sent(world)
    suggestion(world, concerned=world.participant_unit)
    assert list(services.page(charlie, services.Filters())) == []
    assert services.export(charlie, services.Filters()) == []
    assert services.counts(charlie, services.Filters())["all"] == 0
    for act in (
        lambda: services.get(charlie, d.pk),
        lambda: services.handle(charlie, d.pk, d.version),
        lambda: services.confirm(charlie, d.pk, d.version),
    ):
        with pytest.raises(NotFound):
            act()
    assert not AccessLog.objects.filter(user=world.charlie).exists()


def test_the_case_and_individual_only_to_units_taking_part_and_logged(world: World) -> None:
    """The ward is sent the deviation but takes no part in the case: it sees neither the case
    number nor the individual, and nothing about the individual is logged for it."""
    nurse = make_user("wilma", world.ward)
    ward = world.actor(nurse)
    d = sent(world, concerned_unit=world.ward)
    seen = services.get(ward, d.pk)
    assert not services.shows_case(seen)
    assert not AccessLog.objects.filter(user=nurse, person__isnull=False).exists()
    [listed] = services.page(ward, services.Filters())
    assert not services.shows_case(listed)

    alice = world.actor(world.alice)
    assert services.shows_case(services.get(alice, d.pk))
    services.page(alice, services.Filters())
    logged = AccessLog.objects.filter(user=world.alice, person=world.person)
    assert {"deviation.case", "deviation.send", "deviation.read", "deviations.list"} <= set(
        logged.values_list("what", flat=True)
    )


@pytest.mark.parametrize(
    ("status", "side", "expected"),
    [
        ("", "", {"mine-draft", "mine-sent", "theirs-sent", "mine-suggested"}),
        ("", "reported", {"mine-draft", "mine-sent", "mine-suggested"}),
        ("", "concerning", {"theirs-sent"}),
        ("sent", "", {"mine-sent", "theirs-sent"}),
        ("suggested", "", {"mine-suggested"}),
        ("nonsense", "nonsense", {"mine-draft", "mine-sent", "theirs-sent", "mine-suggested"}),
    ],
)
def test_filters_and_counts(world: World, status: str, side: str, expected: set[str]) -> None:
    names = {
        write(world, event="mine-draft").pk: "mine-draft",
        sent(world, event="mine-sent").pk: "mine-sent",
        suggestion(world).pk: "mine-suggested",
    }
    bob = world.actor(world.bob)
    theirs = services.create(
        bob, content(world, event="theirs-sent", concerned_unit=world.owner_unit)
    )
    services.send(bob, theirs.pk, theirs.version)
    names[theirs.pk] = "theirs-sent"
    alice = world.actor(world.alice)
    filters = services.Filters.of(status, side)
    assert {names[d.pk] for d in services.page(alice, filters)} == expected
    assert services.counts(alice, filters)[filters.status or "all"] == len(expected)
    everything = services.counts(alice, services.Filters())
    assert (everything["all"], everything["sent"], everything["draft"]) == (4, 2, 1)
