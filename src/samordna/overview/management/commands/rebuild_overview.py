"""Recompute the overview's read model from the facts (issue 11): after a bulk load, or to
check that what the acts kept is what the facts say (``--check`` changes nothing)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from samordna.overview import readmodel


class Command(BaseCommand):
    help = "Rebuild the overview's work items and counters from the source tables."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="compare the stored read model with a rebuild and change nothing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["check"]:
            total = readmodel.rebuild()
            self.stdout.write(f"{total} work items")
            return
        before = readmodel.snapshot()
        with transaction.atomic():
            readmodel.rebuild()
            after = readmodel.snapshot()
            transaction.set_rollback(True)
        if before != after:
            missing, extra = after[0] - before[0], before[0] - after[0]
            raise CommandError(
                f"the read model differs from the facts: {len(missing)} rows missing, "
                f"{len(extra)} rows too many, counters equal: {before[1] == after[1]}"
            )
        self.stdout.write(f"the read model equals the facts ({len(before[0])} work items)")
