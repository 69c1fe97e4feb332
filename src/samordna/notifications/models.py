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


class IndividualPreference(models.Model):
    """Whether someone who logs in to an individual's own pages wants to be told of news there,
    and where (PAT-1, issue 15 item 5). Opt-in: without a row, nothing is sent. Keyed by the
    identity number the login vouched for, so a guardian of two children has one setting."""

    holder = models.CharField(_("identity number"), max_length=12, unique=True)
    by_email = models.BooleanField(_("Tell me by e-mail"), default=False)
    email = models.EmailField(_("e-mail address"), blank=True)
    by_sms = models.BooleanField(_("Tell me by text message (SMS)"), default=False)
    # Stored as +467XXXXXXXX (notifications.individual.mobile_number).
    phone = models.CharField(_("mobile number"), max_length=16, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification setting of an individual")
        verbose_name_plural = _("notification settings of individuals")

    def __str__(self) -> str:
        return f"Notifications of an individual ({self.pk})"


class IndividualNotice(models.Model):
    """The outbox row of one notice to one holder by one channel (issue 15 item 5).

    Written in the act's transaction by the acts' listener (``individual.write``), sent by the
    worker afterwards: a mail server or SMS gateway that is down never fails the act, and the
    notice is tried again with a growing pause. One per timeline event, holder and channel.
    The message says only that there is news (``individual.TEXTS``): no name, no case."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("New invitation")
        PLAN = "plan", _("New version of the plan")

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("Text message (SMS)")

    class State(models.TextChoices):
        PENDING = "pending", _("To be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Given up")

    holder = models.CharField(max_length=12)
    event_id = models.BigIntegerField(help_text=_("The timeline event the notice is about."))
    kind = models.CharField(max_length=12, choices=Kind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    address = models.CharField(max_length=254)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the worker may (next) try it; while one sends it, the end of its lease.
    due_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("notice to an individual")
        verbose_name_plural = _("notices to individuals")
        constraints = [
            models.UniqueConstraint(
                fields=["event_id", "holder", "channel"], name="one_notice_per_event_and_channel"
            )
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="individual_notice_due",
                condition=models.Q(state="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} by {self.channel} ({self.state})"
