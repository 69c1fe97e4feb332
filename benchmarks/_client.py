"""What the benchmark scripts share: a logged-in test client and the measurement of one URL.

Imported by a script after it has set up Django (``DJANGO_SETTINGS_MODULE``, ``django.setup()``).
"""

from __future__ import annotations

import statistics
import time

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
