"""Print the current code of the demo's published authenticator key (the demo's administrators
log in with it). It reads no account: the key is the demo's, in the README."""

import base64
import time
from typing import Any

from django.core.management.base import BaseCommand
from django_otp.oath import totp

from samordna.organisations.demo import DEMO_TOTP_SECRET

STEP = 30


class Command(BaseCommand):
    help = "Print the current second-factor code of the demo administrators (ulla, hanna, gunilla)."

    def handle(self, *args: Any, **options: Any) -> None:
        key = base64.b32decode(DEMO_TOTP_SECRET)
        left = STEP - int(time.time()) % STEP
        self.stdout.write(f"{totp(key, step=STEP):06d}  (valid {left} s more, then the next one)")
