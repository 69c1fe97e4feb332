"""The two processes about a person, what they share, and who takes part (SEC-1, SIP-3).

A ``Case`` is either a SIP case or a discharge process (SVU ärende, seed 000). The SIP and
discharge apps add their own one-to-one detail tables; participation, the timeline and the
"one active SIP per person" invariant live here so that visibility has one choke point.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samordna.cases.sees import Sees
from samordna.core.paging import Segment
from samordna.organisations.models import Unit, User
from samordna.people.models import Person

if TYPE_CHECKING:
    from samordna.accounts.actor import Actor


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, actor: Actor) -> CaseQuerySet:
        """The one choke point for reading cases (SEC-1): a unit sees a case while it takes part
        and, in a SIP, while the consent covers it (``ParticipationQuerySet.covered``)."""
        return self.filter(Sees(models.F("pk"), models.Value(actor.unit.pk)))

    def active(self) -> CaseQuerySet:
        return self.filter(closed_at__isnull=True)


class Case(models.Model):
    class Kind(models.TextChoices):
        SIP = "sip", _("SIP")
        DISCHARGE = "discharge", _("Discharge collaboration")
        # MSG-1: messages about an individual outside a stay and a SIP (seed 003 lines 86-87,
        # 104, 126, 144); the sender's unit owns it, the recipients take part.
        CONTACT = "contact", _("Message case")

    class CloseReason(models.TextChoices):
        GOALS_MET = "goals_met", _("Goals met")
        NO_LONGER_NEEDED = "no_longer_needed", _("No longer needed")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
        CONSENT_REFUSED = "consent_refused", _("Consent refused")
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


def _consent_in_force() -> models.QuerySet[Any]:
    """The SIP's consent in force (given, not withdrawn, not amended) of the participation's
    case."""
    # By name through the app registry: sip.models imports this module (no import circle).
    consent = apps.get_model("sip", "Consent")
    return consent.objects.in_force().filter(case=OuterRef("case_id"))


def _consent_names_unit() -> Exists:
    """The consent in force names the participation's unit, or names none: a consent that
    names no unit restricts no one, as the invitation has always read it
    (``sip.services.invitations._require_consent_scope``)."""
    return Exists(_consent_in_force().filter(Q(units=OuterRef("unit_id")) | Q(units__isnull=True)))


class ParticipationQuerySet(models.QuerySet["Participation"]):
    """Which participations give access: the single definition that ``Case.objects.visible_to``,
    ``Person.objects.visible_to`` and the overview's read model (``overview.readmodel.rows``)
    share, as indexed ``Exists`` subqueries, never a check per row in Python.

    Seed 000_106b8acbeb42519c.txt line 110: "Grunden är att om den enskilde samtycker kan
    informationsöverföring ske. Den enskilde får när som helst ta tillbaka sitt samtycke."
    Seed 002_ca8314ba67d4fca6.txt line 156: "Observera att samtycke krävs för att ta del av en
    tidigare upprättad SIP." The rule is evaluated on every request from the consent rows, so
    a withdrawal takes effect on the next one.
    """

    def current(self) -> ParticipationQuerySet:
        return self.filter(Q(until__isnull=True) | Q(until__gt=timezone.now()))

    def covered(self) -> ParticipationQuerySet:
        """The unit sees the case's contents (SEC-1). A stay and a message case: every unit
        taking part (what a stay's recipient sees without consent is narrowed on the stay's
        own page, CON-4: ``discharge.services.stays.sees_everything``; a message case is
        opened only with the individual's consent to its recipients). A SIP: the coordinator's
        unit, which opens it and records the consent (seed 000 line 177, seed 002 line 120),
        whatever the consent's state; any other unit only while a consent in force names it."""
        return self.filter(
            ~Q(case__kind=Case.Kind.SIP) | Q(role=Participation.Role.OWNER) | _consent_names_unit()
        )

    def informed(self) -> ParticipationQuerySet:
        """The unit may read the individual's record (address, phone, relatives, legal
        representatives) through the case: the information exchange the consent is for (seed
        000 line 110, line 176: "Där dokumenteras samtycke för SIP och informationsöverföring").
        A SIP: only while a consent in force covers the unit; the coordinator's unit too, so
        the opener sees the name, identity number and age on the case page until consent is
        recorded, not the record. A stay: the ward, and the recipients only with consent to
        information transfer (seed 001_118551e475ece215.txt lines 738-745: without it only
        name, identity number, address and expected discharge date are sent, CON-4, which the
        stay page shows itself). A message case: every unit taking part (its consent is
        confirmed when the message is sent)."""
        in_force = Exists(_consent_in_force())
        sip = Q(case__kind=Case.Kind.SIP) & (
            _consent_names_unit() | (Q(role=Participation.Role.OWNER) & in_force)
        )
        stay = Q(case__kind=Case.Kind.DISCHARGE) & (
            Q(role=Participation.Role.OWNER) | Q(case__stay__consent_to_transfer=True)
        )
        return self.filter(sip | stay | Q(case__kind=Case.Kind.CONTACT))


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

    objects = ParticipationQuerySet.as_manager()

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


# What each timeline event means, for people reading the case. Keys are stable identifiers.
EVENT_LABELS = {
    "opened": _("Case opened"),
    "closed": _("Case closed"),
    "consent_given": _("Consent given"),
    "consent_refused": _("Consent refused"),
    "consent_withdrawn": _("Consent withdrawn"),
    "consent_amended": _("Consent amended"),
    "coordinator_changed": _("Coordinator changed"),
    "assessment_added": _("Added to the needs assessment"),
    "invitation_sent": _("Invitation sent"),
    "invitation_changed": _("Invitation changed"),
    "invitation_cancelled": _("Meeting cancelled"),
    "invitation_acknowledged": _("Invitation acknowledged"),
    "invitation_accepted": _("Invitation accepted"),
    "invitation_declined": _("Invitation declined"),
    "invitation_forwarded": _("Invitation forwarded"),
    "meeting_recorded": _("Meeting recorded"),
    "meeting_record_corrected": _("Meeting record corrected"),
    "plan_version_started": _("Plan version started"),
    "plan_saved": _("Plan draft saved"),
    "plan_documented": _("Plan documented"),
    "plan_handed_over": _("Plan handed over to the individual"),
    "follow_up_comment": _("Follow-up comment written"),
    "plan_evaluated": _("Plan evaluated"),
    # SIP-16: the coordinated care plan for ÖPT/ÖRV (``sip.services.svp``).
    "svp_details": _("Care plan details for ÖPT/ÖRV recorded"),
    "svp_objection": _("Objection to information exchange recorded"),
    "svp_necessary_exchange": _("Information shared for the planning despite the objection"),
    "home_care_decided": _("Home health care decision recorded"),
    "home_care_contact_named": _("Municipal care contact for home health care named"),
    "self_care_assessed": _("Self-care assessed"),
    "stay_registered": _("Stay registered"),
    "stay_updated": _("Stay details corrected"),
    "admission_notice_sent": _("Admission notice sent"),
    "expected_discharge_changed": _("Expected discharge date changed"),
    "ready_notice_sent": _("Ready-for-discharge notice sent"),
    "discharge_notice_sent": _("Discharge notice sent"),
    "notice_acknowledged": _("Notice acknowledged"),
    "outpatient_unavailable": _("Region outpatient interventions not available"),
    "planning_basis_updated": _("Planning basis updated"),
    "care_contact_designated": _("Designated care contact named"),
    "recipient_replied": _("Recipient replied to the ready notice"),
    "sip_declined": _("Patient declined SIP"),
    "message_sent": _("Message sent"),
    "message_replied": _("Message answered"),
    "message_acknowledged": _("Message acknowledged"),
    "message_forwarded": _("Message forwarded"),
}


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

    @property
    def label(self) -> str:
        return str(EVENT_LABELS.get(self.kind, self.kind))


class Notice(models.Model):
    """Something sent to units about a case: an invitation, an admission notice, a message.

    Each recipient unit gets one ``Delivery``; what a recipient must do with it (acknowledge,
    answer) and by when lives there.
    """

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Meeting invitation")
        ADMISSION = "admission", _("Admission notice")
        READY = "ready", _("Ready-for-discharge notice")
        DISCHARGE = "discharge", _("Discharge notice")
        MESSAGE = "message", _("Message")

    case = models.ForeignKey(Case, models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sender = models.ForeignKey(User, models.PROTECT, related_name="+")
    sender_unit = models.ForeignKey(Unit, models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    # DOC-3: set when a notice sent on paper during downtime is registered afterwards;
    # ``sent_at`` is then the real time, and deadlines run from it.
    registered_at = models.DateTimeField(null=True, blank=True)
    subject = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        indexes = [
            models.Index(fields=["case", "-sent_at"], name="notice_case_sent_idx"),
            # The messages a unit sent, the newest first (its inbox, issue 11).
            models.Index(
                fields=["sender_unit", "-id"],
                condition=Q(kind="message"),
                name="notice_message_by_sender_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"


class DeliveryQuerySet(models.QuerySet["Delivery"]):
    def inbox_for(self, actor: Actor) -> DeliveryQuerySet:
        """The actor's unit's deliveries in cases it takes part in, in the order a unit works
        them (BOX-1): unacknowledged first, most urgent first; then the newest."""
        return self.filter(
            unit=actor.unit, notice__case__in=Case.objects.visible_to(actor)
        ).order_by(
            models.Case(
                models.When(acknowledged_at__isnull=True, then=models.Value(0)),
                default=models.Value(1),
            ),
            models.Case(models.When(acknowledged_at__isnull=True, then=models.F("due_at"))),
            "-notice__sent_at",
            "-pk",
        )

    def inbox_segments(self, actor: Actor, keep: Q) -> list[Segment[Delivery]]:
        """``inbox_for`` (narrowed by ``keep``) as two index ranges shown one after the other:
        the unacknowledged, most urgent first (``delivery_open_by_unit_idx``), then the
        acknowledged, the newest delivered first (``delivery_done_by_unit_idx``). Paged with
        ``samordna.core.paging.segmented``, a page costs O(page), not O(the unit's history):
        the ranges are read without joins, what the list shows is asked of their keys only."""
        mine = self.filter(unit=actor.unit)
        shown = keep & Q(notice__case__in=Case.objects.visible_to(actor))
        return [
            Segment(
                mine.filter(acknowledged_at__isnull=True).order_by(
                    models.F("due_at").asc(nulls_last=True), "-pk"
                ),
                shown,
            ),
            Segment(mine.filter(acknowledged_at__isnull=False).order_by("-pk"), shown),
        ]


class Delivery(models.Model):
    """A notice to one unit: acknowledge or for information, the answer, a forward (MSG-2)."""

    class Mode(models.TextChoices):
        ACK = "ack", _("To acknowledge")
        FYI = "fyi", _("For information")

    class Answer(models.TextChoices):
        PENDING = "", _("Not answered")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    notice = models.ForeignKey(Notice, models.CASCADE, related_name="deliveries")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="deliveries")
    # The notice's kind, filled in by the database on insert (trigger ``cases_delivery_kind``,
    # migration 0009), however the row is written: a unit's deliveries of one kind (its
    # messages among thousands of notices) are then one index range.
    kind = models.CharField(max_length=20, choices=Notice.Kind.choices, blank=True, editable=False)
    mode = models.CharField(max_length=3, choices=Mode.choices, default=Mode.ACK)
    due_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        User, models.PROTECT, related_name="+", null=True, blank=True
    )
    # DOC-3: set when an acknowledgement made on paper is registered afterwards.
    acknowledgement_registered_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(max_length=10, choices=Answer.choices, blank=True, default="")
    answer_reason = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(User, models.PROTECT, related_name="+", null=True, blank=True)
    forwarded_to = models.ForeignKey(
        "self", models.PROTECT, related_name="forwarded_from", null=True, blank=True
    )

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notice", "unit"], name="one_delivery_per_unit")
        ]
        indexes = [
            # A unit's unacknowledged items, most urgent first (BOX-1).
            models.Index(
                fields=["unit", "due_at"],
                condition=Q(acknowledged_at__isnull=True),
                name="delivery_open_by_unit_idx",
            ),
            # A unit's acknowledged deliveries, the newest first: the rest of its inboxes.
            models.Index(
                fields=["unit", "-id"],
                condition=Q(acknowledged_at__isnull=False),
                name="delivery_done_by_unit_idx",
            ),
            # A unit's messages (its inbox, issue 11): the open ones, most urgent first, and the
            # acknowledged ones by notice, the newest first, merged with what the unit sent.
            models.Index(
                fields=["unit", "kind", "due_at"],
                condition=Q(acknowledged_at__isnull=True),
                name="delivery_open_by_kind_idx",
            ),
            models.Index(
                fields=["unit", "kind", "-notice"],
                condition=Q(acknowledged_at__isnull=False),
                name="delivery_done_by_kind_idx",
            ),
            # Acknowledgements past due, for the sender's overview and the deviation job.
            models.Index(
                fields=["due_at"],
                condition=Q(acknowledged_at__isnull=True),
                name="delivery_open_by_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notice} to {self.unit_id}"


class Obligation(models.Model):
    """A deadline of the routine for one case (and, where it is one unit's, that unit).

    Every deadline is a row with ``due_at``, so "what is due" is one indexed query for any unit
    and volume; ``met_at`` records when it was done.
    """

    class Kind(models.TextChoices):
        SIP_INVITATION = "sip_invitation", _("Send the SIP invitation")
        SIP_MEETING = "sip_meeting", _("Hold the SIP meeting")
        PLAN_DOCUMENTED = "plan_documented", _("Document the plan")
        PLAN_HANDED_OVER = "plan_handed_over", _("Hand the plan to the individual")
        FOLLOW_UP_COMMENT = "follow_up_comment", _("Comment on your actions before follow-up")
        FOLLOW_UP = "follow_up", _("Follow up the plan")
        PLAN_AFTER_DISCHARGE = "plan_after_discharge", _("Plan within 21 days of discharge")
        FOLLOW_UP_AFTER_DISCHARGE = (
            "follow_up_after_discharge",
            _("Follow up the existing plan after discharge"),
        )
        ADMISSION_NOTICE = "admission_notice", _("Send the admission notice")
        PLANNING_BASIS = "planning_basis", _("Fill in the planning basis")
        # SIP-16, seed 001_118551e475ece215.txt lines 1231-1232: "Inför ansökan om fortsatt ÖPT
        # eller ÖRV ska en uppföljning av den samordnade vårdplanen göras."
        SVP_FOLLOW_UP = (
            "svp_follow_up",
            _("Follow up the coordinated care plan before applying for continued care"),
        )
        # Issue 15: the individual asked on their own pages to withdraw a consent.
        CONSENT_WITHDRAWAL = (
            "consent_withdrawal",
            _("The individual asks to withdraw consent: talk with them and record it"),
        )
        # SIP-24, seed 001_118551e475ece215.txt lines 366-367: "en samordnad individuell plan
        # alltid upprättas/följas upp för hemsjukvårdspatienter".
        HOME_CARE_SIP = "home_care_sip", _("Establish or follow up the SIP for home health care")

    case = models.ForeignKey(Case, models.CASCADE, related_name="obligations")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="obligations")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    due_at = models.DateTimeField()
    met_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["due_at"]
        indexes = [
            models.Index(
                fields=["unit", "due_at"],
                condition=Q(met_at__isnull=True, cancelled_at__isnull=True),
                name="obligation_open_by_unit_idx",
            ),
            models.Index(fields=["case", "kind"], name="obligation_case_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.due_at:%Y-%m-%d}"

    def status(self, now: dt.datetime) -> str:
        """met, cancelled, overdue or due (for display)."""
        if self.met_at is not None:
            return "met_late" if self.met_at >= self.due_at else "met"
        if self.cancelled_at is not None:
            return "cancelled"
        return "overdue" if now >= self.due_at else "due"
