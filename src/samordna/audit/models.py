"""The access log: every read and change of personal data (SPEC SEC-2).

Rows are only ever inserted. The model refuses updates and deletes, the admin is read-only, and
a database trigger refuses UPDATE on both SQLite and PostgreSQL (see the migration).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from samordna.organisations.models import Unit, User
from samordna.people.models import Person


class AppendOnlyError(Exception):
    pass


# Why a refused act was refused, after the act's key ("person.lookup: protected_identity").
DETAIL_LABELS = {
    "protected_identity": _("refused, protected identity"),
    "reserve_number": _("refused, reserve number"),
    "unknown_patient": _("no such individual"),
}

# What each logged act means, for the people who review the log. Keys are stable identifiers.
WHAT_LABELS = {
    "county.rules": _("Change of the county's rule set"),
    "person.lookup": _("Look-up by identity number"),
    "person.search": _("Name search"),
    "person.detail": _("The individual's page"),
    "person.register": _("Registration of an individual"),
    "person.update": _("Change of the individual's details"),
    "relative.add": _("Relative added"),
    "relative.remove": _("Relative removed"),
    "representative.add": _("Legal representative added"),
    "representative.remove": _("Legal representative removed"),
    "accesslog.export": _("Export of the access log"),
    "person.death": _("Registration of death"),
    "person.register_extract": _("Register extract of the individual (GDPR art. 15)"),
    "sip.open": _("SIP opened"),
    "sip.read": _("SIP case read"),
    "sip.consent": _("SIP consent recorded"),
    "sip.consent_withdraw": _("SIP consent withdrawn"),
    "sip.consent_amend": _("SIP consent amended"),
    "sip.coordinator": _("SIP coordinator changed"),
    "sip.close": _("SIP closed"),
    "sip.assessment": _("SIP needs assessment added to"),
    "sip.assessment.read": _("SIP needs assessment read"),
    "sip.invite": _("SIP invitation sent"),
    "sip.invitation_change": _("SIP invitation changed"),
    "sip.invitation_cancel": _("SIP meeting cancelled"),
    "sip.ack": _("SIP invitation acknowledged"),
    "sip.answer": _("SIP invitation answered"),
    "sip.forward": _("SIP invitation forwarded"),
    "sip.record_meeting": _("SIP meeting recorded"),
    "sip.meetings.read": _("SIP meetings read"),
    "sip.invitations.read": _("The unit's SIP invitations read"),
    "sip.plan.read": _("SIP plan read"),
    "sip.individual_view.read": _("SIP plan shown to the individual"),
    "sip.plan_start": _("SIP plan version started"),
    "sip.plan_save": _("SIP plan draft saved"),
    "sip.plan_documented": _("SIP plan documented"),
    "sip.plan_handed_over": _("SIP plan handed over"),
    "sip.follow_up_comment": _("SIP follow-up comment"),
    "sip.evaluation": _("SIP plan evaluated"),
    "stay.read": _("Stay read"),
    "stay.register": _("Stay registered"),
    "stay.update": _("Stay details changed"),
    "stay.admission_notice": _("Admission notice sent"),
    "stay.expected_discharge": _("Expected discharge date changed"),
    "stay.ready_notice": _("Ready-for-discharge notice sent"),
    "stay.discharge_notice": _("Discharge notice sent"),
    "stay.acknowledge": _("Notice acknowledged"),
    "stay.unavailable": _("Outpatient unavailability recorded"),
    "stay.notices": _("The unit's notices read"),
    "stay.liability_export": _("Payment liability exported"),
    "stay.planning_basis": _("Planning basis answered"),
    "stay.care_contact": _("Designated care contact named"),
    "stay.reply": _("Reply to the ready-for-discharge notice"),
    "stay.sip_declined": _("Patient declined SIP recorded"),
    "stay.death": _("Death during the stay registered"),
    "stay.information.read": _("Discharge information read"),
    "message.compose.read": _("Individual read to write a message"),
    "message.send": _("Message sent"),
    "message.open_case": _("Message case opened"),
    "message.read": _("Message read"),
    "message.reply": _("Message answered"),
    "message.acknowledge": _("Message acknowledged"),
    "message.forward": _("Message forwarded"),
    "messages.read": _("The unit's messages read"),
    "deviation.read": _("Deviation read"),
    "deviation.case": _("Case of a deviation read"),
    "deviation.update": _("Deviation changed"),
    "deviation.confirm": _("Deviation suggestion confirmed"),
    "deviation.dismiss": _("Deviation suggestion dismissed"),
    "deviation.send": _("Deviation sent"),
    "deviation.handle": _("Deviation handled"),
    "deviations.list": _("The unit's deviations read"),
    "deviations.export": _("Deviations exported"),
    "documents.plan.read": _("Plan printed (PDF)"),
    "documents.invitation_letter.read": _("Invitation letter printed (PDF)"),
    "documents.consent_form.read": _("Consent form printed (PDF)"),
    "documents.meeting_calendar.read": _("Calendar file downloaded"),
    "overview.read": _("The unit's overview read"),
    "riv.careplans": _("Care plans read by a system (GetCarePlans)"),
    "fhir.read": _("Read by a system (FHIR)"),
    "fhir.search": _("Search by a system (FHIR)"),
    "login.oidc": _("Login through an OpenID provider"),
    # The individual's own pages (issue 15): logged without a user (``log_individual``).
    "login.individual": _("The individual's login (e-identification)"),
    "mypages.home": _("The individual's own pages: home"),
    "mypages.plan.read": _("The individual's own pages: plan read"),
    "mypages.meetings.read": _("The individual's own pages: meetings read"),
    "mypages.prepare": _("The individual's own pages: meeting prepared"),
    "mypages.prepare.read": _("The individual's own pages: meeting prepared"),
    "mypages.decline": _("The individual's own pages: meeting declined"),
    "mypages.decline_undo": _("The individual's own pages: meeting declined"),
    "mypages.consents.read": _("The individual's own pages: consent read"),
    "mypages.consent_withdrawal": _("The individual's own pages: consent withdrawal asked for"),
    "mypages.comment": _("The individual's own pages: own comment"),
    "mypages.meeting_calendar.read": _("The individual's own pages: calendar file"),
    "account.locked": _("Login locked after failed attempts"),
    "account.otp_setup": _("Second factor set up"),
    "account.otp_reset": _("Second factor reset"),
    "mypages.accesslog.read": _("Log extract read on the individual's own pages"),
    "mypages.notifications.read": _("Notification settings read on the individual's own pages"),
    "mypages.notifications.update": _(
        "Notification settings changed on the individual's own pages"
    ),
}


class AccessLog(models.Model):
    class Action(models.TextChoices):
        READ = "read", pgettext_lazy("audit action", "Read")
        SEARCH = "search", pgettext_lazy("audit action", "Search")
        CREATE = "create", pgettext_lazy("audit action", "Create")
        UPDATE = "update", pgettext_lazy("audit action", "Change")
        REFUSE = "refuse", pgettext_lazy("audit action", "Refused")
        EXPORT = "export", pgettext_lazy("audit action", "Export")
        LOGIN = "login", pgettext_lazy("audit action", "Login")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    # Empty only for a read by the individual or their representative on the individual's own
    # pages (PAT-2): they are no staff user; ``reader`` says who they are.
    user = models.ForeignKey(
        User, models.PROTECT, related_name="+", null=True, verbose_name=_("user")
    )
    unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="+", null=True, verbose_name=_("unit")
    )
    person = models.ForeignKey(
        Person, models.PROTECT, related_name="+", null=True, verbose_name=_("individual")
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    what = models.CharField(_("what"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    via = models.CharField(_("channel"), max_length=10, default="web")
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    # A read on the individual's own pages: the identity number the identity provider vouched
    # for, and how that reader stands to the individual ("self", "guardian", "trustee",
    # "administrator": ``people.subjects.Relation``).
    reader = models.CharField(_("reader's identity number"), max_length=12, blank=True)
    reader_relation = models.CharField(_("reader's relation"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["unit", "-at"], name="accesslog_unit_at_idx"),
            # The individual's extract pages through this range by (time, id) (PAT-2).
            models.Index(fields=["person", "-at", "-id"], name="accesslog_person_at_id_idx"),
            models.Index(fields=["user", "-at"], name="accesslog_user_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M:%S} {self.user_id} {self.what}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("The access log is append-only.")

    @property
    def what_display(self) -> str:
        key, _sep, detail = self.what.partition(": ")
        label = str(WHAT_LABELS.get(key, key))
        detail = str(DETAIL_LABELS.get(detail, detail))
        return f"{label}: {detail}" if detail else label
