"""`samordna manage generate_county --cases 100000`: a realistic county dataset of any size."""

from __future__ import annotations

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from samordna.organisations.models import County
from samordna.overview.dataset import generate


class Command(BaseCommand):
    help = (
        "Add CASES SIP cases and stays, with their notices, messages, meetings and deadlines, "
        "to the demo county (loaded first if the database is empty). Run it again to add more."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, cases: int, seed: int, **options: Any) -> None:
        if not County.objects.filter(code="norrbotten").exists():
            call_command("load_demo", verbosity=0)
        started = time.monotonic()
        made = generate(cases, seed, progress=self.stdout.write)
        self.stdout.write(f"{made} cases added in {time.monotonic() - started:.1f} s")
