"""The demo county: Region Norrbotten and three municipalities with units of every kind, staff
with one login per role, and individuals from Skatteverket's test series (see demo/README.md).

Every demo login has the password ``DEMO_PASSWORD``.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import connection, transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from samordna.accounts import otp
from samordna.organisations.models import County, Membership, Principal, Unit, User
from samordna.people.models import Person, Relative, Representative

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"
DEMO_PASSWORD = "samordna"
# The demo's administrators must log in with a second factor like everywhere else; their
# authenticator key is this published one (README), and ``samordna manage demo_code`` prints
# its current code. Never a real account's key: it is only ever given to demo users.
DEMO_TOTP_SECRET = "SAMORDNADEMOKEYSAMORDNADEMOKEY22"


def _json(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DEMO_DIR / name).read_text(encoding="utf-8"))
    return data


def staff() -> list[dict[str, Any]]:
    """The demo logins, for the README and the login page."""
    return list(_json("county.json")["staff"])


def login_units() -> set[str]:
    """The codes of the units the demo logins work at."""
    return {code for s in staff() for code, _role in s["memberships"]}


def is_empty() -> bool:
    return not County.objects.exists()


def reset() -> None:
    """Delete every row of Samordna's own tables, children first (demo databases only)."""
    models = [m for m in apps.get_models() if m.__module__.startswith(("samordna.", "django_otp."))]
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "TRUNCATE " + ", ".join(connection.ops.quote_name(t) for t in tables) + " CASCADE"
            )
        else:
            cursor.execute("PRAGMA foreign_keys=OFF")
            for table in tables:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
            cursor.execute("PRAGMA foreign_keys=ON")


@transaction.atomic
def load() -> dict[str, int]:
    org = _json("county.json")
    county = County.objects.create(
        code=org["county"]["code"],
        name=org["county"]["name"],
        rules=County.default_rules_for(org["county"]["code"]),
    )
    principals = {
        p["code"]: Principal.objects.create(county=county, **p) for p in org["principals"]
    }
    units = {}
    for u in org["units"] + org["extra_units"] + org["background_units"]:
        fields = {k: v for k, v in u.items() if k != "principal"}
        units[u["code"]] = Unit.objects.create(principal=principals[u["principal"]], **fields)
    # The background units carry the generated history (``load_demo --history``), so that the
    # demo logins' own lists show their curated cases rather than a thousand generated ones;
    # their one member is a staff member who cannot log in, named as the sender of what the
    # generator writes.
    background = User(username="bakgrund", first_name="Genererad", last_name="Personal")
    background.set_unusable_password()
    background.save()
    Membership.objects.bulk_create(
        Membership(user=background, unit=units[u["code"]], role=Membership.Role.NURSE)
        for u in org["background_units"]
    )
    for s in org["staff"]:
        user = User(
            username=s["username"],
            first_name=s["first_name"],
            last_name=s["last_name"],
            title=s["title"],
            # Demo mail goes to files in var/mail, so the digest can be seen (BOX-3).
            email=f"{s['username']}@demo.samordna.example",
            is_staff=s.get("is_staff", False),
            is_superuser=s.get("is_staff", False),
            hsa_id=s.get("hsa_id", ""),
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        Membership.objects.bulk_create(
            Membership(user=user, unit=units[code], role=role) for code, role in s["memberships"]
        )
        if otp.required(user):
            TOTPDevice.objects.create(
                user=user,
                name="demo",
                confirmed=True,
                key=base64.b32decode(DEMO_TOTP_SECRET).hex(),
            )
    registrar = User.objects.get(username="karin")
    persons = 0
    for index, p in enumerate(_json("population.json")["persons"]):
        if not p["registered"] or p["protected"]:
            continue
        care = units[p["listed_primary_care"]]
        # Every third individual was registered by the municipality's needs assessment, so that
        # municipal logins see someone too; the others by their primary care centre.
        registered_by_unit = units[f"{p['municipality']}-bistand"] if index % 3 == 2 else care
        person = Person.objects.create(
            identity_number=p["identity_number"],
            first_name=p["first_name"],
            last_name=p["last_name"],
            street=p["street"],
            postal_code=p["postal_code"],
            city=p["city"],
            municipality=principals[p["municipality"]],
            listed_primary_care=care,
            phone=p["phone"],
            preferred_plan_format=p["preferred_plan_format"],
            registered_by=registrar,
            registered_by_unit=registered_by_unit,
        )
        Relative.objects.bulk_create(
            Relative(
                person=person, **{k: r[k] for k in ("name", "relation", "phone", "is_guardian")}
            )
            for r in p["relatives"]
        )
        Representative.objects.bulk_create(
            Representative(person=person, **r) for r in p["representatives"]
        )
        persons += 1
    stays = load_stays()
    sips = load_sips()
    return {
        "units": len(units),
        "staff": len(org["staff"]),
        "persons": persons,
        "stays": stays,
        "sips": sips,
    }


def _actor(username: str, unit_code: str) -> Any:
    from samordna.accounts.actor import Actor

    return Actor.for_unit(User.objects.get(username=username), Unit.objects.get(code=unit_code))


def load_stays() -> int:
    """Three stays at Sunderby medicin 5 in different states, made through the services as
    the demo staff would (SVU-1 to SVU-6): one ready for discharge with answers and replies,
    one whose admission notice waits to be acknowledged, and one not yet notified."""
    import datetime as dt

    from django.utils import timezone

    from samordna.cases.models import Delivery
    from samordna.discharge.models import Stay
    from samordna.discharge.services import collaboration as svu_collaboration_acts
    from samordna.discharge.services import notices as notices_acts
    from samordna.discharge.services import stays as stays_acts

    anna, lena, karin = (
        _actor("anna", "sunderby-med5"),
        _actor("lena", "lulea-bistand"),
        _actor("karin", "hc-hertson"),
    )
    now = timezone.now()

    def stay(identity_number: str, days_ago: int, cause: str, expected_in: int) -> Any:
        person = Person.objects.get(identity_number=identity_number)
        admitted = now - dt.timedelta(days=days_ago, hours=3)
        data = {
            "admitted_at": admitted,
            "cause": cause,
            "expected_discharge_on": timezone.localdate() + dt.timedelta(days=expected_in),
            "treating_physician": "Erik Berg",
            "needs_assessed_at": admitted + dt.timedelta(hours=2),
            "consent_to_transfer": True,
        }
        return person, stays_acts.register_stay(anna, person.identity_number, data)

    def version(case: Any) -> int:
        return int(Stay.objects.get(pk=case.pk).version)

    person, ready = stay("192304069285", 3, "Höftfraktur efter fall i hemmet, opererad.", 0)
    notices_acts.send_admission_notice(anna, ready.pk, notices_acts.default_recipients(person))
    svu_collaboration_acts.answer_planning_basis(
        anna,
        ready.pk,
        {
            "mobility": (True, "Går med rollator, behöver stöd i trappor."),
            "personal_care": (True, "Hjälp med dusch."),
            "medication": (True, "Ny antikoagulantia, dosett."),
            "lives_alone": (True, ""),
            "home_care_service": (True, "Troligen hemtjänst morgon och kväll."),
            "sip": (True, "Insatser från både hälsocentral och kommun."),
        },
    )
    for actor in (lena, karin):
        delivery = Delivery.objects.get(notice__case=ready, unit=actor.unit)
        notices_acts.acknowledge(actor, ready.pk, delivery.pk, {"known": (True, "")})
    svu_collaboration_acts.designate_care_contact(
        karin,
        ready.pk,
        version(ready),
        {"care_contact_name": "Karin Holm", "care_contact_phone": "0920-45 67 00"},
    )
    notices_acts.send_ready_notice(
        anna,
        ready.pk,
        version(ready),
        {
            "ready_at": now - dt.timedelta(minutes=30),
            "ready_physician_user": User.objects.get(username="erik"),
            "ready_nurse": "Anna Lind",
            "medical_responsibility_to": "Johan Ek, Hertsöns hälsocentral",
        },
    )
    svu_collaboration_acts.reply_to_ready(
        lena,
        ready.pk,
        now + dt.timedelta(hours=4),
        "Hemtjänst kommer morgon och kväll för dusch, påklädning och tillsyn. Trygghetslarm.",
    )
    person, waiting = stay("194007189196", 1, "Pneumoni.", 4)
    notices_acts.send_admission_notice(anna, waiting.pk, notices_acts.default_recipients(person))
    stay("193109259287", 0, "Förvirring, utredning pågår.", 6)
    return 3


DEMO_SIP_PERSON = "195002192382"  # Gunilla Nordström, who wants her plan digitally (1177)


def load_sips() -> int:
    """One outpatient SIP with a documented plan, so that what other systems read (GetCarePlans,
    the FHIR facade, webhooks) shows something in the demo: karin at Hertsöns hälsocentral
    coordinates, the individual's consent names Luleå biståndshandläggning (lena), the meeting
    was invited and a message asks lena's unit to acknowledge it (SIP-1 to SIP-8, MSG-1)."""
    import datetime as dt

    from django.utils import timezone

    from samordna.cases.models import Delivery
    from samordna.messaging.services import sending
    from samordna.sip.services import case as case_acts
    from samordna.sip.services import consent as consent_acts
    from samordna.sip.services import invitations as invitations_acts
    from samordna.sip.services import plan as plan_acts
    from samordna.sip.services import plan_follow_up as plan_follow_up_acts

    karin = _actor("karin", "hc-hertson")
    bistand = Unit.objects.get(code="lulea-bistand")
    now = timezone.now()
    person = Person.objects.get(identity_number=DEMO_SIP_PERSON)
    case = case_acts.open_case(
        karin, DEMO_SIP_PERSON, "outpatient", now - dt.timedelta(days=20), "Hemtjänst och KOL"
    )
    consent_acts.record_consent(
        karin,
        case.pk,
        {
            "decision": "given",
            "giver": "individual",
            "giver_name": person.full_name,
            "form": "written",
            "given_at": now - dt.timedelta(days=19),
            "units": [bistand],
        },
    )
    starts = (timezone.localtime() + dt.timedelta(days=30)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    invitations_acts.send_invitation(
        karin,
        case.pk,
        invitations_acts.Details(
            purpose="follow_up",
            form="in_person",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=1),
            place="Hertsöns hälsocentral, rum 4",
            agenda="Uppföljning av planen: hemtjänst och syrgas.",
        ),
        invitations_acts.Invitees(units=[bistand], individual=True),
        True,
    )
    started = plan_acts.start_version(karin, case.pk)
    saved = plan_acts.save_draft(
        karin,
        case.pk,
        started.number,
        started.version,
        plan_acts.Draft(
            main_goal="Att kunna bo kvar hemma och orka gå ut varje dag.",
            needs="Behöver hjälp med dusch och inköp; andfådd vid ansträngning.",
            own_resources="Sköter sina inhalationer själv; sonen bor i Luleå.",
            initiated_by="Distriktssköterskan Karin",
            if_worse="Ring hälsocentralen; efter 17 ring 1177.",
            time_plan="Hemtjänst från nästa vecka, uppföljning om en månad.",
            follow_up_on=timezone.localdate() + dt.timedelta(days=30),
            follow_up_caller="Karin, Hertsöns hälsocentral",
            plan_format=person.preferred_plan_format,
            goals=[plan_acts.GoalIn("Duscha två gånger i veckan"), plan_acts.GoalIn("Promenad")],
            actions=[
                plan_acts.ActionIn(
                    "Hemtjänst hjälper till med dusch", "unit", "social_care", bistand.pk, goal=0
                ),
                plan_acts.ActionIn(
                    "Inhalationer morgon och kväll", "individual", "self_care", goal=1
                ),
            ],
            care_contacts=[plan_acts.ContactIn("Karin", "Hertsöns hälsocentral", "0920-45 67 00")],
        ),
    )
    plan_follow_up_acts.mark_documented(karin, case.pk, saved.number, saved.version)
    sending.send(
        karin,
        [(bistand, Delivery.Mode.ACK)],
        case_pk=case.pk,
        subject="Hemtjänstens start",
        body="Kan hemtjänsten börja på måndag? Planen är dokumenterad.",
    )
    return 1
