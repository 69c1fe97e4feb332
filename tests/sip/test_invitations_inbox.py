"""The recipients' side of invitations (SIP-6, MSG-2, BOX-1): the unit's invitation list, the
menu count, and acknowledging, answering and forwarding from the list or the case page."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samordna.audit.models import AccessLog
from samordna.cases.models import Case, Delivery
from samordna.people.models import Person
from samordna.sip.models import Meeting
from samordna.sip.services import case as case_acts
from tests.conftest import World, valid_identity_number
from tests.sip.test_meetings import bobs, give_consent, invite


@pytest.fixture
def invited(world: World, sip: Case) -> Meeting:
    give_consent(world, sip)
    return invite(world, sip)


def another_invitation(world: World, serial: int) -> Meeting:
    """A SIP for a new individual, opened by alice's unit, with bob's unit invited."""
    person = Person.objects.create(
        identity_number=valid_identity_number("19400101", serial),
        first_name="Test",
        last_name=f"Person{serial}",
        municipality=world.lulea,
        registered_by_unit=world.owner_unit,
    )
    case = case_acts.open_case(
        world.actor(world.alice), person.identity_number, "outpatient", timezone.now()
    )
    give_consent(world, case)
    return invite(world, case)


@pytest.mark.parametrize(("user", "shown"), [("alice", False), ("bob", True), ("charlie", False)])
def test_the_list_shows_only_the_units_own_invitations(
    login: Any, world: World, invited: Meeting, user: str, shown: bool
) -> None:
    response = login(getattr(world, user)).get(reverse("sip:invitations"))
    assert response.status_code == 200
    page = response.content.decode()
    assert (world.person.last_name in page) is shown
    assert (reverse("sip:ack", args=[bobs(invited, world).pk]) in page) is shown
    logged = AccessLog.objects.filter(
        user=getattr(world, user), what="sip.invitations.read", person=world.person
    )
    assert logged.exists() is shown


def test_the_menu_counts_the_invitations_to_acknowledge(
    login: Any, world: World, invited: Meeting
) -> None:
    client = login(world.bob)
    menu = client.get(reverse("people:search")).content.decode()
    assert '<span class="count">1<' in menu
    client.post(reverse("sip:ack", args=[bobs(invited, world).pk]))
    assert 'class="count"' not in client.get(reverse("people:search")).content.decode()
    assert 'class="count"' not in login(world.alice).get(reverse("people:search")).content.decode()


def test_open_invitations_first_most_urgent_first(world: World, invited: Meeting) -> None:
    from samordna.sip.services import invitation_answers as invitation_answers_acts

    second = another_invitation(world, 1)
    invitation_answers_acts.acknowledge(world.actor(world.bob), bobs(invited, world).pk)
    overdue = bobs(another_invitation(world, 2), world)
    Delivery.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - timezone.timedelta(1))
    order = [d.pk for d in invitation_answers_acts.invitations_page(world.actor(world.bob))]
    assert order == [overdue.pk, bobs(second, world).pk, bobs(invited, world).pk]


def test_acknowledge_answer_and_forward_from_the_list(
    login: Any, world: World, invited: Meeting
) -> None:
    client = login(world.bob)
    pk = bobs(invited, world).pk
    done = client.post(reverse("sip:ack", args=[pk]), {"back": "inbox"})
    assert done.status_code == 302 and done["Location"] == reverse("sip:invitations")
    again = client.post(reverse("sip:ack", args=[pk]), {"back": "inbox"})
    assert again.status_code == 400 and "Bob" in again.content.decode()  # who acknowledged
    no_reason = client.post(reverse("sip:answer", args=[pk]), {f"d{pk}-answer": "declined"})
    assert no_reason.status_code == 400
    assert 'aria-invalid="true"' in no_reason.content.decode()
    assert bobs(invited, world).answer == ""
    declined = client.post(
        reverse("sip:answer", args=[pk]),
        {f"d{pk}-answer": "declined", f"d{pk}-reason": "Fel enhet", "back": "case"},
    )
    assert declined["Location"] == reverse("sip:case", args=[invited.case_id]) + "#meetings-h"
    forwarded = client.post(reverse("sip:forward", args=[pk]), {f"d{pk}-unit": world.ward.pk})
    assert forwarded.status_code == 302
    assert bobs(invited, world).forwarded_to.unit == world.ward  # type: ignore[union-attr]
    page = client.get(reverse("sip:invitations")).content.decode()
    assert world.ward.name in page  # "Forwarded to ..."
    assert reverse("sip:forward", args=[pk]) not in page


def test_errors_from_the_case_page_are_shown_there(
    login: Any, world: World, invited: Meeting
) -> None:
    pk = bobs(invited, world).pk
    response = login(world.bob).post(
        reverse("sip:forward", args=[pk]), {f"d{pk}-unit": world.owner_unit.pk, "back": "case"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "<h1>Sture Lundberg" in page  # the case page, with the form open again
    assert "<details open>" in page


@pytest.mark.parametrize(("user", "status"), [("alice", 403), ("charlie", 404)])
def test_another_units_invitation_is_refused(
    login: Any, world: World, invited: Meeting, user: str, status: int
) -> None:
    client = login(getattr(world, user))
    pk = bobs(invited, world).pk
    for url, data in [
        (reverse("sip:ack", args=[pk]), {}),
        (reverse("sip:answer", args=[pk]), {f"d{pk}-answer": "accepted"}),
        (reverse("sip:forward", args=[pk]), {f"d{pk}-unit": world.ward.pk}),
    ]:
        assert client.post(url, data).status_code == status
    delivery = bobs(invited, world)
    assert (delivery.acknowledged_at, delivery.answer, delivery.forwarded_to) == (None, "", None)


def test_the_late_acknowledgement_is_marked_for_the_coordinator(
    login: Any, world: World, invited: Meeting
) -> None:
    from samordna.sip.services import invitation_answers as invitation_answers_acts

    delivery = invitation_answers_acts.acknowledge(world.actor(world.bob), bobs(invited, world).pk)
    Delivery.objects.filter(pk=delivery.pk).update(due_at=delivery.acknowledged_at)
    page = login(world.alice).get(reverse("sip:case", args=[invited.case_id])).content.decode()
    assert 'class="badge met_late"' in page


def test_the_list_uses_a_bounded_number_of_queries(
    login: Any, world: World, invited: Meeting
) -> None:
    client = login(world.bob)
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("sip:invitations")).status_code == 200
    for serial in range(1, 13):
        another_invitation(world, serial)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("sip:invitations"))
    assert response.content.decode().count('class="card invitation') == 13
    assert len(many) == len(one)  # no query per invitation
    assert len(many) <= 15  # the open part, the rest and the page's rows: three for the list


@pytest.mark.parametrize("where", ["list", "case"])
def test_an_invitation_is_forwarded_only_to_units_the_consent_covers(
    login: Any, world: World, sip: Case, where: str
) -> None:
    """Issue 18 item 9 (CON-1, seed 000_106b8acbeb42519c.txt line 206: recipients "utifrån den
    enskildes behov och samtycke"): the forward choice offered every unit of the county."""
    give_consent(world, sip, units=[world.owner_unit, world.participant_unit, world.ward])
    invite(world, sip)
    url = reverse("sip:invitations") if where == "list" else reverse("sip:case", args=[sip.pk])
    page = login(world.bob).get(url).content.decode()
    start = page.index('name="d')  # the forward form's select, after the answer form
    select = page[page.index("<select", page.index("-unit", start)) :]
    select = select[: select.index("</select>")]
    assert world.ward.name in select
    assert world.unrelated_unit.name not in select  # not named in the consent
    assert world.owner_unit.name not in select  # the coordinator invited bob's unit itself
    assert world.participant_unit.name not in select  # bob's own unit
