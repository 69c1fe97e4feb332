from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samordna.extracts.county import EXCLUDED, ExportError, export


class Command(BaseCommand):
    help = "Write the county's data to FILE as versioned JSON lines (README, Operations)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"].resolve()
        if not path.parent.is_dir():
            raise CommandError(f"{path.parent}: no such folder")
        try:
            rows = export(path)
        except ExportError as error:
            raise CommandError(str(error)) from error
        left_out = ", ".join(sorted(EXCLUDED))
        self.stdout.write(f"County exported to {path}: {rows} rows (left out: {left_out}).")
