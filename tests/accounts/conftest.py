from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.oidc_provider import LocalProvider, use_providers


@pytest.fixture(scope="session")
def idp_process() -> Iterator[LocalProvider]:
    provider = LocalProvider(["http://testserver"], names=("region", "kommun"))
    yield provider
    provider.stop()


@pytest.fixture
def idp(idp_process: LocalProvider, settings) -> Iterator[LocalProvider]:  # type: ignore[no-untyped-def]
    """The provider, running at this test's instant, configured as the region's IdP."""
    idp_process.follow_python_clock()
    use_providers(settings, [idp_process.config()])
    yield idp_process
    idp_process.control(tamper=None)
