"""The access log in plain Swedish, every refusal once, every read once (issue 18 item 3)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from samordna.audit.models import AccessLog
from samordna.cases.models import Case
from tests.conftest import World
from tests.people.test_services import PROTECTED_ADULT
from tests.sip.conftest import sip
from tests.sip.test_meetings import consented

__all__ = ["consented", "sip"]  # fixtures used below
RESERVE = "19920918-R123"


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        (PROTECTED_ADULT, "Sökning på personnummer: nekad, skyddad identitet"),
        (RESERVE, "Sökning på personnummer: nekad, reservnummer"),
    ],
)
def test_a_refused_lookup_is_logged_once_in_plain_swedish(
    login: Any, world: World, number: str, shown: str
) -> None:
    before = AccessLog.objects.count()
    response = login(world.alice).get(reverse("people:search"), {"q": number})
    assert response.status_code == 400
    [entry] = AccessLog.objects.order_by("pk")[before:]
    assert entry.action == AccessLog.Action.REFUSE
    with translation.override("sv"):
        assert entry.what_display == shown
    assert number.replace("-", "")[2:] not in entry.what  # the number itself is never kept
    # The administrator's review shows the same words.
    review = login(world.admin).get(reverse("audit:review")).content.decode()
    assert shown.split(": ")[1] in review
    assert "protected_identity" not in review and "reserve_number" not in review


def test_a_failed_form_post_logs_the_one_read_it_did(
    login: Any, world: World, consented: Case
) -> None:
    """Before, a refused invitation logged "SIP-ärende läst" twice, a bad form on the case page
    up to four times, in the same second."""
    client = login(world.alice)
    before = AccessLog.objects.count()
    assert client.post(reverse("sip:invite", args=[consented.pk]), {}).status_code == 400
    reads = AccessLog.objects.order_by("pk")[before:]
    assert [(e.action, e.what) for e in reads] == [(AccessLog.Action.READ, "sip.read")]
    # A second request is a second read.
    client.get(reverse("sip:case", args=[consented.pk]))
    assert AccessLog.objects.filter(pk__gt=reads[0].pk, what="sip.read").count() == 1
