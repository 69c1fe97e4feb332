"""What the benchmark scripts share: a logged-in test client and the measurement of one URL.

Imported by a script after it has set up Django (``DJANGO_SETTINGS_MODULE``, ``django.setup()``).
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from samordna.accounts import otp
from samordna.accounts.middleware import SESSION_KEY
from samordna.organisations.models import Unit, User


def client_for(username: str, unit: Unit) -> Client:
    """A client logged in as ``username`` working for ``unit``."""
    client = Client()
    client.force_login(User.objects.get(username=username))
    session = client.session
    session[SESSION_KEY] = unit.pk
    session[otp.STATE_KEY] = otp.DONE  # a whole login: the second factor given where needed
    session.save()
    return client


def measure(client: Client, url: str, repeat: int) -> tuple[float, float, int]:
    """Median and 95th percentile in ms over ``repeat`` requests, and the SQL queries of one."""
    client.get(url)  # warm up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], len(queries)


NOTICE_KINDS = ("needs_assessment", "municipal_health_care", "primary_care")


def stay_for_notice(actor: Any, identity_number: str) -> tuple[Any, list[str] | None]:
    """A stay registered through the act for this individual, admitted two hours ago, and the
    codes of one unit of each recipient kind from its default addressing (a municipality may
    have several units of one kind), or None when the addressing lacks a kind."""
    from django.utils import timezone

    from samordna.discharge.services import notices, stays

    now = timezone.now()
    case = stays.register_stay(
        actor,
        identity_number,
        {
            "admitted_at": now - dt.timedelta(hours=2),
            "cause": "Höftfraktur",
            "treating_physician": "Erik Berg",
            "needs_assessed_at": now - dt.timedelta(hours=1),
            "consent_to_transfer": True,
            "only_social_services": False,
            "expected_discharge_on": (now + dt.timedelta(days=7)).date(),
        },
    )
    first: dict[str, str] = {}
    for unit in notices.default_recipients(case.person):
        if unit.kind in NOTICE_KINDS:
            first.setdefault(unit.kind, unit.code)
    return case, list(first.values()) if len(first) == len(NOTICE_KINDS) else None
