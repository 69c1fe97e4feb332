from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samordna.operations.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write a consistent backup of the database to FILE, while the service runs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self.stdout.write(backup(options["file"]))
        except BackupError as error:
            raise CommandError(str(error)) from error
