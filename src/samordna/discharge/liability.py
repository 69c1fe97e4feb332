"""The municipality's payment liability for a patient ready for discharge (SVU-10).

A pure function of the stay's facts, the county rule set, the national daily amounts and the
date, so every rule is table-tested without a database. The rules, from Lag (2017:612) as the
Norrbotten guidelines put them (seed 001_118551e475ece215.txt):

- no consent to information transfer: no liability (lines 656-659);
- the ward must have sent the admission notice to the municipality (lines 1533-1534) and the
  ready-for-discharge notice (lines 1535-1537);
- the designated care contact must have sent the SIP invitation within three days of the ready
  notice (lines 1538-1540), unless only social services are needed (lines 1541-1544);
- liability starts three days after a ready notice sent by 12:00, four days after one sent later
  (lines 1550-1557, ``core.deadlines.payment_liability_start``), and runs per vårddygn
  (line 1560) until the day of discharge (``core.deadlines.liable_days``);
- none while region outpatient interventions are not available (lines 1546-1548);
- each day costs the national amount of its calendar year (lines 1559-1562).

The reasoning is a list of Swedish sentences whatever the user's language: it is the basis of an
invoice between principals, exported as CSV, and must read the same for both.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from samordna.core import deadlines
from samordna.core.calendar import STOCKHOLM
from samordna.core.rules import RuleSet


@dataclass(frozen=True)
class Period:
    """Days (inclusive) when region outpatient interventions were not available."""

    starts_on: dt.date
    ends_on: dt.date | None = None  # still unavailable


@dataclass(frozen=True)
class Facts:
    consent: bool
    admission_notice_to_municipality: bool
    ready_sent_at: dt.datetime | None
    sip_invited_at: dt.datetime | None = None
    only_social_services: bool = False
    sip_declined_at: dt.datetime | None = None
    discharged_on: dt.date | None = None
    unavailable: tuple[Period, ...] = ()


@dataclass(frozen=True)
class Liability:
    start: dt.date | None
    dates: tuple[dt.date, ...]
    amount: int | None  # None when a year's amount is missing
    missing_years: tuple[int, ...]
    reasons: tuple[str, ...] = field(default=())

    @property
    def days(self) -> int:
        return len(self.dates)

    def days_by_year(self) -> dict[int, int]:
        return dict(sorted(Counter(d.year for d in self.dates).items()))

    def in_month(self, year: int, month: int) -> tuple[int, ...]:
        """The liable days of one calendar month, as day numbers."""
        return tuple(d.day for d in self.dates if (d.year, d.month) == (year, month))


def kronor(amount: int) -> str:
    return f"{amount:,}".replace(",", " ") + " kr"


def _when(moment: dt.datetime) -> str:
    local = moment.astimezone(STOCKHOLM)
    return f"{local:%Y-%m-%d} kl. {local:%H.%M}"


def _none(*reasons: str) -> Liability:
    return Liability(start=None, dates=(), amount=0, missing_years=(), reasons=reasons)


def assess(facts: Facts, rules: RuleSet, amounts: Mapping[int, int], today: dt.date) -> Liability:
    """Start, liable days, amount and the reasoning, as of ``today`` for a patient still in
    hospital. ``amounts`` maps a year to the national amount per day in kronor."""
    if not facts.consent:
        return _none(
            "Patienten har inte samtyckt till informationsöverföring: inget betalningsansvar."
        )
    if not facts.admission_notice_to_municipality:
        return _none(
            "Inskrivningsmeddelande har inte skickats till kommunen: inget betalningsansvar."
        )
    if facts.ready_sent_at is None:
        return _none("Meddelande om utskrivningsklar har inte skickats: inget betalningsansvar.")
    ready = facts.ready_sent_at
    start = deadlines.payment_liability_start(ready, rules)
    cutoff = f"{rules.payment_cutoff:%H.%M}"
    on_time = ready.astimezone(STOCKHOLM).time() <= rules.payment_cutoff
    reasons = [
        f"Meddelande om utskrivningsklar skickades {_when(ready)}, "
        f"{'senast' if on_time else 'efter'} kl. {cutoff}: betalningsansvaret inträder {start}."
    ]
    sip = _sip_condition(facts, rules, today)
    reasons.append(sip[1])
    if not sip[0]:
        return _none(*reasons)

    span = deadlines.liable_days(start, facts.discharged_on, today)
    every_day = [start + dt.timedelta(days=i) for i in range(span)]
    if facts.discharged_on is None:
        reasons.append(f"Patienten är kvar på avdelningen; räknat till och med {today}.")
    elif facts.discharged_on <= start:
        reasons.append(
            f"Patienten skrevs ut {facts.discharged_on}, innan betalningsansvaret inträdde."
        )
    else:
        reasons.append(f"Patienten skrevs ut {facts.discharged_on}; utskrivningsdagen räknas inte.")
    dates = []
    for day in every_day:
        if not any(_covers(p, day) for p in facts.unavailable):
            dates.append(day)
    for period in facts.unavailable:
        excluded = sum(1 for day in every_day if _covers(period, day))
        if excluded:
            until = period.ends_on or "tills vidare"
            reasons.append(
                f"Regionens öppenvårdsinsatser var inte tillgängliga {period.starts_on}–{until}: "
                f"{excluded} vårddygn räknas inte."
            )
    return _priced(start, tuple(dates), amounts, reasons)


def _sip_condition(facts: Facts, rules: RuleSet, today: dt.date) -> tuple[bool, str]:
    """Whether the SIP invitation condition holds, and the sentence that says so."""
    if facts.only_social_services:
        return (
            True,
            "Patienten behöver endast insatser från socialtjänsten: ingen kallelse till SIP krävs.",
        )
    assert facts.ready_sent_at is not None
    due = deadlines.discharge_invitation_due(facts.ready_sent_at, rules)
    if facts.sip_declined_at is not None and facts.sip_declined_at < due:
        # Seed 001 lines 981-983: no invitation "när patienten ... inte samtycker till
        # samordnad individuell planering". A refusal after the deadline does not mend a
        # missed invitation.
        return (
            True,
            f"Patienten tackade nej till SIP {_when(facts.sip_declined_at)}: "
            "ingen kallelse till SIP krävs.",
        )
    last_day = (due - dt.timedelta(days=1)).date()  # due is local midnight after the last day
    days = rules.discharge_invitation_days
    invited = facts.sip_invited_at
    if invited is not None and invited < due:
        return True, f"Kallelse till SIP skickades {_when(invited)}, inom {days} dagar."
    if invited is not None:
        return False, (
            f"Kallelse till SIP skickades {_when(invited)}, senare än {days} dagar efter "
            f"meddelandet om utskrivningsklar (senast {last_day}): inget betalningsansvar."
        )
    if today <= last_day:
        return False, (
            f"Kallelse till SIP har ännu inte skickats; den ska skickas senast {last_day}. "
            "Betalningsansvaret förutsätter det."
        )
    return False, (
        f"Kallelse till SIP skickades inte inom {days} dagar (senast {last_day}): "
        "inget betalningsansvar."
    )


def _covers(period: Period, day: dt.date) -> bool:
    return period.starts_on <= day and (period.ends_on is None or day <= period.ends_on)


def _priced(
    start: dt.date, dates: tuple[dt.date, ...], amounts: Mapping[int, int], reasons: list[str]
) -> Liability:
    total = 0
    missing = []
    liability = Liability(start=start, dates=dates, amount=None, missing_years=())
    for year, days in liability.days_by_year().items():
        per_day = amounts.get(year)
        if per_day is None:
            missing.append(year)
            reasons.append(f"{year}: {days} vårddygn, belopp saknas för år {year}.")
        else:
            total += days * per_day
            reasons.append(
                f"{year}: {days} vårddygn × {kronor(per_day)} = {kronor(days * per_day)}."
            )
    if missing:
        reasons.append(
            f"Betalningsansvar {len(dates)} vårddygn; summan kan inte beräknas: belopp saknas för "
            f"år {', '.join(map(str, missing))}."
        )
    else:
        reasons.append(f"Betalningsansvar {len(dates)} vårddygn, summa {kronor(total)}.")
    return Liability(
        start=start,
        dates=dates,
        amount=None if missing else total,
        missing_years=tuple(missing),
        reasons=tuple(reasons),
    )
