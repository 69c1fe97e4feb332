"""Consent-aware visibility (SEC-1, issue 17 item 4), table by table: who sees a case's contents
and who reads the individual's record, per role, consent state and participation.

The rules (``cases.models.ParticipationQuerySet``):

- a SIP's contents: the coordinator's unit always (it opens the case and records the consent,
  seed 000_106b8acbeb42519c.txt line 177, seed 002_ca8314ba67d4fca6.txt line 120); any other unit
  taking part only while a consent in force names it, or names no unit ("samtycke krävs för att
  ta del av en tidigare upprättad SIP", seed 002 line 156; "Den enskilde får när som helst ta
  tillbaka sitt samtycke", seed 000 line 110);
- the individual's record (address, phone, relatives, representatives) through a SIP: only
  while a consent in force covers the unit, the coordinator's unit included ("om den enskilde
  samtycker kan informationsöverföring ske", seed 000 line 110; line 176 "Där dokumenteras
  samtycke för SIP och informationsöverföring"): before consent the opener sees the name,
  identity number and age on the case page, nothing of the record;
- a stay: every unit taking part sees the stay (its page narrows it for recipients without
  consent, CON-4); the record only the ward, and the recipients with consent to information
  transfer (seed 001_118551e475ece215.txt lines 738-745);
- a message case: every unit taking part (the sender confirms the consent, seed 003 line 102).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samordna.accounts.actor import Actor
from samordna.api.models import ApiToken
from samordna.cases.acts import touch
from samordna.cases.models import Case, Participation
from samordna.discharge.services import notices as notices_acts
from samordna.discharge.services import stays as stays_acts
from samordna.messaging.services import sending
from samordna.organisations.models import Membership, Unit, User
from samordna.overview import readmodel
from samordna.overview.models import WorkItem
from samordna.people.models import Person, Relative
from samordna.sip.services import case as case_acts
from samordna.sip.services import consent as consent_acts
from tests.conftest import World, make_user, valid_identity_number
from tests.discharge.conftest import stay_data

PHONE = "070-123 45 67"
RELATIVE = "Rut Strand"


@pytest.fixture
def greta(world: World) -> Person:
    """An individual registered by the ward, with a phone and a relative: none of the SIP's
    units registered her, so only the consent lets them read her record."""
    ward_nurse = make_user("wanda", world.ward, Membership.Role.NURSE)
    person = Person.objects.create(
        identity_number=valid_identity_number("19400505", 3),
        first_name="Greta",
        last_name="Strand",
        street="Storgatan 1",
        postal_code="97231",
        city="Luleå",
        phone=PHONE,
        municipality=world.lulea,
        listed_primary_care=world.owner_unit,
        registered_by=ward_nurse,
        registered_by_unit=world.ward,
    )
    Relative.objects.create(person=person, name=RELATIVE, relation="dotter", phone="070-1")
    return person


@pytest.fixture
def home_care(world: World) -> Unit:
    """Dave's unit takes part too, but a consent may leave it out."""
    unit = Unit.objects.create(
        principal=world.lulea, code="lulea-hemtjanst", name="Luleå hemtjänst", kind="home_care"
    )
    make_user("dave", unit, Membership.Role.OTHER_PROFESSIONAL)
    return unit


def county_admin(world: World) -> User:
    """A county administrator at the region's coordination office, in no case."""
    office = Unit.objects.create(
        principal=world.region, code="samverkan", name="Samverkanskansliet", kind="external"
    )
    return make_user("gunilla", office, Membership.Role.COUNTY_ADMIN)


def record(world: World, case: Case, decision: str = "given", units: list[Unit] | None = None):  # type: ignore[no-untyped-def]
    return consent_acts.record_consent(
        world.actor(world.alice),
        case.pk,
        {
            "decision": decision,
            "giver": "individual",
            "giver_name": "Greta Strand",
            "form": "oral",
            "given_at": timezone.now() - dt.timedelta(minutes=5),
            "units": units or [],
        },
    )


def open_sip(world: World, person: Person, *taking_part: Unit) -> Case:
    """Alice's unit opens the SIP by identity number; the other units take part (written by
    hand, as an invitation would, so that every consent state can be paired with them)."""
    case = case_acts.open_case(
        world.actor(world.alice), person.identity_number, "outpatient", timezone.now()
    )
    for unit in taking_part:
        Participation.objects.create(case=case, unit=unit, role=Participation.Role.PARTICIPANT)
    touch(case.pk)
    readmodel.update({case.pk})
    return case


def in_state(world: World, case: Case, state: str, home_care: Unit) -> None:
    """Bring the case's consent to one of the states of the tables."""
    if state == "none":
        return
    if state == "refused":
        record(world, case, "refused")
    elif state == "names_bob":
        record(world, case, units=[world.participant_unit])
    elif state == "names_dave":
        record(world, case, units=[home_care])
    elif state == "names_nobody":
        record(world, case, units=[])
    elif state == "withdrawn":
        record(world, case, units=[world.participant_unit, home_care])
        consent_acts.withdraw_consent(world.actor(world.alice), case.pk)
    else:  # pragma: no cover - a typo in a table
        raise AssertionError(state)


def actors(world: World, home_care: Unit) -> dict[str, Actor]:
    dave = User.objects.get(username="dave")
    return {
        "coordinator": world.actor(world.alice),
        "bob": world.actor(world.bob),  # Luleå biståndshandläggning, takes part
        "dave": world.actor(dave, home_care),  # Luleå hemtjänst, takes part
        "unrelated": world.actor(world.charlie),
        "county_admin": world.actor(county_admin(world)),
    }


# state -> who sees the SIP's contents, who reads the individual's record
SIP_TABLE: dict[str, tuple[set[str], set[str]]] = {
    # Preparation: the opener works alone; the record is not exchanged yet (seed 000 line 110).
    "none": ({"coordinator"}, set()),
    "names_bob": ({"coordinator", "bob"}, {"coordinator", "bob"}),
    "names_dave": ({"coordinator", "dave"}, {"coordinator", "dave"}),
    # A consent naming no unit restricts nobody (as the invitation reads it).
    "names_nobody": ({"coordinator", "bob", "dave"}, {"coordinator", "bob", "dave"}),
    # Refused or withdrawn: the case is closed, the coordinator keeps its own record of it.
    "refused": ({"coordinator"}, set()),
    "withdrawn": ({"coordinator"}, set()),
}


@pytest.mark.parametrize("state", list(SIP_TABLE))
def test_sip_visibility_by_consent_state(
    world: World, greta: Person, home_care: Unit, state: str
) -> None:
    case = open_sip(world, greta, world.participant_unit, home_care)
    in_state(world, case, state, home_care)
    case.refresh_from_db()
    sees_case, reads_record = SIP_TABLE[state]
    for name, actor in actors(world, home_care).items():
        sees = Case.objects.visible_to(actor).filter(pk=case.pk).exists()
        reads = Person.objects.visible_to(actor).filter(pk=greta.pk).exists()
        # ``visible_to`` asks the rule as SQL (``cases.sees``); the ORM's form says the same,
        # and so does the rule inside another query (a subquery, the inbox).
        orm = Participation.objects.current().covered().filter(case=case, unit=actor.unit)
        assert sees == orm.exists(), (state, name)
        inner = Case.objects.filter(pk__in=Case.objects.visible_to(actor), pk=case.pk)
        assert sees == inner.exists(), (state, name)
        assert (sees, reads) == (name in sees_case, name in reads_record), (state, name)
        # The overview lists nothing of a case the unit cannot see (SEC-1 by construction).
        items = WorkItem.objects.filter(unit=actor.unit, case=case)
        assert sees or not items.exists(), (state, name)
        if sees and case.is_active:
            assert items.filter(kind=readmodel.ACTIVE_SIP).exists(), (state, name)
    # What the acts kept is what the definition computes.
    stored = set(WorkItem.objects.filter(case=case).values_list("unit_id", "kind", "source", "ref"))
    assert stored == {row.key for row in readmodel.rows({"pk__in": [case.pk]})}


def test_an_ended_participation_sees_nothing_even_with_consent(
    world: World, greta: Person, home_care: Unit
) -> None:
    case = open_sip(world, greta, world.participant_unit)
    record(world, case, units=[world.participant_unit])
    bob = world.actor(world.bob)
    assert Case.objects.visible_to(bob).filter(pk=case.pk).exists()
    case.participations.filter(unit=world.participant_unit).update(
        until=timezone.now() - dt.timedelta(minutes=1)
    )
    assert not Case.objects.visible_to(bob).filter(pk=case.pk).exists()
    assert not Person.objects.visible_to(bob).filter(pk=greta.pk).exists()


def test_a_participation_ending_later_still_sees(world: World, greta: Person) -> None:
    case = open_sip(world, greta, world.participant_unit)
    record(world, case, units=[world.participant_unit])
    bob = world.actor(world.bob)
    case.participations.filter(unit=world.participant_unit).update(
        until=timezone.now() + dt.timedelta(minutes=1)
    )
    assert Case.objects.visible_to(bob).filter(pk=case.pk).exists()
    assert Participation.objects.current().covered().filter(case=case, unit=bob.unit).exists()


def test_a_withdrawal_takes_effect_on_the_next_request(
    login: Any, world: World, greta: Person, home_care: Unit
) -> None:
    """CON-2: bob's page works, the individual withdraws, bob's next request is refused and his
    overview and inbox lose the case at once (the withdrawal touches the read model)."""
    case = open_sip(world, greta, world.participant_unit)
    record(world, case, units=[world.participant_unit])
    client = login(world.bob)
    url = reverse("sip:case", args=[case.pk])
    assert client.get(url).status_code == 200
    assert WorkItem.objects.filter(unit=world.participant_unit, case=case).exists()
    consent_acts.withdraw_consent(world.actor(world.alice), case.pk)
    response = client.get(url)
    assert response.status_code == 404
    assert "Strand" not in response.content.decode()
    assert not WorkItem.objects.filter(unit=world.participant_unit, case=case).exists()
    assert client.get(reverse("people:detail", args=[greta.pk])).status_code == 404
    # The coordinator's unit still reads its closed case.
    assert login(world.alice).get(url).status_code == 200


def test_the_opener_sees_the_case_but_not_the_record_until_consent(
    client: Client, login: Any, world: World, greta: Person, home_care: Unit
) -> None:
    """Issue 17 item 7: opening a SIP by identity number gave the full record before consent.
    Until consent is recorded the opener sees the name, identity number and age (to ask the
    right person: guardians for a child, CON-3), not the address, phone, relatives or legal
    representatives (seed 000 line 110: consent is the ground for the information exchange)."""
    case = open_sip(world, greta)
    alice = login(world.alice)
    page = alice.get(reverse("sip:case", args=[case.pk])).content.decode()
    assert "Greta Strand" in page and greta.identity.formatted in page
    form = alice.get(reverse("sip:invite", args=[case.pk])).content.decode()
    for secret in (PHONE, RELATIVE, "Storgatan"):
        assert secret not in page and secret not in form
    assert alice.get(reverse("people:detail", args=[greta.pk])).status_code == 404
    _token, secret = ApiToken.issue("EHR", world.alice, world.owner_unit)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client.get(f"/api/v1/persons/{greta.pk}", **auth).status_code == 404
    looked_up = client.get("/api/v1/persons", {"identity_number": greta.identity_number}, **auth)
    assert looked_up.json()["person"] is None and looked_up.json()["registered"] is True
    record(world, case, units=[world.participant_unit])
    detail = login(world.alice).get(reverse("people:detail", args=[greta.pk]))
    assert detail.status_code == 200 and PHONE in detail.content.decode()
    assert client.get(f"/api/v1/persons/{greta.pk}", **auth).json()["phone"] == PHONE
    # The invitation form (folded on the case page, its own page when opened) offers the
    # relatives once consent is in force.
    form = login(world.alice).get(reverse("sip:invite", args=[case.pk])).content.decode()
    assert RELATIVE in form


@pytest.mark.parametrize("user", ["charlie", "alice_before_consent", "dave_not_named"])
def test_the_number_search_says_only_that_the_individual_is_registered(
    login: Any, world: World, greta: Person, home_care: Unit, user: str
) -> None:
    """Issue 17 item 7: the web search by identity number showed the name and age to a unit
    that may not see the individual; now, as the API's ``person: null``, only "registered"."""
    case = open_sip(world, greta, home_care)
    if user == "dave_not_named":
        record(world, case, units=[world.participant_unit])
    who = {
        "charlie": world.charlie,
        "alice_before_consent": world.alice,
        "dave_not_named": User.objects.get(username="dave"),
    }[user]
    unit = home_care if user == "dave_not_named" else None
    response = login(who, unit).get(reverse("people:search"), {"q": greta.identity_number})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Registrerad i Samordna" in html
    for leak in ("Greta", "Strand", " år", reverse("people:detail", args=[greta.pk])):
        assert leak not in html, leak


def test_the_pages_that_start_a_process_do_not_name_an_individual_the_unit_cannot_see(
    login: Any, world: World, greta: Person
) -> None:
    """Opening a SIP or registering a stay starts from the identity number: until the unit may
    see the individual, the start page shows the number, not the name."""
    charlie = login(world.charlie)
    page = charlie.get(reverse("sip:open"), {"identity_number": greta.identity_number})
    assert page.status_code == 200 and greta.identity.formatted in page.content.decode()
    assert "Strand" not in page.content.decode()
    other_ward = Unit.objects.create(
        principal=world.region, code="sunderby-kir", name="Sunderby kirurgi", kind="inpatient_ward"
    )
    surgeon = make_user("sam", other_ward, Membership.Role.NURSE)
    page = login(surgeon).get(
        reverse("discharge:register"), {"identity_number": greta.identity_number}
    )
    assert page.status_code == 200 and "Strand" not in page.content.decode()
    page = login(world.alice).get(reverse("sip:open"), {"identity_number": greta.identity_number})
    assert "Strand" not in page.content.decode()  # registered by the ward, no case of hers
    ward_nurse = User.objects.get(username="wanda")  # her ward registered her
    page = login(ward_nurse, world.ward).get(
        reverse("discharge:register"), {"identity_number": greta.identity_number}
    )
    assert "Greta Strand" in page.content.decode()


# consent to information transfer -> (recipient sees the stay, recipient reads the record)
STAY_TABLE = {False: (True, False), True: (True, True)}


@pytest.mark.parametrize("consent", list(STAY_TABLE))
def test_stay_visibility_follows_con_4(world: World, greta: Person, consent: bool) -> None:
    """A stay's recipients see the stay either way (its page shows only name, identity number,
    address and expected discharge date without consent, CON-4); the record only with it."""
    nurse = User.objects.get(username="wanda")
    ward = world.actor(nurse, world.ward)
    case = stays_acts.register_stay(
        ward, greta.identity_number, stay_data(consent_to_transfer=consent)
    )
    notices_acts.send_admission_notice(ward, case.pk, [world.participant_unit])
    bob = world.actor(world.bob)
    sees, reads = STAY_TABLE[consent]
    assert Case.objects.visible_to(bob).filter(pk=case.pk).exists() is sees
    assert Person.objects.visible_to(bob).filter(pk=greta.pk).exists() is reads
    assert stays_acts.sees_everything(bob, case) is consent
    assert Case.objects.visible_to(ward).filter(pk=case.pk).exists()
    assert WorkItem.objects.filter(unit=world.participant_unit, case=case).exists()
    for outsider in (world.actor(world.charlie), world.actor(county_admin(world))):
        assert not Case.objects.visible_to(outsider).filter(pk=case.pk).exists()
        assert not Person.objects.visible_to(outsider).filter(pk=greta.pk).exists()


def test_a_message_case_is_seen_by_its_recipients(world: World, greta: Person) -> None:
    """A message outside a stay and a SIP opens a message case with the individual's consent
    to its recipients confirmed by the sender (seed 003 line 102)."""
    nurse = User.objects.get(username="wanda")
    ward = world.actor(nurse, world.ward)
    message = sending.send(
        ward,
        [(world.participant_unit, "ack")],
        person_pk=greta.pk,
        subject="Hembesök",
        body="Kan ni ringa?",
        consent_confirmed=True,
    )
    case = message.notice.case
    bob = world.actor(world.bob)
    assert case.kind == Case.Kind.CONTACT
    assert Case.objects.visible_to(bob).filter(pk=case.pk).exists()
    assert Person.objects.visible_to(bob).filter(pk=greta.pk).exists()
    assert not Case.objects.visible_to(world.actor(world.charlie)).filter(pk=case.pk).exists()


def test_a_message_in_a_sip_goes_only_to_units_the_consent_covers(
    world: World, greta: Person, home_care: Unit
) -> None:
    """A unit taking part that the consent leaves out would get a message it cannot read."""
    case = open_sip(world, greta, world.participant_unit, home_care)
    record(world, case, units=[world.participant_unit])
    alice = world.actor(world.alice)
    with pytest.raises(sending.ServiceError) as caught:
        sending.send(alice, [(home_care, "ack")], case_pk=case.pk, body="Hej")
    assert caught.value.code == "outside_consent"
    sent = sending.send(alice, [(world.participant_unit, "ack")], case_pk=case.pk, body="Hej")
    assert sent.notice.case_id == case.pk
