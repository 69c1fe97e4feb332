"""The individual and the people around them (SPEC PER-1, PER-2, PER-3).

Protected identities and reserve numbers are refused before anything is stored, so there is no
field for either. Which units may see a person is decided in one place:
``Person.objects.visible_to``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samordna.core.identity import Named
from samordna.organisations.models import Principal, Unit
from samordna.people.search import (
    SearchKeyField,
    SearchTextField,
    key_expression,
    name_text_expression,
)

if TYPE_CHECKING:
    from samordna.accounts.actor import Actor


class PlanFormat(models.TextChoices):
    PAPER = "paper", _("On paper")
    DIGITAL = "digital", _("Digitally")
    BOTH = "both", _("Both on paper and digitally")


class PersonQuerySet(models.QuerySet["Person"]):
    def visible_to(self, actor: Actor) -> PersonQuerySet:
        """The one choke point for reading individuals (SEC-1).

        A unit sees a person it registered, or one in whose case it currently takes part and
        the consent lets it read the individual's record (``ParticipationQuerySet.informed``).
        """
        # By name through the app registry: cases.models imports this module (no import circle).
        Participation = apps.get_model("cases", "Participation")
        informed = (
            Participation.objects.current()
            .informed()
            .filter(case__person=OuterRef("pk"), unit=actor.unit)
        )
        return self.filter(Q(registered_by_unit=actor.unit) | Exists(informed))


class Person(Named, models.Model):
    identity_number = models.CharField(
        _("identity number"), max_length=12, unique=True, help_text=_("12 digits")
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    street = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    municipality = models.ForeignKey(
        Principal,
        models.PROTECT,
        related_name="residents",
        verbose_name=_("municipality of residence"),
        limit_choices_to={"kind": Principal.Kind.MUNICIPALITY},
    )
    listed_primary_care = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="listed_persons",
        verbose_name=_("listed primary care centre"),
        limit_choices_to={"kind": Unit.Kind.PRIMARY_CARE},
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    preferred_plan_format = models.CharField(
        _("preferred format of the plan"),
        max_length=10,
        choices=PlanFormat.choices,
        default=PlanFormat.PAPER,
    )
    deceased_on = models.DateField(_("date of death"), null=True, blank=True)
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)
    registered_by = models.ForeignKey(
        "organisations.User", models.PROTECT, related_name="+", null=True, blank=True
    )
    registered_by_unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="registered_persons", null=True, blank=True
    )
    # Optimistic locking: an edit carries the version it started from (SEC-4).
    version = models.PositiveIntegerField(default=1)
    # Search keys, computed by the database from the names (see people/search.py): they cannot
    # drift from the names, whichever way a row is written (bulk inserts, COPY, updates).
    last_key = models.GeneratedField(
        expression=key_expression("last_name"),
        output_field=SearchKeyField(max_length=100),
        db_persist=True,
    )
    first_key = models.GeneratedField(
        expression=key_expression("first_name"),
        output_field=SearchKeyField(max_length=100),
        db_persist=True,
    )
    name_text = models.GeneratedField(
        expression=name_text_expression(), output_field=SearchTextField(), db_persist=True
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("individual")
        verbose_name_plural = _("individuals")
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="person_name_idx"),
            # Surname prefix search in list order; and the same within the registering unit.
            models.Index(fields=["last_key", "first_key", "id"], name="person_key_idx"),
            models.Index(
                fields=["registered_by_unit", "last_key", "first_key", "id"],
                name="person_unit_key_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.identity.formatted})"

    def age(self, on: dt.date | None = None) -> int:
        return self.identity.age(on or timezone.localdate())

    def is_child(self, on: dt.date | None = None) -> bool:
        """Under 18: guardians consent and the child perspective applies (PER-3, CON-3)."""
        return self.identity.is_child(on or timezone.localdate())


class Relative(models.Model):
    """A next of kin (närstående); guardians of a child are relatives with ``is_guardian``."""

    person = models.ForeignKey(Person, models.CASCADE, related_name="relatives")
    name = models.CharField(_("name"), max_length=200)
    relation = models.CharField(_("relation"), max_length=60)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_guardian = models.BooleanField(_("guardian"), default=False)

    class Meta:
        verbose_name = _("relative")
        verbose_name_plural = _("relatives")
        ordering = ["-is_guardian", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relation})"


class Representative(models.Model):
    """A legal representative: guardian, trustee (god man) or administrator (förvaltare)."""

    class Kind(models.TextChoices):
        GUARDIAN = "guardian", _("Guardian")
        TRUSTEE = "trustee", _("Trustee (god man)")
        ADMINISTRATOR = "administrator", _("Administrator (förvaltare)")

    person = models.ForeignKey(Person, models.CASCADE, related_name="representatives")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    # What the representative logs in to the individual's own pages with (PAT-1, issue 15 item
    # 4): 12 digits, stored only when valid and neither a reserve number nor a protected
    # identity (people.services.add_representative). Empty: the representative has no login.
    identity_number = models.CharField(
        _("identity number"),
        max_length=12,
        blank=True,
        db_index=True,
        help_text=_("For the login to the individual's pages; leave empty if not needed."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    street = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("legal representative")
        verbose_name_plural = _("legal representatives")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class Surname(models.Model):
    """Every surname key in use, once: what the similar-names search compares a query with.

    Kept by database triggers on people_person (migration 0004), whichever way a row is written;
    a surname whose last bearer is renamed stays (it only costs an empty index range). Searching
    the distinct surnames instead of the individuals makes a typo of a common surname cost the
    few similar surnames plus a page, not every individual bearing one (62,500 Lindqvists).
    """

    key = SearchKeyField(max_length=100, unique=True)
    text = SearchTextField()  # the readable folded surname, for trigrams

    def __str__(self) -> str:
        return self.text
