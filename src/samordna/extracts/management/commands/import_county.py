from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samordna.extracts.county import ExportError, import_county


class Command(BaseCommand):
    help = (
        "Load a county export (JSON lines) into this empty, migrated installation; on any "
        "error nothing is imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rows = import_county(options["file"].resolve())
        except ExportError as error:
            raise CommandError(f"{error}; nothing was imported") from error
        self.stdout.write(f"County imported from {options['file']}: {rows} rows.")
