"""Issue 16 item 4: a worker killed with SIGKILL between claiming a digest and sending it loses
no mail and sends none twice. The outside test's fault, put in for real: a worker process, a
real SMTP server on 127.0.0.1 that holds the first message without answering (so the worker is
inside ``send``, its claim committed), SIGKILL, then later workers."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from samordna.notifications import digest
from samordna.notifications.models import Digest, DigestState
from tests.conftest import World
from tests.notifications.test_digest import emails  # noqa: F401  # a fixture
from tests.overview.conftest import Day, at
from tests.smtp_receiver import SmtpReceiver

WORKER = """
import datetime as dt, sys
import django
django.setup()
import time_machine
from samordna.notifications import digest
moment = dt.datetime.fromisoformat(sys.argv[1])
with time_machine.travel(moment, tick=False):
    print(digest.run(moment), flush=True)
"""


def _environment(receiver: SmtpReceiver) -> dict[str, str]:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    if db["PASSWORD"]:
        url = url.replace("@", f":{db['PASSWORD']}@", 1)
    src = str(Path(digest.__file__).parents[2])
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "samordna.settings",
        "DATABASE_URL": url,
        "SAMORDNA_SMTP_HOST": "127.0.0.1",
        "SAMORDNA_SMTP_PORT": str(receiver.port),
        "SAMORDNA_DIGEST_LEASE_SECONDS": str(settings.DIGEST_LEASE_SECONDS),
        "PYTHONPATH": os.pathsep.join([src, str(Path(__file__).parents[2])]),
    }


def _worker(env: dict[str, str], moment: dt.datetime) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, moment.isoformat()],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )


def _sent(env: dict[str, str], moment: dt.datetime) -> int:
    process = _worker(env, moment)
    out, _ = process.communicate(timeout=120)
    assert process.returncode == 0
    return int(out.strip().splitlines()[-1])


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_between_claim_and_send_loses_no_digest(
    world: World,
    day: Day,
    emails: None,  # noqa: F811
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the worker processes need a database they can share: PostgreSQL")
    lease = dt.timedelta(seconds=settings.DIGEST_LEASE_SECONDS)
    with SmtpReceiver() as receiver:
        env = _environment(receiver)
        receiver.stall()
        doomed = _worker(env, at(23, 12, 1))
        try:
            assert receiver.held.wait(timeout=120), "the worker never reached the mail server"
            # Claimed and committed, not sent: exactly the moment of the outside test's loss.
            rows = list(Digest.objects.order_by("pk"))
            assert [r.state for r in rows] == [DigestState.PENDING] * 2
            assert all(r.lease_until == at(23, 12, 1) + lease for r in rows)
        finally:
            os.kill(doomed.pid, signal.SIGKILL)
            doomed.wait(timeout=30)
        assert doomed.returncode == -signal.SIGKILL
        receiver.release()
        assert receiver.messages == []

        # Within the lease the dead worker might still be sending: nobody else sends.
        assert _sent(env, at(23, 12, 2)) == 0
        assert receiver.messages == []
        # After it, the next run takes both over and sends each once, with its own Message-ID.
        assert _sent(env, at(23, 12, 1) + lease + dt.timedelta(minutes=1)) == 2
        assert receiver.ids() == {digest.message_id(r.pk): 1 for r in rows}
        assert sorted(m["to"][0] for m in receiver.messages) == [
            "alice@example.org",
            "bob@example.org",
        ]
        assert set(Digest.objects.values_list("state", "attempts")) == {(DigestState.SENT, 2)}
        # And never again for that reading time.
        assert _sent(env, at(23, 17)) == 0
        assert len(receiver.messages) == 2
