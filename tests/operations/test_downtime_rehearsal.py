"""OPS-2 / issue 16 item 6: the downtime routine rehearsed against a database that really goes
away. The test's database connection runs through a TCP proxy in front of PostgreSQL; stopping
the proxy resets the connections and refuses new ones, as a database host that goes down does.

The routine (seeds 000_106b8acbeb42519c.txt line 220 and 002_ca8314ba67d4fca6.txt line 74:
document on paper during downtime, register in the system when it is back): while the ward nurse
is logged in, the database goes; the downtime page and the blank paper forms still answer; the
admission notice is sent on paper at 10:15 and acknowledged on paper at 11:40; the database comes
back; both are after-registered at 13:05 and 13:10 through the ordinary forms, and the deadline
counts from the real times: the acknowledgement was due at 12:00 (seed 001_118551e475ece215.txt
lines 866-867), so it was in time, where counted from its registration it would be late.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse

from samordna.cases.models import Delivery, Notice
from samordna.core.deadlines import acknowledgement_due
from samordna.discharge.services import notices as notices_acts
from samordna.discharge.services import stays as stays_acts
from samordna.organisations.models import Unit, User
from tests.conftest import World
from tests.discharge.conftest import nurse, stay_data, ward
from tests.tcp_proxy import TcpProxy

STOCKHOLM = ZoneInfo("Europe/Stockholm")
__all__ = ["nurse"]  # a fixture


def at(clock: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"2027-03-01 {clock}").replace(tzinfo=STOCKHOLM)


@pytest.fixture
def through_proxy(transactional_db: None) -> Iterator[TcpProxy]:
    """This thread's connection to PostgreSQL, through a proxy that the test can stop."""
    if connection.vendor != "postgresql":
        pytest.skip("takes a PostgreSQL server away through a TCP proxy")
    db = connection.settings_dict
    proxy = TcpProxy(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
    proxy.start()
    real = (db["HOST"], db["PORT"])
    connection.close()
    db["HOST"], db["PORT"] = "127.0.0.1", str(proxy.port)
    try:
        yield proxy
    finally:
        proxy.stop()
        connection.close()
        db["HOST"], db["PORT"] = real


def test_the_downtime_routine_with_the_database_gone_and_back(
    world: World,
    nurse: User,
    login: Callable[[User, Unit | None], Client],
    through_proxy: TcpProxy,
) -> None:
    with time_machine.travel(at("09:00"), tick=False):
        case = stays_acts.register_stay(
            ward(world, nurse), world.person.identity_number, stay_data()
        )
        client = login(nurse, world.ward)
        assert client.get(reverse("discharge:stay", args=[case.pk])).status_code == 200
        assert connection.settings_dict["PORT"] == str(through_proxy.port)

    with time_machine.travel(at("10:00"), tick=False):
        through_proxy.stop()  # the database is gone; the nurse is still logged in
        assert client.get(reverse("health")).status_code == 503
        ready = client.get(reverse("health-ready"))
        assert (ready.status_code, ready.json()["database"]) == (503, "unreachable")
        assert client.get(reverse("health-live")).status_code == 200
        # The pages that need the database fail (an error page), so the fault is real ...
        broken = Client(raise_request_exception=False)
        broken.cookies = client.cookies
        assert broken.get(reverse("discharge:stay", args=[case.pk])).status_code == 500
        # ... and what the routine needs still answers, to the logged-in nurse.
        page = client.get(reverse("operations:downtime"))
        assert page.status_code == 200
        html = page.content.decode()
        assert reverse("documents:blank", args=["all"]) in html
        forms = client.get(reverse("documents:blank", args=["all"]))
        assert forms.status_code == 200
        assert forms["Content-Type"] == "application/pdf"
        assert forms.content.startswith(b"%PDF")

    # On paper: the ward sends the admission notice at 10:15 (by phone and fax, seed 000), and
    # the municipality acknowledges it at 11:40, both written on the blank forms.
    with time_machine.travel(at("13:00"), tick=False):
        through_proxy.start()  # the database is back
        # What the server does at the start of every request (Django's request_started
        # handler, which the test client leaves out): a connection broken by an error is
        # closed, and the next query opens a new one (CONN_HEALTH_CHECKS).
        close_old_connections()
        assert client.get(reverse("health")).status_code == 200

    with time_machine.travel(at("13:05"), tick=False):
        client = login(nurse, world.ward)  # the session timed out during the outage
        sent = client.post(
            reverse("discharge:admission", args=[case.pk]),
            {"recipients": [world.participant_unit.pk], "occurred_at": "2027-03-01T10:15"},
        )
        assert sent.status_code == 302
    notice = Notice.objects.get(case=case, kind=Notice.Kind.ADMISSION)
    assert (notice.sent_at, notice.registered_at) == (at("10:15"), at("13:05"))
    delivery = Delivery.objects.get(notice=notice, unit=world.participant_unit)
    # Due at the first reading time after the real time, 12:00 that day; counted from the
    # registration it would be 12:00 the next day.
    assert delivery.due_at == at("12:00")
    assert acknowledgement_due(at("13:05"), world.county.rule_set) == (
        at("12:00") + dt.timedelta(days=1)
    )

    with time_machine.travel(at("13:10"), tick=False):
        recipient = login(world.bob, world.participant_unit)
        acknowledged = recipient.post(
            reverse("discharge:ack", args=[case.pk, delivery.pk]),
            {"after_registration": "1", f"late{delivery.pk}-occurred_at": "2027-03-01T11:40"},
        )
        assert acknowledged.status_code == 302
        delivery.refresh_from_db()
        assert (delivery.acknowledged_at, delivery.acknowledgement_registered_at) == (
            at("11:40"),
            at("13:10"),
        )
        # In time by its real time; registered at 13:10 without one it would be late.
        assert notices_acts.delivery_status(delivery, at("13:10")) == "acknowledged"
        client = login(nurse, world.ward)
        page = client.get(reverse("discharge:stay", args=[case.pk])).content.decode()
        assert "2027-03-01 10:15" in page and "2027-03-01 11:40" in page
