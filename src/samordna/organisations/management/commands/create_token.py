from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samordna.api.models import ApiToken
from samordna.organisations.models import Membership, Unit, User


class Command(BaseCommand):
    help = "Issue an API token for an integrating system; it is printed once and stored hashed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--user", required=True)
        parser.add_argument("--unit", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"]).first()
        unit = Unit.objects.filter(code=options["unit"]).first()
        if user is None or unit is None:
            raise CommandError("Unknown user or unit code.")
        if not Membership.objects.filter(user=user, unit=unit).exists():
            raise CommandError(f"{user.username} is not a member of {unit.code}.")
        _token, secret = ApiToken.issue(options["name"], user, unit)
        self.stdout.write(secret)
