"""Durability under kill -9 (issue 16 item 4): two web processes (`samordna serve`) and two
workers (`samordna worker`) on a scratch PostgreSQL database, a bounded write load through the
API, SIGKILL of web and worker processes at seeded random moments (each restarted), and then
the proof: every act that got a 2xx is stored whole, none is half done, no notice delivery or
digest mail is sent twice or lost, every webhook event arrives, and the workers' jobs resumed.

Run it with `scripts/reliability` (options: --help). Mail goes over SMTP to a real receiver on
127.0.0.1 (aiosmtpd, tests/smtp_receiver.py), which counts every accepted message by its
Message-ID. Two webhook subscriptions (the municipality's and the health centre's unit, every
event type) post to real HTTP receivers on 127.0.0.1 (tests/webhooks/receiver.py), which verify
each signature with the ``standardwebhooks`` reference library and de-duplicate on
``webhook-id``, as an integrating system must.

The guarantee for webhooks is at-least-once with a stable ``webhook-id``: each event of a
committed act is delivered to each subscription that sees the case; a kill after the receiver
stored a request and before the worker recorded it repeats that request with the same id, which
the receiver drops. The proof: no event lost (every outbox delivery sent and received, every
event of each acknowledged act among them), none under two ids (one id per timeline event and
subscription), none from nowhere, in order per case; repetitions are counted and printed.

Besides the random kills, the run puts in two exact faults once each, both workers SIGKILLed
at the moment: the mail server holds a digest without answering (the outside test's fault:
between claim and send), before the load; and a webhook receiver stores a request and holds its
answer (between post and finish), early in the load.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import hashlib
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
from zoneinfo import ZoneInfo

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.smtp_receiver import SmtpReceiver, free_port  # noqa: E402
from tests.webhooks.receiver import Receiver, running  # noqa: E402

SAMORDNA = str(Path(sys.executable).with_name("samordna"))


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--seconds", type=float, default=45, help="length of the load (default 45)")
    p.add_argument("--clients", type=int, default=4, help="concurrent API clients (default 4)")
    p.add_argument("--seed", type=int, default=1, help="seed of the kills and the load")
    p.add_argument(
        "--database",
        default=os.environ.get(
            "SAMORDNA_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/samordna"
        ),
        help="a PostgreSQL URL; its server gets a scratch database <its name>_reliability",
    )
    return p.parse_args()


args = parse()
SCRATCH_NAME = args.database.rsplit("/", 1)[1].split("?")[0] + "_reliability"
SCRATCH = args.database.rsplit("/", 1)[0] + "/" + SCRATCH_NAME
DATA = Path(tempfile.mkdtemp(prefix="samordna-reliability-"))
SMTP_PORT = free_port()
ENV = os.environ | {
    "DATABASE_URL": SCRATCH,
    "SAMORDNA_DATA_DIR": str(DATA),
    "SAMORDNA_SMTP_HOST": "127.0.0.1",
    "SAMORDNA_SMTP_PORT": str(SMTP_PORT),
    # A dead worker's digests are taken over after this long (production: 10 minutes).
    "SAMORDNA_DIGEST_LEASE_SECONDS": "4",
    # Webhooks every second; a dead worker's claim of 2 runs out after 1 + 2 x (0.5 + 2 + 2)
    # = 10 s (production: 3 s connect, 10 s read, 30 s margin, 20 a claim: up to 330 s).
    "SAMORDNA_WORKER_FREQUENT_SECONDS": "1",
    "SAMORDNA_WEBHOOK_CONNECT_TIMEOUT": "0.5",
    "SAMORDNA_WEBHOOK_READ_TIMEOUT": "2",
    "SAMORDNA_WEBHOOK_LEASE_MARGIN_SECONDS": "1",
    "SAMORDNA_WEBHOOK_BATCH": "2",
    "SAMORDNA_REQUEST_LOG": "0",
    "DJANGO_SETTINGS_MODULE": "samordna.settings",
}
os.environ.update(ENV)


# The migrated demo county is kept as a template database beside the scratch one, named by a
# digest of what built it (every migration, the demo's code, today's date: the demo's dates
# are relative to it); a run whose template is current copies it (a second) instead of
# migrating and loading again (tens of seconds on a busy machine).
TEMPLATE_NAME = SCRATCH_NAME + "_template"


def template_key() -> str:
    h = hashlib.sha256()
    source = ROOT / "src" / "samordna"
    demo = [source / "organisations" / "demo.py"]
    demo.append(source / "organisations" / "management" / "commands" / "load_demo.py")
    for f in sorted(source.glob("*/migrations/*.py")) + demo:
        h.update(f.relative_to(ROOT).as_posix().encode() + b"\0" + f.read_bytes())
    h.update(dt.datetime.now(ZoneInfo("Europe/Stockholm")).date().isoformat().encode())
    return h.hexdigest()[:20]


KEY = template_key()


def admin_connection() -> Any:
    import psycopg

    return psycopg.connect(args.database.rsplit("/", 1)[0] + "/postgres", autocommit=True)


def fresh_database() -> bool:
    """A new scratch database: a copy of the template when it is current (True)."""
    with admin_connection() as c:
        c.execute(f"DROP DATABASE IF EXISTS {SCRATCH_NAME} WITH (FORCE)")
        row = c.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [TEMPLATE_NAME],
        ).fetchone()
        if row and row[0] == KEY:
            c.execute(f"CREATE DATABASE {SCRATCH_NAME} TEMPLATE {TEMPLATE_NAME}")
            return True
        c.execute(f"CREATE DATABASE {SCRATCH_NAME}")
        return False


def keep_as_template() -> None:
    """The scratch database just migrated and loaded becomes the next runs' template."""
    with admin_connection() as c:
        c.execute(f"DROP DATABASE IF EXISTS {TEMPLATE_NAME} WITH (FORCE)")
        c.execute(f"CREATE DATABASE {TEMPLATE_NAME} TEMPLATE {SCRATCH_NAME}")
        c.execute(f"COMMENT ON DATABASE {TEMPLATE_NAME} IS '{KEY}'")


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

    def terminate(self) -> None:
        if self.popen and self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)

    def stop(self) -> None:
        if self.popen and self.popen.poll() is None:
            self.terminate()
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


started = time.monotonic()
FROM_TEMPLATE = fresh_database()
import django  # noqa: E402

django.setup()
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.utils import timezone  # noqa: E402

from samordna import server  # noqa: E402
from samordna.api.models import ApiToken  # noqa: E402
from samordna.cases.models import Case, Delivery, Event, Notice  # noqa: E402
from samordna.discharge.models import Stay  # noqa: E402
from samordna.notifications import digest  # noqa: E402
from samordna.notifications.models import Digest, DigestState  # noqa: E402
from samordna.operations.models import WorkerHeartbeat  # noqa: E402
from samordna.organisations.models import County, Unit, User  # noqa: E402
from samordna.people.models import Person  # noqa: E402
from samordna.sip.models import Coordinator, SipCase  # noqa: E402
from samordna.webhooks.models import EventType, OutboxDelivery, Subscription  # noqa: E402

# The static files are collected while the database is migrated and the demo county loaded
# (or copied from the template).
static = threading.Thread(target=server.collect_static)
static.start()
if not FROM_TEMPLATE:
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    connections.close_all()
    keep_as_template()
built = time.monotonic()
static.join()
for w in WEBS:  # importing Django takes them seconds: meanwhile the rest is set up
    w.start()
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
# The systems that listen: one subscription at each receiving unit, every event type; their
# URLs are set once the receivers run (main).
SUBSCRIPTIONS = {
    unit: Subscription.objects.create(
        name=f"Reliability {unit}",
        unit=Unit.objects.get(code=unit),
        url="http://placeholder.invalid/",
        event_types=[t.value for t in EventType],
    )
    for unit in ("lulea-bistand", "hc-hertson")
}
connections.close_all()
how = "copied from its template" if FROM_TEMPLATE else "migrated, demo county loaded"
print(
    f"== scratch county ready in {time.monotonic() - started:.0f} s ({how} in"
    f" {built - started:.0f} s, the static files collected meanwhile; {SCRATCH})",
    flush=True,
)


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
# The random kills and the exact faults take turns: one restarts what it killed before the
# other kills again.
KILLING = threading.Lock()


def killer(until: float, stop: threading.Event) -> None:
    rng = random.Random(f"{args.seed}-kills")
    processes = WEBS + WORKERS
    while time.monotonic() < until and not stop.is_set():
        stop.wait(rng.uniform(0.5, 2.5))
        with KILLING:
            victim = rng.choice(processes)
            victim.kill()
            FAULTS[f"SIGKILL {victim.name[:-1]}"] += 1
            stop.wait(rng.uniform(0.2, 1.5))
            victim.start()


def kill_between_claim_and_send(receiver: SmtpReceiver) -> None:
    """The outside test's fault: the mail server holds a digest, so a worker has claimed it and
    is inside send; both workers die then. The receiver stalls from before the workers start,
    so their first round's digests (the current minute's reading time) are held."""
    if not receiver.held.wait(timeout=90):
        raise SystemExit("no worker reached the mail server within 90 s")
    pending = Digest.objects.filter(state=DigestState.PENDING).count()
    connections.close_all()
    for w in WORKERS:
        w.kill()
    receiver.release()
    FAULTS["SIGKILL both workers between claim and send"] += 1
    print(
        f"== both workers killed while a digest was held ({pending} claimed, not sent)", flush=True
    )
    for w in WORKERS:
        w.start()


def kill_between_post_and_finish(hooks: dict[str, Receiver], stop: threading.Event) -> None:
    """The webhook's fault: a receiver stores a request and holds its answer, so a worker has
    posted and not yet recorded it; both workers die then. The delivery stays pending under
    the dead worker's lease and is posted again, with the same webhook-id, once it runs out."""
    hook = hooks["lulea-bistand"]
    hook.stall()
    while not hook.held.wait(timeout=0.2):
        if stop.is_set():
            hook.release()
            print("== no webhook reached the receiver during the load", flush=True)
            return
    with KILLING:
        for w in WORKERS:
            w.kill()
        hook.release()
        FAULTS["SIGKILL both workers between webhook post and finish"] += 1
        for w in WORKERS:
            w.start()
    print("== both workers killed while a webhook's answer was held", flush=True)


# -- the proof ---------------------------------------------------------------------------------


# The webhooks each acknowledged act must have produced: timeline kind on the act's case, and
# the subscriptions (by unit) that see the case then. The stay's recipients take part from the
# admission notice on; a SIP is seen by its coordinator's unit (the opener's).
EXPECTED_EVENTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "send notice": ("admission_notice_sent", ("lulea-bistand", "hc-hertson")),
    "acknowledge": ("notice_acknowledged", ("lulea-bistand", "hc-hertson")),
    "open SIP": ("opened", ("hc-hertson",)),
    "send message": ("message_sent", ("lulea-bistand", "hc-hertson")),
}


def act_case(kind: str, act: dict[str, Any]) -> int:
    return int(act["body"]["case"] if kind == "send message" else act["answer"]["id"])


def verify_webhooks(hooks: dict[str, Receiver], problems: list[str]) -> dict[str, int]:
    """At least once with a stable webhook-id, checked as each receiver saw it."""
    figures: Counter[str] = Counter()
    for unit, hook in hooks.items():
        sub = SUBSCRIPTIONS[unit]
        rows = list(
            OutboxDelivery.objects.filter(subscription=sub)
            .order_by("pk")
            .values_list("state", "case_id", "event__message_id", "event__timeline_event_id")
        )
        ids = {m for _, _, m, _ in rows}
        figures["events"] += len(rows)
        figures["received"] += len(hook.order)
        figures["requests"] += len(hook.arrivals)
        figures["repeated"] += len(hook.arrivals) - len(hook.order)
        figures["bad signatures"] += hook.bad_signatures
        lost = [m for state, _, m, _ in rows if state != "sent" or m not in hook.events]
        strangers = [m for m in hook.order if m not in ids]
        by_event: dict[Any, set[str]] = {}
        for m in hook.order:
            data = hook.events[m]["data"]
            key = data.get("timeline_event_id") or ("overdue", data.get("delivery_id"))
            by_event.setdefault(key, set()).add(m)
        two_ids = [k for k, ms in by_event.items() if len(ms) > 1]
        # In order per case: the receiver first stored a case's events in the outbox's order.
        out_of_order = 0
        for case in {c for _, c, _, _ in rows}:
            want = [m for _, c, m, _ in rows if c == case]
            got = [m for m in hook.order if hook.events[m]["data"]["case_id"] == case]
            out_of_order += got != want
        figures["lost"] += len(lost)
        figures["under two ids"] += len(two_ids)
        figures["strangers"] += len(strangers)
        figures["out of order"] += out_of_order
        problems += [f"webhook lost ({unit}): {m}" for m in lost[:5]]
        problems += [f"webhook under two ids ({unit}): {sorted(by_event[k])}" for k in two_ids]
        problems += [f"webhook not in the outbox ({unit}): {m}" for m in strangers]
        if out_of_order:
            problems.append(f"webhooks out of order ({unit}): {out_of_order} cases")
        if hook.bad_signatures:
            problems.append(f"webhook bad signatures ({unit}): {hook.bad_signatures}")
        # Every event of every acknowledged act is among those received.
        received_events = {hook.events[m]["data"].get("timeline_event_id") for m in hook.order}
        for kind, act in LEDGER.acts:
            if kind not in EXPECTED_EVENTS or unit not in EXPECTED_EVENTS[kind][1]:
                continue
            case = act_case(kind, act)
            events = set(
                Event.objects.filter(case_id=case, kind=EXPECTED_EVENTS[kind][0]).values_list(
                    "pk", flat=True
                )
            )
            figures["expected"] += 1
            if not events or not events & received_events:
                figures["lost"] += 1
                problems.append(f"webhook of an acknowledged act lost ({unit}): {kind} {case}")
    return dict(figures)


def verify(receiver: SmtpReceiver, hooks: dict[str, Receiver]) -> int:
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
    hooked = verify_webhooks(hooks, problems)
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
    print(
        f"== webhooks (at least once, de-duplicated on webhook-id): {hooked['events']} outbox"
        f" deliveries to 2 subscriptions, {hooked['requests']} requests, {hooked['received']}"
        f" distinct ids received, repeated with the same id (dropped by the receiver):"
        f" {hooked['repeated']}, of acknowledged acts expected {hooked['expected']},"
        f" lost: {hooked['lost']}, under two ids: {hooked['under two ids']}, not in the outbox:"
        f" {hooked['strangers']}, cases out of order: {hooked['out of order']}, bad signatures:"
        f" {hooked['bad signatures']}"
    )
    lost = acked - sum(found.values())
    print(
        f"== reliability: acts sent {acts_sent}, acknowledged {acked}, found {sum(found.values())},"
        f" duplicates {twice + admissions_twice + len(mail_twice) + hooked['under two ids']},"
        f" lost {lost + len(mail_lost) + len(owed) + hooked['lost']}, half done {half},"
        f" jobs resumed: {'yes' if resumed else 'no'}"
    )
    for p in problems[:20]:
        print("   " + p)
    return len(problems)


def main() -> int:
    phases: dict[str, float] = {}
    mark = time.monotonic()

    def phase(name: str) -> None:
        nonlocal mark
        phases[name] = time.monotonic() - mark
        mark = time.monotonic()

    hooks = {unit: Receiver(secret=sub.secret) for unit, sub in SUBSCRIPTIONS.items()}
    with (
        SmtpReceiver(SMTP_PORT) as receiver,
        running(hooks["lulea-bistand"]),
        running(hooks["hc-hertson"]),
    ):
        for unit, hook in hooks.items():
            Subscription.objects.filter(pk=SUBSCRIPTIONS[unit].pk).update(url=hook.url)
        connections.close_all()
        receiver.stall()  # the workers' first digests are held: the fault between claim and send
        for p in WORKERS:
            p.start()
        for w in WEBS:
            w.wait_ready()
        print(
            "== two web processes and two workers up; the fault between claim and send", flush=True
        )
        phase("processes up")
        kill_between_claim_and_send(receiver)
        phase("digest fault")
        print(
            f"== {args.clients} clients for {args.seconds:.0f} s,"
            f" random SIGKILLs (seed {args.seed}), the fault between webhook post and finish",
            flush=True,
        )
        until = time.monotonic() + args.seconds
        stop = threading.Event()
        threads = [threading.Thread(target=client, args=(n, until)) for n in range(args.clients)]
        kills = threading.Thread(target=killer, args=(until, stop))
        fault = threading.Thread(target=kill_between_post_and_finish, args=(hooks, stop))
        for t in [*threads, kills, fault]:
            t.start()
        for t in threads:
            t.join()
        stop.set()
        kills.join()
        fault.join()
        phase("load and kills")
        # Every process up again; the workers drain what is owed (digest and webhook leases run
        # out within 10 s). A webhook that failed (a receiver too slow under the load) waits its
        # 30 s backoff, so the bound is 60 s. No reading time comes after this minute's, so the
        # digests owed are this one's at most and the workers' clean stop (SIGTERM: the job
        # running finishes) leaves none half sent.
        for p in WEBS + WORKERS:
            if p.popen is None or p.popen.poll() is not None:
                p.start()
        last_slot = timezone.localtime().time().replace(second=0, microsecond=0)
        for county in County.objects.all():
            county.rules = dataclasses.replace(
                county.rule_set,
                reading_times=tuple(t for t in county.rule_set.reading_times if t <= last_slot),
            ).to_json()
            county.save()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            time.sleep(0.5)
            owed = Digest.objects.filter(state=DigestState.PENDING).count()
            owed += OutboxDelivery.objects.filter(state=OutboxDelivery.State.PENDING).count()
            connections.close_all()
            if not owed:
                break
        phase("recovery")
        # A heartbeat after the kills: the workers' whole rounds resumed.
        beat = timezone.now()
        while time.monotonic() < deadline + 10:
            last = WorkerHeartbeat.last_seen()
            connections.close_all()
            if last is not None and last > beat:
                break
            time.sleep(0.5)
        # The web processes have answered all they will (SIGKILL, as in the rounds); the workers
        # stop cleanly.
        for w in WEBS:
            w.kill()
        for w in WORKERS:
            w.terminate()
        for w in WORKERS:
            w.stop()
        phase("stop")
        problems = verify(receiver, hooks)
        phase("proof")
    print(
        f"== {time.monotonic() - started:.0f} s in all: "
        + ", ".join(f"{k} {v:.0f} s" for k, v in phases.items())
        + f"; logs in {DATA}"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
