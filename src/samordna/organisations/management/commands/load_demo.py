from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from samordna.organisations import demo


class Command(BaseCommand):
    help = "Load the demo county; --reset deletes all data first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true")
        parser.add_argument("--if-empty", action="store_true")
        parser.add_argument(
            "--history",
            type=int,
            default=0,
            help="Also generate this many cases of the past two years (the indicators' charts).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reset"]:
            demo.reset()
        elif not demo.is_empty():
            if options["if_empty"]:
                self.stdout.write("The database already has data; the demo was not loaded.")
                return
            self.stderr.write("The database already has data. Use --reset to start over.")
            return
        counts = demo.load()
        if options["history"] > 0:
            from samordna.overview.dataset import generate

            # The bulk on the background units, a twentieth on every unit, so the demo logins
            # see a few generated cases after their curated ones, not a thousand.
            history = options["history"]
            generate(history - history // 20, exclude_units=demo.login_units())
            generate(history // 20)
            self.stdout.write(f"Generated {options['history']} cases of history.")
        self.stdout.write(
            f"Demo county loaded: {counts['units']} units, {counts['staff']} staff, "
            f"{counts['persons']} individuals, {counts['stays']} stays, "
            f"{counts['sips']} SIP with a documented plan. "
            f"Password for every login: {demo.DEMO_PASSWORD}"
        )
        for s in demo.staff():
            units = ", ".join(f"{u} ({r})" for u, r in s["memberships"])
            self.stdout.write(f"  {s['username']:<8} {s['first_name']} {s['last_name']}: {units}")
        self.stdout.write(
            "Administrators and county roles also give a code from an authenticator app with the "
            f"key {demo.DEMO_TOTP_SECRET}, or from `samordna manage demo_code`."
        )
