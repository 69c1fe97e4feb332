"""Message screens with alice (sender), bob (recipient) and charlie (unrelated): compose with
a template, the thread, acknowledge, reply, forward, the list and its query count."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.http import Http404
from django.test import Client
from django.urls import reverse

from samordna.cases.models import Case, Delivery, Notice
from samordna.messaging import views
from samordna.messaging.models import Message, Template
from samordna.messaging.services import sending as message_sending
from samordna.organisations.models import Unit, User
from samordna.people.models import Person
from tests.conftest import World, valid_identity_number
from tests.discharge.test_api import bearer
from tests.messaging.conftest import bob, own, send

Login = Callable[..., Client]


def compose_url(**query: object) -> str:
    return reverse("messaging:compose") + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def test_compose_from_the_sip_page(login: Login, world: World) -> None:
    client = login(world.alice)
    page = client.get(reverse("sip:case", args=[world.case.pk])).content.decode()
    assert compose_url(case=world.case.pk) in page.replace("&amp;", "&")
    html = client.get(compose_url(case=world.case.pk)).content.decode()
    # The reminder of seed 000 lines 247-250, and bob's unit proposed as it takes part.
    assert 'data-testid="clinical-notes-reminder"' in html
    checked = re.findall(
        r'<input type="checkbox" name="ack_units" value="(\d+)"[^>]* checked', html
    )
    assert checked == [str(world.participant_unit.pk)]
    assert "consent_confirmed" not in html


def test_compose_a_home_visit_with_a_long_period(login: Login, world: World) -> None:
    client = login(world.alice)
    url = compose_url(case=world.case.pk, template=Template.HOME_VISIT)
    assert 'name="t-ordered_actions"' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "ack_units": [world.participant_unit.pk],
            "t-ordered_actions": "Insulin morgon och kväll",
            "t-starts_on": "2026-12-01",
            "t-ends_on": "2026-12-20",
        },
        follow=True,
    )
    assert response.status_code == 200
    message = Message.objects.get()
    assert message.template == Template.HOME_VISIT
    assert message.fields["ends_on"] == "2026-12-20"
    assert response.redirect_chain[-1][0] == reverse("messaging:message", args=[message.pk])
    html = response.content.decode()
    assert "Insulin morgon och kväll" in html
    assert html.count('class="warning"') >= 1  # consider home health care (seed 003 line 117)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"t-question": "Fråga", "t-contact_needed_by": "2026-12-01", "t-pulse": "400"}, "t-pulse"),
        ({"t-question": "", "t-contact_needed_by": "2026-12-01"}, "t-question"),
        ({"t-question": "Fråga", "t-contact_needed_by": "2026-12-01", "fyi": True}, "fyi_units"),
    ],
)
def test_bad_input_shows_the_page_again_and_stores_nothing(
    login: Login, world: World, data: dict[str, object], field: str
) -> None:
    client = login(world.alice)
    url = compose_url(case=world.case.pk, template=Template.MEDICAL_PLANNING)
    post = {k: v for k, v in data.items() if k != "fyi"}
    post["ack_units"] = [world.participant_unit.pk]
    if data.get("fyi"):
        post["fyi_units"] = [world.participant_unit.pk]
    response = client.post(url, post)
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not Notice.objects.exists()


def test_compose_about_an_individual_opens_a_message_case(
    login: Login, world: World, loner: Person
) -> None:
    client = login(world.alice)
    url = compose_url(identity_number=loner.identity_number)
    html = client.get(url).content.decode()
    assert 'name="consent_confirmed"' in html
    action = compose_url(person=loner.pk, template=Template.GENERAL)
    refused = client.post(action, {"ack_units": [world.participant_unit.pk], "body": "Hej"})
    assert refused.status_code == 400
    assert not Case.objects.filter(kind=Case.Kind.CONTACT).exists()
    client.post(
        action,
        {"ack_units": [world.participant_unit.pk], "body": "Hej", "consent_confirmed": "on"},
    )
    assert Case.objects.get(kind=Case.Kind.CONTACT).person == loner


def test_charlie_cannot_compose_about_someone_he_cannot_see(login: Login, world: World) -> None:
    client = login(world.charlie)
    response = client.get(compose_url(identity_number=world.person.identity_number))
    assert response.status_code == 302
    assert client.get(compose_url(case=world.case.pk)).status_code == 404
    assert client.get(compose_url(person=world.person.pk)).status_code == 404


@pytest.mark.parametrize(("who", "status"), [("alice", 200), ("bob", 200), ("charlie", 404)])
def test_thread_page(login: Login, world: World, sent: Message, who: str, status: int) -> None:
    response = login(getattr(world, who)).get(reverse("messaging:message", args=[sent.pk]))
    assert response.status_code == status
    if status == 200:
        assert "Vem kan vi ringa om hemtjänsten?" in response.content.decode()


def test_acknowledge_and_reply_from_the_thread(login: Login, world: World, sent: Message) -> None:
    delivery = own(sent, world.participant_unit)
    client = login(world.bob)
    assert client.post(reverse("messaging:ack", args=[delivery.pk])).status_code == 302
    delivery.refresh_from_db()
    assert delivery.acknowledged_by == world.bob
    refused = client.post(reverse("messaging:reply", args=[sent.pk]), {"reply-body": ""})
    assert refused.status_code == 400
    client.post(
        reverse("messaging:reply", args=[sent.pk]),
        {"reply-body": "Ring Lena", "reply-mode": Delivery.Mode.ACK},
    )
    answer = Message.objects.get(in_reply_to=sent)
    assert answer.notice.deliveries.get().unit == world.owner_unit


def test_charlie_cannot_act(login: Login, world: World, sent: Message, home_care: Unit) -> None:
    delivery = own(sent, world.participant_unit)
    client = login(world.charlie)
    assert client.post(reverse("messaging:ack", args=[delivery.pk])).status_code == 404
    reply = client.post(
        reverse("messaging:reply", args=[sent.pk]), {"reply-body": "x", "reply-mode": "ack"}
    )
    assert reply.status_code == 404
    forward = client.post(
        reverse("messaging:forward", args=[delivery.pk]),
        {f"f{delivery.pk}-unit": home_care.pk, f"f{delivery.pk}-note": "fel"},
    )
    assert forward.status_code == 404
    assert Message.objects.count() == 1


def test_the_message_of_a_delivery_is_looked_up_through_the_choke_point(
    world: World, sent: Message, home_care: Unit
) -> None:
    """SEC-1: the acknowledge and forward screens find the message of a delivery only in a case
    the unit takes part in; charlie gets a 404, not its id."""
    delivery = own(sent, world.participant_unit)
    assert views._message_of(bob(world), delivery.pk) == sent.pk
    with pytest.raises(Http404):
        views._message_of(world.actor(world.charlie), delivery.pk)


def test_forward_from_the_thread(
    login: Login, world: World, contact: Message, home_care: Unit
) -> None:
    delivery = own(contact, world.participant_unit)
    client = login(world.bob)
    url = reverse("messaging:forward", args=[delivery.pk])
    refused = client.post(url, {f"f{delivery.pk}-unit": home_care.pk})
    assert refused.status_code == 400
    client.post(url, {f"f{delivery.pk}-unit": home_care.pk, f"f{delivery.pk}-note": "Gäller HSL"})
    delivery.refresh_from_db()
    assert delivery.forwarded_to is not None
    html = client.get(reverse("messaging:message", args=[contact.pk])).content.decode()
    assert "Gäller HSL" in html


def test_stay_and_sip_pages_list_the_threads(login: Login, world: World, sent: Message) -> None:
    html = login(world.bob).get(reverse("sip:case", args=[world.case.pk])).content.decode()
    assert reverse("messaging:message", args=[sent.pk]) in html


def test_inbox_query_count_is_constant(
    login: Login,
    world: World,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    def make(n: int) -> None:
        for i in range(n):
            person = Person.objects.create(
                identity_number=valid_identity_number("19400303", Person.objects.count() * 2 + 1),
                first_name=f"P{i}",
                last_name="Test",
                municipality=world.lulea,
                registered_by=world.alice,
                registered_by_unit=world.owner_unit,
            )
            message = send(world, case_pk=None, person_pk=person.pk, consent_confirmed=True)
            message_sending.reply(bob(world), message.pk, "Svar")

    client = login(world.bob)
    make(2)
    with django_assert_max_num_queries(100) as few:
        client.get(reverse("messaging:inbox"))
    make(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(reverse("messaging:inbox")).content.decode()
    assert html.count("<tr>") == 1 + 16


def test_inbox_lists_unacknowledged_first(login: Login, world: World, sent: Message) -> None:
    older = sent
    newer = send(world, subject="Nyare")
    message_sending.acknowledge(bob(world), own(newer, world.participant_unit).pk)
    html = login(world.bob).get(reverse("messaging:inbox")).content.decode()
    assert html.index(f"/messages/{older.pk}/") < html.index(f"/messages/{newer.pk}/")


def test_menu_has_messages(login: Login, world: World, dora: User) -> None:
    html = login(world.alice).get(reverse("messaging:inbox")).content.decode()
    assert 'href="/messages/" aria-current="page"' in html


@pytest.mark.parametrize("number", ["", "12345", "19900101-R123"])
def test_compose_without_a_valid_identity_number_goes_back_with_a_message(
    login: Callable[..., Client], world: World, number: str
) -> None:
    response = login(world.alice).get(
        reverse("messaging:compose") + f"?identity_number={number}", follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("messaging:inbox")
    assert 'class="message error"' in response.content.decode()


def referral(world: World, consider_sip: bool, **kwargs: object) -> Message:
    fields = {
        "situation": "Ensam hemma efter utskrivning",
        "background": "Hjärtsvikt",
        "current": "Behöver hjälp med läkemedel",
        "recommendation": "Inskrivning i hemsjukvård",
        "patient_consent": True,
        "consider_sip": consider_sip,
    }
    return send(world, template=Template.HOME_CARE_REFERRAL, fields=fields, **kwargs)


@pytest.mark.parametrize("consider_sip", [True, False])
def test_a_referral_that_asks_for_a_sip_suggests_opening_one_to_the_recipient(
    login: Login, world: World, loner: Person, consider_sip: bool
) -> None:
    """Issue 10 item 5: "SIP needed" on a home-care referral (seed 003_9c6849ff85993bc8.txt
    lines 107 and 110) is no longer stored only: the recipient is asked to open a SIP, with
    a button that starts it for the individual; the API says so too."""
    message = referral(
        world, consider_sip, case_pk=None, person_pk=loner.pk, consent_confirmed=True
    )
    html = login(world.bob).get(reverse("messaging:message", args=[message.pk])).content.decode()
    button = f"{reverse('sip:open')}?identity_number={loner.identity_number}"
    assert (f'id="m{message.pk}-sip"' in html) is consider_sip
    assert (button in html) is consider_sip
    assert ("Avsändaren begär en SIP" in html) is consider_sip
    api = bearer(world.bob)
    thread = Client().get(f"/api/v1/messages/{message.pk}", **api).json()
    assert thread["messages"][0]["suggests_sip"] is consider_sip
    sender = login(world.alice).get(reverse("messaging:message", args=[message.pk]))
    assert button not in sender.content.decode()  # the sender asks; the recipient opens


def test_the_sip_suggestion_in_a_sip_case_leads_to_that_sip(login: Login, world: World) -> None:
    message = referral(world, True)
    bob_page = login(world.bob).get(reverse("messaging:message", args=[message.pk]))
    assert reverse("sip:case", args=[world.case.pk]) in bob_page.content.decode()
    assert "SIP:en är redan öppnad" in bob_page.content.decode()
    assert reverse("sip:open") not in bob_page.content.decode()
    alice_page = login(world.alice).get(reverse("messaging:message", args=[message.pk]))
    assert f'id="m{message.pk}-sip"' in alice_page.content.decode()
