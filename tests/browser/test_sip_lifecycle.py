"""The whole SIP in a real browser, by three users in three units (issue 3, SPEC SIP-1..15):
a coordinator at a primary care centre (alice), a municipal case officer (bob) and outpatient
psychiatry (dora). Open, consent, assess, invite, acknowledge and accept, record the meeting,
write and document the plan, follow up, evaluate, change coordinator, close. A user of an
unrelated unit (charlie) is refused at every step. Fields are found by name or id."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from samordna.cases.acts import touch
from samordna.cases.models import Case
from samordna.organisations.models import Unit
from samordna.sip.models import Action, Meeting
from tests.browser.conftest import check, log_in
from tests.conftest import PASSWORD, World, make_user


def log_out(page: Page) -> None:
    page.locator("form[action$='/logout/'] button").click()
    page.wait_for_url(re.compile(r"/login/"))


def reveal(page: Page, action_suffix: str, match: str = "$=") -> None:
    """Open the collapsed section (``<details>``) a form sits in, as a user clicks its summary."""
    # A folded form is loaded when its <details> opens: then only its own URL names it.
    summary = page.locator(
        f"details:has(form[action{match}'{action_suffix}']) > summary, "
        f"details[data-form{match}'{action_suffix}'] > summary"
    )
    if summary.count() and not summary.first.evaluate("s => s.parentElement.open"):
        summary.first.click()
        # htmx loads the folded form after the click: wait for it, so that a caller's
        # immediate look (``choose`` counts radio buttons) sees the form and not the link.
        page.locator(f"form[action{match}'{action_suffix}']").first.wait_for()


def choose(form: Locator, name: str, value: str) -> None:
    """Pick a value whether the field is a group of radio buttons or a select."""
    radio = form.locator(f"input[name={name}][value={value}]")
    if radio.count():
        radio.check()
    else:
        form.locator(f"select[name={name}]").select_option(value)


def submit(page: Page, action_suffix: str) -> None:
    page.locator(f"form[action$='{action_suffix}'] button[type=submit]").last.click()
    page.wait_for_load_state()


def charlie_is_refused(page: Page, case: Case) -> None:
    """Charlie's unit takes no part: every page of the case is 'not found'."""
    context = page.context.browser.new_context(base_url=page.url.split("/sip/")[0])  # type: ignore[union-attr]
    other = context.new_page()
    log_in(other, "charlie", PASSWORD)
    for path in [
        f"/sip/{case.pk}/",
        f"/sip/{case.pk}/plans/1/",
        f"/sip/{case.pk}/for-the-individual/",
    ]:
        response = other.goto(path)
        assert response is not None and response.status == 404, path
    context.close()


# A Monday morning: the invitation goes out at 09:00 for Tuesday 10:00-11:00, and the meeting is
# recorded on Tuesday afternoon. Every time in the test is computed from this instant, so the test
# does not depend on the hour, the day or the daylight saving time the suite runs at.
START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Stockholm"))


@time_machine.travel(START, tick=True)
def test_sip_lifecycle(page: Page, world: World) -> None:
    world.case.closed_at = timezone.now()
    world.case.close_reason = "other"
    world.case.save()
    touch(world.case.pk)  # closed by hand: the read model follows
    psychiatry = Unit.objects.create(
        principal=world.region,
        code="psyk-lulea",
        name="Psykiatriska öppenvården Luleå",
        kind="outpatient_psychiatry",
    )
    make_user("dora", psychiatry, "nurse")

    # 1. Open: the opener becomes coordinator.
    log_in(page, "alice", PASSWORD)
    page.goto(f"/persons/{world.person.pk}/")
    page.get_by_role("link", name="Öppna SIP").click()
    page.locator("#id_reason").fill("Behöver samordning mellan vårdcentral, kommun och psykiatri.")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_contain_text("Sture Lundberg")
    case = Case.objects.get(kind="sip", closed_at__isnull=True)
    check(page, "sip-01-opened")
    charlie_is_refused(page, case)

    # 2. Consent with its scope (CON-1).
    consent = page.locator("form[action$='/consent/']")
    consent.locator("input[name=decision][value=given]").check()
    consent.locator("input[name=giver_name]").fill("Sture Lundberg")
    consent.locator("input[name=form][value=oral]").check()
    consent.get_by_label(world.participant_unit.name).check()
    consent.get_by_label(psychiatry.name).check()
    submit(page, "/consent/")
    expect(page.locator(".messages")).to_contain_text("samtycke")

    # 3. Needs assessment (SIP-5).
    reveal(page, "/assessment/")
    choose(page.locator("form[action$='/assessment/']"), "area", "housing")
    page.locator("form[action$='/assessment/'] textarea[name=text]").fill("Bor ensam, trappor.")
    submit(page, "/assessment/")
    expect(page.get_by_text("Bor ensam, trappor.")).to_be_visible()

    # 4. Invitation to both units (SIP-6).
    tomorrow = START.date() + dt.timedelta(days=1)
    reveal(page, "/invite/")
    form = page.locator("form[action$='/invite/']")
    choose(form, "purpose", "establish")
    choose(form, "form", "in_person")
    form.locator("input[name=date]").fill(tomorrow.isoformat())
    form.locator("input[name=starts]").fill("10:00")
    form.locator("input[name=ends]").fill("11:00")
    form.locator("input[name=place]").fill("Hertsöns hälsocentral, rum 3")
    form.get_by_label(world.participant_unit.name).check()
    form.get_by_label(psychiatry.name).check()
    form.locator("input[name=consent_confirmed]").check()
    submit(page, "/invite/")
    meeting = Meeting.objects.get(case=case)
    check(page, "sip-02-invited")
    log_out(page)

    # 5. Both units acknowledge and accept (MSG-2).
    for user in ("bob", "dora"):
        log_in(page, user, PASSWORD)
        page.goto("/sip/invitations/")
        check(page, f"sip-03-invitations-{user}")
        page.locator("form[action*='/ack/'] button[type=submit]").first.click()
        page.wait_for_load_state()
        page.goto("/sip/invitations/")
        reveal(page, "/answer/", "*=")
        answer = page.locator("form[action*='/answer/']").first
        answer.locator("input[value=accepted]").check()
        answer.locator("button[type=submit]").click()
        page.wait_for_load_state()
        log_out(page)
    assert meeting.notice.deliveries.filter(answer="accepted").count() == 2

    # 6. The day after, once the meeting has ended: it is recorded (SIP-8) and the plan written
    # (SIP-9, SIP-10).
    assert timezone.localtime(meeting.ends_at) == START + dt.timedelta(days=1, hours=2)
    with time_machine.travel(meeting.ends_at + dt.timedelta(hours=3), tick=True):
        log_in(page, "alice", PASSWORD)
        page.goto(f"/sip/{case.pk}/")
        reveal(page, f"/meetings/{meeting.pk}/record/")
        record = page.locator(f"form[action$='/meetings/{meeting.pk}/record/']")
        for select in record.locator("select").all():
            select.select_option("in_person")
        record.locator("input[name$=chair]").fill("Karin Holm")
        record.locator("input[name$=documenter]").fill("Karin Holm")
        record.locator("button[type=submit]").click()
        page.wait_for_load_state()
        assert Meeting.objects.get(pk=meeting.pk).held

        submit(page, "/plans/new/")
        page.goto(f"/sip/{case.pk}/plans/1/edit/")
        page.locator("#id_main_goal").fill("Att kunna bo kvar hemma.")
        page.locator("#id_needs").fill("Hjälp med trappor och dusch.")  # SIP-22, seed 001 l. 524
        page.locator("#id_own_resources").fill("Klarar sin medicinering själv.")
        page.locator("#id_initiated_by").fill("Hertsöns hälsocentral")
        page.locator("#id_goals-0-text").fill("Klara trapporna själv")
        page.locator("#id_actions-0-text").fill("Biståndsbedömning av hemtjänst")
        page.locator("#id_actions-0-responsible").select_option(f"unit:{world.participant_unit.pk}")
        page.locator("#id_actions-0-care_type").select_option("social_care")
        page.locator("#id_follow_up_on").fill((tomorrow + dt.timedelta(days=60)).isoformat())
        page.locator("#id_follow_up_caller").fill("Karin Holm")
        page.locator("form.plan-form button.save").click()
        page.wait_for_load_state()
        page.goto(f"/sip/{case.pk}/plans/1/")
        submit(page, "/plans/1/documented/")
        check(page, "sip-04-plan-documented")
        assert case.plans.get(number=1).documented_at is not None
        log_out(page)

        # 7. Follow-up: bob comments on his unit's action (SIP-11).
        log_in(page, "bob", PASSWORD)
        page.goto(f"/sip/{case.pk}/plans/1/follow-up/")
        action = Action.objects.get(plan__case=case)
        comment = page.locator(f"form:has(input[value='action:{action.pk}'])")
        comment.locator("textarea").fill("Hemtjänst beviljad två gånger per dag.")
        comment.locator("button[type=submit]").click()
        page.wait_for_load_state()
        check(page, "sip-05-follow-up")
        assert action.comments.filter(unit=world.participant_unit).exists()
        log_out(page)

        # 8. Evaluation with the individual (SIP-12).
        log_in(page, "alice", PASSWORD)
        page.goto(f"/sip/{case.pk}/plans/1/evaluation/")
        evaluation = page.locator("main form.plan-form")
        for met in evaluation.locator("input[type=radio][value=met]").all():
            met.check()
        evaluation.locator("input[name=with_individual]").check()
        evaluation.locator("button[type=submit]").last.click()
        page.wait_for_load_state()
        # The main goal, the sub-goal and the action (SIP-22, seed 000 line 235).
        assert case.plans.get(number=1).evaluations.count() == 3
        check(page, "sip-06-evaluated")

        # 9. The individual's view (PAT-1).
        page.goto(f"/sip/{case.pk}/for-the-individual/")
        expect(page.get_by_text("Att kunna bo kvar hemma.")).to_be_visible()
        check(page, "sip-07-for-the-individual")

        # 10. Coordinator change to bob (SIP-2), who closes the SIP (SIP-13).
        page.goto(f"/sip/{case.pk}/")
        reveal(page, "/coordinator/")
        coordinator = page.locator("form[action$='/coordinator/']")
        coordinator.locator("select[name=coordinator]").select_option(
            f"{world.bob.pk}:{world.participant_unit.pk}"
        )
        coordinator.locator("input[name=reason]").fill("Kommunen tar över samordningen")
        coordinator.locator("button[type=submit]").click()
        page.wait_for_load_state()
        charlie_is_refused(page, case)
        log_out(page)

        log_in(page, "bob", PASSWORD)
        page.goto(f"/sip/{case.pk}/")
        reveal(page, "/close/")  # one act among the case's own, collapsed (issue 18 item 11)
        page.locator("form[action$='/close/'] select[name=reason]").select_option("goals_met")
        submit(page, "/close/")
        expect(page.locator(".status.closed")).to_be_visible()
        check(page, "sip-08-closed")
    case.refresh_from_db()
    assert case.close_reason == "goals_met"
    assert [c.user.username for c in case.coordinators.order_by("assumed_at")] == ["alice", "bob"]
