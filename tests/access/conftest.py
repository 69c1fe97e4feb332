"""Prints what the access matrix tried at the end of the run (issue 17: "routes x roles tried,
leaks found: 0" in the CI output)."""

from __future__ import annotations

from _pytest.terminal import TerminalReporter


def pytest_terminal_summary(terminalreporter: TerminalReporter) -> None:
    from tests.access.test_matrix import STATS

    if not STATS:
        return
    terminalreporter.write_sep("=", "access matrix")
    terminalreporter.write_line(
        f"{STATS['routes']} routes (screens by method, API operations) x {STATS['roles']} roles: "
        f"{STATS['tried']} requests tried, "
        f"leaks found: {STATS['leaks']}, answers other than declared: {STATS['mismatches']}, "
        f"refused writes that changed data: {STATS['changes']}"
    )
