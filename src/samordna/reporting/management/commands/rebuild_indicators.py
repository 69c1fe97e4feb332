"""Recompute the indicators' facts and counters from the source tables (issue 13): after a
bulk load, or to check that what the acts kept is what the facts say (``--check`` changes
nothing)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samordna.reporting import rollup, stats


class Command(BaseCommand):
    help = "Rebuild the indicators' facts and monthly counters from the source tables."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="compare the stored rollup with a recomputation and change nothing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["check"]:
            self.stdout.write(f"{rollup.rebuild()} facts")
            return
        if stats.snapshot() != stats.recomputed():
            raise CommandError("the plain measures differ from the facts")
        kept, wanted = rollup.snapshot(), rollup.recomputed()
        if kept != wanted:
            missing, extra = wanted[0] - kept[0], kept[0] - wanted[0]
            raise CommandError(
                f"the rollup differs from the facts: {len(missing)} facts missing, "
                f"{len(extra)} facts too many, counters equal: {kept[1] == wanted[1]}"
            )
        self.stdout.write(f"the rollup equals the facts ({len(kept[0])} facts)")
