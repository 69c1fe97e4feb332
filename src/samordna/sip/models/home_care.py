"""Decisions bound to a role (ORG-6, SIP-24): enrolment in and discharge from home health care,
and the self-care assessment with its written plan.

Both are kept whole: a new decision or a new assessment is a new row, the earlier one stays
readable (a new self-care assessment supersedes the one before it for the same action).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samordna.cases.models import Case
from samordna.organisations.models import Membership, Unit, User
from samordna.sip.models.plan import Action


def role_label(role: str) -> str:
    return str(Membership.Role(role).label) if role in Membership.Role.values else role


class HomeCareChoice(models.TextChoices):
    """Named on its own, not ``Decision``: django-ninja names an OpenAPI component after the
    class alone, and ``Consent.Decision`` has that name."""

    ENROLLED = "enrolled", _("Enrolled in home health care")
    DISCHARGED = "discharged", _("Discharged from home health care")


class SelfCarePerformer(models.TextChoices):
    SELF = "self", _("The individual alone")
    WITH_HELP = "with_help", _("With help from someone else")


class HomeCareDecision(models.Model):
    """A primary-care physician's decision to enrol the individual in home health care, or to
    discharge them from it (seed 000_106b8acbeb42519c.txt line 132: "Det är endast
    primärvårdsläkare som kan ta beslut om patientens in- och utskrivning i hemsjukvård.
    Beslutet ska dokumenteras i journalen och i planen"; seed 003_9c6849ff85993bc8.txt lines
    92-113).

    ``decided_by`` is the acting user (the decision is the physician's own, recorded by them),
    with the role and unit they held; ``physician`` is the named physician (fast läkarkontakt)
    at the listed centre and ``municipal_contact_*`` the municipal care contact with
    coordination responsibility (seed 001_118551e475ece215.txt lines 275-278, seed 003 line 98).
    """

    Decision = HomeCareChoice

    case = models.ForeignKey(Case, models.CASCADE, related_name="home_care_decisions")
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    decided_at = models.DateTimeField(_("decided at"))
    decided_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=30)
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+")
    physician = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    municipal_contact_name = models.CharField(
        _("municipal care contact with coordination responsibility"), max_length=200, blank=True
    )
    municipal_contact_unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="+"
    )
    municipal_contact_phone = models.CharField(_("phone"), max_length=40, blank=True)
    reason = models.TextField(_("reason and notes"), blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        indexes = [models.Index(fields=["case", "-decided_at"], name="home_care_case_idx")]

    def __str__(self) -> str:
        return self.get_decision_display()


class SelfCareAssessment(models.Model):
    """A licensed professional's assessment that a plan action can be done as self-care, with
    the written self-care plan (seed 001_118551e475ece215.txt lines 1329-1520).

    It hangs on the action's ``uid``, which every plan version copied from it keeps, so the
    assessment follows the action into later versions. The seven points of the plan are
    lines 1466-1482 ("4. Av planeringen av egenvården ska det framgå").
    """

    Performer = SelfCarePerformer

    case = models.ForeignKey(Case, models.CASCADE, related_name="self_care_assessments")
    action_uid = models.UUIDField(default=uuid.uuid4)
    action = models.ForeignKey(Action, models.SET_NULL, null=True, blank=True, related_name="+")
    assessed_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=30)
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(_("assessed at"))
    during_stay = models.BooleanField(_("assessed during an inpatient stay"), default=False)
    # 1. Vilken åtgärd som har bedömts som egenvård.
    measure = models.TextField(_("the measure assessed as self-care"))
    # 2. Om den enskilde själv eller med hjälp av någon annan ska utföra egenvården.
    performer = models.CharField(_("who performs it"), max_length=20, choices=Performer.choices)
    helper = models.CharField(_("who helps"), max_length=200, blank=True)
    # 3. Hur information och instruktioner ska ges till dem som ska utföra egenvården.
    instructions = models.TextField(_("how information and instructions are given"))
    # 4. Vilka åtgärder och vem som kontaktas vid skada eller risk för skada.
    on_harm = models.TextField(_("what is done and whom to contact on harm or risk of harm"))
    # 5. Vilka åtgärder och vem som kontaktas om situationen förändras.
    on_change = models.TextField(_("what is done and whom to contact if the situation changes"))
    # 6. Hur och när bedömningen ska följas upp.
    follow_up = models.TextField(_("how and when the assessment is followed up"))
    # 7. När en omprövning av bedömningen ska göras.
    reassess_on = models.DateField(_("reassessment date"))
    supersedes = models.OneToOneField(
        "self", models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-assessed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "action_uid"],
                condition=Q(superseded_at__isnull=True),
                name="one_current_self_care_assessment",
            )
        ]

    def __str__(self) -> str:
        return self.measure[:60]

    @property
    def role_label(self) -> str:
        return role_label(self.role)
