"""A realistic county dataset of any size, for the overview's scale tests and benchmark (issue 5).

On top of the demo county (its units and staff) it adds individuals with valid test identity
numbers and, per case, what the routines produce: SIP cases (40 %) with the consent naming the
units that take part, an invitation, a meeting with its participants, open and met deadlines and
follow-ups; stays (60 %)
with admission, ready-for-discharge and discharge notices to the municipality's needs assessment,
municipal health care and the listed primary care centre; and messages between the units of a
case (one case in three). Most of what is old is done (cases closed, notices acknowledged, deadlines
met); a few percent are late, as in real life, so every kind of overview item occurs.

The rows are made as plain tuples with their primary keys assigned beforehand (from the tables'
sequences on PostgreSQL), so rows point at each other without a round trip, and written table by
table in chunks of ``CASES_PER_CHUNK`` cases: with COPY on PostgreSQL, ``bulk_create`` elsewhere.
Deterministic for a given seed; calling it again adds more.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import Model
from django.utils import timezone

from samordna.cases.models import Case, Delivery, Event, Notice, Obligation, Participation
from samordna.core import deadlines
from samordna.core.calendar import STOCKHOLM
from samordna.core.identity import luhn_check_digit
from samordna.core.rules import RuleSet
from samordna.discharge.models import Stay, StayNotice
from samordna.messaging.models import Message
from samordna.organisations.models import County, Membership, Principal, Unit, User
from samordna.overview import readmodel
from samordna.people.models import Person
from samordna.reporting import rollup
from samordna.reporting.models import ProcedureCode
from samordna.sip.models import Consent, Meeting, Participant, SipCase

CASES_PER_CHUNK = 10_000
CHUNK = 2000  # rows per INSERT on SQLite
FIRST = ["Anna", "Erik", "Maria", "Lars", "Karin", "Nils", "Elsa", "Olof", "Ingrid", "Sven"]
LAST = ["Lindqvist", "Nilsson", "Berg", "Holm", "Ek", "Lundberg", "Sandström", "Öberg", "Isaksson"]
SUBJECTS = ["Angående hemgång", "Hjälpmedel", "Läkemedelslista", "Hembesök", "Fråga om insatser"]
BODIES = [
    "Hej! Kan ni ringa mig om planeringen inför hemgången?",
    "Vi behöver veta vilka hjälpmedel som finns i hemmet.",
    "Bifogar aktuell läkemedelslista. Hör av er vid frågor.",
    "Hembesök bokat på torsdag förmiddag, passar det er?",
]
CAUSES = ["Höftfraktur", "Pneumoni", "Hjärtsvikt", "Stroke", "Förvirring", "Urinvägsinfektion"]


def identity(i: int) -> str:
    """The i-th test identity number of the series (valid check digit, born 1925-2004)."""
    year, rest = 1925 + i % 80, i // 80
    month, day, serial = 1 + rest % 12, 1 + (rest // 12) % 28, 1 + (rest // 336) % 999
    nine = f"{year % 100:02d}{month:02d}{day:02d}{serial:03d}"
    return f"{year}{month:02d}{day:02d}{serial:03d}{luhn_check_digit(nine)}"


@dataclass
class Municipality:
    principal: Principal
    assessment: Unit
    health_care: Unit
    home_care: Unit | None


@dataclass
class County_:
    rules: RuleSet
    municipalities: list[Municipality]
    primary_care: list[Unit]
    psychiatry: list[Unit]
    wards: list[Unit]
    staff: dict[int, User]  # unit pk -> someone who works there
    fallback: User
    used: set[str] = field(default_factory=set)  # identity numbers taken
    next_identity: int = 0
    region_units: set[int] = field(default_factory=set)  # the units that code (RPT-2)

    def __post_init__(self) -> None:
        self.user_ids = {unit: user.pk for unit, user in self.staff.items()}
        # Where the identity series goes on: at least this many numbers are taken.
        self.next_identity = len(self.used)

    def user(self, unit: Unit) -> int:
        """The key of someone who works at ``unit``."""
        return self.user_ids.get(unit.id, self.fallback.pk)


def _county(exclude: Collection[str] = ()) -> County_:
    county = County.objects.get(code="norrbotten")
    units = [
        u
        for u in Unit.objects.filter(principal__county=county, active=True, connected=True)
        if u.code not in exclude
    ]

    def of(kind: str, principal: Principal | None = None) -> list[Unit]:
        return [
            u
            for u in units
            if u.kind == kind and (principal is None or u.principal_id == principal.pk)
        ]

    municipalities = []
    for p in Principal.objects.filter(county=county, kind=Principal.Kind.MUNICIPALITY):
        assessment, health = (
            of(Unit.Kind.NEEDS_ASSESSMENT, p),
            of(Unit.Kind.MUNICIPAL_HEALTH_CARE, p),
        )
        if assessment and health:
            home = of(Unit.Kind.HOME_CARE_SERVICE, p)
            municipalities.append(
                Municipality(p, assessment[0], health[0], home[0] if home else None)
            )
    region = set(
        Principal.objects.filter(county=county, kind=Principal.Kind.REGION).values_list(
            "pk", flat=True
        )
    )
    staff: dict[int, User] = {}
    for membership in Membership.objects.filter(unit__in=units).select_related("user"):
        staff.setdefault(membership.unit_id, membership.user)
    fallback = next(iter(staff.values()), None)
    assert fallback is not None and municipalities, "load the demo county first"
    return County_(
        county.rule_set,
        municipalities,
        of(Unit.Kind.PRIMARY_CARE),
        of(Unit.Kind.OUTPATIENT_PSYCHIATRY),
        of(Unit.Kind.INPATIENT_WARD),
        staff,
        fallback,
        set(Person.objects.values_list("identity_number", flat=True)),
        region_units={u.pk for u in units if u.principal_id in region},
    )


def _new_identity(c: County_) -> str:
    while True:
        number = identity(c.next_identity)
        c.next_identity += 1
        if number not in c.used:
            c.used.add(number)
            return number


class Ids:
    """Primary keys handed out before the rows are written, so that rows can point at each other
    without a round trip per row: from the table's sequence on PostgreSQL (a block at a time),
    counted on from the largest key on SQLite (the generator is then the only writer)."""

    BLOCK = 50_000

    def __init__(self, model: type[Model]) -> None:
        self.table = model._meta.db_table
        self.column = model._meta.pk.column
        self.free: list[int] = []
        self.last: int | None = None
        self.postgresql = connection.vendor == "postgresql"

    def next(self) -> int:
        if not self.postgresql:
            if self.last is None:
                with connection.cursor() as cursor:
                    cursor.execute(f'SELECT MAX("{self.column}") FROM "{self.table}"')
                    self.last = cursor.fetchone()[0] or 0
            self.last += 1
            return self.last
        if not self.free:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [self.table, self.column])
                sequence = cursor.fetchone()[0]
                cursor.execute(
                    "SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, self.BLOCK]
                )
                self.free = [row[0] for row in reversed(cursor.fetchall())]
        return self.free.pop()


class Table:
    """Rows of one model as plain tuples (primary key first when it has its own), written in one
    COPY on PostgreSQL and with ``bulk_create`` elsewhere. Columns not named take their model
    default (the same for every row, as ``bulk_create`` would give them)."""

    def __init__(self, model: type[Model], *attnames: str, own_key: bool = True) -> None:
        self.model = model
        self.ids = Ids(model) if own_key else None
        self.attnames = [model._meta.pk.attname, *attnames] if own_key else list(attnames)
        self.rows: list[tuple[Any, ...]] = []

    def add(self, *values: Any) -> int:
        """Add a row; returns its primary key."""
        if self.ids is None:
            self.rows.append(values)
            return int(values[0])
        pk = self.ids.next()
        self.rows.append((pk, *values))
        return pk

    def write(self) -> None:
        if not self.rows:
            return
        if connection.vendor == "postgresql":
            self._copy()
        else:
            self.model._default_manager.bulk_create(
                [self.model(**dict(zip(self.attnames, row, strict=True))) for row in self.rows],
                batch_size=CHUNK,
            )
        self.rows = []

    def _copy(self) -> None:
        named = set(self.attnames)
        fields = {f.attname: f for f in self.model._meta.concrete_fields}
        # Generated columns (the person's search keys) are the database's to fill.
        rest = [f for f in fields.values() if f.attname not in named and not f.generated]
        defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
        columns = ", ".join(
            f'"{c}"'
            for c in [*(fields[a].column for a in self.attnames)] + [f.column for f in rest]
        )
        sql = f'COPY "{self.model._meta.db_table}" ({columns}) FROM STDIN'
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in self.rows:
                copy.write_row(row + defaults)


@dataclass
class Plan:
    """One case before it is written: who and when."""

    kind: str
    person: int
    home: Municipality
    owner: Unit
    others: list[Unit]
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    case: int = 0


class Rows:
    """The rows of one chunk, table by table, in the order they are written."""

    def __init__(self) -> None:
        self.persons = Table(
            Person,
            "identity_number",
            "first_name",
            "last_name",
            "municipality_id",
            "listed_primary_care_id",
            "registered_by_id",
            "registered_by_unit_id",
        )
        self.cases = Table(
            Case,
            "person_id",
            "kind",
            "owner_unit_id",
            "opened_at",
            "opened_by_id",
            "closed_at",
            "close_reason",
        )
        self.participations = Table(Participation, "case_id", "unit_id", "role", "since")
        self.events = Table(
            Event, "case_id", "kind", "actor_id", "unit_id", "occurred_at", "recorded_at"
        )
        self.sips = Table(SipCase, "case_id", "type", "need_known_at", own_key=False)
        self.stays = Table(
            Stay,
            "case_id",
            "admitted_at",
            "cause",
            "expected_discharge_on",
            "treating_physician",
            "needs_assessed_at",
            "consent_to_transfer",
            "ready_at",
            "discharged_at",
            "only_social_services",
            own_key=False,
        )
        self.notices = Table(
            Notice, "case_id", "kind", "sender_id", "sender_unit_id", "sent_at", "subject"
        )
        self.deliveries = Table(
            Delivery,
            "notice_id",
            "unit_id",
            "kind",  # given, so the database's trigger need not look up the notice
            "mode",
            "due_at",
            "acknowledged_at",
            "acknowledged_by_id",
        )
        self.messages = Table(Message, "notice_id", "thread_id", "body", own_key=False)
        self.stay_notices = Table(StayNotice, "notice_id", "expected_discharge_on", own_key=False)
        self.meetings = Table(
            Meeting,
            "case_id",
            "notice_id",
            "purpose",
            "form",
            "place",
            "starts_at",
            "ends_at",
            "consent_confirmed",
            "held",
            "recorded_at",
        )
        self.obligations = Table(
            Obligation, "case_id", "unit_id", "kind", "due_at", "met_at", "cancelled_at"
        )
        self.participants = Table(Participant, "meeting_id", "kind", "unit_id", "name")
        self.consents = Table(
            Consent,
            "case_id",
            "decision",
            "giver",
            "giver_name",
            "form",
            "given_at",
            "recorded_by_id",
            "recorded_at",
        )
        self.consent_units = Table(Consent.units.through, "consent_id", "unit_id")
        # RPT-2: the code each region unit taking part records for a held establishing meeting.
        self.codes = Table(
            ProcedureCode, "case_id", "meeting_id", "code", "unit_id", "performed_on",
            "recorded_by_id", "recorded_at",
        )  # fmt: skip

    def tables(self) -> list[Table]:
        return [t for t in vars(self).values() if isinstance(t, Table)]

    def count(self) -> int:
        return sum(len(t.rows) for t in self.tables())

    def write(self) -> None:
        for table in self.tables():
            table.write()


# Plain strings: a choice's enum member would be written by name, not value, by some adapters.
SIP, DISCHARGE = str(Case.Kind.SIP), str(Case.Kind.DISCHARGE)
OWNER, PARTICIPANT = str(Participation.Role.OWNER), str(Participation.Role.PARTICIPANT)
ACK, FYI = str(Delivery.Mode.ACK), str(Delivery.Mode.FYI)
MESSAGE, ADMISSION = str(Notice.Kind.MESSAGE), str(Notice.Kind.ADMISSION)
READY, DISCHARGE_NOTICE = str(Notice.Kind.READY), str(Notice.Kind.DISCHARGE)
INVITATION = str(Notice.Kind.INVITATION)
FORMS = [str(f) for f in Meeting.Form.values]
AU124 = str(ProcedureCode.Code.AU124)
WAITS = [0, 0, 0, 1, 1, 2, 2, 3, 4, 5, 6, 7, 9, 12, 16]  # days from ready to discharge  # fmt: skip


def generate(
    cases: int,
    seed: int = 1,
    now: dt.datetime | None = None,
    progress: Callable[[str], None] | None = None,
    exclude_units: Collection[str] = (),
) -> int:
    """Add ``cases`` cases (and what belongs to them) to the demo county; returns how many.

    ``progress``, when given, is told after each chunk how far it has come; no case involves
    the units whose codes are in ``exclude_units``."""
    now = now or timezone.now()
    rng = random.Random(f"{seed}-{Case.objects.count()}")
    c = _county(exclude_units)
    rows = Rows()
    done, written, started = 0, 0, time.monotonic()
    while done < cases:
        n = min(CASES_PER_CHUNK, cases - done)
        with transaction.atomic():
            _skip_key_checks()
            _chunk(c, rng, n, now, rows)
            written += rows.count()
            rows.write()
        done += n
        if progress:
            elapsed = time.monotonic() - started
            progress(
                f"{done:,} / {cases:,} cases, {written:,} rows, {elapsed:.0f} s "
                f"({done / elapsed:,.0f} cases/s)"
            )
    # Written in bulk, past the acts: the overview's read model and the indicators' rollup
    # are computed from the facts.
    readmodel.rebuild()
    rollup.rebuild()
    # Fresh statistics, as the database's own upkeep keeps them (PostgreSQL's autovacuum, the
    # worker's PRAGMA optimize on SQLite): without them the planner guesses after a bulk load.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return done


def _skip_key_checks() -> None:
    """On PostgreSQL, skip the foreign-key checks for this transaction when allowed (superuser):
    as ``pg_restore --disable-triggers`` does, since every key is made here and points at a row of
    the same load or one that exists. Half of a chunk's time goes to those checks otherwise."""
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        pass  # not a superuser: the keys are checked at commit, only slower


def _ago(rng: random.Random, now: dt.datetime, days: float) -> dt.datetime:
    return now - dt.timedelta(minutes=rng.randrange(int(days * 24 * 60)) + 1)


def _chunk(c: County_, rng: random.Random, n: int, now: dt.datetime, rows: Rows) -> None:
    plans = _plans(c, rng, n, now, rows)
    goals_met, discharged = str(Case.CloseReason.GOALS_MET), str(Case.CloseReason.DISCHARGED)
    for p in plans:
        user = c.user(p.owner)
        reason = "" if p.closed_at is None else discharged if p.kind == DISCHARGE else goals_met
        p.case = rows.cases.add(
            p.person, p.kind, p.owner.id, p.opened_at, user, p.closed_at, reason
        )
        rows.participations.add(p.case, p.owner.id, OWNER, p.opened_at)
        for unit in p.others:
            rows.participations.add(p.case, unit.id, PARTICIPANT, p.opened_at)
        rows.events.add(p.case, "opened", user, p.owner.id, p.opened_at, p.opened_at)
    outpatient = str(SipCase.Type.OUTPATIENT)
    given, individual, oral = str(Consent.Decision.GIVEN), str(Consent.Giver.INDIVIDUAL), "oral"
    for p in plans:
        if p.kind == SIP:
            rows.sips.add(p.case, outpatient, p.opened_at)
            # The units taking part are those the consent names (SEC-1): recorded at opening.
            user = c.user(p.owner)
            consent = rows.consents.add(
                p.case, given, individual, "Individen", oral, p.opened_at, user, p.opened_at
            )
            for unit in p.others:
                rows.consent_units.add(consent, unit.id)
    outbox = Outbox(c, rng, now, rows)
    _stays(rng, [p for p in plans if p.kind == DISCHARGE], outbox, now, rows)
    meetings = _sips(c, rng, [p for p in plans if p.kind == SIP], outbox, now, rows)
    for p in plans:
        if rng.random() < 1 / 3 and p.others:
            # Any time while the case is open.
            sent = p.opened_at + rng.random() * ((p.closed_at or now) - p.opened_at)
            if sent < now:
                notice = outbox.add(p, MESSAGE, sent, [p.owner], p.others[0], rng.random() < 0.5)
                rows.messages.add(notice, notice, rng.choice(BODIES))
    unit_kind = str(Participant.Kind.UNIT)
    for p, meeting in meetings:
        for unit in [p.owner, *p.others]:
            rows.participants.add(meeting, unit_kind, unit.id, unit.name)


def _plans(c: County_, rng: random.Random, n: int, now: dt.datetime, rows: Rows) -> list[Plan]:
    """40 % SIP, 60 % stays; half the SIP cases are about someone who also had a stay."""
    kinds = [SIP if rng.random() < 0.4 else DISCHARGE for _ in range(n)]
    stay_count, sip_count = kinds.count(DISCHARGE), kinds.count(SIP)
    fresh = stay_count + max(sip_count - stay_count, sip_count // 2)
    persons = [_person(c, rng, rows) for _ in range(fresh)]
    stay_persons = persons[:stay_count]
    # One active SIP per person: each SIP case gets its own person, fresh ones first.
    sip_persons = iter(persons[stay_count:] + stay_persons)
    plans = []
    for kind in kinds:
        person, home, care = stay_persons.pop() if kind == DISCHARGE else next(sip_persons)
        if kind == DISCHARGE:
            owner = rng.choice(c.wards)
            others = [home.assessment, home.health_care, care]
            closed = rng.random() < 0.9
            opened = _ago(rng, now, 730 if closed else 14)
            closed_at = opened + dt.timedelta(days=rng.randrange(2, 20)) if closed else None
        else:
            roll = rng.random()
            owner = (
                care
                if roll < 0.7 or not c.psychiatry
                else c.psychiatry[0]
                if roll < 0.85
                else home.health_care
            )
            others = [u for u in [home.assessment, home.home_care] if u and u != owner]
            closed = rng.random() < 0.3
            opened = _ago(rng, now, 730 if closed else 240)
            closed_at = opened + dt.timedelta(days=rng.randrange(30, 400)) if closed else None
        if closed_at is not None and closed_at >= now:
            closed_at = None
        plans.append(Plan(kind, person, home, owner, [u for u in others if u], opened, closed_at))
    return plans


def _person(c: County_, rng: random.Random, rows: Rows) -> tuple[int, Municipality, Unit]:
    """A new individual: its key, municipality of residence and listed primary care centre."""
    weights = [3] + [1] * (len(c.municipalities) - 1)  # the first, Luleå, is the largest
    home = rng.choices(c.municipalities, weights=weights)[0]
    care = rng.choice(c.primary_care)
    pk = rows.persons.add(
        _new_identity(c),
        rng.choice(FIRST),
        rng.choice(LAST),
        home.principal.id,
        care.id,
        c.user(care),
        care.id,
    )
    return pk, home, care


class Deadlines:
    """The routines' deadlines (``core.deadlines``) for a million moments: those that depend on
    the local day only are remembered per day, and the next reading time is looked up in a list
    of the reading times, made once, instead of walking the calendar for every notice."""

    def __init__(self, rules: RuleSet, now: dt.datetime) -> None:
        self.rules = rules
        self.start = now - dt.timedelta(days=800)  # before anything the generator sends
        self.readings = deadlines.reading_times_after(self.start, rules, count=100)
        self.readings_utc = [t.astimezone(dt.UTC) for t in self.readings]
        self.by_day: dict[tuple[str, dt.date], dt.datetime] = {}

    def acknowledgement(self, sent: dt.datetime) -> dt.datetime:
        """``deadlines.acknowledgement_due(sent, rules)``: the first reading time after it."""
        if sent <= self.start:
            return deadlines.acknowledgement_due(sent, self.rules)
        while self.readings_utc[-1] <= sent:
            more = deadlines.reading_times_after(self.readings[-1], self.rules, count=100)
            self.readings += more
            self.readings_utc += [t.astimezone(dt.UTC) for t in more]
        return self.readings[bisect.bisect_right(self.readings_utc, sent)]

    def _daily(self, name: str, at: dt.datetime, due: Callable[[dt.datetime], dt.datetime]) -> Any:
        key = (name, at.astimezone(STOCKHOLM).date())
        found = self.by_day.get(key)
        if found is None:
            found = self.by_day[key] = due(at)
        return found

    def outpatient_invitation(self, known: dt.datetime) -> dt.datetime:
        """``deadlines.outpatient_invitation_due``: working days after the local day."""
        return self._daily(
            "invitation", known, lambda at: deadlines.outpatient_invitation_due(at, self.rules)
        )

    def plan_documented(self, meeting: dt.datetime) -> dt.datetime:
        """``deadlines.plan_documented_due``: days after the local day of the meeting."""
        return self._daily(
            "documented", meeting, lambda at: deadlines.plan_documented_due(at, self.rules)
        )


class Outbox:
    """Notices and their deliveries, written together: acknowledged when old (99 %), half of
    them when their time has not come; the rest wait, and are late once due."""

    def __init__(self, c: County_, rng: random.Random, now: dt.datetime, rows: Rows) -> None:
        self.c, self.rng, self.now, self.rows = c, rng, now, rows
        self.old = now - dt.timedelta(days=3)
        self.due = Deadlines(c.rules, now)

    def add(
        self,
        plan: Plan,
        kind: str,
        sent: dt.datetime,
        to: list[Unit],
        sender_unit: Unit | None = None,
        for_information: bool = False,
    ) -> int:
        unit = sender_unit or plan.owner
        subject = self.rng.choice(SUBJECTS) if kind == MESSAGE else ""
        notice = self.rows.notices.add(plan.case, kind, self.c.user(unit), unit.id, sent, subject)
        mode = FYI if for_information else ACK
        due = None if for_information else self.due.acknowledgement(sent)
        old = (due or sent) < self.old
        for recipient in to:
            if recipient.id == unit.id:
                continue
            acknowledged = self.rng.random() < (0.99 if old else 0.5)
            at = sent + dt.timedelta(minutes=self.rng.randrange(10, 20 * 60))
            if acknowledged and at < self.now:
                by = self.c.user(recipient)
                self.rows.deliveries.add(notice, recipient.id, kind, mode, due, at, by)
            else:
                self.rows.deliveries.add(notice, recipient.id, kind, mode, due, None, None)
        return notice


def _stays(
    rng: random.Random, plans: list[Plan], outbox: Outbox, now: dt.datetime, rows: Rows
) -> None:
    for p in plans:
        admitted = p.opened_at
        expected = (admitted + dt.timedelta(days=rng.randrange(3, 15))).date()
        discharged = p.closed_at
        ready = None
        if discharged is not None:
            # Most leave the day they are ready or the next; some wait a week or more, so the
            # follow-up's waiting days and payment liability have something to show (RPT-1).
            wait = dt.timedelta(days=rng.choice(WAITS), hours=rng.randrange(0, 6))
            ready = min(discharged, max(admitted + dt.timedelta(hours=20), discharged - wait))
        elif rng.random() < 0.4:
            ready = min(now, admitted + dt.timedelta(days=rng.randrange(1, 10)))
        rows.stays.add(
            p.case,
            admitted,
            rng.choice(CAUSES),
            expected,
            "Erik Berg",
            admitted,
            rng.random() < 0.8,
            ready,
            discharged,
            # Only social services needed: no SIP invitation is required for liability (seed 001
            # lines 1541-1544); the generated stays have no SIP after discharge.
            rng.random() < 0.5,
        )
        sent = admitted + dt.timedelta(hours=rng.randrange(1, 20))
        notices = [(ADMISSION, sent)]
        if ready is not None:
            notices.append((READY, ready))
        if discharged is not None:
            notices.append((DISCHARGE_NOTICE, discharged))
        for kind, moment in notices:
            if moment < now:
                notice = outbox.add(p, kind, moment, p.others)
                rows.stay_notices.add(notice, expected)


def _sips(
    c: County_, rng: random.Random, plans: list[Plan], outbox: Outbox, now: dt.datetime, rows: Rows
) -> list[tuple[Plan, int]]:
    """An invitation two days after the need became known, a meeting a week or two later (held
    when past), and the deadlines the SIP acts store (``sip.services``, ``sip.meetings``)."""
    meetings: list[tuple[Plan, int]] = []
    establish = str(Meeting.Purpose.ESTABLISH)
    add = rows.obligations.add
    K = Obligation.Kind
    invitation, documented_kind = str(K.SIP_INVITATION), str(K.PLAN_DOCUMENTED)
    follow_up, comment = str(K.FOLLOW_UP), str(K.FOLLOW_UP_COMMENT)
    for p in plans:
        invited = p.opened_at + dt.timedelta(days=2, hours=rng.randrange(0, 8))
        due_invitation = outbox.due.outpatient_invitation(p.opened_at)
        met = invited if invited < now else None
        cancelled = p.closed_at if met is None else None
        add(p.case, p.owner.id, invitation, due_invitation, met, cancelled)
        if met is None:
            continue
        starts = (invited + dt.timedelta(days=rng.randrange(5, 15))).replace(
            hour=rng.choice([9, 10, 13, 14]), minute=0, second=0, microsecond=0
        )
        notice = outbox.add(p, INVITATION, invited, p.others)
        held = starts < now
        meeting = rows.meetings.add(
            p.case,
            notice,
            establish,
            rng.choice(FORMS),
            p.owner.name,
            starts,
            starts + dt.timedelta(hours=1),
            True,
            held,
            starts + dt.timedelta(hours=2) if held else None,
        )
        meetings.append((p, meeting))
        if held:
            recorded = starts + dt.timedelta(hours=2)
            for unit in [p.owner, *p.others]:
                if unit.id in c.region_units:
                    on = timezone.localdate(starts, STOCKHOLM)
                    rows.codes.add(p.case, meeting, AU124, unit.id, on, c.user(unit), recorded)
        if held and p.closed_at is None:
            documented = rng.random() < 0.95
            add(
                p.case,
                p.owner.id,
                documented_kind,
                outbox.due.plan_documented(starts),
                starts + dt.timedelta(days=1) if documented else None,
                None,
            )
            follow_up_on = starts.date() + dt.timedelta(days=rng.randrange(60, 366))
            add(p.case, p.owner.id, follow_up, deadlines.end_of_day(follow_up_on), None, None)
            comment_due = deadlines.follow_up_comment_due(follow_up_on, c.rules)
            for unit in p.others:
                add(p.case, unit.id, comment, comment_due, None, None)
    return meetings
