"""The SIP fixture of the SIP tests, for the follow-up tests."""

from tests.sip.conftest import sip  # noqa: F401 (a fixture, found by pytest here)
