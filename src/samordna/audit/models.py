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


# What each logged act means, for the people who review the log. Keys are stable identifiers.
WHAT_LABELS = {
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
}


class AccessLog(models.Model):
    class Action(models.TextChoices):
        READ = "read", pgettext_lazy("audit action", "Read")
        SEARCH = "search", pgettext_lazy("audit action", "Search")
        CREATE = "create", pgettext_lazy("audit action", "Create")
        UPDATE = "update", pgettext_lazy("audit action", "Change")
        REFUSE = "refuse", pgettext_lazy("audit action", "Refused")
        EXPORT = "export", pgettext_lazy("audit action", "Export")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name=_("user"))
    unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="+", null=True, verbose_name=_("unit")
    )
    person = models.ForeignKey(
        Person, models.PROTECT, related_name="+", null=True, verbose_name=_("individual")
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    what = models.CharField(_("what"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    via = models.CharField(_("via"), max_length=10, default="web")
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["unit", "-at"], name="accesslog_unit_at_idx"),
            models.Index(fields=["person", "-at"], name="accesslog_person_at_idx"),
            models.Index(fields=["user", "-at"], name="accesslog_user_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.user_id} {self.what}"

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
        return f"{label}: {detail}" if detail else label
