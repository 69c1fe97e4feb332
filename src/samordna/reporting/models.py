"""Follow-up of compliance (RPT-1, RPT-2, RPT-3): procedure codes and the indicators' rollup.

``ProcedureCode`` is a KVÅ code an act recorded for the region's own records (RPT-2).

``IndicatorFact`` is one deadline an indicator counts (a delivery to acknowledge, an obligation
of the routine), with its outcome; ``IndicatorCount`` is how many facts there are per
indicator, month, unit, municipality of residence and outcome. Both are kept by the acts in
their own transaction (``reporting.rollup.update``) and are a pure function of the source
tables: ``reporting.rollup.rebuild`` recomputes them, and a test proves the two agree. An
indicator page sums a few hundred counter rows, whatever the size of the county.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samordna.cases.models import Case
from samordna.organisations.models import County, Principal, Unit, User


class ProcedureCode(models.Model):
    """A KVÅ code for the region's records: seed 002_ca8314ba67d4fca6.txt lines 282-287,
    "Den som medverkar från Region Gävleborg ansvarar för att kodning enligt tabell nedan görs
    i Elvis alternativt PMO": AU124 establishing a SIP, which excludes XU042 (coordinated care
    plan at compulsory care) and AU125 (coordinated plan at discharge)."""

    class Code(models.TextChoices):
        AU124 = "AU124", _("AU124 Establishing a coordinated individual plan")
        AU125 = "AU125", _("AU125 Establishing a coordinated plan at discharge")
        XU042 = "XU042", _("XU042 Establishing a coordinated care plan at compulsory care")

    case = models.ForeignKey(Case, models.CASCADE, related_name="procedure_codes")
    # The meeting the code is for, when an act at a meeting recorded it (one per unit and code).
    meeting = models.ForeignKey(
        "sip.Meeting", models.CASCADE, null=True, blank=True, related_name="procedure_codes"
    )
    code = models.CharField(_("code"), max_length=10, choices=Code.choices)
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="procedure_codes")
    performed_on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("procedure code")
        verbose_name_plural = _("procedure codes")
        ordering = ["performed_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "unit", "code"],
                condition=Q(meeting__isnull=False),
                name="procedure_code_once_per_meeting_unit",
            )
        ]
        indexes = [
            models.Index(fields=["unit", "performed_on"], name="procedure_code_unit_day_idx")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.performed_on}"


class Outcome(models.TextChoices):
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")
    OPEN = "open", _("Not done")


class IndicatorFact(models.Model):
    """One deadline an indicator counts, with its outcome so far."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="+")
    indicator = models.CharField(max_length=40)
    ref = models.BigIntegerField(help_text="The primary key of the source row.")
    county = models.ForeignKey(County, models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, models.CASCADE, related_name="+")
    municipality = models.ForeignKey(Principal, models.CASCADE, related_name="+")
    month = models.DateField(help_text="The first day of the local month the deadline falls in.")
    due_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "ref"], name="indicator_fact_one_per_ref")
        ]
        indexes = [
            models.Index(fields=["case"], name="indicator_fact_case_idx"),
            # Deadlines not yet passed, per county: a range of the months from the current one
            # (a due time still ahead lies in it or later; at 1 M cases the 250,000 open facts
            # due in later months made a range on ``due_at`` alone cost 760 ms).
            models.Index(
                fields=["county", "indicator", "month", "due_at"],
                condition=Q(outcome="open"),
                name="indicator_fact_open_month_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.ref}: {self.outcome}"


class IndicatorCount(models.Model):
    """How many facts of an indicator per month, unit, municipality of residence and outcome."""

    indicator = models.CharField(max_length=40)
    month = models.DateField()
    county = models.ForeignKey(County, models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, models.CASCADE, related_name="+")
    municipality = models.ForeignKey(Principal, models.CASCADE, related_name="+")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "month", "unit", "municipality", "outcome"],
                name="indicator_count_key",
            )
        ]
        indexes = [
            models.Index(fields=["county", "indicator", "month"], name="indicator_count_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.month:%Y-%m} {self.outcome}: {self.n}"


class StatFact(models.Model):
    """One thing a plain measure counts (``reporting.stats``): a SIP opened or closed, a stay,
    a stay's waiting days after ready for discharge, its liable days of a year, a deviation
    sent. ``key`` is what the measure is broken down by (the SIP's type, the reason for
    closure, the number of waiting days, the year of the liable days, the deviation's kind);
    ``value`` what it adds up (days; 1 for a plain count)."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="+")
    stat = models.CharField(max_length=40)
    ref = models.BigIntegerField(help_text="The primary key of the source row.")
    key = models.CharField(max_length=40, blank=True)
    county = models.ForeignKey(County, models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, models.CASCADE, related_name="+")
    municipality = models.ForeignKey(Principal, models.CASCADE, related_name="+")
    month = models.DateField(help_text="The first day of the local month it is counted in.")
    value = models.IntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["stat", "ref", "key"], name="stat_fact_one_per_ref")
        ]
        indexes = [models.Index(fields=["case"], name="stat_fact_case_idx")]

    def __str__(self) -> str:
        return f"{self.stat} {self.ref} {self.key}: {self.value}"


class StatCount(models.Model):
    """How many facts of a measure, and the sum of their values, per month, unit,
    municipality of residence and key."""

    stat = models.CharField(max_length=40)
    month = models.DateField()
    county = models.ForeignKey(County, models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, models.CASCADE, related_name="+")
    municipality = models.ForeignKey(Principal, models.CASCADE, related_name="+")
    key = models.CharField(max_length=40, blank=True)
    n = models.IntegerField(default=0)
    total = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["stat", "month", "unit", "municipality", "key"], name="stat_count_key"
            )
        ]
        indexes = [models.Index(fields=["county", "stat", "month"], name="stat_count_idx")]

    def __str__(self) -> str:
        return f"{self.stat} {self.month:%Y-%m} {self.key}: {self.n}"
