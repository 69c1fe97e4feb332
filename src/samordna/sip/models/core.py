"""A SIP case, its coordinator, consent, assessment, meetings and their participants."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samordna.cases.models import Case, Delivery
from samordna.organisations.models import Unit, User
from samordna.sip.areas import LifeArea


class SipCase(models.Model):
    class Type(models.TextChoices):
        OUTPATIENT = "outpatient", _("Outpatient SIP")
        AFTER_DISCHARGE = "after_discharge", _("SIP after discharge")
        SVP = "svp", _("Coordinated care plan (ÖPT/ÖRV)")
        ACTOR_MEETING = "actor_meeting", _("Actor meeting without the individual")

    class Phase(models.TextChoices):
        """SIP-4, seed 004 (``samordna.sip.phase``)."""

        PREPARATION = "preparation", _("Preparation")
        MEETING = "meeting", _("Meeting and plan")
        FOLLOW_UP = "follow_up", _("Follow-up")
        EVALUATION = "evaluation", _("Evaluation and closure")

    case = models.OneToOneField(Case, models.CASCADE, primary_key=True, related_name="sip")
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    need_known_at = models.DateTimeField(
        _("need became known"), help_text=_("Starts the invitation deadline (SIP-7).")
    )
    reason = models.TextField(_("reason for coordination"), blank=True)
    # The discharge process this SIP follows (SIP after discharge); set by the discharge work.
    origin = models.ForeignKey(
        Case, models.PROTECT, null=True, blank=True, related_name="following_sips"
    )
    # The individual's wish about who coordinates (SIP-21; seed 004_2b6a4bde1435f963.txt lines
    # 208-210: "hans eller hennes önskemål om vem som ska vara samordningsansvarig ska
    # tillgodoses så långt det är möjligt").
    coordinator_wish = models.CharField(
        _("the individual's wish about who coordinates"), max_length=500, blank=True
    )
    # Kept by ``samordna.sip.phase`` before every act commits (SIP-19); a bulk load that leaves
    # it out gets the database's default, and ``phase.rebuild`` puts it right.
    phase = models.CharField(
        _("phase"),
        max_length=20,
        choices=Phase.choices,
        default=Phase.PREPARATION,
        db_default=Phase.PREPARATION,
    )

    class Meta:
        verbose_name = _("SIP case")
        verbose_name_plural = _("SIP cases")

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.case_id}"


class Coordinator(models.Model):
    """Who held the coordinator role when (SIP-2); the open row is the current coordinator."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="coordinators")
    user = models.ForeignKey(User, models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+")
    assumed_at = models.DateTimeField(default=timezone.now)
    renounced_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason for the change"), max_length=300, blank=True)
    assigned_by = models.ForeignKey(User, models.PROTECT, related_name="+")

    class Meta:
        ordering = ["assumed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(renounced_at__isnull=True),
                name="one_current_coordinator",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.unit})"

    @property
    def phone(self) -> str:
        """The one number the individual is given for the coordinator, on screen and on paper:
        their own, else their unit's (issue 18 item 15)."""
        return self.user.phone or self.unit.phone


class ConsentForm(models.TextChoices):
    """How consent was given. Named on its own, not ``Form``: django-ninja names a component of the
    OpenAPI document after the class alone."""

    ORAL = "oral", _("Oral")
    WRITTEN = "written", _("Written")


class ConsentQuerySet(models.QuerySet["Consent"]):
    def in_force(self) -> ConsentQuerySet:
        """Given, not withdrawn, not replaced by an amendment: the single definition that the
        visibility choke point (``cases.models.ParticipationQuerySet``) and the acts share."""
        return self.filter(decision="given", withdrawn_at__isnull=True, superseded_at__isnull=True)


class Consent(models.Model):
    """Consent to a SIP and to information exchange between named units (CON-1 to CON-3).

    An amendment (a corrected giver or form, units added or removed) is a new version: a new row
    that ``supersedes`` the one in force, which keeps its values and gets ``superseded_at``. So
    what was agreed, by whom and when stays readable version by version (issue 18 item 2).
    """

    class Giver(models.TextChoices):
        INDIVIDUAL = "individual", _("The individual")
        GUARDIANS = "guardians", _("Guardians")
        REPRESENTATIVE = "representative", _("Legal representative")

    Form = ConsentForm

    class Decision(models.TextChoices):
        GIVEN = "given", _("Given")
        REFUSED = "refused", _("Refused")

    case = models.ForeignKey(Case, models.CASCADE, related_name="consents")
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    giver = models.CharField(_("given by"), max_length=20, choices=Giver.choices)
    giver_name = models.CharField(_("name of the person who gave it"), max_length=200)
    form = models.CharField(_("form"), max_length=10, choices=Form.choices)
    given_at = models.DateTimeField(_("when"))
    units = models.ManyToManyField(
        Unit,
        related_name="+",
        blank=True,
        verbose_name=_("units that may exchange information and be invited"),
    )
    child_view = models.TextField(
        _("the child's own view"), blank=True, help_text=_("According to age and maturity.")
    )
    recorded_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    # The stay whose admission notice the consent was given with, when it carried over to this
    # SIP after discharge (SIP-21; seed 004_2b6a4bde1435f963.txt lines 81-83).
    carried_from = models.ForeignKey(Case, models.PROTECT, null=True, blank=True, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(User, models.PROTECT, related_name="+", null=True, blank=True)
    supersedes = models.OneToOneField(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("amends"),
    )
    superseded_at = models.DateTimeField(_("replaced by an amendment"), null=True, blank=True)
    amendment_reason = models.TextField(_("what was corrected or added, and why"), blank=True)
    widened_at = models.DateTimeField(
        _("when the individual agreed to the added units"), null=True, blank=True
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(
                    decision="given", withdrawn_at__isnull=True, superseded_at__isnull=True
                ),
                name="one_consent_in_force_per_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.giver_name})"

    @property
    def in_force(self) -> bool:
        return (
            self.decision == self.Decision.GIVEN
            and self.withdrawn_at is None
            and self.superseded_at is None
        )


class AssessmentEntry(models.Model):
    """One signed contribution to the needs assessment (SIP-5); units add what they know."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="assessment")
    area = models.CharField(_("area"), max_length=20, choices=LifeArea.choices)
    text = models.TextField(_("text"))
    author = models.ForeignKey(User, models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["written_at"]

    def __str__(self) -> str:
        return f"{self.get_area_display()} ({self.unit_id})"


class MeetingForm(models.TextChoices):
    """How a meeting is held. Named on its own, not ``Form``: django-ninja names a component of the
    OpenAPI document after the class alone."""

    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video")
    PHONE = "phone", _("Phone")


class Meeting(models.Model):
    """A SIP meeting: the invitation (SIP-6) and, once held, its record (SIP-8)."""

    class Purpose(models.TextChoices):
        ESTABLISH = "establish", _("Establish a plan")
        FOLLOW_UP = "follow_up", _("Follow up the plan")
        EVALUATE = "evaluate", _("Evaluate the plan")

    Form = MeetingForm

    case = models.ForeignKey(Case, models.CASCADE, related_name="meetings")
    notice = models.OneToOneField(
        "cases.Notice", models.PROTECT, null=True, blank=True, related_name="meeting"
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    form = models.CharField(_("meeting form"), max_length=20, choices=Form.choices)
    place = models.CharField(_("place"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    video_link = models.URLField(_("video link"), blank=True)
    phone_number = models.CharField(_("phone number to call"), max_length=40, blank=True)
    phone_code = models.CharField(_("code"), max_length=40, blank=True)
    agenda = models.TextField(_("agenda and comment"), blank=True)
    consent_confirmed = models.BooleanField(_("consent has been obtained"), default=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # iCalendar SEQUENCE: raised on every change of a sent invitation (DOC-2).
    sequence = models.PositiveIntegerField(default=0)
    # The record, once held.
    held = models.BooleanField(default=False)
    chair = models.CharField(_("chair"), max_length=200, blank=True)
    documenter = models.CharField(_("documenter"), max_length=200, blank=True)
    professional_with_individual = models.BooleanField(
        _("a professional was with the individual in person"), default=False
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(User, models.PROTECT, related_name="+", null=True, blank=True)
    # Optimistic locking: a change or record carries the version it started from (SEC-4).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"


class Participant(models.Model):
    """Someone invited to a meeting: a connected unit (through its delivery), the individual,
    a relative, a legal representative or an external actor with a postal address."""

    class Kind(models.TextChoices):
        UNIT = "unit", _("Unit")
        INDIVIDUAL = "individual", _("The individual")
        RELATIVE = "relative", _("Relative")
        REPRESENTATIVE = "representative", _("Legal representative")
        EXTERNAL = "external", _("External actor")

    class Attendance(models.TextChoices):
        UNKNOWN = "", _("Not recorded")
        IN_PERSON = "in_person", _("In person")
        VIDEO = "video", _("By video")
        PHONE = "phone", _("By phone")
        ABSENT_WITH_NOTICE = "absent_notified", _("Absent, with notice")
        ABSENT_WITHOUT_NOTICE = "absent", _("Absent without notice")

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="participants")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="+")
    delivery = models.OneToOneField(
        Delivery, models.PROTECT, null=True, blank=True, related_name="participant"
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    street = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    attendance = models.CharField(
        _("attendance"), max_length=20, choices=Attendance.choices, blank=True, default=""
    )

    class Meta:
        ordering = ["kind", "pk"]

    def __str__(self) -> str:
        return self.name or str(self.unit)
