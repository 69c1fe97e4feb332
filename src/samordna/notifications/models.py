"""BOX-3: each user's notification preferences, and the digests claimed per reading time."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samordna.organisations.models import User


class Preference(models.Model):
    """Whether a user wants the digest, and where. Without a row the defaults apply: the digest
    is on and goes to the e-mail address of the user's account."""

    user = models.OneToOneField(
        User, models.CASCADE, primary_key=True, related_name="notification_preference"
    )
    digest = models.BooleanField(
        _("E-mail me a digest at the county's reading times"), default=True
    )
    address = models.EmailField(
        _("e-mail address"),
        blank=True,
        help_text=_("Leave empty to use the e-mail address of your account."),
    )
    # Optimistic locking: a save carries the version it started from (SEC-4).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"Notifications of {self.user}"


class Digest(models.Model):
    """One digest per user and reading time. The row is the claim: a worker inserts it before it
    sends, and the unique constraint lets only one of two workers (or two runs) do so."""

    user = models.ForeignKey(User, models.CASCADE, related_name="+")
    slot = models.DateTimeField(help_text=_("The reading time the digest is for."))
    claimed_at = models.DateTimeField(default=timezone.now)
    address = models.EmailField(blank=True)
    items = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        constraints = [
            models.UniqueConstraint(fields=["user", "slot"], name="one_digest_per_user_and_slot")
        ]

    def __str__(self) -> str:
        return f"Digest for {self.user} at {self.slot}"
