"""A discharge end to end in a real browser (issue 4, SPEC SVU-1..10), over the Easter weekend
of 2027 with a controlled clock on both sides of 12:00: a ward nurse (wanda), a municipal case
officer (bob, Luleå biståndshandläggning) and primary care (alice, Hertsöns hälsocentral). A
user of an unrelated unit (charlie) is refused at every step.

Seed 001_118551e475ece215.txt: recipients acknowledge "senast klockan 12.00 årets alla dagar"
(lines 866-867, 921-922), so a notice sent at 11:30 on Good Friday is due at 12:00 the same
day and one sent at 13:00 on Easter Saturday at 12:00 on Easter Sunday; a ready-for-discharge
notice sent after 12:00 starts the payment liability four days later (lines 858-864).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from samordna.cases.acts import touch
from samordna.cases.models import Case, Delivery
from samordna.discharge.services import liability_export as svu_liability_export_acts
from samordna.people.models import Person
from tests.browser.conftest import check, log_in
from tests.browser.test_sip_lifecycle import reveal, submit
from tests.conftest import PASSWORD, World, make_user

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=STOCKHOLM)


@contextmanager
def as_user(page: Page, username: str, moment: str) -> Iterator[None]:
    """Act as ``username`` at a Stockholm time; the clock ticks on from there."""
    with time_machine.travel(at(moment), tick=True):
        page.context.clear_cookies()
        log_in(page, username, PASSWORD)
        yield


def charlie_is_refused(page: Page, case: Case) -> None:
    """Charlie's unit takes no part: the stay, its information and its acts are 'not found'."""
    page.context.clear_cookies()
    log_in(page, "charlie", PASSWORD)
    for path in [f"/stays/{case.pk}/", f"/stays/{case.pk}/information/"]:
        response = page.goto(path)
        assert response is not None and response.status == 404, path
    response = page.request.post(f"/stays/{case.pk}/reply/", fail_on_status_code=False)
    assert response.status in (403, 404)  # no CSRF token, and no access either
    page.goto("/stays/notices/")
    expect(page.locator("main")).not_to_contain_text("Lundberg")


def ack_status(case: Case, username: str, kind: str) -> tuple[bool, bool]:
    """(acknowledged, in time) of the newest notice of ``kind`` to the user's unit."""
    delivery = Delivery.objects.filter(
        notice__case=case, notice__kind=kind, unit__memberships__user__username=username
    ).latest("notice__sent_at")
    done = delivery.acknowledged_at is not None
    return done, done and delivery.due_at is not None and delivery.acknowledged_at < delivery.due_at


def test_discharge_over_easter(page: Page, world: World) -> None:
    world.case.closed_at = timezone.now()  # make room for the SIP after discharge (one active)
    world.case.close_reason = "other"
    world.case.save()
    touch(world.case.pk)  # closed by hand: the read model follows
    make_user("wanda", world.ward, "nurse")
    Person.objects.filter(pk=world.person.pk).update(registered_by_unit=world.ward)

    # 1. Maundy Thursday 15:00: the ward registers the stay (SVU-1).
    with as_user(page, "wanda", "2027-03-25 15:00"):
        page.goto(f"/persons/{world.person.pk}/")
        page.get_by_role("link", name="Registrera vårdtillfälle").click()
        form = page.locator("main form")
        form.locator("input[name=admitted_at]").fill("2027-03-24T20:00")
        form.locator("textarea[name=cause]").fill("Höftfraktur efter fall i hemmet.")
        form.locator("input[name=expected_discharge_on]").fill("2027-04-01")
        form.locator("input[name=treating_physician]").fill("Erik Berg")
        form.locator("input[name=needs_assessed_at]").fill("2027-03-25T14:00")
        form.locator("input[name=consent_to_transfer][value=True]").check()
        form.locator("input[name=only_social_services][value=False]").check()
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
        expect(page.locator("h1")).to_contain_text("Sture Lundberg")
        case = Case.objects.get(kind="discharge")
        check(page, "discharge-01-registered")
    charlie_is_refused(page, case)

    # 2. Good Friday 11:30: admission notice to the proposed recipients (SVU-2, ORG-4) and the
    #    planning basis (SVU-3). Acknowledgements are due at 12:00 the same day, holiday or not.
    with as_user(page, "wanda", "2027-03-26 11:30"):
        page.goto(f"/stays/{case.pk}/")
        recipients = page.locator("form[action$='/admission-notice/']")
        expect(recipients.get_by_label(world.participant_unit.name, exact=False)).to_be_checked()
        expect(recipients.get_by_label(world.owner_unit.name, exact=False)).to_be_checked()
        submit(page, "/admission-notice/")
        expect(page.locator("#notices-h")).to_be_visible()
        reveal(page, "/planning-basis/")
        basis = page.locator("form[action$='/planning-basis/']")
        basis.locator("input[name=pb-mobility][value=yes]").check()
        basis.locator("input[name=pb-mobility_comment]").fill("Rollator, stöd i trappor")
        basis.locator("input[name=pb-lives_alone][value=yes]").check()
        basis.locator("input[name=pb-home_care_service][value=yes]").check()
        submit(page, "/planning-basis/")
        expect(page.get_by_text("Rollator, stöd i trappor").first).to_be_visible()
        expect(page.locator("main")).to_contain_text("2027-03-26 12:00")  # due by noon
        check(page, "discharge-02-admission-notice")

    # 3. 11:55: primary care acknowledges in time; 12:05: the municipality acknowledges late,
    #    adding its answers to the planning basis.
    with as_user(page, "alice", "2027-03-26 11:55"):
        page.goto("/stays/notices/")
        check(page, "discharge-03-notices-primary-care")
        page.goto(f"/stays/{case.pk}/")
        page.locator("form.ack-with-answers button[type=submit]").click()
        page.wait_for_load_state()
    assert ack_status(case, "alice", "admission") == (True, True)
    with as_user(page, "bob", "2027-03-26 12:05"):
        page.goto(f"/stays/{case.pk}/")
        expect(page.locator("main")).to_contain_text("Försenad")  # overdue before acknowledging
        ack = page.locator("form.ack-with-answers")
        ack.locator("input[name=ack-known][value=yes]").check()
        ack.locator("input[name=ack-known_comment]").fill("Har trygghetslarm sedan 2025")
        ack.locator("button[type=submit]").click()
        page.wait_for_load_state()
        expect(page.locator("main")).to_contain_text("Kvitterat för sent")
        expect(page.get_by_text("Har trygghetslarm sedan 2025").first).to_be_visible()
        check(page, "discharge-04-acknowledged-late")
    assert ack_status(case, "bob", "admission") == (True, False)

    # 4. Easter Saturday 10:00: primary care names the designated care contact (SVU-4).
    with as_user(page, "alice", "2027-03-27 10:00"):
        page.goto(f"/stays/{case.pk}/")
        reveal(page, "/care-contact/")
        contact = page.locator("form[action$='/care-contact/']")
        contact.locator("input[name=cc-care_contact_name]").fill("Karin Holm")
        contact.locator("input[name=cc-care_contact_phone]").fill("0920-45 67 00")
        submit(page, "/care-contact/")
        expect(page.locator("#care-contact-h + p")).to_contain_text("Karin Holm")

    # 5. Easter Saturday 13:00, after 12:00: ready for discharge (SVU-5). The liability starts
    #    four days later, on 31 March; acknowledgements are due at 12:00 on Easter Sunday.
    with as_user(page, "wanda", "2027-03-27 13:00"):
        page.goto(f"/stays/{case.pk}/")
        reveal(page, "/ready-notice/")
        ready = page.locator("form[action$='/ready-notice/']")
        ready.locator("input[name=ready_at]").fill("2027-03-27T12:40")
        ready.locator("input[name=ready_physician]").fill("Erik Berg")
        ready.locator("input[name=ready_nurse]").fill("Anna Lind")
        ready.locator("input[name=medical_responsibility_to]").fill("Johan Ek, Hertsöns hc")
        submit(page, "/ready-notice/")
        liability = page.locator("section[aria-labelledby=liability-h]")
        expect(liability).to_contain_text("2027-03-31")
        expect(liability).to_contain_text("efter kl. 12.00")
        expect(page.locator("main")).to_contain_text("2027-03-28 12:00")
        check(page, "discharge-05-ready")
    charlie_is_refused(page, case)

    # 6. Easter Sunday 11:50: the municipality acknowledges in time and replies when it can
    #    receive the patient, with its planned interventions (SVU-5, SVU-6).
    with as_user(page, "bob", "2027-03-28 11:50"):
        page.goto(f"/stays/{case.pk}/")
        page.locator("form[action*='/deliveries/'][action$='/acknowledge/'] button").first.click()
        page.wait_for_load_state()
        reveal(page, "/reply/")
        reply = page.locator("form[action$='/reply/']")
        reply.locator("input[name=reply-can_receive_at]").fill("2027-03-29T10:00")
        reply.locator("textarea[name=reply-interventions]").fill(
            "Hemtjänst morgon och kväll: dusch, påklädning, tillsyn."
        )
        submit(page, "/reply/")
        expect(page.locator("section[aria-labelledby=replies-h]")).to_contain_text(
            "2027-03-29 10:00"
        )
        check(page, "discharge-06-reply")
    assert ack_status(case, "bob", "ready") == (True, True)

    # 7. Easter Monday 09:00: the care contact opens the SIP after discharge from the stay and
    #    invites (SIP-7), within three days of the ready notice.
    with as_user(page, "alice", "2027-03-29 09:00"):
        page.goto(f"/stays/{case.pk}/")
        page.locator("form.ack-with-answers, form[action$='/acknowledge/']").first.locator(
            "button[type=submit]"
        ).click()
        page.wait_for_load_state()
        page.get_by_role("link", name="Öppna SIP efter utskrivning").click()
        page.locator("#id_reason").fill(
            "Samordning av hemtjänst och hälsocentral efter utskrivning."
        )
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        sip = Case.objects.get(kind="sip", closed_at__isnull=True)
        # The consent to information transfer given at admission carries over to the SIP
        # (issue 14 item 9, seed 004 line 83): nothing to record again.
        expect(page.locator("section[aria-labelledby=consent-h]")).to_contain_text(
            "överfört till den här SIP:en efter utskrivning"
        )
        carried = sip.consents.get()
        assert carried.carried_from == case and carried.in_force
        assert world.participant_unit in carried.units.all()
        reveal(page, "/invite/")
        invite = page.locator("form[action$='/invite/']")
        invite.locator("input[name=purpose][value=establish]").check()
        invite.locator("input[name=form][value=in_person]").check()
        invite.locator("input[name=date]").fill("2027-04-06")
        invite.locator("input[name=starts]").fill("10:00")
        invite.locator("input[name=ends]").fill("11:00")
        invite.locator("input[name=place]").fill("Hos Sture hemma")
        invite.get_by_label(world.participant_unit.name).check()
        invite.locator("input[name=consent_confirmed]").check()
        submit(page, "/invite/")
        assert sip.meetings.exists()
        page.goto(f"/stays/{case.pk}/")
        expect(page.locator("section[aria-labelledby=liability-h]")).to_contain_text("inom 3 dagar")

    # 8. Thursday 1 April: the ward prints the discharge information (SVU-6) and sends the
    #    discharge notice (SVU-7); the stay closes and the liability is counted.
    with as_user(page, "wanda", "2027-04-01 10:00"):
        page.goto(f"/stays/{case.pk}/information/")
        info = page.locator("main")
        expect(info).to_contain_text("Hemtjänst morgon och kväll")
        expect(info).to_contain_text("Karin Holm")
        expect(info).to_contain_text("Hos Sture hemma")
        check(page, "discharge-07-information")
        page.goto(f"/stays/{case.pk}/")
        reveal(page, "/discharge-notice/")
        page.locator("input[name=discharged_at]").fill("2027-04-01T09:45")
        submit(page, "/discharge-notice/")
        expect(page.locator(".status")).to_contain_text("Avslutad: Utskriven")
        liability = page.locator("section[aria-labelledby=liability-h]")
        expect(liability).to_contain_text("utskrivningsdagen räknas inte")
        check(page, "discharge-08-discharged")
    charlie_is_refused(page, case)
    case.refresh_from_db()
    assert case.close_reason == "discharged"
    # Liable from 31 March; the discharge day (1 April) is not counted (seed 001 lines 858-864).
    with time_machine.travel(at("2027-04-02 09:00")):
        assert svu_liability_export_acts.assess(case).dates == (dt.date(2027, 3, 31),)
