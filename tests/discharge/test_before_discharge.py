"""Before the patient goes home (issue 14 items 12 and 13).

SVU-11, seed 001_118551e475ece215.txt lines 907-916: "Den slutna vården ansvarar för att bevaka
och säkerställa att patienten inte skickas hem innan insatserna/åtgärderna är på plats. Om
patienten väljer att skriva ut sig från slutenvården innan insatserna/åtgärderna är på plats
måste slutenvården meddela övriga aktörer detta."
SVU-12, seed 001 lines 824-826 (documents for going home) and seed 002_ca8314ba67d4fca6.txt
line 116: "Patienter som ska skrivas ut under helgen eller på röda dagar ska planeras av
samtliga parter under vardagen innan helgen/röd dag."
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samordna.cases.models import Case
from samordna.core.rules import DEFAULT_RULE_SETS, RuleSet
from samordna.discharge import checks, information
from samordna.discharge.models import RecipientPlan, Stay
from samordna.discharge.services import collaboration as svu_collaboration_acts
from samordna.discharge.services import notices as notices_acts
from samordna.organisations.models import User
from tests.conftest import World
from tests.discharge.conftest import version, ward
from tests.discharge.test_api import bearer
from tests.discharge.test_stay import ready_data
from tests.documents.pdfs import text_of

SVU_11 = "001_118551e475ece215.txt:907-916"
SVU_12_DOCUMENTS = "001_118551e475ece215.txt:824-826"
SVU_12_HOLIDAYS = "002_ca8314ba67d4fca6.txt:116"
HOUR = dt.timedelta(hours=1)


def _stay(**fields: Any) -> Stay:
    return Stay(
        expected_discharge_on=dt.date(2028, 3, 6),
        care_contact_name=fields.pop("care_contact_name", "Karin Holm"),
        **fields,
    )


# (source, stay fields, hours from leaving to each reply's start, expected warning codes)
BEFORE: list[tuple[str, dict[str, Any], list[int], list[str]]] = [
    (SVU_11, {}, [], []),
    (SVU_11, {}, [-2, 0], []),  # every recipient could receive the patient by then
    (SVU_11, {}, [-2, 3], [checks.LATER_RECEPTION]),  # one only later
    (SVU_11, {}, [1, 3], [checks.LATER_RECEPTION] * 2),
    (SVU_11, {"care_contact_name": ""}, [], [checks.NO_CARE_CONTACT]),  # SVU-4 not done
    (SVU_11, {"care_contact_name": "", "only_social_services": True}, [], []),  # none to name
    (SVU_11, {"care_contact_name": ""}, [5], [checks.LATER_RECEPTION, checks.NO_CARE_CONTACT]),
]


@pytest.mark.parametrize(("source", "fields", "hours", "codes"), BEFORE)
def test_warnings_before_the_discharge_notice(
    world: World, source: str, fields: dict[str, Any], hours: list[int], codes: list[str]
) -> None:
    left = timezone.now()
    replies = [RecipientPlan(unit=world.owner_unit, can_receive_at=left + h * HOUR) for h in hours]
    warnings = checks.before_discharge(_stay(**fields), replies, left)
    assert [w.code for w in warnings] == codes
    if codes and codes[0] == checks.LATER_RECEPTION:
        assert world.owner_unit.name in warnings[0].message


GAVLEBORG = DEFAULT_RULE_SETS["gavleborg"]
NORRBOTTEN = DEFAULT_RULE_SETS["norrbotten"]
# (source, rules, expected discharge date, the working day to plan by)
HOLIDAYS: list[tuple[str, RuleSet, dt.date, dt.date | None]] = [
    (SVU_12_HOLIDAYS, GAVLEBORG, dt.date(2028, 3, 4), dt.date(2028, 3, 3)),  # Saturday
    (SVU_12_HOLIDAYS, GAVLEBORG, dt.date(2028, 3, 5), dt.date(2028, 3, 3)),  # Sunday
    (SVU_12_HOLIDAYS, GAVLEBORG, dt.date(2028, 3, 6), None),  # Monday: a working day
    (SVU_12_HOLIDAYS, GAVLEBORG, dt.date(2028, 4, 17), dt.date(2028, 4, 13)),  # Easter Monday
    (SVU_12_HOLIDAYS, GAVLEBORG, dt.date(2028, 6, 23), dt.date(2028, 6, 22)),  # Midsummer Eve
    (SVU_12_HOLIDAYS, GAVLEBORG, dt.date(2028, 12, 26), dt.date(2028, 12, 22)),  # Boxing Day
    (
        SVU_12_HOLIDAYS,
        GAVLEBORG,
        dt.date(2029, 1, 1),
        dt.date(2028, 12, 29),
    ),  # after New Year's Eve
    # Norrbotten: "Det gäller årets alla dagar" (seed 001 lines 837-841), no such rule.
    ("001_118551e475ece215.txt:837-841", NORRBOTTEN, dt.date(2028, 3, 4), None),
]


@pytest.mark.parametrize(("source", "rules", "expected", "by"), HOLIDAYS)
def test_weekend_and_red_day_discharges_are_planned_the_working_day_before(
    source: str, rules: RuleSet, expected: dt.date, by: dt.date | None
) -> None:
    assert checks.plan_by(expected, rules) == by
    warnings = checks.holiday_planning(Stay(expected_discharge_on=expected), rules)
    assert [w.code for w in warnings] == ([checks.PLAN_BEFORE_HOLIDAY] if by else [])
    if by:
        assert f"{by:%Y-%m-%d}" in warnings[0].message


def test_the_rule_is_gavleborgs_only_by_default() -> None:
    assert {code for code, r in DEFAULT_RULE_SETS.items() if r.plan_holiday_discharges_before} == {
        "gavleborg"
    }


@pytest.fixture
def ready(world: World, nurse: User, sent: Case) -> Case:
    """Ready for discharge, primary care (alice) has not named a care contact, and bob's unit
    replied it can receive the patient only in three hours."""
    notices_acts.send_ready_notice(
        ward(world, nurse), sent.pk, version(sent), ready_data(sent, self_care_certificate=True)
    )
    svu_collaboration_acts.reply_to_ready(
        world.actor(world.bob), sent.pk, timezone.now() + 3 * HOUR, "Hemtjänst morgon och kväll."
    )
    return sent


@pytest.mark.parametrize(
    ("given", "flagged"),
    [(None, True), (False, False), (True, True)],  # None: as proposed
)
def test_the_discharge_notice_takes_the_proposed_flag_unless_given(
    world: World, nurse: User, ready: Case, given: bool | None, flagged: bool
) -> None:
    notice = notices_acts.send_discharge_notice(
        ward(world, nurse), ready.pk, version(ready), timezone.now(), given
    )
    assert notice is not None and notice.stay_notice.self_discharge is flagged
    event = ready.events.get(kind="discharge_notice_sent")
    assert event.data["warnings"] == [checks.LATER_RECEPTION, checks.NO_CARE_CONTACT]


def test_no_flag_is_proposed_once_the_interventions_are_in_place(
    world: World, nurse: User, ready: Case
) -> None:
    svu_collaboration_acts.designate_care_contact(
        world.actor(world.alice),
        ready.pk,
        version(ready),
        {"care_contact_name": "Karin Holm", "care_contact_phone": "0920-45 67 00"},
    )
    # bob's unit can receive the patient from before the time the patient leaves
    RecipientPlan.objects.filter(stay_id=ready.pk).update(can_receive_at=timezone.now() - HOUR)
    notice = notices_acts.send_discharge_notice(
        ward(world, nurse), ready.pk, version(ready), timezone.now(), None
    )
    assert notice is not None and notice.stay_notice.self_discharge is False
    assert ready.events.get(kind="discharge_notice_sent").data["warnings"] == []


def test_the_stay_page_warns_and_proposes_the_flag(
    world: World, nurse: User, ready: Case, login: Any
) -> None:
    world.county.rules = GAVLEBORG.to_json()
    world.county.save()
    saturday = timezone.localdate() + dt.timedelta(days=(5 - timezone.localdate().weekday()) % 7)
    Stay.objects.filter(pk=ready.pk).update(expected_discharge_on=saturday)
    page = login(nurse, world.ward).get(reverse("discharge:stay", args=[ready.pk])).content
    html = page.decode()
    assert 'data-warning="later_reception"' in html and 'data-warning="no_care_contact"' in html
    assert "kan ta emot patienten först från" in html
    assert re.search(r'name="self_discharge"[^>]*\bchecked', html)  # proposed, not typed
    assert 'data-warning="plan_before_holiday"' in html
    by = checks.plan_by(saturday, GAVLEBORG)
    assert by is not None and f"senast {by:%Y-%m-%d}" in html


def test_the_api_gives_the_warnings_and_takes_the_proposal(
    client: Client, world: World, nurse: User, ready: Case
) -> None:
    headers = bearer(nurse)
    stay = client.get(f"/api/v1/stays/{ready.pk}", **headers).json()
    assert [w["code"] for w in stay["warnings"]] == [
        checks.LATER_RECEPTION,
        checks.NO_CARE_CONTACT,
    ]
    assert stay["self_discharge_proposed"] is True
    done = client.post(
        f"/api/v1/stays/{ready.pk}/discharge-notice",
        json.dumps({"version": stay["version"], "discharged_at": timezone.now().isoformat()}),
        content_type="application/json",
        **headers,
    )
    assert done.status_code == 200, done.content
    assert done.json()["notices"][-1]["self_discharge"] is True
    assert done.json()["warnings"] == []  # closed: nothing left to warn about


def test_the_discharge_information_lists_the_documents_for_going_home(
    client: Client, world: World, nurse: User, ready: Case, login: Any
) -> None:
    """Seed 001 lines 824-826: "uppdaterad läkemedelslista och vid behov ... egenvårdsintyg"."""
    info = information.discharge_information(ward(world, nurse), ready.pk)
    assert info.documents == ("medication_list", "self_care_certificate")
    Stay.objects.filter(pk=ready.pk).update(self_care_certificate=False)
    info = information.discharge_information(ward(world, nurse), ready.pk)
    assert info.documents == ("medication_list",)
    Stay.objects.filter(pk=ready.pk).update(self_care_certificate=True)
    api = client.get(f"/api/v1/stays/{ready.pk}/discharge-information", **bearer(nurse))
    assert api.json()["documents"] == ["medication_list", "self_care_certificate"]
    web = login(nurse, world.ward)
    page = web.get(reverse("discharge:information", args=[ready.pk])).content.decode()
    assert "Uppdaterad läkemedelslista" in page and "Egenvårdsintyg" in page
    pdf = web.get(reverse("documents:discharge-information", args=[ready.pk])).content
    text = text_of(pdf)
    assert "Dokument du får med dig hem" in text and "Uppdaterad läkemedelslista" in text
    assert "Egenvårdsintyg" in text
