from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samordna.operations.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Replace the database by the backup in FILE (stop the web and worker processes first). "
        "Refuses a backup from a newer release, and a database in use unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--force", action="store_true", help="replace a database that is in use"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            done = restore(options["file"], force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {options['file']} ({done.applied} migrations applied in it).")
        if done.pending:
            self.stdout.write(
                f"The backup is from an older release: {len(done.pending)} migrations are "
                "pending; `samordna serve` applies them when it starts "
                "(or run `samordna manage migrate`)."
            )
