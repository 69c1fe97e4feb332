"""The operating-status banner (OPS-2): administrators announce planned maintenance or an
outage in the Django admin, and every page shows it while it is current."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BannerQuerySet(models.QuerySet["Banner"]):
    def current(self) -> BannerQuerySet:
        now = timezone.now()
        return self.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now), starts_at__lte=now)


class BannerKind(models.TextChoices):
    """The kinds of operating banner. Named on its own, not ``Kind``: django-ninja names a
    component of the OpenAPI document after the class alone."""

    MAINTENANCE = "maintenance", _("Planned maintenance")
    OUTAGE = "outage", _("Outage")
    INFORMATION = "information", _("Operating information")


class Banner(models.Model):
    Kind = BannerKind

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    message = models.TextField(
        _("message"),
        max_length=500,
        help_text=_(
            "Say what happens, when, and what to do meanwhile, e.g. use the blank paper forms."
        ),
    )
    starts_at = models.DateTimeField(
        _("shown from"), default=timezone.now, help_text=_("When the banner starts to show.")
    )
    ends_at = models.DateTimeField(
        _("shown until"),
        null=True,
        blank=True,
        help_text=_("When the banner stops showing. Empty: until someone ends it."),
    )

    objects = BannerQuerySet.as_manager()

    class Meta:
        verbose_name = _("operating-status banner")
        verbose_name_plural = _("operating-status banners")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="banner_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.message[:60]}"

    def clean(self) -> None:
        if self.ends_at and self.starts_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The banner must stop showing after it starts.")})

    @property
    def is_current(self) -> bool:
        now = timezone.now()
        return self.starts_at <= now and (self.ends_at is None or self.ends_at > now)


class WorkerHeartbeat(models.Model):
    """When each ``samordna worker`` process last started a round of its jobs: readiness
    (``/health/ready``) and the metrics ask whether any worker ran recently. One row per
    process (host and pid), so two workers do not write the same row; rows of processes gone
    for a day are deleted by the next beat."""

    worker = models.CharField(max_length=200, primary_key=True)
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return self.worker

    @classmethod
    def beat(cls, worker: str) -> None:
        now = timezone.now()
        cls.objects.update_or_create(worker=worker, defaults={"seen_at": now})
        cls.objects.filter(seen_at__lt=now - dt.timedelta(days=1)).delete()

    @classmethod
    def last_seen(cls) -> dt.datetime | None:
        return cls.objects.aggregate(last=models.Max("seen_at"))["last"]
