"""A process that writes while a backup runs (tests/operations/test_backup.py):
``python -m tests.operations.writer STOPFILE`` writes two operating-status banners per
transaction, as fast as it can, until STOPFILE exists (STOPFILE.writing says the first pair is
in); it prints how many pairs it wrote."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samordna.settings")
django.setup()

from django.db import transaction  # noqa: E402

from samordna.operations.models import Banner  # noqa: E402


def main(stop: Path) -> int:
    pairs = 0
    while not stop.exists():
        with transaction.atomic():  # a backup holds both banners of a pair, or neither
            Banner.objects.create(kind="maintenance", message=f"pair {pairs} a")
            Banner.objects.create(kind="maintenance", message=f"pair {pairs} b")
        pairs += 1
        if pairs == 1:
            stop.with_suffix(".writing").touch()
    print(pairs)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
