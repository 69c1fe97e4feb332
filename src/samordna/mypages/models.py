"""What the individual writes on their own pages (issue 15, SPEC PAT-1).

The individual is never a user of a unit, so nothing here points at a ``User``: each row names
the person whose pages it was written on and, in ``written_by``, who wrote it (the person
themself, or a representative acting for them: ``session.Subject.viewer_label``). Staff read
these rows on the SIP case page; only the acts of ``mypages.services`` write them.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samordna.cases.models import Case, Obligation
from samordna.people.models import Person
from samordna.sip.models import Action, Consent, Meeting, PlanVersion

# Input limits (every text the individual writes is short: nothing clinical that staff must act on
# at once, the pages say whom to call instead).
REASON_MAX = 300
MATTERS_MAX = 1000
QUESTIONS_MAX = 1000
COMMENT_MAX = 1000


class MeetingReply(models.Model):
    """ "I can't come" to a meeting, with an optional short reason, for the coordinator."""

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="individual_replies")
    person = models.ForeignKey(Person, models.CASCADE, related_name="+")
    can_come = models.BooleanField(default=False)
    reason = models.CharField(_("reason"), max_length=REASON_MAX, blank=True)
    written_by = models.CharField(max_length=200)
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="one_reply_per_meeting")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} to meeting {self.meeting_id}"


class Preparation(models.Model):
    """Before a meeting: "what matters to me" and the questions the individual wants raised
    (seed 004_2b6a4bde1435f963.txt: the individual's own goal "med egna ord"). Shown to the
    coordinator with the meeting and offered as the main goal when the plan is written."""

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="individual_preparations")
    person = models.ForeignKey(Person, models.CASCADE, related_name="+")
    what_matters = models.TextField(_("what matters to me"), max_length=MATTERS_MAX, blank=True)
    questions = models.TextField(_("questions I want raised"), max_length=QUESTIONS_MAX, blank=True)
    written_by = models.CharField(max_length=200)
    written_at = models.DateTimeField(default=timezone.now)
    # Optimistic locking: a save carries the version it started from (SEC-4).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"], name="one_preparation_per_meeting"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} before meeting {self.meeting_id}"


class OwnComment(models.Model):
    """The individual's own comment on an action of the plan before the follow-up (SIP-11)."""

    plan = models.ForeignKey(PlanVersion, models.CASCADE, related_name="individual_comments")
    action = models.ForeignKey(Action, models.CASCADE, related_name="individual_comments")
    person = models.ForeignKey(Person, models.CASCADE, related_name="+")
    text = models.TextField(_("comment"), max_length=COMMENT_MAX)
    written_by = models.CharField(max_length=200)
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["written_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class WithdrawalRequest(models.Model):
    """The individual asks to withdraw a consent. The withdrawal itself stays with the
    coordinator (its consequences are the routine's: seed 000_106b8acbeb42519c.txt line 110,
    "Den enskilde får när som helst ta tillbaka sitt samtycke"), who gets an obligation."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="withdrawal_requests")
    consent = models.ForeignKey(Consent, models.CASCADE, related_name="withdrawal_requests")
    person = models.ForeignKey(Person, models.CASCADE, related_name="+")
    obligation = models.OneToOneField(Obligation, models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=REASON_MAX, blank=True)
    written_by = models.CharField(max_length=200)
    requested_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consent"], name="one_withdrawal_request_per_consent")
        ]

    def __str__(self) -> str:
        return f"withdrawal of consent {self.consent_id}"
