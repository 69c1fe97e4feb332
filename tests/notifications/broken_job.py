"""A job module whose own import fails: that is an error, not a job still to be written."""

import samordna_no_such_package  # noqa: F401


def run(now: object) -> int:
    return 0
