"""The deviation register (DEV-1).

Seed 000_106b8acbeb42519c.txt lines 254-283: every unit reports "avvikelser i följsamheten till
denna rutin"; the report says which unit it comes from, the date and time (line 258) and
describes "händelse - här anges även avvikelse från följsamhet till denna rutin", "konsekvens",
"risk", "åtgärd", "förbättringsförslag" and "verksamhet/enhet" (lines 262-267). It is sent to the
concerned unit (lines 269-275), which deals with it (line 277).

A deviation is one row through its life: suggested (by the system) → draft → sent → handled, or
dismissed when a suggestion is rejected. Who did each step and when is kept on the row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samordna.cases.models import Case, Delivery
from samordna.organisations.models import Unit, User

if TYPE_CHECKING:
    from samordna.accounts.actor import Actor


class DeviationQuerySet(models.QuerySet["Deviation"]):
    def visible_to(self, actor: Actor) -> DeviationQuerySet:
        """A unit sees what it reported (suggestions and drafts included) and what was sent to
        it; a draft is the reporting unit's own until it is sent."""
        return self.filter(
            Q(reporting_unit=actor.unit)
            | Q(concerned_unit=actor.unit, status__in=Deviation.SENT_STATUSES)
            | Q(mas_unit=actor.unit, status__in=Deviation.SENT_STATUSES)
        )


class Deviation(models.Model):
    class Status(models.TextChoices):
        SUGGESTED = "suggested", _("Suggested")
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        HANDLED = "handled", _("Handled")
        DISMISSED = "dismissed", _("Dismissed")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Written by a user")
        NO_SHOW = "no_show", _("Meeting no-show")
        MISSED_ACKNOWLEDGEMENT = "missed_ack", _("Missed acknowledgement deadline")

    SENT_STATUSES = (Status.SENT, Status.HANDLED)

    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.MANUAL
    )
    reporting_unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="reported_deviations", verbose_name=_("reporting unit")
    )
    concerned_unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="concerning_deviations",
        verbose_name=_("concerned unit"),
    )
    # DEV-2: a sent deviation concerning a municipality's unit also reaches the unit of the
    # municipality's medically responsible nurse (MAS), where the county's rules say so.
    mas_unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent to the medically responsible nurse at"),
    )
    case = models.ForeignKey(Case, models.CASCADE, null=True, blank=True, related_name="deviations")
    # The missed acknowledgement a suggestion is about; unique, so two workers never suggest twice.
    delivery = models.OneToOneField(
        Delivery, models.PROTECT, null=True, blank=True, related_name="deviation"
    )
    occurred_at = models.DateTimeField(_("date and time of the event"))
    event = models.TextField(_("event"))
    consequence = models.TextField(_("consequence"), blank=True)
    risk = models.TextField(_("risk"), blank=True)
    action = models.TextField(_("action taken"), blank=True)
    improvement = models.TextField(_("improvement proposal"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    handled_comment = models.TextField(_("how it was handled"), blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = DeviationQuerySet.as_manager()

    class Meta:
        verbose_name = _("deviation")
        verbose_name_plural = _("deviations")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(
                fields=["reporting_unit", "status", "-occurred_at"], name="deviation_reporter_idx"
            ),
            models.Index(
                fields=["concerned_unit", "status", "-occurred_at"], name="deviation_concerned_idx"
            ),
            models.Index(
                fields=["mas_unit", "status", "-occurred_at"],
                condition=Q(mas_unit__isnull=False),
                name="deviation_mas_idx",
            ),
            # What a unit reported about itself: seen once though on both sides (the counts).
            models.Index(
                fields=["reporting_unit", "status"],
                condition=Q(reporting_unit=models.F("concerned_unit")),
                name="deviation_to_itself_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.pk}"
