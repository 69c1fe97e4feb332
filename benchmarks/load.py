"""Load benchmark: the production server under a mixed workload of many users at once (issue 11
item 6). Prints figures; asserts nothing.

Usage:  .venv/bin/pip install -e '.[bench]'
        .venv/bin/python benchmarks/load.py --cases 100000 [--workers 5] [--clients 16]
            [--duration 15] [--port 8711]

1. The county: PostgreSQL database ``samordna_load_<size>`` on 127.0.0.1:5432 (one per size, so
   it is reused): migrated, the demo county loaded and grown with ``generate_county`` to CASES
   generated cases when it has fewer (``LOAD_DB=name``: another database, e.g. a copy made with
   ``CREATE DATABASE name TEMPLATE samordna_load_100k`` to compare two checkouts on equal data).
2. The server, started as the README says (``samordna serve --bind --workers [--threads]``;
   plain gunicorn on a checkout whose ``serve`` has no ``--workers``), on 127.0.0.1 only, and
   stopped at the end.
3. The users: the demo staff, each working for one of their units, with a session stored in the
   database (as a login makes it) for the pages and an API token for the writes. Their targets
   are read from the database: SIP cases and stays their unit takes part in, message threads it
   is party to, deliveries it has to acknowledge; stays are registered (through the act) for the
   admission notices, and a plan draft is started in SIP cases for the plan writes.
4. The phases, each DURATION seconds except the first:
   - single requests, one at a time: the overview and the polled count for each demo role;
   - ``/health`` from CLIENTS concurrent clients: the server's own ceiling;
   - the mixed workload from CLIENTS concurrent clients, each request by a random user: 80 %
     reads (overview, counts, SIP case and stay pages, message threads), 15 % name search, 5 %
     writes through the API (acknowledge a delivery, send a message, send an admission notice
     to three units, add a sub-goal to a plan draft);
   - the writes alone, the four kinds in equal shares;
   - the admission notice to three units alone (issue 11's write target), from a pool of
     ``--admissions`` stays (mind that one phase may use most of it: raise it for long phases);
   - ``pgbench -S`` (select only) and ``pgbench -N`` (simple update) on a scratch database
     ``samordna_load_pgbench`` of the same PostgreSQL, with the ratio of each write to -N.
   For each kind of request: count, requests per second, p50/p95/p99 in ms and errors (an answer
   other than 2xx/3xx, a redirect to the login form, or no answer).

The load generator is one asyncio process (aiohttp), a few percent of a core at a few hundred
requests per second, so most of the machine is left to the server and PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"  # the only host this script ever talks to
PG = f"postgres://postgres@{HOST}:5432"
ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SIZES = {1_000: "1k", 10_000: "10k", 100_000: "100k", 1_000_000: "1m"}
# The demo staff and the unit each works for here (organisations/demo.py, county.json).
STAFF = [
    ("lena", "lulea-bistand"),
    ("karin", "hc-hertson"),
    ("anna", "sunderby-med5"),
    ("mats", "lulea-hsv"),
    ("hanna", "lulea-hemtjanst"),
    ("sara", "hc-ojebyn"),
    ("erik", "sunderby-ger"),
    ("maria", "pitea-med"),
    ("johan", "hc-ojebyn"),
    ("lars", "psyk-lulea"),
    ("peter", "pitea-bistand"),
    ("sofia", "boden-hsv"),
]
ROLES = ["lena", "karin", "anna", "mats", "hanna", "sara", "erik", "maria", "johan"]
PREFIXES = ["Berg", "Lind", "Nils", "Holm", "Lund", "Sand", "Isak", "Ek", "%C3%96ber"]
READS = {"overview": 20, "counts": 25, "sip case": 10, "stay": 10, "message thread": 15}
WRITES = {"w: acknowledge": 1.25, "w: message": 1.25, "w: admission": 1.25, "w: plan": 1.25}
MIX = {**READS, "search": 15, **WRITES}


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=1000, help="generated cases in the county")
    parser.add_argument("--workers", type=int, default=5, help="server worker processes")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients")
    parser.add_argument("--duration", type=float, default=15, help="seconds per phase")
    parser.add_argument("--threads", type=int, help="threads per worker (serve's default)")
    parser.add_argument("--port", type=int, default=8711)
    parser.add_argument("--repeat", type=int, default=7, help="single requests per role and page")
    parser.add_argument("--admissions", type=int, default=600, help="stays made for notices")
    parser.add_argument(
        "--notices-only",
        action="store_true",
        help="only the admission notices' phase and pgbench -N (to compare two changes quickly)",
    )
    return parser.parse_args()


args = parse()
NAME = os.environ.get("LOAD_DB") or f"samordna_load_{SIZES.get(args.cases, str(args.cases))}"
ENV = {
    **os.environ,
    "DATABASE_URL": f"{PG}/{NAME}",
    "DJANGO_SETTINGS_MODULE": "samordna.settings",
    "SAMORDNA_DATA_DIR": os.environ.get("SAMORDNA_DATA_DIR")
    or tempfile.mkdtemp(prefix="samordna-load-"),
    "SAMORDNA_ALLOWED_HOSTS": HOST,
    "SAMORDNA_SECRET_KEY": "load-benchmark-not-secret",
    "SAMORDNA_DEBUG": "",
}
os.environ.update(ENV)


def psql(sql: str, database: str = "postgres") -> str:
    out = subprocess.run(
        ["psql", "-h", HOST, "-U", "postgres", "-d", database, "-tAc", sql],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


if not psql(f"SELECT 1 FROM pg_database WHERE datname = '{NAME}'"):
    psql(f'CREATE DATABASE "{NAME}"')

try:
    import aiohttp
except ImportError:
    sys.exit("the load generator needs aiohttp: .venv/bin/pip install -e '.[bench]'")
import django  # noqa: E402

django.setup()

from _client import stay_for_notice  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY  # noqa: E402
from django.contrib.auth import SESSION_KEY as USER_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.utils import timezone  # noqa: E402

from samordna.accounts import otp  # noqa: E402
from samordna.accounts.actor import Actor  # noqa: E402
from samordna.accounts.middleware import SESSION_KEY as UNIT_KEY  # noqa: E402
from samordna.api.models import ApiToken  # noqa: E402
from samordna.cases.models import Case, Delivery, Notice, Participation  # noqa: E402
from samordna.messaging.models import Message  # noqa: E402
from samordna.organisations.models import Membership, Unit, User  # noqa: E402
from samordna.overview.dataset import generate  # noqa: E402
from samordna.people.models import Person  # noqa: E402
from samordna.sip.models import PlanVersion  # noqa: E402
from samordna.sip.services import plan as plans  # noqa: E402

# The county ------------------------------------------------------------------------------------


def county() -> None:
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    if not Unit.objects.exists():
        call_command("load_demo", verbosity=0)
    have = Case.objects.count()
    if have < args.cases:
        print(f"# {NAME}: {have:,} cases, generating {args.cases - have:,} more")
        generate(args.cases - have, progress=lambda line: print("#  ", line, flush=True))
    print(f"# {NAME}: {Case.objects.count():,} cases ({time.monotonic() - started:.0f} s)")


# The users and what they work on ----------------------------------------------------------------


@dataclass
class Who:
    username: str
    unit: Unit
    cookie: str = ""
    token: str = ""
    paths: dict[str, list[str]] = field(default_factory=dict)


def _session(user: User, unit: Unit) -> str:
    """A session as a login makes it (``Client.force_login``), working for ``unit``."""
    session = SessionStore()
    session[USER_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[UNIT_KEY] = unit.pk
    session[otp.STATE_KEY] = otp.DONE  # a whole login: the second factor given where needed
    session.create()
    return f"sessionid={session.session_key}"


def staff() -> list[Who]:
    found = []
    for username, code in STAFF:
        membership = (
            Membership.objects.select_related("user", "unit")
            .filter(user__username=username, unit__code=code)
            .first()
        )
        if membership is None:
            continue
        user, unit = membership.user, membership.unit
        who = Who(username, unit, _session(user, unit))
        _record, who.token = ApiToken.issue(f"load benchmark {username}", user, unit)
        taking_part = Participation.objects.filter(unit=unit, until__isnull=True)
        sips = taking_part.filter(case__kind=Case.Kind.SIP, case__closed_at__isnull=True)
        open_stays = taking_part.filter(
            case__kind=Case.Kind.DISCHARGE, case__closed_at__isnull=True
        )
        threads = Message.objects.filter(
            Q(notice__sender_unit=unit) | Q(notice__deliveries__unit=unit)
        ).values_list("thread_id", flat=True)
        who.paths = {
            "overview": ["/overview/"],
            "counts": ["/overview/counts/"],
            "sip case": [f"/sip/{pk}/" for pk in sips.values_list("case_id", flat=True)[:300]],
            "stay": [f"/stays/{pk}/" for pk in open_stays.values_list("case_id", flat=True)[:300]],
            "message thread": [f"/messages/{pk}/" for pk in threads.distinct()[:300]],
            "search": [f"/persons/?q={prefix}" for prefix in PREFIXES],
        }
        found.append(who)
    return found


@dataclass
class Write:
    who: Who
    method: str
    path: str
    body: dict[str, Any]
    then: Any = None  # called with the answer's JSON


class Pools:
    """What the writes work on: each item is used by one request at a time."""

    def __init__(self, people: list[Who]) -> None:
        self.by_unit = {w.unit.pk: w for w in people}
        self.acks: list[Write] = []
        self.messages: list[tuple[Who, int, str]] = []
        self.admissions: list[Write] = []
        self.drafts: list[dict[str, Any]] = []
        self.exhausted: dict[str, int] = {}
        self._acks(people)
        self._messages(people)
        self._admissions(people)
        self._drafts(people)

    def _acks(self, people: list[Who]) -> None:
        waiting = (
            Delivery.objects.filter(
                unit__in=[w.unit for w in people],
                acknowledged_at__isnull=True,
                mode=Delivery.Mode.ACK,
                notice__kind__in=[Notice.Kind.ADMISSION, Notice.Kind.READY, Notice.Kind.DISCHARGE],
                notice__case__closed_at__isnull=True,
            )
            .order_by("-pk")
            .values_list("pk", "unit_id", "notice__case_id")[:3000]
        )
        for pk, unit, case in waiting:
            who = self.by_unit[unit]
            self.acks.append(
                Write(who, "POST", f"/api/v1/stays/{case}/deliveries/{pk}/acknowledge", {})
            )
        random.shuffle(self.acks)

    def _messages(self, people: list[Who]) -> None:
        """Open SIP cases where both the sender and the recipient take part (no consent needed)."""
        for who in people:
            owned = Participation.objects.filter(
                unit=who.unit,
                until__isnull=True,
                case__kind=Case.Kind.SIP,
                case__closed_at__isnull=True,
            ).values_list("case_id", flat=True)[:200]
            others = (
                Participation.objects.filter(case_id__in=list(owned), until__isnull=True)
                .exclude(unit=who.unit)
                .filter(unit__in=[w.unit for w in people])
                .values_list("case_id", "unit__code")
            )
            self.messages += [(who, case, code) for case, code in others]
        random.shuffle(self.messages)

    def _admissions(self, people: list[Who]) -> None:
        """Stays registered through the act, their admission notice not yet sent."""
        wards = [w for w in people if w.unit.kind == Unit.Kind.INPATIENT_WARD]
        active = Case.objects.filter(kind=Case.Kind.DISCHARGE, closed_at__isnull=True)
        candidates = list(
            Person.objects.filter(deceased_on__isnull=True, listed_primary_care__isnull=False)
            .exclude(pk__in=active.values("person_id"))
            .order_by("-pk")
            .values_list("identity_number", flat=True)[: args.admissions]
        )
        for i, identity_number in enumerate(candidates):
            who = wards[i % len(wards)]
            actor = Actor.for_unit(User.objects.get(username=who.username), who.unit)
            case, codes = stay_for_notice(actor, identity_number)
            if codes is not None:
                path = f"/api/v1/stays/{case.pk}/admission-notice"
                self.admissions.append(Write(who, "POST", path, {"recipients": codes}))

    def _drafts(self, people: list[Who]) -> None:
        """A plan draft (version 1) in up to 60 open SIP cases of the units with a token."""
        for who in people:
            actor = Actor.for_unit(User.objects.get(username=who.username), who.unit)
            cases = (
                Case.objects.filter(
                    kind=Case.Kind.SIP,
                    closed_at__isnull=True,
                    owner_unit=who.unit,
                )
                .filter(plans=None)
                .values_list("pk", flat=True)[:10]
            )
            for pk in cases:
                plan = plans.start_version(actor, pk)
                self.drafts.append({"who": who, "case": pk, "number": plan.number, "goals": []})
        for draft in self.drafts:
            draft["version"] = PlanVersion.objects.get(
                case_id=draft["case"], number=draft["number"]
            ).version

    def take(self, kind: str) -> Write | None:
        if kind == "w: acknowledge" and self.acks:
            return self.acks.pop()
        if kind == "w: admission" and self.admissions:
            return self.admissions.pop()
        if kind == "w: message" and self.messages:
            who, case, code = self.messages[random.randrange(len(self.messages))]
            body = {
                "case": case,
                "recipients": [{"unit": code, "mode": "ack"}],
                "subject": "Inför hemgång",
                "body": "Kan ni ringa mig om planeringen?",
            }
            return Write(who, "POST", "/api/v1/messages", body, self._acknowledge_later)
        if kind == "w: plan" and self.drafts:
            draft = self.drafts.pop(random.randrange(len(self.drafts)))
            goals = [*draft["goals"][-4:], {"text": f"Delmål {random.randrange(10**6)}"}]
            body = {"version": draft["version"], "main_goal": "Att kunna bo kvar hemma"}
            path = f"/api/v1/sip/{draft['case']}/plans/{draft['number']}"
            return Write(draft["who"], "PUT", path, {**body, "goals": goals}, self._saved(draft))
        self.exhausted[kind] = self.exhausted.get(kind, 0) + 1
        return None

    def _acknowledge_later(self, answer: dict[str, Any] | None) -> None:
        """The recipient of a message sent here can acknowledge it: one more delivery to use."""
        for message in (answer or {}).get("messages", []):
            for d in message["deliveries"]:
                who = next((w for w in self.by_unit.values() if w.unit.code == d["unit"]), None)
                if who is not None and d["acknowledged_at"] is None and d["mode"] == "ack":
                    path = f"/api/v1/messages/deliveries/{d['id']}/acknowledge"
                    self.acks.insert(0, Write(who, "POST", path, {}))

    def _saved(self, draft: dict[str, Any]) -> Any:
        def then(answer: dict[str, Any] | None) -> None:
            if answer is not None:
                draft["version"] = answer["version"]
                draft["goals"] = [{"id": g["id"], "text": g["text"]} for g in answer["goals"]]
            self.drafts.append(draft)

        return then


# The server ------------------------------------------------------------------------------------


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def start_server() -> subprocess.Popen[bytes]:
    bind = f"{HOST}:{args.port}"
    if _answers(f"http://{bind}/health"):
        # Another server (another run of this script?) would get the load and its figures.
        sys.exit(f"something already serves {bind}: stop it or choose another --port")
    serve_help = subprocess.run(
        [BIN / "samordna", "serve", "--help"], capture_output=True, text=True, env=ENV
    ).stdout
    if "--workers" in serve_help:
        command = [str(BIN / "samordna"), "serve", "--bind", bind, "--workers", str(args.workers)]
        if args.threads:
            command += ["--threads", str(args.threads)]
    elif shutil.which("gunicorn", path=str(BIN)):
        command = [str(BIN / "gunicorn"), "samordna.wsgi", "--bind", bind]
        command += ["--workers", str(args.workers), "--log-level", "warning"]
    else:
        sys.exit("no production server: samordna serve has no --workers and gunicorn is missing")
    log = Path(ENV["SAMORDNA_DATA_DIR"]) / "server.log"
    print("# server:", " ".join(Path(c).name if "/" in c else c for c in command), f"(log: {log})")
    with log.open("ab") as out:
        server = subprocess.Popen(
            command, env=ENV, start_new_session=True, cwd=ROOT, stdout=out, stderr=out
        )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if _answers(f"http://{bind}/health"):
            return server
        time.sleep(0.5)
        if server.poll() is not None:
            sys.exit(f"the server stopped: {server.returncode}")
    stop_server(server)
    sys.exit("the server did not answer /health within 90 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)  # the group of the process started above
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# The load ----------------------------------------------------------------------------------------


class Stats:
    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.samples: dict[str, str] = {}

    def add(self, kind: str, ms: float, ok: bool, sample: str = "") -> None:
        self.times.setdefault(kind, []).append(ms)
        if not ok:
            self.errors[kind] = self.errors.get(kind, 0) + 1
            self.samples.setdefault(kind, sample)

    def rate(self, kind: str, seconds: float) -> float:
        return len(self.times.get(kind, [])) / seconds

    def print(self, title: str, seconds: float) -> None:
        print(f"\n{title} ({args.clients} clients, {seconds:.0f} s)")
        print(
            f"{'request':<16} {'count':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
            f"{'p99 ms':>8} {'errors':>7}"
        )
        every: list[float] = []
        for kind, times in self.times.items():
            every += times
            self._line(kind, times, self.errors.get(kind, 0), seconds)
        if len(self.times) > 1:
            self._line("total", every, sum(self.errors.values()), seconds)
        for kind, sample in self.samples.items():
            print(f"#   first error of {kind}: {sample}")

    @staticmethod
    def _line(kind: str, times: list[float], errors: int, seconds: float) -> None:
        ordered = sorted(times)

        def at(q: float) -> float:
            return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0

        print(
            f"{kind:<16} {len(times):>7} {len(times) / seconds:>8.1f} {at(0.5):>8.1f} "
            f"{at(0.95):>8.1f} {at(0.99):>8.1f} {errors:>7}"
        )


async def request(
    http: Any,
    stats: Stats,
    kind: str,
    method: str,
    path: str,
    who: Who | None,
    body: dict[str, Any] | None = None,
    api: bool = False,
) -> dict[str, Any] | None:
    headers = {}
    if who is not None and api:
        headers["Authorization"] = f"Bearer {who.token}"
    elif who is not None:
        headers["Cookie"] = who.cookie
    started = time.perf_counter()
    try:
        async with http.request(
            method,
            f"http://{HOST}:{args.port}{path}",
            headers=headers,
            json=body,
            allow_redirects=False,
        ) as answer:
            content = await answer.read()
            # A page that sends to the login form did not serve the user: the session failed.
            ok = answer.status < 400 and "login" not in answer.headers.get("Location", "")
            stats.add(
                kind,
                (time.perf_counter() - started) * 1000,
                ok,
                f"{answer.status} {method} {path} {content[:200]!r}",
            )
            if ok and api:
                return json.loads(content)
    except (TimeoutError, aiohttp.ClientError) as error:
        stats.add(kind, (time.perf_counter() - started) * 1000, False, f"{path}: {error!r}")
    return None


async def one(http: Any, stats: Stats, people: list[Who], pools: Pools, kind: str) -> None:
    if kind.startswith("w: "):
        write = pools.take(kind)
        if write is None:
            return
        answer = await request(
            http, stats, kind, write.method, write.path, write.who, write.body, api=True
        )
        if write.then is not None:
            write.then(answer)
        return
    who = random.choice([w for w in people if w.paths[kind]])
    await request(http, stats, kind, "GET", random.choice(who.paths[kind]), who)


async def run(people: list[Who], pools: Pools, mix: dict[str, float], seconds: float) -> Stats:
    stats = Stats()
    kinds, weights = list(mix), list(mix.values())
    available = {
        k: k == "health" or k.startswith("w: ") or any(w.paths.get(k) for w in people)
        for k in kinds
    }
    for kind in kinds:
        if not available[kind]:
            print(f"# nobody has a {kind} to read: left out")
    kinds = [k for k in kinds if available[k]]
    weights = [mix[k] for k in kinds]
    stop = time.monotonic() + seconds
    connector = aiohttp.TCPConnector(limit=args.clients)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(
        connector=connector, timeout=timeout, cookie_jar=aiohttp.DummyCookieJar()
    ) as http:

        async def client() -> None:
            while time.monotonic() < stop:
                kind = random.choices(kinds, weights)[0]
                if kind == "health":
                    await request(http, stats, "health", "GET", "/health", None)
                else:
                    await one(http, stats, people, pools, kind)

        await asyncio.gather(*(client() for _ in range(args.clients)))
    return stats


async def singles(people: list[Who]) -> None:
    print(f"\nsingle requests, one at a time (median of {args.repeat}, ms)")
    print(f"{'user':<7} {'unit':<18} {'overview':>9} {'counts':>8}")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
        for who in people:
            if who.username not in ROLES:
                continue
            medians = []
            for path in ["/overview/", "/overview/counts/"]:
                stats = Stats()
                for _ in range(args.repeat + 1):
                    await request(http, stats, path, "GET", path, who)
                times = stats.times[path][1:]  # the first warms up
                bad = f" ({stats.errors[path]} errors)" if stats.errors.get(path) else ""
                medians.append(f"{statistics.median(times):.1f}{bad}")
            print(f"{who.username:<7} {who.unit.code:<18} {medians[0]:>9} {medians[1]:>8}")


# pgbench --------------------------------------------------------------------------------------


def pgbench() -> dict[str, float]:
    scratch = "samordna_load_pgbench"
    if not psql(f"SELECT 1 FROM pg_database WHERE datname = '{scratch}'"):
        psql(f'CREATE DATABASE "{scratch}"')
    if not psql("SELECT to_regclass('pgbench_accounts')", scratch):
        subprocess.run(
            ["pgbench", "-h", HOST, "-U", "postgres", "-i", "-s", "10", "-q", scratch],
            check=True,
            capture_output=True,
        )
    found = {}
    for mode in ["-N"] if args.notices_only else ["-S", "-N"]:
        out = subprocess.run(
            [
                "pgbench",
                "-h",
                HOST,
                "-U",
                "postgres",
                mode,
                "-c",
                str(min(args.clients, 8)),
                "-j",
                "2",
                "-T",
                str(int(args.duration)),
                scratch,
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        tps = next(line for line in out.splitlines() if line.startswith("tps"))
        found[mode] = float(tps.split("=")[1].split()[0])
    return found


# The run -----------------------------------------------------------------------------------------


def main() -> None:
    started = time.monotonic()
    print(
        f"# load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
        f"({os.cpu_count()} cores)"
    )
    county()
    people = staff()
    pools = Pools(people)
    print(f"# users: {', '.join(f'{w.username}@{w.unit.code}' for w in people)}")
    print(
        f"# write pools: {len(pools.acks)} deliveries to acknowledge, {len(pools.messages)} "
        f"case/recipient pairs, {len(pools.admissions)} stays for an admission notice, "
        f"{len(pools.drafts)} plan drafts"
    )
    server = start_server()
    try:
        if not args.notices_only:
            asyncio.run(singles(people))
            health = asyncio.run(run(people, pools, {"health": 1}, args.duration))
            health.print("/health", args.duration)
            mixed = asyncio.run(run(people, pools, MIX, args.duration))
            mixed.print("mixed workload: 80 % reads, 15 % search, 5 % writes", args.duration)
            writes = asyncio.run(run(people, pools, WRITES, args.duration))
            writes.print("writes only", args.duration)
        notices = asyncio.run(run(people, pools, {"w: admission": 1}, args.duration))
        notices.print("admission notices to three units alone", args.duration)
    finally:
        stop_server(server)
        ApiToken.objects.filter(name__startswith="load benchmark").update(revoked_at=timezone.now())
    if pools.exhausted:
        print(f"# write pools ran out (requests not made): {pools.exhausted}")
    tps = pgbench()
    print(
        f"\npgbench on the same PostgreSQL ({min(args.clients, 8)} clients, "
        f"{args.duration:.0f} s): -S {tps.get('-S', 0):,.0f} TPS, -N {tps['-N']:,.0f} TPS"
    )
    for kind in [] if args.notices_only else WRITES:
        rate = writes.rate(kind, args.duration)
        print(
            f"{kind:<16} {rate:>7.1f}/s among the writes = {100 * rate / tps['-N']:.2f} % of "
            f"pgbench -N; "
            f"in the mix {mixed.rate(kind, args.duration):.1f}/s"
        )
    rate = notices.rate("w: admission", args.duration)
    print(
        f"admission notice to three units alone (its own phase): {rate:.1f}/s = "
        f"{100 * rate / tps['-N']:.2f} % of pgbench -N"
    )
    if not args.notices_only:
        h = health.rate("health", args.duration)
        m = sum(len(t) for t in mixed.times.values()) / args.duration
        print(f"mixed {m:.1f} req/s = {100 * m / h:.1f} % of /health ({h:,.0f} req/s)")
    print(
        f"# {args.cases:,} cases, {args.workers} workers; run took "
        f"{time.monotonic() - started:.0f} s; load average after: "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )


if __name__ == "__main__":
    main()
