"""The two processes about a person, what they share, and who takes part (SEC-1, SIP-3).

A ``Case`` is either a SIP case or a discharge process (SVU ärende, seed 000). The SIP and
discharge apps add their own one-to-one detail tables; participation, the timeline and the
"one active SIP per person" invariant live here so that visibility has one choke point.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samordna.organisations.models import Unit, User
from samordna.people.models import Person

if TYPE_CHECKING:
    from samordna.accounts.actor import Actor


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, actor: Actor) -> CaseQuerySet:
        """The one choke point for reading cases: a unit sees a case while it takes part (SEC-1)."""
        now = timezone.now()
        takes_part = Participation.objects.filter(case=OuterRef("pk"), unit=actor.unit).filter(
            Q(until__isnull=True) | Q(until__gt=now)
        )
        return self.filter(Exists(takes_part))

    def active(self) -> CaseQuerySet:
        return self.filter(closed_at__isnull=True)


class Case(models.Model):
    class Kind(models.TextChoices):
        SIP = "sip", _("SIP")
        DISCHARGE = "discharge", _("Discharge collaboration")

    class CloseReason(models.TextChoices):
        GOALS_MET = "goals_met", _("Goals met")
        NO_LONGER_NEEDED = "no_longer_needed", _("No longer needed")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
        DECEASED = "deceased", _("Deceased")
        DISCHARGED = "discharged", _("Discharged")
        OTHER = "other", _("Other")

    person = models.ForeignKey(Person, models.PROTECT, related_name="cases")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    owner_unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        related_name="owned_cases",
        help_text=_("The coordinator's unit for a SIP; the inpatient ward for a discharge."),
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    opened_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    close_reason = models.CharField(
        _("reason for closure"), max_length=30, choices=CloseReason.choices, blank=True
    )
    version = models.PositiveIntegerField(default=1)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            # SIP-3, seed 000: "Ett SIP ärende åt gången kan vara aktivt per person."
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(kind="sip", closed_at__isnull=True),
                name="one_active_sip_per_person",
            ),
            # One active discharge process per person and inpatient ward.
            models.UniqueConstraint(
                fields=["person", "owner_unit"],
                condition=Q(kind="discharge", closed_at__isnull=True),
                name="one_active_stay_per_person_and_ward",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | ~Q(close_reason=""),
                name="closed_case_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.closed_at is None


class Participation(models.Model):
    """A unit taking part in a case between ``since`` and ``until`` (time-bounded access)."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Responsible unit")
        PARTICIPANT = "participant", _("Participant")
        RECIPIENT = "recipient", _("Recipient")

    case = models.ForeignKey(Case, models.CASCADE, related_name="participations")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="participations")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    since = models.DateTimeField(default=timezone.now)
    until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        indexes = [models.Index(fields=["unit", "case"], name="participation_unit_case_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "unit"],
                condition=Q(until__isnull=True),
                name="one_open_participation_per_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} in case {self.case_id} ({self.role})"


class Event(models.Model):
    """The case timeline: every act appends one (who, unit, what, when).

    ``occurred_at`` differs from ``recorded_at`` only when an act documented on paper during
    downtime is registered afterwards (DOC-3).
    """

    case = models.ForeignKey(Case, models.CASCADE, related_name="events")
    kind = models.CharField(max_length=60)
    actor = models.ForeignKey(User, models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+")
    data = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["occurred_at", "pk"]
        indexes = [models.Index(fields=["case", "occurred_at"], name="event_case_time_idx")]

    def __str__(self) -> str:
        return f"{self.kind} in case {self.case_id}"
