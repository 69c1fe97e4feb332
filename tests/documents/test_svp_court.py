"""SIP-16: the coordinated care plan for ÖPT/ÖRV as attached to the application to the
administrative court, downloaded from the case page's link and the API and read back as text.

Seed 001_118551e475ece215.txt lines 1221-1227 ("Till ansökan ska det fogas en sådan samordnad
vårdplan"), 1250-1251 (established once documented), 1253-1255 (no other units: the plan is
still made and attached), 1240-1244 (the objection and what was shared despite it), 1261-1263
(how information is exchanged)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samordna.api.models import ApiToken
from samordna.audit.models import AccessLog
from samordna.cases.models import Case
from samordna.documents.pdf import day
from samordna.sip.models import SvpDetail
from samordna.sip.services import plan as plan_acts
from samordna.sip.services import svp as svp_acts
from tests.conftest import World
from tests.documents.pdfs import keep, text_of
from tests.sip.svp import chief, documented_svp, open_svp


@pytest.fixture
def svp(world: World) -> Case:
    return open_svp(world)


def pdf(client: Client, case: Case) -> bytes:
    response = client.get(reverse("documents:svp-court", args=[case.pk]))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    return response.content


def _details(
    world: World, case: Case, care_form: str = "opt", applies: dt.date | None = None
) -> None:
    version = SvpDetail.objects.get(case=case).version
    svp_acts.record_details(
        world.actor(chief(world)),
        case.pk,
        care_form,
        "Boendestödet ringer psykiatrin vid tecken på försämring.",
        applies,
        version,
    )


@pytest.mark.parametrize(
    ("care_form", "heading"),
    [
        ("opt", "Samordnad vårdplan vid öppen psykiatrisk tvångsvård (ÖPT)"),
        ("orv", "Samordnad vårdplan vid öppen rättspsykiatrisk vård (ÖRV)"),
    ],
)
def test_the_court_plan_names_the_form_the_patient_the_plan_and_the_exchange_routine(
    world: World, login: Callable[..., Client], svp: Case, care_form: str, heading: str
) -> None:
    """Lines 1226-1227 and 1261-1263."""
    applies = timezone.localdate() + dt.timedelta(days=90)
    _details(world, svp, care_form, applies)
    documented_svp(world, svp)
    content = pdf(login(chief(world)), svp)
    keep(f"svp-court-{care_form}", content)
    text = text_of(content)
    assert "Samordnad vårdplan – bilaga till ansökan till förvaltningsrätten" in text
    assert heading in text
    assert f"Patient {world.person.full_name}, {world.person.identity.formatted}" in text
    assert "Mål Att kunna bo kvar hemma och gå till affären själv." in text
    assert "Hemtjänst hjälper till med dusch Ansvarig Luleå biståndshandläggning" in text
    assert "Tar sitt insulin morgon och kväll Ansvarig Patienten" in text
    assert "Boendestödet ringer psykiatrin vid tecken på försämring." in text
    assert f"Ansökan om fortsatt vård ska göras senast {day(applies)}." in text
    assert "Patienten har inte motsatt sig informationsutbyte" in text
    assert "Inför ansökan om fortsatt ÖPT eller ÖRV följs den samordnade vårdplanen upp." in text
    assert "Inga insatser behövs från andra enheter" not in text
    assert AccessLog.objects.filter(
        user=chief(world), what="documents.svp_court.read", person=svp.person
    ).exists()


def test_the_objection_and_each_exchange_despite_it_are_in_the_court_plan(
    world: World, login: Callable[..., Client], svp: Case
) -> None:
    """Lines 1240-1244: respected, except what the planning needs, which is listed."""
    documented_svp(world, svp)
    dora = world.actor(chief(world))
    version = SvpDetail.objects.get(case=svp).version
    stated = timezone.now() - dt.timedelta(days=1)
    svp_acts.record_objection(
        dora, svp.pk, "Vill inte att kommunen får journaluppgifter.", stated, version
    )
    svp_acts.record_exchange(
        dora,
        svp.pk,
        None,
        "Försäkringskassan Luleå",
        "Planerad sysselsättning på dagverksamhet.",
        "Sjukpenningen behöver samordnas med sysselsättningen.",
        timezone.now() - dt.timedelta(hours=3),
    )
    text = text_of(pdf(login(chief(world)), svp))
    assert (
        f"Patienten motsätter sig informationsutbyte ({day(stated)}): Vill inte att kommunen"
        in text
    )
    assert "Invändningen respekteras." in text
    assert f"{day(timezone.now())}, till Försäkringskassan Luleå" in text
    assert "Uppgifter Planerad sysselsättning på dagverksamhet." in text
    assert "Skäl Sjukpenningen behöver samordnas med sysselsättningen." in text


def test_without_interventions_from_other_units_the_plan_is_still_attached(
    world: World, login: Callable[..., Client], svp: Case
) -> None:
    """Lines 1253-1255: "Om inga insatser behövs från andra instanser skall inget samråd ske,
    dock skall en samordnad vårdplan upprättas och bifogas ansökan"."""
    own = [
        plan_acts.ActionIn(
            "Depåinjektion var fjärde vecka", "unit", "health_care", unit=svp.owner_unit_id
        )
    ]
    documented_svp(world, svp, actions=own)
    text = text_of(pdf(login(chief(world)), svp))
    assert "Inga insatser behövs från andra enheter." in text
    assert "den samordnade vårdplanen är upprättad och bifogas ansökan" in text


def test_no_court_plan_before_the_plan_is_documented_nor_for_an_ordinary_sip(
    world: World, login: Callable[..., Client], svp: Case
) -> None:
    """Lines 1250-1251: the plan is established once the units have documented it."""
    url = reverse("documents:svp-court", args=[svp.pk])
    assert login(chief(world)).get(url).status_code == 404
    assert "Samordnad vårdplan" not in login(chief(world)).get(url).content.decode()
    documented_svp(world, svp)
    assert login(world.charlie).get(url).status_code == 404  # takes no part


def test_the_api_gives_the_same_pdf(world: World, client: Client, svp: Case) -> None:
    documented_svp(world, svp)
    dora = chief(world)
    _token, secret = ApiToken.issue("Journal", dora, svp.owner_unit)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    response = client.get(f"/api/v1/documents/sip/{svp.pk}/svp-court.pdf", **auth)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "bilaga till ansökan till förvaltningsrätten" in text_of(response.content)
    other = client.get(f"/api/v1/documents/sip/{world.case.pk}/svp-court.pdf", **auth)
    assert other.status_code == 404 and other.json()["code"] == "not_found"
