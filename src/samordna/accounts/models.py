"""Failed guesses of a password, a second-factor code or an API token (issue 17 item 3).

One row per failure; ``accounts/throttle.py`` counts the rows of the last window per account and
per address. The rows live in the database, so every gunicorn worker and every machine counts
the same failures (a per-process cache would let each worker grant its own five guesses).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Failure(models.Model):
    class Kind(models.TextChoices):
        PASSWORD = "password", _("Password")
        CODE = "code", _("Second-factor code")
        TOKEN = "token", _("API token")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # The user name as typed, case-folded (so "ALICE" counts for alice); empty for tokens.
    username = models.CharField(_("user name"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("failed attempt")
        verbose_name_plural = _("failed attempts")
        indexes = [
            models.Index(fields=["kind", "username", "at"], name="failure_account_idx"),
            models.Index(fields=["kind", "ip", "at"], name="failure_address_idx"),
            models.Index(fields=["at"], name="failure_at_idx"),
        ]

    def __str__(self) -> str:
        return (
            f"{timezone.localtime(self.at):%Y-%m-%d %H:%M:%S} {self.kind} {self.username} {self.ip}"
        )
