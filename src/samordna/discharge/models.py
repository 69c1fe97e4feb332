"""Discharge collaboration from inpatient care (SPEC SVU-1 to SVU-10, CON-4).

A discharge process is a ``cases.Case`` of kind ``discharge`` owned by the inpatient ward, with a
``Stay`` detail row. What the ward sends (admission, ready-for-discharge and discharge notices)
are ``cases.Notice`` rows with one ``Delivery`` per recipient unit; ``StayNotice`` keeps what each
notice said when it was sent, because the stay itself changes afterwards (a re-sent admission
notice must show the old and the new expected discharge date).

The planning basis (SVU-3) and each recipient's plan (SVU-5, SVU-6) are append-only: every
update is a new row and the newest row per unit (and question) is what counts, so what the
parties knew at any time stays readable.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samordna.cases.models import Case, Notice
from samordna.discharge import planning
from samordna.organisations.models import Unit, User


class Stay(models.Model):
    """An inpatient stay (vårdtillfälle) and the facts the routine and the liability rest on."""

    case = models.OneToOneField(Case, models.CASCADE, primary_key=True, related_name="stay")
    # SVU-1
    admitted_at = models.DateTimeField(_("admitted"))
    cause = models.TextField(_("cause of admission"))
    expected_discharge_on = models.DateField(_("expected discharge date"))
    treating_physician = models.CharField(_("treating physician"), max_length=200)
    # SVU-2, seed 001_118551e475ece215.txt lines 675-677: the admission notice is due 24 hours
    # after the treating physician assessed that interventions may be needed after discharge.
    needs_assessed_at = models.DateTimeField(
        _("needs assessed"),
        null=True,
        blank=True,
        help_text=_(
            "When the treating physician assessed that the patient may need interventions."
        ),
    )
    # CON-4, seed 001 lines 656-659 and 738-740: without it, recipients get only name, identity
    # number, address and expected discharge date, plus the discharge notice.
    consent_to_transfer = models.BooleanField(_("consent to information transfer"), default=False)
    # SVU-10, seed 001 lines 1541-1544 and 982-984: no SIP invitation is needed.
    only_social_services = models.BooleanField(_("only social services needed"), default=False)
    # SVU-5, seed 001 lines 815-871.
    ready_at = models.DateTimeField(_("ready for discharge"), null=True, blank=True)
    ready_physician = models.CharField(_("responsible physician"), max_length=200, blank=True)
    # ORG-6, seed 001 lines 833-835: the assessment is the treating physician's and "kan inte
    # göras av andra yrkesprofessioner". Set when the physician is a staff member with the
    # physician role at the ward; empty when the sender named a physician by name only (then
    # ``ready_physician`` is what the sender typed, and the ready notice's sender named them).
    ready_physician_user = models.ForeignKey(
        User,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible physician (staff member)"),
    )
    ready_nurse = models.CharField(_("responsible nurse"), max_length=200, blank=True)
    medical_responsibility_to = models.CharField(
        _("medical responsibility handed to"), max_length=200, blank=True
    )
    # SVU-12, seed 001 lines 824-826: "vid behov en kopia av planeringen för egenvården (s.k.
    # egenvårdsintyg)" goes home with the patient; the ward says so with the ready notice.
    self_care_certificate = models.BooleanField(_("self-care certificate"), default=False)
    # SVU-4, seed 001 lines 781-813: named by primary care before discharge.
    care_contact_name = models.CharField(_("designated care contact"), max_length=200, blank=True)
    care_contact_workplace = models.CharField(_("workplace"), max_length=200, blank=True)
    care_contact_phone = models.CharField(_("phone"), max_length=40, blank=True)
    # SIP-18, seed 001_118551e475ece215.txt lines 971-973: the care contact's unit (the primary
    # care centre that named them) calls the SIP after discharge.
    care_contact_unit = models.ForeignKey(
        "organisations.Unit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("designated care contact's unit"),
    )
    # SVU-10: the SIP invitation condition: when the first invitation of the SIP that follows the
    # stay (``SipCase.origin``) was sent, recorded by that SIP's invitation act.
    sip_invited_at = models.DateTimeField(_("SIP invitation sent"), null=True, blank=True)
    # SVU-9, seed 001 lines 930-931: no SIP invitation is then needed (lines 981-983).
    sip_declined_at = models.DateTimeField(_("patient declined SIP"), null=True, blank=True)
    # SVU-7, seed 001 lines 902-924.
    discharged_at = models.DateTimeField(_("left the ward"), null=True, blank=True)
    self_discharge = models.BooleanField(_("self-discharge"), default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("stay")
        verbose_name_plural = _("stays")

    def __str__(self) -> str:
        return f"Stay {self.case_id}"


class UnavailablePeriod(models.Model):
    """Days when the patient could not leave because region outpatient interventions were not
    available: the municipality pays nothing for them (SVU-10, seed 001 lines 1546-1548)."""

    stay = models.ForeignKey(Stay, models.CASCADE, related_name="unavailable_periods")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True, help_text=_("Empty: still so."))
    reason = models.CharField(_("reason"), max_length=300)
    recorded_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="unavailable_period_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_on}–{self.ends_on or ''}"


class StayNotice(models.Model):
    """What a notice about a stay said when it was sent; the notice's page shows this.

    Fields that consent does not cover (CON-4) are left empty when the notice is sent without
    consent, so they never reach a recipient.
    """

    notice = models.OneToOneField(
        Notice, models.CASCADE, primary_key=True, related_name="stay_notice"
    )
    expected_discharge_on = models.DateField(_("expected discharge date"), null=True, blank=True)
    # Set on an admission notice re-sent because the expected discharge date changed (SVU-2).
    previous_expected_discharge_on = models.DateField(
        _("previous expected discharge date"), null=True, blank=True
    )
    cause = models.TextField(_("cause of admission"), blank=True)
    ready_at = models.DateTimeField(_("ready for discharge"), null=True, blank=True)
    ready_physician = models.CharField(_("responsible physician"), max_length=200, blank=True)
    ready_physician_user = models.ForeignKey(
        User,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible physician (staff member)"),
    )
    ready_nurse = models.CharField(_("responsible nurse"), max_length=200, blank=True)
    medical_responsibility_to = models.CharField(
        _("medical responsibility handed to"), max_length=200, blank=True
    )
    self_care_certificate = models.BooleanField(_("self-care certificate"), default=False)
    discharged_at = models.DateTimeField(_("left the ward"), null=True, blank=True)
    self_discharge = models.BooleanField(_("self-discharge"), default=False)

    def __str__(self) -> str:
        return f"Content of notice {self.notice_id}"


class PlanningAnswer(models.Model):
    """One answer in the planning basis (SVU-3, seed 001 lines 748-779).

    The ward answers the questions on the patient's health, resources and needs; recipients add
    answers to their own questions when they acknowledge the admission notice. The questions
    are ``discharge.planning.QUESTIONS``.
    """

    stay = models.ForeignKey(Stay, models.CASCADE, related_name="planning_answers")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+")
    question = models.CharField(max_length=40)
    answer = models.BooleanField(null=True, blank=True)
    comment = models.TextField(blank=True)
    answered_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["answered_at", "pk"]
        indexes = [models.Index(fields=["stay", "unit", "question"], name="planning_answer_idx")]

    def __str__(self) -> str:
        return f"{self.question}: {self.answer}"

    @property
    def question_text(self) -> str:
        return str(planning.QUESTIONS[self.question].text)


class RecipientPlan(models.Model):
    """A recipient's reply to the ready-for-discharge notice: from when its interventions can
    start, so the patient can go home (SVU-5, seed 001 lines 867-871), and the planned
    interventions it documents for the discharge information to the patient (SVU-6, lines
    873-886)."""

    stay = models.ForeignKey(Stay, models.CASCADE, related_name="recipient_plans")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+")
    can_receive_at = models.DateTimeField(_("can receive the patient from"))
    interventions = models.TextField(_("planned interventions"), blank=True)
    recorded_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "pk"]
        indexes = [models.Index(fields=["stay", "unit", "recorded_at"], name="recipient_plan_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id} from {timezone.localtime(self.can_receive_at):%Y-%m-%d %H:%M}"


class DailyAmount(models.Model):
    """The national amount a municipality pays per day for a patient ready for discharge.

    Socialstyrelsen sets it every year (Förordning 2017:617, seed 001 lines 1559-1562). Only
    amounts with a cited source are stored; a year without one is shown as missing, never
    guessed. Administrators add new years in the admin.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    amount_sek = models.PositiveIntegerField(_("amount per day (SEK)"))
    source = models.TextField(_("source"))

    class Meta:
        verbose_name = _("daily amount")
        verbose_name_plural = _("daily amounts")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.amount_sek} kr"
