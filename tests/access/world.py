"""The access matrix's world: one individual with everything a route can point at.

Sture Lundberg (``tests.conftest.world``) gets an address, a phone, a relative and a legal
representative; an outpatient SIP owned by Hertsöns hälsocentral (the coordinator's unit) with a
consent naming Luleå biståndshandläggning only, while Luleå kommunal hälso- och sjukvård takes part
without being named; a meeting invitation to the named unit with a letter to the individual; plan
version 1 documented and version 2 drafted; a stay at Sunderby medicin 5 with its admission notice
to the default recipients; a message from the coordinator's unit to the named unit; a deviation
sent to it. Everything is made by the same acts the screens run, so it is the shape real data has.

The roles (``ROLES``) each act at one unit, through a web session and through an API token of
their own; ``anonymous`` has neither, ``other_system`` only an API token (Bodens kommun, a
principal with nothing to do with Sture).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from samordna.accounts import otp
from samordna.accounts.middleware import SESSION_KEY
from samordna.accounts.sessions import REFRESHED_KEY
from samordna.api.models import ApiToken
from samordna.cases.acts import touch
from samordna.cases.models import Delivery, Participation
from samordna.deviations import services as deviations
from samordna.discharge.services import notices as notices_acts
from samordna.discharge.services import stays as stays_acts
from samordna.messaging.services import sending
from samordna.organisations.models import Membership, Principal, Unit, User
from samordna.people import services as people
from samordna.people.models import Person
from samordna.sip.models import Action, Consent, Participant, PlanVersion
from samordna.sip.services import invitations as invitations_acts
from samordna.sip.services import plan as plan_acts
from samordna.sip.services import plan_follow_up
from samordna.sip.services.invitations import External, Invitees
from samordna.webhooks.models import Subscription
from tests.conftest import World, make_user
from tests.discharge.conftest import stay_data
from tests.sip.plans import draft
from tests.sip.test_meetings import details

# Who is tried on every route, in the table's column order.
ROLES = (
    "coordinator",  # Hertsöns hälsocentral: opened the SIP, the coordinator's unit
    "covered",  # Luleå biståndshandläggning: takes part, named in the consent
    "uncovered",  # Luleå kommunal hälso- och sjukvård: takes part, not named in the consent
    "unrelated",  # Piteå LSS: nothing to do with Sture
    "county_admin",  # Region Norrbotten, samverkanskansliet: county administrator, Django staff
    "ward",  # Sunderby medicin 5: the inpatient ward that owns Sture's stay
    "anonymous",  # no login, no token
    "other_system",  # an API token of another system, for Bodens kommun (another principal)
)
# Sture's personal data as a page or an answer could print it (the identity number 19360323-9090
# also without the century and without the hyphen: "3603239090" is inside "193603239090").
NAME_PARTS = ("Sture", "Lundberg")
IDENTITY_FORMS = ("3603239090", "360323-9090", "360323+9090")
RECOVERY_CODE = "k7q2m9x4"  # the county administrator's recovery code, never to be shown
RECORD = ("Hertsövägen 12", "070-111 22 33", "Maj Lundkvist", "Bertil Gode")


@dataclass
class MatrixWorld:
    ids: dict[str, int]  # what path parameters are filled with, by parameter name
    values: dict[str, Any]  # what the table's queries and bodies are filled with ("{month}")
    web: dict[str, Client] = field(default_factory=dict)
    api: dict[str, Client] = field(default_factory=dict)


def web_client(user: User | None, unit: Unit | None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None and unit is not None:
        client.force_login(user)
        session = client.session
        session[otp.STATE_KEY] = otp.DONE  # the whole login: the county administrator has
        session[SESSION_KEY] = unit.pk  # a second factor, and gave the code
        session[REFRESHED_KEY] = int(time.time())
        session.save()
    return client


def api_client(secret: str | None) -> Client:
    if secret is None:
        return Client(raise_request_exception=False)
    return Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {secret}")


def build(world: World) -> MatrixWorld:
    now = timezone.now()
    person = world.person
    person.street, person.postal_code, person.city = RECORD[0], "973 34", "Luleå"
    person.phone = RECORD[1]
    person.save()
    alice = world.actor(world.alice)
    relative = people.add_relative(
        alice, person.pk, {"name": RECORD[2], "relation": "dotter", "phone": "070-222 33 44"}
    )
    representative = people.add_representative(
        alice, person.pk, {"kind": "trustee", "name": RECORD[3], "phone": "070-333 44 55"}
    )

    home_care = Unit.objects.create(
        principal=world.lulea,
        code="lulea-hsl",
        name="Luleå kommunal hälso- och sjukvård",
        kind="municipal_health_care",
    )
    office = Unit.objects.create(
        principal=world.region, code="region-kansli", name="Samverkanskansliet", kind="external"
    )
    boden = Principal.objects.create(
        county=world.county,
        code="boden",
        name="Bodens kommun",
        kind="municipality",
        municipality_code="2582",
    )
    boden_unit = Unit.objects.create(
        principal=boden,
        code="boden-hsl",
        name="Bodens kommun, hemsjukvård",
        kind="municipal_health_care",
    )
    dora = make_user("dora", home_care, Membership.Role.NURSE)
    gunilla = make_user("gunilla", office, Membership.Role.COUNTY_ADMIN)
    gunilla.is_staff = gunilla.is_superuser = True  # as the demo's county coordinator
    gunilla.save()
    # Her second factor, so the admin's device pages are requested for a real device.
    TOTPDevice.objects.create(user=gunilla, name="Telefon", confirmed=True)
    recovery = StaticDevice.objects.create(user=gunilla, name="Reservkoder", confirmed=True)
    recovery.token_set.create(token=RECOVERY_CODE)
    wanda = make_user("wanda", world.ward, Membership.Role.NURSE)
    integration = make_user("boden-system", boden_unit, Membership.Role.OTHER_PROFESSIONAL)

    case = world.case
    Participation.objects.create(case=case, unit=home_care, role=Participation.Role.PARTICIPANT)
    touch(case.pk)
    # tests.conftest.world's consent names the covered unit only (Luleå biståndshandläggning).
    meeting = invitations_acts.send_invitation(
        alice,
        case.pk,
        details(agenda="Hur blir det med hemtjänsten?"),
        Invitees(
            units=[world.participant_unit],
            individual=True,
            externals=[External("Arbetsförmedlingen Luleå", "Storgatan 9", "972 31", "Luleå")],
        ),
        True,
    )
    letter = Participant.objects.filter(meeting=meeting, kind="individual").get()
    invitation = Delivery.objects.get(notice__case=case, unit=world.participant_unit)
    started = plan_acts.start_version(alice, case.pk)
    saved = plan_acts.save_draft(alice, case.pk, started.number, started.version, draft(world))
    plan_follow_up.mark_documented(alice, case.pk, saved.number, saved.version)
    plan_acts.start_version(alice, case.pk)  # version 2, a draft

    ward = world.actor(wanda, world.ward)
    stay = stays_acts.register_stay(ward, person.identity_number, stay_data())
    # To the named unit and the coordinator's: the uncovered unit stays out of the stay, so what
    # it sees is what its SIP participation gives it.
    notices_acts.send_admission_notice(ward, stay.pk, [world.participant_unit, world.owner_unit])
    admission = Delivery.objects.get(notice__case=stay, unit=world.participant_unit)
    stay.stay.refresh_from_db()
    notices_acts.send_ready_notice(  # starts the payment liability: Sture is in the month's CSV
        ward,
        stay.pk,
        stay.stay.version,
        {
            "ready_at": now - dt.timedelta(minutes=30),
            "ready_physician": "Erik Berg",
            "ready_nurse": "Anna Lind",
            "medical_responsibility_to": "Johan Ek, Hertsöns hälsocentral",
        },
    )

    message = sending.send(
        alice,
        [(world.participant_unit, Delivery.Mode.ACK)],
        case_pk=case.pk,
        subject="Avstämning",
        body="Vem kan vi ringa om hemtjänsten?",
    )
    message_delivery = message.notice.deliveries.get(unit=world.participant_unit)
    deviation = deviations.create(
        alice,
        deviations.Content(
            occurred_at=now - dt.timedelta(hours=2),
            event="Kallelsen kvitterades inte i tid.",
            consequence="Mötet fick flyttas.",
            risk="Fördröjd planering.",
            action="Kontakt togs per telefon.",
            improvement="Se över bevakningen av inkorgen.",
            concerned_unit=world.participant_unit,
            case=case.pk,
        ),
    )
    deviations.send(alice, deviation.pk, deviation.version)

    # The other system's own webhook subscription (its token is named "matrix other_system").
    subscription = Subscription.objects.create(
        name="matrix other_system",
        unit=boden_unit,
        url="https://boden.example.se/hooks",
        event_types=["case.closed"],
    )

    acting = {
        "coordinator": (world.alice, world.owner_unit),
        "covered": (world.bob, world.participant_unit),
        "uncovered": (dora, home_care),
        "unrelated": (world.charlie, world.unrelated_unit),
        "county_admin": (gunilla, office),
        "ward": (wanda, world.ward),
        "other_system": (integration, boden_unit),
    }
    matrix = MatrixWorld(
        ids={
            "person": person.pk,
            "relative": relative.pk,
            "representative": representative.pk,
            "sip": case.pk,
            "meeting": meeting.pk,
            "participant": letter.pk,
            "plan": 1,
            # the FHIR facade's ids: the documented version, its first sub-goal, a unit
            "plan_pk": PlanVersion.objects.get(case=case, number=1).pk,
            "goal": PlanVersion.objects.get(case=case, number=1).goals.order_by("pk")[0].pk,
            "unit": world.owner_unit.pk,
            "consent": Consent.objects.filter(case=case).order_by("pk")[0].pk,
            "stay": stay.pk,
            "invitation_delivery": invitation.pk,
            "stay_delivery": admission.pk,
            "message": message.pk,
            "message_delivery": message_delivery.pk,
            "deviation": deviation.pk,
            "subscription": subscription.pk,
        },
        values={},
    )
    meeting.refresh_from_db()
    stay.stay.refresh_from_db()
    deviation.refresh_from_db()
    starts = (timezone.localtime() + dt.timedelta(days=3)).replace(hour=9, minute=0, second=0)
    matrix.values = {
        **matrix.ids,
        "month": timezone.localdate().strftime("%Y-%m"),
        "past": (now - dt.timedelta(minutes=10)).isoformat(),
        "today": timezone.localdate().isoformat(),
        "later_day": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
        "starts_at": starts.replace(microsecond=0).isoformat(),
        "ends_at": (starts + dt.timedelta(hours=1)).replace(microsecond=0).isoformat(),
        "meeting_version": meeting.version,
        "stay_version": stay.stay.version,
        "person_version": Person.objects.get(pk=person.pk).version,
        "plan_version": PlanVersion.objects.get(case=case, number=1).version,
        "deviation_version": deviation.version,
        "subscription_version": subscription.version,
        # ORG-6: the self-care action of the documented version (the draft's insulin).
        "self_care_action": Action.objects.get(
            plan__case=case, plan__number=1, care_type="self_care"
        ).pk,
    }
    for role in ROLES:
        user, unit = acting.get(role, (None, None))
        secret = None
        if user is not None and unit is not None:
            _token, secret = ApiToken.issue(f"matrix {role}", user, unit)
        # The other system has a token and no web login: the screens must treat it as anonymous.
        session_user = None if role == "other_system" else user
        matrix.web[role] = web_client(session_user, unit)
        if role == "other_system":
            matrix.web[role] = api_client(secret)
        matrix.api[role] = api_client(secret)
    return matrix
