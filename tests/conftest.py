"""Shared fixtures: a small county and the three test users every view is tested with.

- alice works at the unit that owns the data (Hertsöns hälsocentral registered the person and
  owns the case),
- bob works at a unit that takes part in the case (Luleå biståndshandläggning),
- charlie works at an unrelated unit and must see nothing (Piteå LSS).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.test import Client, override_settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from samordna.accounts import otp
from samordna.accounts.actor import Actor
from samordna.accounts.middleware import SESSION_KEY
from samordna.accounts.sessions import REFRESHED_KEY
from samordna.cases.acts import touch
from samordna.cases.models import Case, Participation
from samordna.operations import context_processors as banner_cache
from samordna.operations.context_processors import forget as forget_banners
from samordna.organisations.models import County, Membership, Principal, Unit, User
from samordna.people.models import Person
from samordna.sip.models import Consent, SipCase

PASSWORD = "correct horse battery staple"

# No timed asserts: Hypothesis's per-example deadline and its "input generation is slow" check
# fail on a loaded machine (CI shares two cores), whatever the code does.
hypothesis_settings.register_profile(
    "samordna", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("samordna")
STOCKHOLM = ZoneInfo("Europe/Stockholm")
START_AT_ENV = "SAMORDNA_TEST_START"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--start-at",
        default=None,
        metavar="INSTANT",
        help=(
            "start every test at this instant (ISO 8601, e.g. 2028-02-29T06:00; Europe/Stockholm "
            f"local time unless an offset is given), the clock then ticks on; also {START_AT_ENV}. "
            "Without it the real time is used."
        ),
    )


def parse_start_at(value: str) -> dt.datetime:
    """``2028-02-29T06:00`` is Stockholm time, ``...+00:00``/``...Z`` as given; a date alone is
    midnight. An ambiguous local time (the October hour that happens twice) is the first one."""
    try:
        instant = dt.datetime.fromisoformat(value.strip())
    except ValueError as error:
        raise pytest.UsageError(
            f"--start-at/{START_AT_ENV}: not an ISO 8601 instant: {value!r}"
        ) from error
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=STOCKHOLM)
    return instant


def start_at(config: pytest.Config) -> dt.datetime | None:
    value = config.getoption("--start-at") or os.environ.get(START_AT_ENV)
    return parse_start_at(value) if value else None


def pytest_configure(config: pytest.Config) -> None:
    start_at(config)  # a bad value stops the run before any test, not in every test


def pytest_report_header(config: pytest.Config) -> str:
    instant = start_at(config)
    if instant is None:
        return "clock: real time"
    local = instant.astimezone(STOCKHOLM)
    return f"clock: every test starts at {local.isoformat()} ({local:%A} in Europe/Stockholm)"


@pytest.fixture(autouse=True)
def clock_at_start(request: pytest.FixtureRequest) -> Iterator[None]:
    """Start each test at the run's chosen instant (``--start-at``), with the clock ticking.

    time-machine patches the whole process, so the live server thread of the browser tests sees
    the same clock. A test that needs a particular time travels there itself on top of this."""
    instant = start_at(request.config)
    if instant is None:
        yield
        return
    with time_machine.travel(instant, tick=True):
        yield


@dataclass
class World:
    county: County
    lulea: Principal
    pitea: Principal
    region: Principal
    owner_unit: Unit
    participant_unit: Unit
    unrelated_unit: Unit
    ward: Unit
    alice: User
    bob: User
    charlie: User
    admin: User
    person: Person
    case: Case

    def actor(self, user: User, unit: Unit | None = None) -> Actor:
        unit = unit or Unit.objects.filter(memberships__user=user).first()
        assert unit is not None
        return Actor.for_unit(user, unit)


def make_user(username: str, unit: Unit, *roles: str) -> User:
    user = User.objects.create_user(username, password=PASSWORD, first_name=username.title())
    for role in roles or (Membership.Role.NURSE,):
        Membership.objects.create(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def world(db: None) -> World:
    county = County.objects.create(code="norrbotten", name="Norrbottens län")
    region = Principal.objects.create(
        county=county, code="region", name="Region Norrbotten", kind="region"
    )
    lulea = Principal.objects.create(
        county=county,
        code="lulea",
        name="Luleå kommun",
        kind="municipality",
        municipality_code="2580",
    )
    pitea = Principal.objects.create(
        county=county,
        code="pitea",
        name="Piteå kommun",
        kind="municipality",
        municipality_code="2581",
    )
    owner_unit = Unit.objects.create(
        principal=region, code="hc-hertson", name="Hertsöns hälsocentral", kind="primary_care"
    )
    participant_unit = Unit.objects.create(
        principal=lulea,
        code="lulea-bistand",
        name="Luleå biståndshandläggning",
        kind="needs_assessment",
    )
    unrelated_unit = Unit.objects.create(
        principal=pitea, code="pitea-lss", name="Piteå LSS", kind="lss"
    )
    ward = Unit.objects.create(
        principal=region, code="sunderby-med5", name="Sunderby medicin 5", kind="inpatient_ward"
    )
    alice = make_user("alice", owner_unit, Membership.Role.NURSE)
    bob = make_user("bob", participant_unit, Membership.Role.CASE_OFFICER)
    charlie = make_user("charlie", unrelated_unit, Membership.Role.OTHER_PROFESSIONAL)
    admin = make_user("admin", owner_unit, Membership.Role.UNIT_ADMIN)
    person = Person.objects.create(
        identity_number="193603239090",
        first_name="Sture",
        last_name="Lundberg",
        municipality=lulea,
        listed_primary_care=owner_unit,
        registered_by=alice,
        registered_by_unit=owner_unit,
    )
    case = Case.objects.create(
        person=person, kind=Case.Kind.SIP, owner_unit=owner_unit, opened_by=alice
    )
    SipCase.objects.create(case=case, type=SipCase.Type.OUTPATIENT, need_known_at=case.opened_at)
    Participation.objects.create(case=case, unit=owner_unit, role=Participation.Role.OWNER)
    Participation.objects.create(
        case=case, unit=participant_unit, role=Participation.Role.PARTICIPANT
    )
    # Bob's unit takes part because the individual's consent names it (SEC-1, CON-1): without
    # it only the coordinator's unit would see the case (seed 002_ca8314ba67d4fca6.txt line
    # 156: "samtycke krävs för att ta del av en tidigare upprättad SIP").
    consent = Consent.objects.create(
        case=case,
        decision=Consent.Decision.GIVEN,
        giver=Consent.Giver.INDIVIDUAL,
        giver_name="Sture Lundberg",
        form=Consent.Form.ORAL,
        given_at=case.opened_at,
        recorded_by=alice,
    )
    consent.units.set([participant_unit])
    touch(case.pk)  # written by hand, outside an act: the overview's read model follows
    return World(
        county,
        lulea,
        pitea,
        region,
        owner_unit,
        participant_unit,
        unrelated_unit,
        ward,
        alice,
        bob,
        charlie,
        admin,
        person,
        case,
    )


def force_full_login(client: Client, user: User) -> Client:
    """``force_login`` past the second factor, as if the code had been given (for tests of
    other things done by administrators, who must have one)."""
    client.force_login(user)
    session = client.session
    session[otp.STATE_KEY] = otp.DONE
    session.save()
    return client


@pytest.fixture
def login(client: Client) -> Callable[[User, Unit | None], Client]:
    """Log a user in with an active unit, as the unit-choice page would at the end of a whole
    login (password, then the second factor where one is needed; tests/accounts/test_otp.py
    goes through those steps), whose save renews the idle timeout, so the next requests need
    not."""

    def _login(user: User, unit: Unit | None = None) -> Client:
        client.force_login(user)
        unit = unit or Unit.objects.filter(memberships__user=user).first()
        session = client.session
        session[otp.STATE_KEY] = otp.DONE
        session[SESSION_KEY] = unit.pk if unit else None
        session[REFRESHED_KEY] = int(time.time())
        session.save()
        return client

    return _login


@pytest.fixture(autouse=True, scope="session")
def static_files_without_collectstatic() -> Iterator[None]:
    """Production serves hashed names from the manifest `samordna serve` writes with
    collectstatic (tests/test_server.py runs that end to end). The test run does not collect: its
    pages name the source files, which the browser tests' live server finds in the package."""
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # what WhiteNoise scans at start
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        yield


@pytest.fixture(autouse=True)
def banners_read_afresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each process keeps the banners it read for a few seconds (operations.context_processors);
    a test's rolled-back banners must not show in the next test, and every request of a test
    reads them, so that two requests' query counts compare (the test of the cache sets its own
    interval)."""
    monkeypatch.setattr(banner_cache, "READ_EVERY", 0.0)
    forget_banners()
    yield
    forget_banners()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    """Argon2 is slow on purpose; tests of other things need not pay for it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def valid_identity_number(date_digits: str, serial: int) -> str:
    """A 12-digit number with a correct check digit, e.g. ("19500101", 12) -> "195001010120"."""
    ten = date_digits[2:] + f"{serial:03d}"
    total = 0
    for i, ch in enumerate(ten):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return date_digits + f"{serial:03d}" + str((10 - total % 10) % 10)
