"""The individual's own pages (issue 15): a real OpenID provider with demo individuals, and a
documented plan with an upcoming meeting for ``tests.conftest.world``'s Sture."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client

from samordna.cases.models import Case
from samordna.people.models import Person
from samordna.sip.models import Meeting, PlanVersion
from tests.conftest import World
from tests.oidc_provider import Browser, LocalProvider, path_of, use_providers
from tests.sip.conftest import sip  # noqa: F401  (the fixture)
from tests.sip.plans import documented
from tests.sip.test_meetings import invite

SIGNE = "192304069285"  # a second individual (src/samordna/demo/population.json)


def use_individual_providers(settings, providers) -> None:  # type: ignore[no-untyped-def]
    settings.INDIVIDUAL_OIDC_PROVIDERS = providers
    use_providers(settings, [*settings.OIDC_PROVIDERS, *providers])
    settings.OIDC_PROVIDERS = settings.OIDC_PROVIDERS  # unchanged: staff providers stay


@pytest.fixture(scope="session")
def individual_idp_process() -> Iterator[LocalProvider]:
    provider = LocalProvider(["http://testserver"])
    yield provider
    provider.stop()


@pytest.fixture
def individual_idp(individual_idp_process: LocalProvider, settings) -> Iterator[LocalProvider]:  # type: ignore[no-untyped-def]
    individual_idp_process.follow_python_clock()
    settings.OIDC_PROVIDERS = []
    use_individual_providers(settings, [individual_idp_process.individual_config()])
    yield individual_idp_process
    individual_idp_process.control(tamper=None)


def log_in(client: Client, login: str = "sture") -> Client:
    """Through the provider, as the browser would: start, the provider's form, the callback."""
    response = client.get("/mina-sidor/logga-in/e-legitimation/")
    assert response.status_code == 302, response.content
    back = Browser().log_in(response["Location"], login=login)
    response = client.get(path_of(back))
    assert response.status_code in (302, 403), response.content
    return client


@pytest.fixture
def plan_and_meeting(world: World, sip: Case) -> tuple[Case, PlanVersion, Meeting]:  # noqa: F811
    plan = documented(world, sip)
    meeting = invite(world, sip)
    return sip, plan, meeting


@pytest.fixture
def signe(world: World) -> Person:
    """A second individual with a SIP of her own at the same unit."""
    return Person.objects.create(
        identity_number=SIGNE,
        first_name="Signe",
        last_name="Lindqvist",
        municipality=world.lulea,
        registered_by=world.alice,
        registered_by_unit=world.owner_unit,
    )
