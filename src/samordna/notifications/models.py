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


class DigestState(models.TextChoices):
    """Where one digest is. Named on its own, not ``State``: django-ninja names an OpenAPI
    component after the class alone."""

    PENDING = "pending", _("Being sent")
    SENT = "sent", _("Sent")
    NOTHING = "nothing", _("Nothing to say")
    SUPERSEDED = "superseded", _("Included in a later digest")


class Digest(models.Model):
    """The outbox row of one digest per user and reading time (issue 16 item 4).

    A worker inserts it as ``pending`` with a lease before it sends, and the unique constraint
    lets only one of two workers (or two runs) do so. The mail is marked ``sent`` the moment
    the mail server has taken it, and a reading time with nothing to say is marked ``nothing``:
    a ``pending`` row is a mail still owed. When the worker dies between claim and send, the
    lease runs out and the next run takes the row over (``attempts`` counts the tries). The mail
    carries a Message-ID made from the row, the same on every try, so a mail the server took
    just before a worker died (its ``sent`` mark lost with it) is recognisable as the same
    message."""

    State = DigestState

    user = models.ForeignKey(User, models.CASCADE, related_name="+")
    slot = models.DateTimeField(help_text=_("The reading time the digest is for."))
    claimed_at = models.DateTimeField(default=timezone.now)
    address = models.EmailField(blank=True)
    items = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    # db_default: a row inserted by a process older than this field (during an upgrade) never
    # gets a state, and counts as settled, as such rows did before (README, migrations policy).
    state = models.CharField(
        max_length=12,
        choices=DigestState.choices,
        default=DigestState.PENDING,
        db_default=DigestState.NOTHING,
    )
    # Until when the worker that claimed (or last took over) the row may still be sending it.
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=1, db_default=1)

    class Meta:
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        constraints = [
            models.UniqueConstraint(fields=["user", "slot"], name="one_digest_per_user_and_slot")
        ]
        indexes = [
            # The mails still owed, oldest first: recovery and the worker-lag metric.
            models.Index(
                fields=["slot"],
                name="digest_pending_slot",
                condition=models.Q(state="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"Digest for {self.user} at {self.slot}"
