"""The coordinated care plan for ÖPT/ÖRV (SVP, SPEC SIP-16): what it adds to a SIP case of type
``svp`` (seed 001_118551e475ece215.txt lines 1184-1274).

- ``SvpDetail``: the form of care applied for, how region and municipality keep each other
  informed (lines 1261-1263), the individual's objection to information exchange (lines
  1239-1244) and the date the application for continued care is to be made (lines 1229-1232),
  which sets the follow-up deadline.
- ``NecessaryExchange``: what was shared despite the objection, with whom and why (lines
  1241-1244: "utbyte av sådan information som är nödvändig för att genomföra en samordnad
  vårdplanering hindras inte av sekretesslagen").
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samordna.cases.models import Case
from samordna.organisations.models import Unit, User

TEXT_MAX = 4000  # each free text of the SVP (the boundary's limit, forms and API alike)


class CareForm(models.TextChoices):
    """Named on its own: django-ninja names an OpenAPI component after the class alone."""

    OPT = "opt", _("Compulsory outpatient psychiatric care (ÖPT)")
    ORV = "orv", _("Forensic outpatient psychiatric care (ÖRV)")


class SvpDetail(models.Model):
    case = models.OneToOneField(Case, models.CASCADE, primary_key=True, related_name="svp")
    care_form = models.CharField(
        _("form of care"), max_length=3, choices=CareForm.choices, default=CareForm.OPT
    )
    exchange_routine = models.TextField(
        _("how region and municipality keep each other informed"), blank=True
    )
    objection = models.TextField(
        _("the individual's objection to information exchange"), blank=True
    )
    objection_at = models.DateTimeField(_("objection stated"), null=True, blank=True)
    objection_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    extension_application_by = models.DateField(
        _("application for continued care to be made by"), null=True, blank=True
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    # Optimistic locking (SEC-4): a change carries the version it started from.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("coordinated care plan (ÖPT/ÖRV)")
        verbose_name_plural = _("coordinated care plans (ÖPT/ÖRV)")

    def __str__(self) -> str:
        return f"{self.get_care_form_display()} {self.case_id}"

    @property
    def objects_to_exchange(self) -> bool:
        return self.objection_at is not None


class NecessaryExchange(models.Model):
    """Information shared for the planning although the individual objects: a record the
    individual and the inspecting authority can read afterwards (what, with whom, why)."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="necessary_exchanges")
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="+")
    recipient = models.CharField(_("shared with"), max_length=200, blank=True)
    what = models.TextField(_("what was shared"))
    why = models.TextField(_("why it was necessary for the planning"))
    shared_at = models.DateTimeField(_("shared"))
    recorded_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    recorded_unit = models.ForeignKey(Unit, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["shared_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit__isnull=False) | ~models.Q(recipient=""),
                name="necessary_exchange_has_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient or self.unit_id} {self.shared_at:%Y-%m-%d}"

    @property
    def shared_with(self) -> str:
        return self.unit.name if self.unit is not None else self.recipient
