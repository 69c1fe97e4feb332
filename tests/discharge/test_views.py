"""Stay screens with the ward (wanda), a recipient (bob), the primary care recipient (alice) and
an unrelated unit (charlie): visibility, CON-4, forms, the notices list and the CSV export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samordna.audit.models import AccessLog
from samordna.cases.models import Case, Delivery
from samordna.discharge.models import DailyAmount, Stay
from samordna.discharge.services import collaboration as svu_collaboration_acts
from samordna.discharge.services import notices as notices_acts
from samordna.discharge.services import stays as stays_acts
from samordna.organisations.models import Membership, Unit, User
from samordna.people.models import Person
from tests.conftest import World, make_user, valid_identity_number
from tests.discharge.conftest import stay_data, version, ward
from tests.discharge.test_stay import at, ready_data

Login = Callable[..., Client]


def local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize(
    ("who", "status"), [("nurse", 200), ("bob", 200), ("alice", 200), ("charlie", 404)]
)
def test_stay_page(
    login: Login, world: World, nurse: User, sent: Case, who: str, status: int
) -> None:
    user = nurse if who == "nurse" else getattr(world, who)
    response = login(user).get(reverse("discharge:stay", args=[sent.pk]))
    assert response.status_code == status
    assert AccessLog.objects.filter(user=user, what="stay.read").exists() is (status == 200)
    if status == 200:
        html = response.content.decode()
        assert "Höftfraktur" in html  # consent given: recipients see the details too
        assert "Sture Lundberg" in html


def test_a_unit_sees_the_stay_only_once_it_is_a_recipient(
    login: Login, world: World, nurse: User, stay: Case
) -> None:
    url = reverse("discharge:stay", args=[stay.pk])
    assert login(world.bob).get(url).status_code == 404
    notices_acts.send_admission_notice(ward(world, nurse), stay.pk, [world.participant_unit])
    assert login(world.bob).get(url).status_code == 200


def test_without_consent_recipients_see_only_what_con4_allows(
    login: Login, world: World, nurse: User
) -> None:
    """CON-4, seed 001 lines 656-657 and 738-740: name, identity number, address and expected
    discharge date, plus the notices."""
    Person.objects.filter(pk=world.person.pk).update(
        street="Storgatan 1", postal_code="972 31", city="Luleå"
    )
    case = stays_acts.register_stay(
        ward(world, nurse), world.person.identity_number, stay_data(consent_to_transfer=False)
    )
    notices_acts.send_admission_notice(
        ward(world, nurse), case.pk, notices_acts.default_recipients(world.person)
    )
    url = reverse("discharge:stay", args=[case.pk])
    expected = case.stay.expected_discharge_on.isoformat()
    for user in (world.bob, world.alice):
        html = login(user).get(url).content.decode()
        for shown in ("Sture Lundberg", "19360323-9090", "Storgatan 1", expected, "Inskrivnings"):
            assert shown in html, shown
        for hidden in ("Höftfraktur", "Erik Berg", 'id="timeline-h"', 'id="liability-h"'):
            assert hidden not in html, hidden
    html = login(nurse).get(url).content.decode()
    assert "Höftfraktur" in html and 'id="timeline-h"' in html


def test_register_from_the_person_page(login: Login, world: World, nurse: User) -> None:
    """The ward registered the individual, so it sees the person page and its button."""
    Person.objects.filter(pk=world.person.pk).update(registered_by_unit=world.ward)
    client = login(nurse)
    person_page = client.get(reverse("people:detail", args=[world.person.pk])).content.decode()
    url = reverse("discharge:register") + f"?identity_number={world.person.identity_number}"
    assert url in person_page
    bad = client.post(url, {"cause": "Fall"})
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.content.decode()
    assert not Case.objects.filter(kind="discharge").exists()
    now = timezone.now()
    data = {
        "admitted_at": local(now - dt.timedelta(hours=2)),
        "cause": "Fall",
        "expected_discharge_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
        "treating_physician": "Erik Berg",
        "needs_assessed_at": local(now - dt.timedelta(hours=1)),
        "consent_to_transfer": "True",
        "only_social_services": "False",
    }
    good = client.post(url, data)
    case = Case.objects.get(kind="discharge")
    assert good.status_code == 302 and good["Location"] == reverse("discharge:stay", args=[case.pk])
    assert case.stay.consent_to_transfer is True and case.stay.only_social_services is False
    again = client.post(url, data)  # one active stay per person and ward
    assert again.status_code == 409 and f"ärende {case.pk}" in again.content.decode()
    # The person page links the stay.
    person_page = client.get(reverse("people:detail", args=[world.person.pk])).content.decode()
    assert reverse("discharge:stay", args=[case.pk]) in person_page


def test_only_wards_get_the_register_page(login: Login, world: World) -> None:
    url = reverse("discharge:register") + f"?identity_number={world.person.identity_number}"
    assert login(world.alice).get(url).status_code == 403
    page = login(world.alice).get(reverse("people:detail", args=[world.person.pk]))
    assert reverse("discharge:register") not in page.content.decode()


def test_admission_notice_from_the_page_proposes_default_addressing(
    login: Login, world: World, nurse: User, stay: Case
) -> None:
    client = login(nurse)
    html = client.get(reverse("discharge:stay", args=[stay.pk])).content.decode()
    for unit in (world.participant_unit, world.owner_unit):
        assert f'value="{unit.pk}" id="id_recipients_' in html.replace(" checked", "")
    assert html.count("checked") >= 2
    url = reverse("discharge:admission", args=[stay.pk])
    assert client.post(url, {}).status_code == 400
    assert not stay.notices.exists()
    response = client.post(url, {"recipients": [world.participant_unit.pk]})
    assert response.status_code == 302
    assert [d.unit for d in Delivery.objects.filter(notice__case=stay)] == [world.participant_unit]


def test_ward_acts_from_the_page(login: Login, world: World, nurse: User, sent: Case) -> None:
    client = login(nurse)
    new_date = sent.stay.expected_discharge_on + dt.timedelta(days=1)
    expected = client.post(
        reverse("discharge:expected", args=[sent.pk]),
        {"expected_discharge_on": new_date.isoformat(), "version": version(sent)},
    )
    assert expected.status_code == 302
    assert sent.notices.filter(kind="admission").count() == 2
    # A stale version: 409 and nothing saved.
    stale = client.post(
        reverse("discharge:expected", args=[sent.pk]),
        {"expected_discharge_on": (new_date + dt.timedelta(days=1)).isoformat(), "version": 1},
    )
    assert stale.status_code == 409 and "Någon annan ändrade" in stale.content.decode()
    ready = client.post(
        reverse("discharge:ready", args=[sent.pk]),
        {
            "ready_at": local(timezone.now() - dt.timedelta(minutes=5)),
            "ready_physician": "Erik Berg",
            "ready_nurse": "Anna Lind",
            "medical_responsibility_to": "Johan Ek",
            "version": version(sent),
        },
    )
    assert ready.status_code == 302 and sent.notices.filter(kind="ready").exists()
    period = client.post(
        reverse("discharge:unavailable", args=[sent.pk]),
        {
            "unavailable-starts_on": "2030-01-02",
            "unavailable-ends_on": "2030-01-01",
            "unavailable-reason": "x",
        },
    )
    assert (
        period.status_code == 400 and not Stay.objects.get(pk=sent.pk).unavailable_periods.exists()
    )
    bad = client.post(
        reverse("discharge:discharge", args=[sent.pk]),
        {"discharged_at": "", "version": version(sent)},
    )
    assert bad.status_code == 400 and Case.objects.get(pk=sent.pk).is_active
    left = client.post(
        reverse("discharge:discharge", args=[sent.pk]),
        {"discharged_at": local(timezone.now()), "self_discharge": "on", "version": version(sent)},
    )
    assert left.status_code == 302
    assert Case.objects.get(pk=sent.pk).close_reason == "discharged"
    # SVU-7, seed 001 lines 912-916: the self-discharge is flagged to every recipient.
    html = login(world.bob).get(reverse("discharge:stay", args=[sent.pk])).content.decode()
    assert html.count('<p class="warning">') == 2  # on the stay and on the discharge notice


def test_edit_form_saves_with_its_version(
    login: Login, world: World, nurse: User, stay: Case
) -> None:
    client = login(nurse)
    data = {
        "edit-admitted_at": local(stay.stay.admitted_at),
        "edit-cause": "Pneumoni",
        "edit-treating_physician": "Erik Berg",
        "edit-consent_to_transfer": "True",
        "edit-only_social_services": "True",
        "edit-version": "1",
    }
    assert client.post(reverse("discharge:edit", args=[stay.pk]), data).status_code == 302
    assert Stay.objects.get(pk=stay.pk).only_social_services is True
    again = client.post(reverse("discharge:edit", args=[stay.pk]), {**data, "edit-cause": "X"})
    assert again.status_code == 409
    assert Stay.objects.get(pk=stay.pk).cause == "Pneumoni"


@pytest.mark.parametrize(
    "name", ["edit", "admission", "expected", "ready", "discharge", "unavailable"]
)
def test_ward_acts_are_404_for_charlie_and_403_for_a_recipient(
    login: Login, world: World, nurse: User, sent: Case, name: str
) -> None:
    url = reverse(f"discharge:{name}", args=[sent.pk])
    data = {
        "recipients": [world.unrelated_unit.pk],
        "expected_discharge_on": "2030-01-01",
        "version": "1",
        "ready_at": local(timezone.now()),
        "ready_physician": "X",
        "ready_nurse": "X",
        "medical_responsibility_to": "X",
        "discharged_at": local(timezone.now()),
        "unavailable-starts_on": "2030-01-01",
        "unavailable-reason": "x",
        "edit-admitted_at": local(sent.stay.admitted_at),
        "edit-cause": "X",
        "edit-treating_physician": "X",
        "edit-consent_to_transfer": "True",
        "edit-only_social_services": "False",
        "edit-version": "1",
    }
    assert login(world.charlie).post(url, data).status_code == 404
    assert login(world.bob).post(url, data).status_code in (400, 403)
    sent.refresh_from_db()
    assert sent.is_active and sent.notices.count() == 1
    assert Stay.objects.get(pk=sent.pk).version == 1


def test_acknowledge_from_the_notices_list(
    login: Login, world: World, nurse: User, sent: Case
) -> None:
    client = login(world.bob)
    html = client.get(reverse("discharge:notices")).content.decode()
    own = Delivery.objects.get(notice__case=sent, unit=world.participant_unit)
    other = Delivery.objects.get(notice__case=sent, unit=world.owner_unit)
    assert reverse("discharge:ack", args=[sent.pk, own.pk]) in html
    assert reverse("discharge:ack", args=[sent.pk, other.pk]) not in html
    assert AccessLog.objects.filter(
        user=world.bob, what="stay.notices", person=world.person
    ).exists()
    response = client.post(reverse("discharge:ack", args=[sent.pk, own.pk]), {"back": "notices"})
    assert response.status_code == 302 and response["Location"] == reverse("discharge:notices")
    own.refresh_from_db()
    assert own.acknowledged_by == world.bob
    # Someone else's delivery: refused with a message, nothing changed.
    client.post(reverse("discharge:ack", args=[sent.pk, other.pk]))
    other.refresh_from_db()
    assert other.acknowledged_at is None
    charlie = login(world.charlie)
    assert charlie.post(reverse("discharge:ack", args=[sent.pk, other.pk])).status_code == 404
    assert "Sture" not in charlie.get(reverse("discharge:notices")).content.decode()


def test_late_and_missing_acknowledgements_are_shown_on_both_sides(
    login: Login, world: World, nurse: User
) -> None:
    with time_machine.travel(at("2026-03-02 09:00"), tick=False):
        case = stays_acts.register_stay(
            ward(world, nurse), world.person.identity_number, stay_data()
        )
        notices_acts.send_admission_notice(
            ward(world, nurse), case.pk, notices_acts.default_recipients(world.person)
        )
    own = Delivery.objects.get(notice__case=case, unit=world.participant_unit)
    with time_machine.travel(at("2026-03-02 13:00"), tick=False):
        notices_acts.acknowledge(world.actor(world.bob), case.pk, own.pk)
        for user in (nurse, world.bob):
            html = login(user).get(reverse("discharge:stay", args=[case.pk])).content.decode()
            assert "2026-03-02 12:00" in html  # the due time from the rule set
            assert 'class="badge met_late"' in html  # bob acknowledged after 12:00
            assert 'class="badge overdue"' in html  # alice's unit has not acknowledged


def test_notices_list_is_unacknowledged_first_and_constant_in_queries(
    login: Login,
    world: World,
    nurse: User,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    def make_stays(n: int) -> None:
        for i in range(n):
            person = Person.objects.create(
                identity_number=valid_identity_number("19400101", Person.objects.count() * 2 + 1),
                first_name=f"P{i}",
                last_name="Test",
                municipality=world.lulea,
            )
            case = stays_acts.register_stay(ward(world, nurse), person.identity_number, stay_data())
            notices_acts.send_admission_notice(
                ward(world, nurse), case.pk, [world.participant_unit]
            )

    client = login(world.bob)
    make_stays(2)
    with django_assert_max_num_queries(100) as few:
        client.get(reverse("discharge:notices"))
    make_stays(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(reverse("discharge:notices")).content.decode()
    assert html.count("<tr>") == 1 + 8
    first = Delivery.objects.filter(unit=world.participant_unit).order_by("pk").first()
    assert first is not None
    notices_acts.acknowledge(world.actor(world.bob), first.notice.case_id, first.pk)
    rows = list(notices_acts.notices_to(world.actor(world.bob)))
    assert rows[-1].pk == first.pk  # acknowledged ones last


def test_the_wards_list_shows_its_active_stays(
    login: Login, world: World, nurse: User, sent: Case
) -> None:
    html = login(nurse).get(reverse("discharge:notices")).content.decode()
    assert reverse("discharge:stay", args=[sent.pk]) in html


def test_liability_csv(login: Login, world: World, nurse: User) -> None:
    actor = ward(world, nurse)
    with time_machine.travel(at("2026-03-02 09:00"), tick=False):
        case = stays_acts.register_stay(actor, world.person.identity_number, stay_data())
        notices_acts.send_admission_notice(
            actor, case.pk, notices_acts.default_recipients(world.person)
        )
    with time_machine.travel(at("2026-03-02 13:00"), tick=False):  # after 12:00: from 03-06
        notices_acts.send_ready_notice(actor, case.pk, version(case), ready_data(case))
    Stay.objects.filter(pk=case.pk).update(only_social_services=True)
    DailyAmount.objects.create(year=2026, amount_sek=2000, source="test")
    with time_machine.travel(at("2026-04-02 10:00"), tick=False):
        notices_acts.send_discharge_notice(
            actor, case.pk, version(case), at("2026-03-09 10:00"), False
        )
        url = reverse("discharge:liability-csv") + "?municipality=lulea&month=2026-03"
        invoicing = make_user("ivar", world.participant_unit, Membership.Role.INVOICING)
        response = login(invoicing).get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        lines = response.content.decode("utf-8-sig").splitlines()
        assert len(lines) == 2
        fields = lines[1].split(";")
        assert fields[1] == "19360323-9090" and fields[3] == "2026-03-06"
        assert fields[5:8] == ["3", "6 7 8", "6000"]
        # Each export is logged: one row for the export, one per individual in it (SEC-2).
        assert AccessLog.objects.filter(
            user=invoicing, action="export", what="stay.liability_export: lulea 2026-03"
        ).exists()
        assert AccessLog.objects.filter(
            user=invoicing, action="export", person=world.person
        ).exists()
        assert login(invoicing).get(url.replace("2026-03", "march")).status_code == 400


@pytest.mark.parametrize(
    ("unit", "role", "status"),
    [
        ("lulea_unit", Membership.Role.INVOICING, 200),
        ("lulea_unit", Membership.Role.UNIT_ADMIN, 200),
        ("region_unit", Membership.Role.COUNTY_ADMIN, 200),
        ("lulea_unit", Membership.Role.CASE_OFFICER, 403),
        ("lulea_school", Membership.Role.OTHER_PROFESSIONAL, 403),
        ("lulea_school", Membership.Role.NURSE, 403),
        ("pitea_unit", Membership.Role.INVOICING, 403),
        ("pitea_unit", Membership.Role.UNIT_ADMIN, 403),
        ("region_unit", Membership.Role.UNIT_ADMIN, 403),
        ("region_unit", Membership.Role.NURSE, 403),
    ],
)
def test_only_the_invoicing_roles_export_the_liability(
    login: Login, world: World, unit: str, role: str, status: int
) -> None:
    """Issue 17: the CSV holds identity numbers of every liable stay of the municipality, so
    only the roles that handle the invoice export it: the municipality's administrators and
    invoicing staff, and county administrators; not every unit of the municipality, such as
    the school health service."""
    units = {
        "lulea_unit": world.participant_unit,
        "lulea_school": Unit.objects.create(
            principal=world.lulea, code="lulea-elevhalsa", name="Elevhälsan", kind="school"
        ),
        "pitea_unit": world.unrelated_unit,
        "region_unit": world.owner_unit,
    }
    user = make_user("exporter", units[unit], role)
    url = reverse("discharge:liability-csv") + "?municipality=lulea&month=2026-03"
    response = login(user).get(url)
    assert response.status_code == status
    exported = AccessLog.objects.filter(user=user, action="export").exists()
    assert exported is (status == 200)


# Planning basis, care contact, replies, information (SVU-3 to SVU-6) -----------------------------


def test_collaboration_from_the_page(login: Login, world: World, nurse: User, sent: Case) -> None:
    """The ward fills in the planning basis, the municipality acknowledges with its answers,
    primary care names the care contact, the municipality replies to the ready notice, and the
    ward prints the discharge information."""
    ward_client = login(nurse)
    url = reverse("discharge:planning-basis", args=[sent.pk])
    bad = ward_client.post(url, {"pb-mobility": "maybe"})
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.content.decode()
    assert (
        ward_client.post(url, {"pb-mobility": "yes", "pb-mobility_comment": "Rollator"}).status_code
        == 302
    )
    page = ward_client.get(reverse("discharge:stay", args=[sent.pk])).content.decode()
    assert "Rollator" in page and "Planeringsunderlag" in page

    bob = login(world.bob)
    delivery = Delivery.objects.get(notice__case=sent, unit=world.participant_unit)
    page = bob.get(reverse("discharge:stay", args=[sent.pk])).content.decode()
    assert 'name="with_answers"' in page  # the acknowledgement carries the recipient questions
    bob.post(
        reverse("discharge:ack", args=[sent.pk, delivery.pk]),
        {"with_answers": "1", "ack-known": "yes", "ack-known_comment": "Har hemtjänst"},
    )
    delivery.refresh_from_db()
    assert delivery.acknowledged_at is not None
    assert (
        svu_collaboration_acts.planning_basis(sent)[world.participant_unit.pk]["known"].comment
        == "Har hemtjänst"
    )

    alice = login(world.alice)
    cc = reverse("discharge:care-contact", args=[sent.pk])
    assert (
        alice.post(cc, {"cc-care_contact_name": "", "cc-version": version(sent)}).status_code == 400
    )
    ok = alice.post(
        cc,
        {
            "cc-care_contact_name": "Karin Holm",
            "cc-care_contact_phone": "0920-1",
            "cc-version": version(sent),
        },
    )
    assert ok.status_code == 302

    notices_acts.send_ready_notice(ward(world, nurse), sent.pk, version(sent), ready_data(sent))
    reply = reverse("discharge:reply", args=[sent.pk])
    bob = login(world.bob)  # one client: log in again
    assert bob.post(reply, {"reply-can_receive_at": ""}).status_code == 400
    when = timezone.now() + dt.timedelta(hours=4)
    assert (
        bob.post(
            reply, {"reply-can_receive_at": local(when), "reply-interventions": "Hemtjänst morgon"}
        ).status_code
        == 302
    )

    info = login(nurse).get(reverse("discharge:information", args=[sent.pk])).content.decode()
    for text in (
        "Hemtjänst morgon",
        "Karin Holm",
        world.participant_unit.name,
        world.person.full_name,
    ):
        assert text in info
    assert (
        login(world.charlie).get(reverse("discharge:information", args=[sent.pk])).status_code
        == 404
    )


def test_death_from_the_page_closes_the_stay(
    login: Login, world: World, nurse: User, sent: Case
) -> None:
    client = login(nurse)
    url = reverse("discharge:death", args=[sent.pk])
    assert client.post(url, {"death-died_on": ""}).status_code == 400
    assert client.post(url, {"death-died_on": timezone.localdate().isoformat()}).status_code == 302
    assert Case.objects.get(pk=sent.pk).close_reason == "deceased"


def test_the_discharge_information_without_consent_is_refused_with_403(
    login: Login, world: World, nurse: User, sent: Case
) -> None:
    Stay.objects.filter(pk=sent.pk).update(consent_to_transfer=False)
    response = login(world.bob).get(reverse("discharge:information", args=[sent.pk]))
    assert response.status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        "/stays/new/",
        "/stays/new/?identity_number=123",
        "/sip/new/",
        "/sip/new/?identity_number=x",
    ],
)
def test_starting_from_a_missing_or_bad_identity_number_goes_back_to_the_search(
    login: Login, world: World, nurse: User, url: str
) -> None:
    response = login(nurse).post(url, {}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("people:search")
    assert 'class="message error"' in response.content.decode()
    assert not Case.objects.filter(kind="discharge").exists()


def test_the_edit_form_cannot_set_the_sip_invitation(
    login: Login, world: World, nurse: User, stay: Case
) -> None:
    """SEC-4: the SIP invitation time belongs to the invitation act (SVU-10), so the stay form
    has no such field and ignores one posted anyway; before, the form cleared it when empty."""
    invited = timezone.now() - dt.timedelta(hours=1)
    Stay.objects.filter(pk=stay.pk).update(sip_invited_at=invited)  # as send_invitation does
    client = login(nurse)
    page = client.get(reverse("discharge:stay", args=[stay.pk])).content.decode()
    assert 'name="edit-sip_invited_at"' not in page
    data = {
        "edit-admitted_at": local(stay.stay.admitted_at),
        "edit-cause": "Pneumoni",
        "edit-treating_physician": "Erik Berg",
        "edit-needs_assessed_at": local(stay.stay.needs_assessed_at),
        "edit-consent_to_transfer": "True",
        "edit-only_social_services": "False",
        "edit-sip_invited_at": "",
        "edit-version": "1",
    }
    assert client.post(reverse("discharge:edit", args=[stay.pk]), data).status_code == 302
    saved = Stay.objects.get(pk=stay.pk)
    assert (saved.cause, saved.sip_invited_at) == ("Pneumoni", invited)


def test_the_liability_csv_reads_a_constant_number_of_queries(
    login: Login, world: World, nurse: User
) -> None:
    """Issue 10 item 4: no queries per stay. The same export with 2 and with 6 liable stays
    (each with an admission notice to Luleå, a ready notice, an unavailable day and a discharge)
    costs
    the same number of queries."""
    DailyAmount.objects.create(year=2026, amount_sek=2000, source="test")
    actor = ward(world, nurse)

    def make_stays(n: int) -> None:
        for i in range(n):
            person = Person.objects.create(
                identity_number=valid_identity_number("19400101", Person.objects.count() * 2 + 1),
                first_name=f"P{i}",
                last_name="Test",
                municipality=world.lulea,
            )
            with time_machine.travel(at("2026-03-02 09:00"), tick=False):
                case = stays_acts.register_stay(actor, person.identity_number, stay_data())
                notices_acts.send_admission_notice(actor, case.pk, [world.participant_unit])
            with time_machine.travel(at("2026-03-02 13:00"), tick=False):
                notices_acts.send_ready_notice(actor, case.pk, version(case), ready_data(case))
                svu_collaboration_acts.add_unavailable_period(
                    actor, case.pk, dt.date(2026, 3, 7), dt.date(2026, 3, 7), "Plats saknas"
                )
            Stay.objects.filter(pk=case.pk).update(only_social_services=True)
            with time_machine.travel(at("2026-03-09 12:00"), tick=False):
                notices_acts.send_discharge_notice(
                    actor, case.pk, version(case), at("2026-03-09 10:00"), False
                )

    invoicing = make_user("ivar", world.participant_unit, Membership.Role.INVOICING)
    with time_machine.travel(at("2026-04-02 10:00"), tick=False):
        client = login(invoicing)  # logged in when exporting: no session renewal is due
    url = reverse("discharge:liability-csv") + "?municipality=lulea&month=2026-03"

    def export() -> tuple[int, int]:
        with (
            time_machine.travel(at("2026-04-02 10:00"), tick=False),
            CaptureQueriesContext(connection) as queries,
        ):
            response = client.get(url)
        assert response.status_code == 200
        lines = response.content.decode("utf-8-sig").splitlines()[1:]
        assert all(line.split(";")[6] == "6 8" for line in lines)  # the 7th unavailable
        return len(queries), len(lines)

    export()  # the first request may renew the session (at most once a minute): not measured
    make_stays(2)
    few, rows_few = export()
    make_stays(4)
    many, rows_many = export()
    assert (rows_few, rows_many) == (2, 6)  # every stay is liable, so the work did grow
    assert many == few
