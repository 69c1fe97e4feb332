"""The chair's checklist "Det goda mötet" and outpatient SIP meetings on weekdays (issue 14 item
11, SPEC SIP-23 extending SIP-6 and SIP-8).

Seed 001_118551e475ece215.txt, appendix 1 "Det goda mötet" (lines 1637-1743, "Att leda
mötet"); lines 351-353: "Samordnad individuell planering i öppen hälso- och sjukvård och
socialtjänst sker vardagar måndag till fredag" — a warning, not a refusal.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samordna.cases.models import Case
from samordna.sip import checklist
from samordna.sip.models import Meeting, SipCase
from samordna.sip.services import meetings as meetings_acts
from tests.api.test_persons import bearer
from tests.conftest import World
from tests.sip.test_meetings import STOCKHOLM, give_consent, invite

# The seeds are in ../shared beside the repository (README); a helper's clone is one level deeper.
_REPO = Path(__file__).resolve().parents[2]
SEED = next(
    (
        d / "shared" / "seeds" / "001_118551e475ece215.txt"
        for d in (_REPO.parent, _REPO.parent.parent)
        if (d / "shared" / "seeds").is_dir()
    ),
    _REPO.parent / "shared" / "seeds" / "001_118551e475ece215.txt",
)


def test_the_checklist_is_the_routines_own_words() -> None:
    """Every point and question is in the appendix, in its order (whitespace aside)."""
    if not SEED.exists():
        pytest.skip("the seeds are beside the repository, not in it")
    text = " ".join(SEED.read_text(encoding="utf-8").split())
    at = text.index("Att leda mötet")
    for point in checklist.GOOD_MEETING:
        for part in (point.text, *point.questions):
            found = text.find(part, at)
            assert found != -1, part
            at = found
    assert len(checklist.GOOD_MEETING) == 11


def meeting_on(day: dt.date) -> Meeting:
    starts = dt.datetime.combine(day, dt.time(10), tzinfo=STOCKHOLM)
    return Meeting(purpose="establish", form="in_person", starts_at=starts, ends_at=starts)


@pytest.mark.parametrize(
    ("day", "sip_type", "warned"),
    [
        (dt.date(2027, 3, 3), SipCase.Type.OUTPATIENT, False),  # a Wednesday
        (dt.date(2027, 3, 6), SipCase.Type.OUTPATIENT, True),  # a Saturday
        (dt.date(2027, 3, 7), SipCase.Type.OUTPATIENT, True),  # a Sunday
        (dt.date(2027, 5, 6), SipCase.Type.OUTPATIENT, True),  # Ascension Day, a Thursday
        (dt.date(2027, 6, 25), SipCase.Type.OUTPATIENT, True),  # Midsummer Eve (BOX-2)
        (dt.date(2027, 3, 6), SipCase.Type.ACTOR_MEETING, True),
        # The weekday rule is the outpatient one: after discharge or for ÖPT/ÖRV, no warning.
        (dt.date(2027, 3, 6), SipCase.Type.AFTER_DISCHARGE, False),
        (dt.date(2027, 3, 6), SipCase.Type.SVP, False),
    ],
)
def test_outpatient_meetings_on_weekdays(day: dt.date, sip_type: str, warned: bool) -> None:
    assert meetings_acts.outside_weekdays(meeting_on(day), sip_type) is warned


def next_saturday() -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=(5 - today.weekday()) % 7 or 7)


def test_a_saturday_invitation_is_sent_with_a_warning(login: Any, world: World, sip: Case) -> None:
    give_consent(world, sip)
    client = login(world.alice)
    # The invitation form is folded on the case page and loaded from its own URL when opened.
    case_page = client.get(reverse("sip:case", args=[sip.pk])).content.decode()
    assert f'data-form="{reverse("sip:invite", args=[sip.pk])}"' in case_page
    assert 'name="purpose"' not in case_page
    page = client.get(reverse("sip:invite", args=[sip.pk])).content.decode()
    assert "Det goda mötet" in page and "Sammanfatta vad ni kommit överens om" in page
    assert 'name="purpose"' in page and "Sture Lundberg" in page
    fragment = client.get(reverse("sip:invite", args=[sip.pk]), headers={"HX-Request": "true"})
    assert 'name="purpose"' in fragment.content.decode()
    assert "<html" not in fragment.content.decode()  # the body only, for htmx
    assert "hålls vardagar, måndag till fredag" in page
    saturday = next_saturday()
    form = {
        "purpose": "establish",
        "form": "in_person",
        "date": saturday.isoformat(),
        "starts": "10:00",
        "ends": "11:00",
        "place": "Hertsöns hälsocentral",
        "consent_confirmed": "on",
        "individual": "on",
        "units": [str(world.participant_unit.pk)],
        "external-TOTAL_FORMS": "0",
        "external-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("sip:invite", args=[sip.pk]), form, follow=True)
    assert response.status_code == 200
    assert Meeting.objects.filter(case=sip).exists()  # sent: a warning, not a refusal
    assert "lördag, söndag eller helgdag" in response.content.decode()


def test_through_the_api(client: Client, world: World, sip: Case) -> None:
    give_consent(world, sip)
    auth = bearer(world, "alice")
    found = client.get("/api/v1/sip/good-meeting-checklist", **auth).json()
    assert [p["text"] for p in found["points"]] == [p.text for p in checklist.GOOD_MEETING]
    assert found["source"].startswith("001_118551e475ece215.txt")
    starts = dt.datetime.combine(next_saturday(), dt.time(10), tzinfo=STOCKHOLM)
    invite(world, sip, starts_at=starts, ends_at=starts + dt.timedelta(hours=1))
    meetings = client.get(f"/api/v1/sip/{sip.pk}/meetings", **auth).json()
    assert meetings[0]["outside_weekdays"] is True
    assert json.dumps(meetings)
    assert client.get("/api/v1/sip/good-meeting-checklist").status_code == 401
