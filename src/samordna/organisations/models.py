"""Counties, principals, units and staff (SPEC ORG-1, ORG-2, ORG-3).

A county (län) groups one region and its municipalities and owns the rule set that every deadline
is computed from. Staff belong to units through memberships with a role; the unit a user works
for right now is chosen at login and kept in the session.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from samordna.core.rules import DEFAULT_RULE_SETS, RuleSet


def default_rules() -> dict[str, Any]:
    return RuleSet().to_json()


@functools.lru_cache(maxsize=64)
def _parsed(rules: str) -> RuleSet:
    """A rule set is immutable (a frozen dataclass), so one parse serves every caller."""
    return RuleSet.from_json(json.loads(rules))


class County(models.Model):
    """A county (län) and its rule set: the routine's deadlines, cut-offs and reading times."""

    code = models.SlugField(_("code"), unique=True, help_text=_("e.g. norrbotten"))
    name = models.CharField(_("name"), max_length=100)
    rules = models.JSONField(
        _("rule set"),
        default=default_rules,
        help_text=_("Deadlines, cut-off times and reading times of the county routine."),
    )

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def rule_set(self) -> RuleSet:
        """The county's rules, parsed once per process for each content they have had: the
        cache key is the stored JSON itself, so a changed rule set (the admin, another
        process) is parsed anew on its first use and an old one is never served."""
        return _parsed(json.dumps(self.rules, sort_keys=True))

    def clean(self) -> None:
        try:
            self.rules = RuleSet.from_json(self.rules).to_json()
        except (ValueError, TypeError) as error:
            raise ValidationError({"rules": str(error)}) from error

    @classmethod
    def default_rules_for(cls, code: str) -> dict[str, Any]:
        return DEFAULT_RULE_SETS.get(code, RuleSet()).to_json()


class Principal(models.Model):
    """A principal (huvudman): the region, a municipality or another actor (ORG-1)."""

    class Kind(models.TextChoices):
        REGION = "region", _("Region")
        MUNICIPALITY = "municipality", _("Municipality")
        OTHER = "other", _("Other")

    county = models.ForeignKey(
        County, models.PROTECT, related_name="principals", verbose_name=_("county")
    )
    code = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    municipality_code = models.CharField(
        _("municipality code"), max_length=4, blank=True, help_text=_("SCB's four digits")
    )
    organisation_number = models.CharField(_("organisation number"), max_length=11, blank=True)

    class Meta:
        verbose_name = _("principal")
        verbose_name_plural = _("principals")
        ordering = ["county", "kind", "name"]

    def __str__(self) -> str:
        return self.name


class UnitKind(models.TextChoices):
    """The kinds of unit. Named on its own, not ``Kind``: django-ninja names a component of the
    OpenAPI document after the class alone."""

    INPATIENT_WARD = "inpatient_ward", _("Inpatient ward")
    PRIMARY_CARE = "primary_care", _("Primary care centre")
    OUTPATIENT_PSYCHIATRY = "outpatient_psychiatry", _("Outpatient psychiatry")
    SPECIALIST_CLINIC = "specialist_clinic", _("Specialist clinic")
    MUNICIPAL_HEALTH_CARE = "municipal_health_care", _("Municipal health care")
    NEEDS_ASSESSMENT = "needs_assessment", _("Needs assessment")
    HOME_CARE_SERVICE = "home_care_service", _("Home care service")
    SPECIAL_HOUSING = "special_housing", _("Special housing")
    LSS = "lss", _("LSS")
    SCHOOL = "school", _("School")
    EXTERNAL = "external", _("External")


class Unit(models.Model):
    """A unit (enhet, verksamhet) that sends, receives and takes part in cases (ORG-2).

    Units that are not connected work outside the system: they get letters, not inbox items.
    """

    Kind = UnitKind

    principal = models.ForeignKey(
        Principal, models.PROTECT, related_name="units", verbose_name=_("principal")
    )
    code = models.SlugField(_("code"), unique=True, max_length=80)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    connected = models.BooleanField(
        _("connected"), default=True, help_text=_("Unconnected units receive letters.")
    )
    hsa_id = models.CharField(_("HSA-id"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("functional mailbox"), blank=True)
    street = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["hsa_id"], condition=~models.Q(hsa_id=""), name="unit_hsa_id_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def county(self) -> County:
        return self.principal.county


class User(AbstractUser):
    """A staff account. Local accounts hash with Argon2; federated login maps onto the same."""

    hsa_id = models.CharField(_("HSA-id"), max_length=64, blank=True)
    title = models.CharField(_("title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("staff account")
        verbose_name_plural = _("staff accounts")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Membership(models.Model):
    """A user's role at a unit (ORG-3). A user may have several roles at several units."""

    class Role(models.TextChoices):
        CARE_ADMINISTRATOR = "care_administrator", _("Care administrator")
        PHYSICIAN = "physician", _("Physician")
        # SIP-16, seed 001_118551e475ece215.txt lines 1212-1214 and 1234-1236: the coordinated
        # care plan for ÖPT/ÖRV is called by "chefsöverläkaren eller specialist inom psykiatri med
        # chefsöverläkaruppdrag": an assignment, not every psychiatry physician. An administrator
        # gives it as this role on the staff member's membership of a psychiatry unit.
        CHIEF_PSYCHIATRIST = (
            "chief_psychiatrist",
            _("Chief physician in psychiatry (or psychiatry specialist with that assignment)"),
        )
        NURSE = "nurse", _("Nurse")
        # DEV-2, seed 001_118551e475ece215.txt lines 134-136: deviations concerning the
        # municipality are sent to its medically responsible nurse.
        MAS = "mas", _("Medically responsible nurse (MAS)")
        THERAPIST = "therapist", _("Therapist")
        CASE_OFFICER = "case_officer", _("Case officer")
        OTHER_PROFESSIONAL = "other_professional", _("Other professional")
        UNIT_ADMIN = "unit_admin", _("Unit administrator")
        COUNTY_ADMIN = "county_admin", _("County administrator")
        # The municipality's invoicing: may export the payment liability (issue 17).
        INVOICING = "invoicing", _("Invoicing")
        # Reads the county's indicators (RPT-1, ``reporting.queries.scope_for``), no case.
        STATISTICS = "statistics", _("Statistics")

    user = models.ForeignKey(User, models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.unit} ({self.get_role_display()})"


class FederatedIdentity(models.Model):
    """Links a staff account to the identity an OpenID provider asserts (accounts/oidc.py): the
    value of the provider's matching claim (an HSA-id, or ``sub``) under that provider's issuer.
    Created by an administrator, never by a login: an unknown identity gets no account."""

    user = models.ForeignKey(
        User, models.CASCADE, related_name="federated_identities", verbose_name=_("user")
    )
    issuer = models.CharField(_("issuer"), max_length=255)
    value = models.CharField(_("identity (claim value)"), max_length=255)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("federated identity")
        verbose_name_plural = _("federated identities")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "value"], name="federated_identity_unique")
        ]

    def __str__(self) -> str:
        return f"{self.value} ({self.issuer})"
