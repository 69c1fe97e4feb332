"""Durability under kill -9 (issue 16 item 4): two web processes (`samordna serve`) and two
workers (`samordna worker`) on a scratch PostgreSQL database, a bounded write load through the
API, SIGKILL of web and worker processes at seeded random moments (each restarted), and then
the proof: every act that got a 2xx is stored whole, none is half done, no notice delivery or
digest mail is sent twice or lost, and the workers' jobs resumed.

Run it with `scripts/reliability` (options: --help). Mail goes over SMTP to a real receiver on
127.0.0.1 (aiosmtpd, tests/smtp_receiver.py), which counts every accepted message by its
Message-ID. Besides the random kills, the run puts in the outside test's fault once: the mail
server holds a digest without answering, so a worker is between claim and send, and both
workers are killed then.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import io
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.smtp_receiver import SmtpReceiver, free_port  # noqa: E402

SAMORDNA = str(Path(sys.executable).with_name("samordna"))


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--seconds", type=float, default=45, help="length of the load (default 45)")
    p.add_argument("--clients", type=int, default=4, help="concurrent API clients (default 4)")
    p.add_argument("--seed", type=int, default=1, help="seed of the kills and the load")
    p.add_argument(
        "--database",
        default=os.environ.get("SAMORDNA_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/x"),
        help="a PostgreSQL URL; its server gets a scratch database samordna_reliability",
    )
    return p.parse_args()


args = parse()
SCRATCH = args.database.rsplit("/", 1)[0] + "/samordna_reliability"
DATA = Path(tempfile.mkdtemp(prefix="samordna-reliability-"))
SMTP_PORT = free_port()
ENV = os.environ | {
    "DATABASE_URL": SCRATCH,
    "SAMORDNA_DATA_DIR": str(DATA),
    "SAMORDNA_SMTP_HOST": "127.0.0.1",
    "SAMORDNA_SMTP_PORT": str(SMTP_PORT),
    # A dead worker's digests are taken over after this long (production: 10 minutes).
    "SAMORDNA_DIGEST_LEASE_SECONDS": "4",
    "SAMORDNA_REQUEST_LOG": "0",
    "DJANGO_SETTINGS_MODULE": "samordna.settings",
}
os.environ.update(ENV)


def fresh_database() -> None:
    import psycopg

    admin = args.database.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute("DROP DATABASE IF EXISTS samordna_reliability WITH (FORCE)")
        c.execute("CREATE DATABASE samordna_reliability")


started = time.monotonic()
fresh_database()
import django  # noqa: E402

django.setup()
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.utils import timezone  # noqa: E402

from samordna import server  # noqa: E402
from samordna.api.models import ApiToken  # noqa: E402
from samordna.cases.models import Case, Delivery, Notice  # noqa: E402
from samordna.discharge.models import Stay  # noqa: E402
from samordna.notifications import digest  # noqa: E402
from samordna.notifications.models import Digest, DigestState  # noqa: E402
from samordna.operations.models import WorkerHeartbeat  # noqa: E402
from samordna.organisations.models import County, Unit, User  # noqa: E402
from samordna.people.models import Person  # noqa: E402
from samordna.sip.models import Coordinator, SipCase  # noqa: E402

call_command("migrate", interactive=False, verbosity=0)
migrated = time.monotonic()
call_command("load_demo", verbosity=0, stdout=io.StringIO())
loaded = time.monotonic()
# The county reads its notices every minute, so a digest is due each minute of the run.
for county in County.objects.all():
    every_minute = tuple(dt.time(h, m) for h in range(24) for m in range(60))
    county.rules = dataclasses.replace(county.rule_set, reading_times=every_minute).to_json()
    county.save()
TOKENS = {
    who: ApiToken.issue(
        f"reliability {who}", User.objects.get(username=who), Unit.objects.get(code=unit)
    )[1]
    for who, unit in [("anna", "sunderby-med5"), ("lena", "lulea-bistand"), ("karin", "hc-hertson")]
}
server.collect_static()
connections.close_all()
print(
    f"== scratch county ready in {time.monotonic() - started:.0f} s (migrations"
    f" {migrated - started:.0f} s, demo county {loaded - migrated:.0f} s, static files"
    f" {time.monotonic() - loaded:.0f} s; {SCRATCH})",
    flush=True,
)


# -- the processes ---------------------------------------------------------------------------


class Process:
    def __init__(self, name: str, command: list[str], port: int | None = None) -> None:
        self.name, self.command, self.port = name, command, port
        self.log = open(DATA / f"{name}.log", "ab")  # noqa: SIM115
        self.popen: subprocess.Popen[bytes] | None = None
        self.kills = 0

    def start(self) -> None:
        self.popen = subprocess.Popen(
            self.command, env=ENV, stdout=self.log, stderr=self.log, start_new_session=True
        )

    def kill(self) -> None:
        """SIGKILL the process and everything it started (gunicorn's workers), at once."""
        assert self.popen is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait()
        self.kills += 1

    def stop(self) -> None:
        if self.popen and self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait()

    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url() + "/health/live", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        raise SystemExit(f"{self.name} did not start; see {self.log.name}")


def web(n: int) -> Process:
    port = free_port()
    command = [SAMORDNA, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "2"]
    return Process(f"web{n}", command, port)


def worker(n: int) -> Process:
    return Process(f"worker{n}", [SAMORDNA, "worker", "--interval", "1"])


WEBS = [web(0), web(1)]
WORKERS = [worker(0), worker(1)]


# -- the load ----------------------------------------------------------------------------------


@dataclasses.dataclass
class Ledger:
    sent: Counter[str] = dataclasses.field(default_factory=Counter)
    acknowledged: Counter[str] = dataclasses.field(default_factory=Counter)
    unknown: Counter[str] = dataclasses.field(default_factory=Counter)  # no answer: killed
    refused: Counter[str] = dataclasses.field(default_factory=Counter)  # 4xx/5xx answers
    acts: list[tuple[str, dict[str, Any]]] = dataclasses.field(default_factory=list)
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)


LEDGER = Ledger()
NUMBERS: set[str] = set()


def identity_number(rng: random.Random) -> str:
    """A valid, unused Swedish identity number (Luhn), born 1930-1959."""
    while True:
        born = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(30 * 365))
        serial = f"{rng.randrange(1000):03d}"
        digits = born.strftime("%y%m%d") + serial
        total = 0
        for i, d in enumerate(digits):
            x = int(d) * (2 if i % 2 == 0 else 1)
            total += x - 9 if x > 9 else x
        number = f"{born:%Y%m%d}-{serial}{(10 - total % 10) % 10}"
        with LEDGER.lock:
            if number not in NUMBERS:
                NUMBERS.add(number.replace("-", ""))
                return number


class Unknown(Exception):
    """The request may have reached a server that died before it answered."""


def call(rng: random.Random, kind: str, who: str, path: str, body: dict[str, Any]) -> Any:
    """One act through the API of either web process. A refused connection never reached a
    server, so it is tried on the other (or again) for up to a minute; any other failure is an
    act of unknown outcome, and its chain stops there."""
    headers = {"Authorization": f"Bearer {TOKENS[who]}"}
    with LEDGER.lock:
        LEDGER.sent[kind] += 1
    deadline = time.monotonic() + 60
    order = rng.sample(WEBS, 2)
    attempt = 0
    while True:
        target = order[attempt % 2]
        attempt += 1
        try:
            answer = requests.post(target.url() + path, json=body, headers=headers, timeout=30)
        except requests.ConnectionError as e:
            refused = isinstance(getattr(e.args[0], "reason", None), ConnectionRefusedError) or (
                "Connection refused" in str(e)
            )
            if refused and time.monotonic() < deadline:
                time.sleep(0.1)
                continue
            with LEDGER.lock:
                LEDGER.unknown[kind] += 1
            raise Unknown from e
        except requests.RequestException as e:
            with LEDGER.lock:
                LEDGER.unknown[kind] += 1
            raise Unknown from e
        if 200 <= answer.status_code < 300:
            data = answer.json() if answer.content else {}
            with LEDGER.lock:
                LEDGER.acknowledged[kind] += 1
                LEDGER.acts.append((kind, {"body": body, "answer": data}))
            return data
        if answer.status_code >= 500 or answer.status_code == 502:
            with LEDGER.lock:
                LEDGER.unknown[kind] += 1
            raise Unknown(answer.status_code)
        with LEDGER.lock:
            LEDGER.refused[kind] += 1
        raise Unknown(f"{answer.status_code} {answer.text[:300]}")


def chain(rng: random.Random) -> None:
    """register, stay, admission notice, acknowledge, open SIP, send a message."""
    number = identity_number(rng)
    now = timezone.now()
    call(
        rng,
        "register",
        "anna",
        "/api/v1/persons",
        {
            "identity_number": number,
            "first_name": "Prov",
            "last_name": f"Tillförlitlig{rng.randrange(10**6)}",
            "municipality": "lulea",
            "listed_primary_care": "hc-hertson",
        },
    )
    stay = call(
        rng,
        "register stay",
        "anna",
        "/api/v1/stays",
        {
            "identity_number": number,
            "admitted_at": (now - dt.timedelta(hours=3)).isoformat(),
            "cause": "Fall i hemmet",
            "treating_physician": "Erik Berg",
            "consent_to_transfer": True,
            "expected_discharge_on": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
        },
    )
    path = f"/api/v1/stays/{stay['id']}"
    sent = call(
        rng,
        "send notice",
        "anna",
        path + "/admission-notice",
        {"recipients": ["lulea-bistand", "hc-hertson"]},
    )
    delivery = next(
        d["id"]
        for n in sent["notices"]
        if n["kind"] == "admission"
        for d in n["deliveries"]
        if d["unit"] == "lulea-bistand"
    )
    call(rng, "acknowledge", "lena", f"{path}/deliveries/{delivery}/acknowledge", {})
    call(
        rng,
        "open SIP",
        "karin",
        "/api/v1/sip",
        {"identity_number": number, "type": "after_discharge", "need_known_at": now.isoformat()},
    )
    call(
        rng,
        "send message",
        "karin",
        "/api/v1/messages",
        {
            "case": stay["id"],
            "recipients": [{"unit": "lulea-bistand"}],
            "subject": "Hemgång",
            "body": "Vi planerar hembesök efter utskrivning.",
        },
    )


def client(n: int, until: float) -> None:
    rng = random.Random(f"{args.seed}-client-{n}")
    while time.monotonic() < until:
        with contextlib.suppress(Unknown):  # counted in the ledger; the next chain starts
            chain(rng)


# -- the kills ---------------------------------------------------------------------------------

FAULTS: Counter[str] = Counter()


def killer(until: float, stop: threading.Event) -> None:
    rng = random.Random(f"{args.seed}-kills")
    processes = WEBS + WORKERS
    while time.monotonic() < until and not stop.is_set():
        stop.wait(rng.uniform(1.0, 4.0))
        victim = rng.choice(processes)
        victim.kill()
        FAULTS[f"SIGKILL {victim.name[:-1]}"] += 1
        stop.wait(rng.uniform(0.2, 2.0))
        victim.start()


def kill_between_claim_and_send(receiver: SmtpReceiver) -> None:
    """The outside test's fault: the mail server holds a digest, so a worker has claimed it and
    is inside send; both workers die then."""
    receiver.stall()
    if not receiver.held.wait(timeout=90):
        raise SystemExit("no worker reached the mail server within 90 s")
    pending = Digest.objects.filter(state=DigestState.PENDING).count()
    connections.close_all()
    for w in WORKERS:
        w.kill()
    receiver.release()
    FAULTS["SIGKILL both workers between claim and send"] += 1
    print(f"== both workers killed while a digest was held ({pending} claimed, not sent)")
    for w in WORKERS:
        w.start()


# -- the proof ---------------------------------------------------------------------------------


def verify(receiver: SmtpReceiver) -> int:
    """Prints the counts; returns the number of problems."""
    problems: list[str] = []
    found: Counter[str] = Counter()
    for kind, act in LEDGER.acts:
        body, answer = act["body"], act["answer"]
        ok = False
        if kind == "register":
            ok = Person.objects.filter(
                identity_number=body["identity_number"].replace("-", ""),
                last_name=body["last_name"],
            ).exists()
        elif kind == "register stay":
            ok = Stay.objects.filter(case_id=answer["id"], case__kind=Case.Kind.DISCHARGE).exists()
        elif kind == "send notice":
            notice = Notice.objects.filter(case_id=answer["id"], kind=Notice.Kind.ADMISSION)
            units = set(
                Delivery.objects.filter(notice__in=notice).values_list("unit__code", flat=True)
            )
            ok = notice.count() == 1 and units == {"lulea-bistand", "hc-hertson"}
        elif kind == "acknowledge":
            ok = Delivery.objects.filter(
                notice__case_id=int(act["answer"]["id"]),
                unit__code="lulea-bistand",
                acknowledged_at__isnull=False,
            ).exists()
        elif kind == "open SIP":
            case = answer["id"]
            ok = (
                SipCase.objects.filter(case_id=case).exists()
                and Coordinator.objects.filter(case_id=case, renounced_at__isnull=True).count() == 1
            )
        elif kind == "send message":
            ok = Notice.objects.filter(
                case_id=body["case"],
                kind=Notice.Kind.MESSAGE,
                deliveries__unit__code="lulea-bistand",
            ).exists()
        if ok:
            found[kind] += 1
        else:
            problems.append(f"lost: {kind} {answer.get('id')}")
    # Half done, over everything stored (unknown outcomes included): a notice without its
    # deliveries, a SIP without its detail or coordinator, a stay case without its stay.
    half = 0
    half += Notice.objects.filter(deliveries=None).count()
    half += Case.objects.filter(kind=Case.Kind.SIP, sip=None).count()
    half += (
        Case.objects.filter(kind=Case.Kind.SIP)
        .exclude(pk__in=Coordinator.objects.values("case_id"))
        .count()
    )
    half += Case.objects.filter(kind=Case.Kind.DISCHARGE, stay=None).count()
    if half:
        problems.append(f"half done: {half}")
    # Deliveries: one per notice and recipient unit (a database constraint, checked anyway).
    twice = (
        Delivery.objects.values("notice_id", "unit_id")
        .annotate(n=django.db.models.Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    admissions_twice = (
        Notice.objects.filter(kind=Notice.Kind.ADMISSION, case__person__identity_number__in=NUMBERS)
        .values("case_id")
        .annotate(n=django.db.models.Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    # Digests: each row sent arrived once by its Message-ID; none still owed; none from nowhere.
    received = receiver.ids()
    rows = {digest.message_id(pk): state for pk, state in Digest.objects.values_list("pk", "state")}
    sent_rows = [m for m, s in rows.items() if s == DigestState.SENT]
    mail_lost = [m for m in sent_rows if received[m] == 0]
    owed = [m for m, s in rows.items() if s == DigestState.PENDING]
    mail_twice = [m for m, n in received.items() if n > 1]
    strangers = [m for m in received if m not in rows]
    taken_over = Digest.objects.filter(attempts__gt=1).count()
    problems += [f"digest lost: {m}" for m in mail_lost + owed]
    problems += [f"digest twice: {m}" for m in mail_twice]
    problems += [f"digest not in the outbox: {m}" for m in strangers]
    if twice or admissions_twice:
        problems.append(f"sent twice: {twice} deliveries, {admissions_twice} admission notices")
    last_beat = WorkerHeartbeat.last_seen()
    resumed = last_beat is not None and timezone.now() - last_beat < dt.timedelta(seconds=30)
    if not resumed:
        problems.append("the workers did not resume")

    acts_sent = sum(LEDGER.sent.values())
    acked = sum(LEDGER.acknowledged.values())
    print("== per act: sent / acknowledged (2xx) / found / no answer (killed) / refused")
    for kind in LEDGER.sent:
        print(
            f"   {kind:14} {LEDGER.sent[kind]:5} {LEDGER.acknowledged[kind]:5} {found[kind]:5}"
            f" {LEDGER.unknown[kind]:5} {LEDGER.refused[kind]:5}"
        )
    print("== faults: " + ", ".join(f"{k}: {v}" for k, v in sorted(FAULTS.items())))
    print(
        f"== digests: {len(rows)} outbox rows, {len(sent_rows)} sent, {sum(received.values())}"
        f" received, taken over after a dead worker: {taken_over}, duplicates: {len(mail_twice)},"
        f" lost: {len(mail_lost) + len(owed)}"
    )
    lost = acked - sum(found.values())
    print(
        f"== reliability: acts sent {acts_sent}, acknowledged {acked}, found {sum(found.values())},"
        f" duplicates {twice + admissions_twice + len(mail_twice)},"
        f" lost {lost + len(mail_lost) + len(owed)}, half done {half},"
        f" jobs resumed: {'yes' if resumed else 'no'}"
    )
    for p in problems[:20]:
        print("   " + p)
    return len(problems)


def main() -> int:
    with SmtpReceiver(SMTP_PORT) as receiver:
        for p in WEBS + WORKERS:
            p.start()
        for w in WEBS:
            w.wait_ready()
        print(
            "== two web processes and two workers up; the fault between claim and send", flush=True
        )
        kill_between_claim_and_send(receiver)
        print(
            f"== {args.clients} clients for {args.seconds:.0f} s,"
            f" random SIGKILLs (seed {args.seed})",
            flush=True,
        )
        until = time.monotonic() + args.seconds
        stop = threading.Event()
        threads = [threading.Thread(target=client, args=(n, until)) for n in range(args.clients)]
        kills = threading.Thread(target=killer, args=(until, stop))
        for t in [*threads, kills]:
            t.start()
        for t in threads:
            t.join()
        stop.set()
        kills.join()
        # Every process up again; the workers drain what is owed (a lease is 4 s).
        for p in WEBS + WORKERS:
            if p.popen is None or p.popen.poll() is not None:
                p.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            time.sleep(1)
            owed = Digest.objects.filter(state=DigestState.PENDING).count()
            connections.close_all()
            if not owed:
                break
        time.sleep(2)
        for p in WEBS + WORKERS:
            p.stop()
        problems = verify(receiver)
    print(f"== {time.monotonic() - started:.0f} s in all; logs in {DATA}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
