"""The overview's working day serves the digest tests too."""

from tests.overview.conftest import clock, day

__all__ = ["clock", "day"]
