"""SIP-20 (issue 14 item 8): the initiative to a SIP and the municipality's request for a SIP as
message templates, in the services, the API and the compose screen.

Seed 004_2b6a4bde1435f963.txt lines 50-52: "Initiativ – Skickar ett första meddelande med
initiativorsak till tänkbara deltagare i en SIP samt markerar om mottagande enhet ska få
meddelande för kvittering eller enbart för kännedom." Seed 003_9c6849ff85993bc8.txt lines 69-70:
the municipality sends "ett meddelande utanför vårdtillfälle till närsjukvården/psykiatrisk
öppenvård. Det ska tydligt framgå vilka parter och om närstående ska kallas samt syftet med
upprättande av SIP".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from samordna.cases.models import Case, Delivery
from samordna.errors import ServiceError
from samordna.messaging import content
from samordna.messaging.models import Message, Template
from samordna.messaging.services import sending as message_sending
from samordna.organisations.models import Unit, User
from samordna.people.models import Person
from tests.conftest import World, valid_identity_number
from tests.discharge.test_api import bearer, post
from tests.messaging.conftest import alice, bob

Login = Callable[..., Client]

REQUEST = {
    "parties": "Hälsocentralen, hemtjänsten och biståndshandläggaren",
    "relatives_invited": "yes",
    "relatives": "Dottern Anna",
    "purpose": "Samordna insatserna efter fallolyckan",
}
INITIATIVE = {"reason": "Behov av samordning av hemsjukvård och hemtjänst"}


@pytest.fixture
def resident(world: World) -> Person:
    """An individual bob's municipal unit registered, with no SIP and no stay."""
    return Person.objects.create(
        identity_number=valid_identity_number("19420303", 31),
        first_name="Berit",
        last_name="Nilsson",
        municipality=world.lulea,
        listed_primary_care=world.owner_unit,
        registered_by=world.bob,
        registered_by_unit=world.participant_unit,
    )


@pytest.fixture
def home_care(world: World) -> Unit:
    return Unit.objects.create(
        principal=world.lulea, code="lulea-hsl", name="Luleå HSL", kind="municipal_health_care"
    )


def request_by(world: World, sender: User, resident: Person, **kwargs: Any) -> Message:
    recipients = kwargs.pop("recipients", None) or [(world.owner_unit, Delivery.Mode.ACK)]
    return message_sending.send(
        world.actor(sender),
        recipients,
        person_pk=resident.pk,
        template=kwargs.pop("template", Template.SIP_REQUEST),
        fields=kwargs.pop("fields", REQUEST),
        consent_confirmed=True,
        **kwargs,
    )


# (why, template, fields, error field) — the fields each passage asks for.
FIELDS: list[tuple[str, str, dict[str, Any], str]] = [
    ("seed 004 l.50: the initiative's reason", Template.SIP_INITIATIVE, {}, "reason"),
    (
        "seed 004 l.50: a blank reason is none",
        Template.SIP_INITIATIVE,
        {"reason": "   "},
        "reason",
    ),
    (
        "seed 003 l.70: which parties",
        Template.SIP_REQUEST,
        {**REQUEST, "parties": ""},
        "parties",
    ),
    (
        "seed 003 l.70: whether relatives are invited is always answered",
        Template.SIP_REQUEST,
        {k: v for k, v in REQUEST.items() if k != "relatives_invited"},
        "relatives_invited",
    ),
    (
        "seed 003 l.70: yes or no only",
        Template.SIP_REQUEST,
        {**REQUEST, "relatives_invited": "kanske"},
        "relatives_invited",
    ),
    (
        "seed 003 l.70: relatives named though not invited",
        Template.SIP_REQUEST,
        {**REQUEST, "relatives_invited": "no"},
        "relatives",
    ),
    ("seed 003 l.70: the purpose", Template.SIP_REQUEST, {**REQUEST, "purpose": ""}, "purpose"),
    (
        "too long",
        Template.SIP_REQUEST,
        {**REQUEST, "purpose": "x" * 4001},
        "purpose",
    ),
    ("NUL", Template.SIP_INITIATIVE, {"reason": "a\x00b"}, "reason"),
]


@pytest.mark.parametrize(
    ("why", "template", "fields", "field"), FIELDS, ids=[row[0] for row in FIELDS]
)
def test_template_fields_are_validated(
    why: str, template: str, fields: dict[str, Any], field: str
) -> None:
    with pytest.raises(ServiceError) as caught:
        content.clean(template, fields)
    assert caught.value.field == field, why
    assert caught.value.message


def test_valid_fields_become_the_message() -> None:
    assert content.clean(Template.SIP_REQUEST, REQUEST) == REQUEST
    assert content.clean(Template.SIP_INITIATIVE, INITIATIVE) == INITIATIVE
    with translation.override("sv"):
        rows = dict(content.rows(Template.SIP_REQUEST, REQUEST))
    assert rows["Ska närstående kallas?"] == "Ja"


# (why, sender, recipients by name, error code or "" for sent)
SENDERS: list[tuple[str, str, list[tuple[str, str]], str]] = [
    ("seed 003 l.69: the municipality to primary care", "bob", [("owner", "ack")], ""),
    (
        "seed 003 l.69: a region unit uses the initiative instead",
        "alice",
        [("participant", "ack")],
        "request_by_municipality",
    ),
    (
        "seed 003 l.69: to outpatient care, not to another municipal unit",
        "bob",
        [("home_care", "ack")],
        "request_to_outpatient_care",
    ),
    (
        "the request asks outpatient care to act: not only for information",
        "bob",
        [("owner", "fyi")],
        "request_to_outpatient_care",
    ),
    (
        "outpatient care to acknowledge, others for information",
        "bob",
        [("owner", "ack"), ("home_care", "fyi")],
        "",
    ),
]


@pytest.mark.parametrize(
    ("why", "sender", "recipients", "code"), SENDERS, ids=[row[0] for row in SENDERS]
)
def test_who_sends_the_request_and_to_whom(
    world: World,
    resident: Person,
    home_care: Unit,
    why: str,
    sender: str,
    recipients: list[tuple[str, str]],
    code: str,
) -> None:
    units = {"owner": world.owner_unit, "participant": world.participant_unit}
    units["home_care"] = home_care
    user = world.bob if sender == "bob" else world.alice
    person = resident
    if sender == "alice":  # alice's unit sees the individual it registered
        person = Person.objects.get(pk=world.person.pk)
    chosen = [(units[name], mode) for name, mode in recipients]
    before = Message.objects.count()
    if code:
        with pytest.raises(ServiceError) as caught:
            request_by(world, user, person, recipients=chosen)
        assert caught.value.code == code, why
        assert Message.objects.count() == before
        return
    message = request_by(world, user, person, recipients=chosen)
    assert message.fields == REQUEST
    assert content.suggests_sip(message.template, message.fields)
    assert message.notice.case.kind == Case.Kind.CONTACT


def test_initiative_marks_each_recipient_to_acknowledge_or_for_information(
    world: World, home_care: Unit, loner: Person
) -> None:
    """Seed 004 lines 50-52: the initiative goes to possible participants, each marked, before
    any SIP exists (a message case about the individual)."""
    message = message_sending.send(
        alice(world),
        [(world.participant_unit, Delivery.Mode.ACK), (home_care, Delivery.Mode.FYI)],
        person_pk=loner.pk,
        template=Template.SIP_INITIATIVE,
        fields=INITIATIVE,
        consent_confirmed=True,
    )
    modes = {d.unit.code: d.mode for d in message.notice.deliveries.all()}
    assert modes == {"lulea-bistand": "ack", "lulea-hsl": "fyi"}
    assert message.notice.subject == str(Template.SIP_INITIATIVE.label)
    assert not content.suggests_sip(message.template, message.fields)
    assert bob(world).unit == world.participant_unit


def test_request_over_the_api(client: Client, world: World, resident: Person) -> None:
    body = {
        "person": resident.pk,
        "recipients": [{"unit": "hc-hertson", "mode": "ack"}],
        "template": "sip_request",
        "fields": REQUEST,
        "consent_confirmed": True,
    }
    sent = post(client, "/api/v1/messages", body, bearer(world.bob))
    assert sent.status_code == 201, sent.content
    message = sent.json()["messages"][0]
    assert message["fields"] == REQUEST
    assert message["suggests_sip"] is True
    assert message["deliveries"][0]["mode"] == "ack"

    bad = post(
        client,
        "/api/v1/messages",
        {**body, "fields": {**REQUEST, "purpose": ""}},
        bearer(world.bob),
    )
    assert bad.status_code == 400
    assert bad.json()["field"] == "purpose"
    by_region = post(
        client,
        "/api/v1/messages",
        {**body, "person": world.person.pk, "recipients": [{"unit": "lulea-bistand"}]},
        bearer(world.alice),
    )
    assert by_region.status_code == 403
    assert by_region.json()["code"] == "request_by_municipality"


def test_request_in_the_browser(login: Login, world: World, resident: Person) -> None:
    client = login(world.bob)
    url = reverse("messaging:compose") + f"?person={resident.pk}&template={Template.SIP_REQUEST}"
    page = client.get(url).content.decode()
    assert 'name="t-parties"' in page
    assert 'name="t-relatives_invited"' in page
    assert 'value="sip_request"' in page
    data = {
        "ack_units": [world.owner_unit.pk],
        "consent_confirmed": "on",
        **{f"t-{k}": v for k, v in REQUEST.items()},
    }
    missing = client.post(url, {**data, "t-purpose": ""})
    assert missing.status_code == 400
    assert Message.objects.count() == 0
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    message = Message.objects.get()
    assert message.fields == REQUEST

    # Primary care reads it, with the request's suggestion and the door to open a SIP.
    region = login(world.alice)
    thread = region.get(reverse("messaging:message", args=[message.pk])).content.decode()
    assert "Dottern Anna" in thread
    assert escape(str(content.sip_suggestion(Template.SIP_REQUEST))) in thread
    assert reverse("sip:open") in thread
    # The request is the municipality's: primary care is not offered it.
    own = region.get(reverse("messaging:compose") + f"?case={world.case.pk}").content.decode()
    assert 'value="sip_request"' not in own
    assert 'value="sip_initiative"' in own
