"""A realistic county dataset of any size, for the overview's scale tests and benchmark (issue 5).

On top of the demo county (its units and staff) it adds individuals with valid test identity
numbers and, per case, what the routines produce: SIP cases (40 %) with consent-free basics, an
invitation, a meeting with its participants, open and met deadlines and follow-ups; stays (60 %)
with admission, ready-for-discharge and discharge notices to the municipality's needs assessment,
municipal health care and the listed primary care centre; and messages between the units of a
case (one case in three). Most of what is old is done (cases closed, notices acknowledged, deadlines
met); a few percent are late, as in real life, so every kind of overview item occurs.

Everything is written with ``bulk_create`` in chunks, so 100,000 cases take about a minute.
Deterministic for a given seed; calling it again adds more.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from samordna.cases.models import Case, Delivery, Event, Notice, Obligation, Participation
from samordna.core import deadlines
from samordna.core.identity import luhn_check_digit
from samordna.core.rules import RuleSet
from samordna.discharge.models import Stay, StayNotice
from samordna.organisations.models import County, Membership, Principal, Unit, User
from samordna.people.models import Person
from samordna.sip.models import Meeting, Participant, SipCase

CHUNK = 2000
FIRST = ["Anna", "Erik", "Maria", "Lars", "Karin", "Nils", "Elsa", "Olof", "Ingrid", "Sven"]
LAST = ["Lindqvist", "Nilsson", "Berg", "Holm", "Ek", "Lundberg", "Sandström", "Öberg", "Isaksson"]
SUBJECTS = ["Angående hemgång", "Hjälpmedel", "Läkemedelslista", "Hembesök", "Fråga om insatser"]
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

    def user(self, unit: Unit) -> User:
        return self.staff.get(unit.pk, self.fallback)


def _county() -> County_:
    county = County.objects.get(code="norrbotten")
    units = list(Unit.objects.filter(principal__county=county, active=True, connected=True))

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
    )


def _new_identity(c: County_) -> str:
    while True:
        number = identity(c.next_identity)
        c.next_identity += 1
        if number not in c.used:
            c.used.add(number)
            return number


@dataclass
class Plan:
    """One case before it is written: who and when."""

    kind: str
    person: Person
    owner: Unit
    others: list[Unit]
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    case: Case | None = None


def generate(cases: int, seed: int = 1, now: dt.datetime | None = None) -> int:
    """Add ``cases`` cases (and what belongs to them) to the demo county; returns how many."""
    now = now or timezone.now()
    rng = random.Random(f"{seed}-{Case.objects.count()}")
    c = _county()
    done = 0
    while done < cases:
        n = min(CHUNK, cases - done)
        with transaction.atomic():
            _chunk(c, rng, n, now)
        done += n
    # Fresh statistics, as the database's own upkeep keeps them (PostgreSQL's autovacuum, the
    # worker's PRAGMA optimize on SQLite): without them the planner guesses after a bulk load.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return done


def _ago(rng: random.Random, now: dt.datetime, days: float) -> dt.datetime:
    return now - dt.timedelta(minutes=rng.randrange(int(days * 24 * 60)) + 1)


def _chunk(c: County_, rng: random.Random, n: int, now: dt.datetime) -> None:
    plans = _plans(c, rng, n, now)
    cases = Case.objects.bulk_create(
        Case(
            person=p.person,
            kind=p.kind,
            owner_unit=p.owner,
            opened_at=p.opened_at,
            opened_by=c.user(p.owner),
            closed_at=p.closed_at,
            close_reason=(
                ""
                if p.closed_at is None
                else Case.CloseReason.DISCHARGED
                if p.kind == Case.Kind.DISCHARGE
                else Case.CloseReason.GOALS_MET
            ),
        )
        for p in plans
    )
    for plan, case in zip(plans, cases, strict=True):
        plan.case = case
    Participation.objects.bulk_create(
        Participation(
            case=p.case,
            unit=unit,
            role=Participation.Role.OWNER if unit == p.owner else Participation.Role.PARTICIPANT,
            since=p.opened_at,
        )
        for p in plans
        for unit in [p.owner, *p.others]
    )
    Event.objects.bulk_create(
        Event(
            case=p.case,
            kind="opened",
            actor=c.user(p.owner),
            unit=p.owner,
            occurred_at=p.opened_at,
            recorded_at=p.opened_at,
        )
        for p in plans
    )
    sips = [p for p in plans if p.kind == Case.Kind.SIP]
    stays = [p for p in plans if p.kind == Case.Kind.DISCHARGE]
    SipCase.objects.bulk_create(
        SipCase(case=p.case, type=SipCase.Type.OUTPATIENT, need_known_at=p.opened_at) for p in sips
    )
    outbox = Outbox(c, rng, now)
    _stays(c, rng, stays, outbox, now)
    meetings, obligations = _sips(c, rng, sips, outbox, now)
    for p in plans:
        if rng.random() < 1 / 3 and p.others:
            # Any time while the case is open.
            sent = p.opened_at + rng.random() * ((p.closed_at or now) - p.opened_at)
            if sent < now:
                outbox.add(p, Notice.Kind.MESSAGE, sent, [p.owner], p.others[0], rng.random() < 0.5)
    outbox.write()
    Obligation.objects.bulk_create(obligations, batch_size=CHUNK)
    Participant.objects.bulk_create(
        [
            Participant(meeting=m, kind=Participant.Kind.UNIT, unit=unit, name=unit.name)
            for p, m in meetings
            for unit in [p.owner, *p.others]
        ],
        batch_size=CHUNK,
    )


def _plans(c: County_, rng: random.Random, n: int, now: dt.datetime) -> list[Plan]:
    """40 % SIP, 60 % stays; half the SIP cases are about someone who also had a stay."""
    kinds = [Case.Kind.SIP if rng.random() < 0.4 else Case.Kind.DISCHARGE for _ in range(n)]
    stay_count, sip_count = kinds.count(Case.Kind.DISCHARGE), kinds.count(Case.Kind.SIP)
    fresh = stay_count + max(sip_count - stay_count, sip_count // 2)
    persons = Person.objects.bulk_create(_person(c, rng) for _ in range(fresh))
    stay_persons = persons[:stay_count]
    # One active SIP per person: each SIP case gets its own person, fresh ones first.
    sip_persons = iter(persons[stay_count:] + stay_persons)
    plans = []
    for kind in kinds:
        person = stay_persons.pop() if kind == Case.Kind.DISCHARGE else next(sip_persons)
        home, care = _home(c, person), person.listed_primary_care
        assert care is not None
        if kind == Case.Kind.DISCHARGE:
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
        plans.append(Plan(kind, person, owner, [u for u in others if u], opened, closed_at))
    return plans


def _person(c: County_, rng: random.Random) -> Person:
    weights = [3] + [1] * (len(c.municipalities) - 1)  # the first, Luleå, is the largest
    home = rng.choices(c.municipalities, weights=weights)[0]
    care = rng.choice(c.primary_care)
    return Person(
        identity_number=_new_identity(c),
        first_name=rng.choice(FIRST),
        last_name=rng.choice(LAST),
        municipality=home.principal,
        listed_primary_care=care,
        registered_by=c.user(care),
        registered_by_unit=care,
    )


def _home(c: County_, person: Person) -> Municipality:
    return next(m for m in c.municipalities if m.principal.pk == person.municipality_id)


class Outbox:
    """Notices and their deliveries, written together: acknowledged when old (99 %), half of
    them when their time has not come; the rest wait, and are late once due."""

    def __init__(self, c: County_, rng: random.Random, now: dt.datetime) -> None:
        self.c, self.rng, self.now = c, rng, now
        self.notices: list[Notice] = []
        self.recipients: list[list[tuple[Unit, str]]] = []
        self.extra: list[Any] = []  # detail rows, each with a ``notice`` to set
        self.deliveries: list[Delivery] = []

    def add(
        self,
        plan: Plan,
        kind: str,
        sent: dt.datetime,
        to: list[Unit],
        sender_unit: Unit | None = None,
        for_information: bool = False,
    ) -> Notice:
        unit = sender_unit or plan.owner
        notice = Notice(
            case=plan.case,
            kind=kind,
            sender=self.c.user(unit),
            sender_unit=unit,
            sent_at=sent,
            subject=self.rng.choice(SUBJECTS) if kind == Notice.Kind.MESSAGE else "",
        )
        mode = Delivery.Mode.FYI if for_information else Delivery.Mode.ACK
        self.notices.append(notice)
        self.recipients.append([(u, mode) for u in to if u != unit])
        return notice

    def write(self) -> None:
        Notice.objects.bulk_create(self.notices, batch_size=CHUNK)
        for notice, recipients in zip(self.notices, self.recipients, strict=True):
            for unit, mode in recipients:
                self.deliveries.append(self._delivery(notice, unit, mode))
        Delivery.objects.bulk_create(self.deliveries, batch_size=CHUNK)
        for model in {type(row) for row in self.extra}:
            model.objects.bulk_create([r for r in self.extra if type(r) is model], batch_size=CHUNK)

    def _delivery(self, notice: Notice, unit: Unit, mode: str) -> Delivery:
        due = (
            None
            if mode == Delivery.Mode.FYI
            else deadlines.acknowledgement_due(notice.sent_at, self.c.rules)
        )
        old = (due or notice.sent_at) < self.now - dt.timedelta(days=3)
        acknowledged = self.rng.random() < (0.99 if old else 0.5)
        at = notice.sent_at + dt.timedelta(minutes=self.rng.randrange(10, 20 * 60))
        if acknowledged and at < self.now:
            return Delivery(
                notice=notice,
                unit=unit,
                mode=mode,
                due_at=due,
                acknowledged_at=at,
                acknowledged_by=self.c.user(unit),
            )
        return Delivery(notice=notice, unit=unit, mode=mode, due_at=due)


def _stays(
    c: County_, rng: random.Random, plans: list[Plan], outbox: Outbox, now: dt.datetime
) -> None:
    rows = []
    for p in plans:
        admitted = p.opened_at
        expected = (admitted + dt.timedelta(days=rng.randrange(3, 15))).date()
        discharged = p.closed_at
        ready = None
        if discharged is not None or rng.random() < 0.4:
            ready = min(discharged or now, admitted + dt.timedelta(days=rng.randrange(1, 10)))
        rows.append(
            Stay(
                case=p.case,
                admitted_at=admitted,
                cause=rng.choice(CAUSES),
                expected_discharge_on=expected,
                treating_physician="Erik Berg",
                needs_assessed_at=admitted,
                consent_to_transfer=rng.random() < 0.8,
                ready_at=ready,
                discharged_at=discharged,
            )
        )
        sent = admitted + dt.timedelta(hours=rng.randrange(1, 20))
        notices = [(Notice.Kind.ADMISSION, sent)]
        if ready is not None:
            notices.append((Notice.Kind.READY, ready))
        if discharged is not None:
            notices.append((Notice.Kind.DISCHARGE, discharged))
        for kind, moment in notices:
            if moment < now:
                notice = outbox.add(p, kind, moment, p.others)
                outbox.extra.append(StayNotice(notice=notice, expected_discharge_on=expected))
    Stay.objects.bulk_create(rows, batch_size=CHUNK)


def _sips(
    c: County_, rng: random.Random, plans: list[Plan], outbox: Outbox, now: dt.datetime
) -> tuple[list[tuple[Plan, Meeting]], list[Obligation]]:
    """An invitation two days after the need became known, a meeting a week or two later (held
    when past), and the deadlines the SIP acts store (``sip.services``, ``sip.meetings``)."""
    meetings: list[tuple[Plan, Meeting]] = []
    obligations: list[Obligation] = []
    for p in plans:
        invited = p.opened_at + dt.timedelta(days=2, hours=rng.randrange(0, 8))
        due_invitation = deadlines.outpatient_invitation_due(p.opened_at, c.rules)
        met = invited if invited < now else None
        obligations.append(
            Obligation(
                case=p.case,
                unit=p.owner,
                kind=Obligation.Kind.SIP_INVITATION,
                due_at=due_invitation,
                met_at=met,
                cancelled_at=p.closed_at if met is None else None,
            )
        )
        if met is None:
            continue
        starts = (invited + dt.timedelta(days=rng.randrange(5, 15))).replace(
            hour=rng.choice([9, 10, 13, 14]), minute=0, second=0, microsecond=0
        )
        notice = outbox.add(p, Notice.Kind.INVITATION, invited, p.others)
        held = starts < now
        meeting = Meeting(
            case=p.case,
            notice=notice,
            purpose=Meeting.Purpose.ESTABLISH,
            form=rng.choice(Meeting.Form.values),
            place=p.owner.name,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=1),
            consent_confirmed=True,
            held=held,
            recorded_at=starts + dt.timedelta(hours=2) if held else None,
        )
        outbox.extra.append(meeting)
        meetings.append((p, meeting))
        if held and p.closed_at is None:
            documented = rng.random() < 0.95
            obligations.append(
                Obligation(
                    case=p.case,
                    unit=p.owner,
                    kind=Obligation.Kind.PLAN_DOCUMENTED,
                    due_at=deadlines.plan_documented_due(starts, c.rules),
                    met_at=starts + dt.timedelta(days=1) if documented else None,
                )
            )
            follow_up_on = starts.date() + dt.timedelta(days=rng.randrange(60, 366))
            obligations.append(
                Obligation(
                    case=p.case,
                    unit=p.owner,
                    kind=Obligation.Kind.FOLLOW_UP,
                    due_at=deadlines.end_of_day(follow_up_on),
                )
            )
            obligations.extend(
                Obligation(
                    case=p.case,
                    unit=unit,
                    kind=Obligation.Kind.FOLLOW_UP_COMMENT,
                    due_at=deadlines.follow_up_comment_due(follow_up_on, c.rules),
                )
                for unit in p.others
            )
    return meetings, obligations
