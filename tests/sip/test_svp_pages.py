"""SIP-16 on the SIP case page and over the API: the SVP section, its three forms, the refusal of
a physician without the chief physician's assignment, the follow-up in the overview.

Seed 001_118551e475ece215.txt lines 1229-1244 (cited per test)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samordna.api.models import ApiToken
from samordna.cases.models import Case, Obligation
from samordna.organisations.models import Membership, User
from samordna.overview import services as overview
from samordna.overview.services import DEADLINE
from samordna.sip.models import NecessaryExchange, SvpDetail
from tests.conftest import World, make_user
from tests.sip.svp import chief, open_svp, psychiatry


@pytest.fixture
def svp(world: World) -> Case:
    return open_svp(world)


def page(client: Client, case: Case) -> str:
    response = client.get(reverse("sip:case", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_the_chief_physician_sets_the_application_date_and_the_follow_up_is_in_the_overview(
    world: World, login: Callable[..., Client], svp: Case
) -> None:
    """Lines 1229-1232: the follow-up before the application for continued care, a deadline
    on the case page and in the unit's overview."""
    client = login(chief(world))
    html = page(client, svp)
    assert "Samordnad vårdplan vid ÖPT/ÖRV" in html
    assert reverse("sip:svp-details", args=[svp.pk]) in html
    assert reverse("documents:svp-court", args=[svp.pk]) in html
    applies = timezone.localdate() + dt.timedelta(days=20)
    response = client.post(
        reverse("sip:svp-details", args=[svp.pk]),
        {
            "care_form": "orv",
            "exchange_routine": "Avstämning varje månad.",
            "extension_application_by": applies.isoformat(),
            "version": "1",
        },
    )
    assert response.status_code == 302
    html = page(client, svp)
    assert "Öppen rättspsykiatrisk vård (ÖRV)" in html
    assert "Följ upp den samordnade vårdplanen inför ansökan om fortsatt vård" in html
    items = overview.collect(world.actor(chief(world)), timezone.now(), DEADLINE)
    titles = [(i.title, i.case.pk) for i in items]
    assert ("Följ upp den samordnade vårdplanen inför ansökan om fortsatt vård", svp.pk) in titles
    # Saved again from the same form: someone else's change is not overwritten (SEC-4).
    stale = client.post(
        reverse("sip:svp-details", args=[svp.pk]),
        {"care_form": "opt", "version": "1"},
    )
    assert stale.status_code == 409
    assert SvpDetail.objects.get(case=svp).care_form == "orv"


def test_a_psychiatry_physician_without_the_assignment_is_refused_in_swedish(
    world: World, login: Callable[..., Client], svp: Case
) -> None:
    """Lines 1229-1230: "Det är även chefsöverläkaren eller specialist inom psykiatri med
    chefsöverläkaruppdrag som beslutar om förlängd ansökan"."""
    colleague = make_user("petra", psychiatry(world), Membership.Role.PHYSICIAN)
    client = login(colleague)
    html = page(client, svp)
    assert reverse("sip:svp-details", args=[svp.pk]) not in html  # no form offered
    response = client.post(
        reverse("sip:svp-details", args=[svp.pk]), {"care_form": "opt", "version": "1"}
    )
    assert response.status_code == 403
    assert "chefsöverläkaruppdrag" in response.content.decode()
    assert SvpDetail.objects.get(case=svp).version == 1
    assert not svp.obligations.filter(kind=Obligation.Kind.SVP_FOLLOW_UP).exists()


def test_the_objection_and_an_exchange_despite_it_from_the_page(
    world: World, login: Callable[..., Client], svp: Case
) -> None:
    """Lines 1240-1244: the objection, then what was shared, with whom and why."""
    client = login(chief(world))
    url = reverse("sip:svp-exchange", args=[svp.pk])
    assert url not in page(client, svp)  # nothing to share despite until an objection
    now = timezone.now()
    response = client.post(
        reverse("sip:svp-objection", args=[svp.pk]),
        {"objection": "Vill inte att kommunen får veta.", "objection_at": local(now), "version": 1},
    )
    assert response.status_code == 302
    html = page(client, svp)
    assert "Vill inte att kommunen får veta." in html and url in html
    bad = client.post(url, {"unit": "", "recipient": "", "what": "x", "why": "y",
                            "shared_at": local(now)})  # fmt: skip
    assert bad.status_code == 400
    assert "Välj en enhet eller ange vem uppgifterna lämnades till." in bad.content.decode()
    done = client.post(
        url,
        {
            "unit": world.participant_unit.pk,
            "what": "Behov av boendestöd.",
            "why": "Boendestödet ska planeras före ansökan.",
            "shared_at": local(now),
        },
    )
    assert done.status_code == 302
    html = page(client, svp)
    assert "Behov av boendestöd." in html and "Boendestödet ska planeras före ansökan." in html
    assert "Uppgifter lämnade för vårdplaneringen trots invändning" in html  # the timeline


def test_an_ordinary_sip_shows_no_svp_section(
    world: World, login: Callable[..., Client], sip: Case
) -> None:
    html = page(login(world.alice), sip)
    assert "Samordnad vårdplan vid ÖPT/ÖRV" not in html


# The API ----------------------------------------------------------------------------------------


def bearer(user: User, case: Case) -> dict[str, str]:
    _token, secret = ApiToken.issue("Journal", user, case.owner_unit)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def exchange(**values: Any) -> dict[str, Any]:
    body = {"recipient": "FK", "what": "x", "why": "y", "shared_at": "2026-11-30T10:00:00+01:00"}
    return body | values


def call(client: Client, method: str, url: str, body: dict[str, Any], auth: dict[str, str]) -> Any:
    return getattr(client, method)(url, json.dumps(body), "application/json", **auth)


def test_the_api_does_what_the_page_does(world: World, client: Client, svp: Case) -> None:
    """Lines 1229-1232 and 1240-1244 over REST (API-1)."""
    auth = bearer(chief(world), svp)
    base = f"/api/v1/sip/{svp.pk}/svp"
    read = client.get(base, **auth)
    assert read.status_code == 200 and read.json()["version"] == 1
    applies = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    put = call(client, "put", base, {"care_form": "opt", "extension_application_by": applies,
                                      "version": 1}, auth)  # fmt: skip
    assert put.status_code == 200, put.content
    assert put.json()["extension_application_by"] == applies
    stale = call(client, "put", base, {"care_form": "opt", "version": 1}, auth)
    assert stale.status_code == 409
    unit = world.participant_unit.code
    no_objection = call(client, "post", f"{base}/exchanges", exchange(unit=unit), auth)
    assert no_objection.status_code == 400 and no_objection.json()["code"] == "no_objection"
    objected = call(client, "post", f"{base}/objection", {"objection": "Nej.",
                    "stated_at": timezone.now().isoformat(), "version": 2}, auth)  # fmt: skip
    assert objected.status_code == 200 and objected.json()["objection"] == "Nej."
    made = call(client, "post", f"{base}/exchanges", {"recipient": "Försäkringskassan",
                "what": "Sysselsättning.", "why": "Samordning av ersättning.",
                "shared_at": timezone.now().isoformat()}, auth)  # fmt: skip
    assert made.status_code == 201 and made.json()["shared_with"] == "Försäkringskassan"
    assert client.get(base, **auth).json()["exchanges"][0]["why"] == "Samordning av ersättning."


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (exchange(what="a\x00"), 422),
        (exchange(what="x" * 4001), 422),
        (exchange(shared_at="2026-11-30T10:00:00"), 422),  # no time zone
        (exchange(shared_at=1764496800), 422),  # a number is no time
        (exchange(unit="finns-inte", recipient=""), 400),
    ],
)
def test_the_api_refuses_bad_exchanges_and_stores_nothing(
    world: World, client: Client, svp: Case, body: dict[str, Any], status: int
) -> None:
    """SEC-4: validated at the boundary."""
    auth = bearer(chief(world), svp)
    base = f"/api/v1/sip/{svp.pk}/svp"
    call(client, "post", f"{base}/objection", {"objection": "Nej.",
         "stated_at": timezone.now().isoformat(), "version": 1}, auth)  # fmt: skip
    response = call(client, "post", f"{base}/exchanges", body, auth)
    assert response.status_code == status, response.content
    assert not NecessaryExchange.objects.exists()
