"""API tokens: one per integrating system, acting as a service account at one unit (API-1).

Only a SHA-256 hash of the token is stored; the token itself is shown once when created.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samordna.organisations.models import Unit, User


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(models.Model):
    name = models.CharField(_("system name"), max_length=100)
    user = models.ForeignKey(
        User, models.PROTECT, related_name="api_tokens", verbose_name=_("user")
    )
    unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="api_tokens", verbose_name=_("unit")
    )
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"

    @classmethod
    def issue(cls, name: str, user: User, unit: Unit) -> tuple[ApiToken, str]:
        token = "smd_" + secrets.token_urlsafe(32)
        return cls.objects.create(
            name=name, user=user, unit=unit, key_hash=hash_token(token)
        ), token


class IdempotencyKey(models.Model):
    """A POST sent with an ``Idempotency-Key`` header (API-4; IETF draft
    ``draft-ietf-httpapi-idempotency-key-header``): the key, per client (the token's hash), the
    request's fingerprint and, once the act committed, its answer, stored in the act's own
    transaction so that a retry gets the same answer and never does the act again."""

    client = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(blank=True, default=b"")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="one_idempotency_key_per_client")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created_idx")]

    def __str__(self) -> str:
        return self.key
