from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samordna.organisations.imports import import_units


class Command(BaseCommand):
    help = "Import units from CSV or JSON; on any error nothing is imported."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        report = import_units(path)
        if report.errors:
            for error in report.errors:
                self.stderr.write(error)
            raise CommandError(f"{len(report.errors)} bad lines; nothing was imported.")
        self.stdout.write(f"{report.created} units created, {report.updated} updated.")
