"""The plan's versions, goals, actions, care contacts, follow-up comments and evaluations."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from samordna.cases.models import Case
from samordna.organisations.models import Unit, User
from samordna.people.models import PlanFormat
from samordna.sip.models.core import Meeting


class PlanVersion(models.Model):
    """The plan as agreed at one meeting (SIP-9, SIP-10). Earlier versions stay readable."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="plans")
    number = models.PositiveIntegerField()
    meeting = models.ForeignKey(Meeting, models.PROTECT, null=True, blank=True, related_name="+")
    main_goal = models.TextField(_("main goal, in the individual's own words"))
    # Seed 001_118551e475ece215.txt lines 524-526 and 1140-1142: "uppgifter om den enskildes
    # egna mål, beskrivna behov och egna resurser" (SIP-22).
    needs = models.TextField(_("described needs"), blank=True)
    own_resources = models.TextField(_("the individual's own resources"), blank=True)
    initiated_by = models.CharField(_("who initiated the SIP"), max_length=200, blank=True)
    child_perspective = models.TextField(_("how the child's perspective is considered"), blank=True)
    if_worse = models.TextField(_("what happens if the condition worsens"), blank=True)
    time_plan = models.TextField(_("time plan"), blank=True)
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)
    follow_up_caller = models.CharField(_("who calls to the follow-up"), max_length=200, blank=True)
    evaluation_on = models.DateField(_("evaluation date"), null=True, blank=True)
    home_care_decision = models.TextField(
        _("enrolment in home health care (decided by a primary-care physician)"), blank=True
    )
    # SIP-18, seed 001_118551e475ece215.txt lines 258-260: "För personer med livshotande
    # tillstånd ska en fast vårdkontakt utses på läkarnivå" (``sip.services.care_contacts``).
    life_threatening = models.BooleanField(_("life-threatening condition"), default=False)
    plan_format = models.CharField(
        _("how the individual wants the plan"),
        max_length=10,
        choices=PlanFormat.choices,
        default=PlanFormat.PAPER,
    )
    created_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    documented_at = models.DateTimeField(null=True, blank=True)
    handed_over_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="plan_number_unique")
        ]

    def __str__(self) -> str:
        return f"Plan {self.number}"


class Goal(models.Model):
    plan = models.ForeignKey(PlanVersion, models.CASCADE, related_name="goals")
    text = models.TextField(_("sub-goal"))
    position = models.PositiveIntegerField(default=0)
    # The same sub-goal keeps its uid in every version copied from it (comparing versions).
    uid = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class Action(models.Model):
    """An intervention with its responsible party (SIP-9, SIP-14)."""

    class Responsible(models.TextChoices):
        UNIT = "unit", _("A unit")
        INDIVIDUAL = "individual", _("The individual")
        RELATIVE = "relative", _("A relative")
        EXTERNAL = "external", _("An external actor")

    class CareType(models.TextChoices):
        HEALTH_CARE = "health_care", _("Health care")
        SELF_CARE = "self_care", _("Self-care")
        SOCIAL_CARE = "social_care", _("Social services")
        OTHER = "other", _("Other")

    plan = models.ForeignKey(PlanVersion, models.CASCADE, related_name="actions")
    goal = models.ForeignKey(Goal, models.CASCADE, null=True, blank=True, related_name="actions")
    text = models.TextField(pgettext_lazy("plan", "action"))
    responsible = models.CharField(_("responsible"), max_length=20, choices=Responsible.choices)
    responsible_unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="+"
    )
    responsible_name = models.CharField(
        _("responsible person or actor"), max_length=200, blank=True
    )
    care_type = models.CharField(_("kind of care"), max_length=20, choices=CareType.choices)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    # The same action keeps its uid in every version copied from it (comparing versions).
    uid = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class CareContact(models.Model):
    """A designated care contact (fast vårdkontakt) named in the plan (SIP-9, SVU-4)."""

    plan = models.ForeignKey(PlanVersion, models.CASCADE, related_name="care_contacts")
    name = models.CharField(_("name"), max_length=200)
    workplace = models.CharField(_("workplace"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40)
    # SIP-18, seed 001 lines 253-258: the plan shows who the care contacts are and which of them
    # holds the coordination ("samordningsuppdraget"), at most one; one at physician level when
    # the condition is life-threatening.
    physician = models.BooleanField(_("physician"), default=False)
    coordinates = models.BooleanField(_("holds the coordination"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(coordinates=True),
                name="one_coordinating_care_contact",
            )
        ]

    def __str__(self) -> str:
        return self.name


class FollowUpComment(models.Model):
    """A responsible party's comment on its action or sub-goal before follow-up (SIP-11)."""

    plan = models.ForeignKey(PlanVersion, models.CASCADE, related_name="follow_up_comments")
    action = models.ForeignKey(
        Action, models.CASCADE, null=True, blank=True, related_name="comments"
    )
    goal = models.ForeignKey(Goal, models.CASCADE, null=True, blank=True, related_name="comments")
    text = models.TextField(_("comment"))
    author = models.ForeignKey(User, models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["written_at"]

    def __str__(self) -> str:
        return self.text[:60]


class Evaluation(models.Model):
    """The rating of the main goal (``goal`` and ``action`` empty), a sub-goal or an action,
    with the individual (SIP-12; actions too, SIP-22: seed 000_106b8acbeb42519c.txt line 235,
    "Utvärdering av delmål och insatser görs tillsammans med den enskilde och de parter som
    ansvarar för respektive delmål och insats")."""

    class Rating(models.TextChoices):
        MET = "met", _("Met")
        PARTLY = "partly", _("Partly met")
        NOT_MET = "not_met", _("Not met")

    plan = models.ForeignKey(PlanVersion, models.CASCADE, related_name="evaluations")
    goal = models.ForeignKey(Goal, models.CASCADE, null=True, blank=True, related_name="+")
    action = models.ForeignKey(
        Action, models.CASCADE, null=True, blank=True, related_name="evaluations"
    )
    rating = models.CharField(_("rating"), max_length=10, choices=Rating.choices)
    comment = models.TextField(_("comment"), blank=True)
    author = models.ForeignKey(User, models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "goal"],
                condition=Q(goal__isnull=False),
                name="one_evaluation_per_goal",
            ),
            models.UniqueConstraint(
                fields=["plan", "action"],
                condition=Q(action__isnull=False),
                name="one_evaluation_per_action",
            ),
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(goal__isnull=True, action__isnull=True),
                name="one_main_goal_evaluation_only",
            ),
            models.CheckConstraint(
                condition=Q(goal__isnull=True) | Q(action__isnull=True),
                name="evaluation_of_a_goal_or_an_action",
            ),
        ]

    def __str__(self) -> str:
        return self.get_rating_display()
