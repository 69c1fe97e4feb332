"""The overview's read model: each unit's open work as rows, and counters kept with them (BOX-1).

``WorkItem`` is one thing a unit must act on or watch (a delivery to acknowledge, an
acknowledgement awaited from another unit, an open deadline, an upcoming meeting, an expected
discharge), or, not listed, an active case the unit takes part in (for the counts). A row
exists only for a unit that takes part in the case, so visibility (SEC-1) is true by
construction and a unit's overview is an index range with LIMIT instead of a scan with a
visibility check per row.

``WorkCount`` holds how many rows each unit has per kind and *day* (the local day a due time
falls in), so every count of the page and the header is a sum over a few hundred counter rows
plus one index range over today's items, whatever the size of the county.

Both are written by the acts, in the act's own transaction (``samordna.cases.acts``), and are
a pure function of the stored facts: ``overview.readmodel.rebuild`` recomputes them from the
source tables and a test proves the two agree after any sequence of acts.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q

from samordna.cases.models import Case
from samordna.organisations.models import Unit

# The day key of rows without a due time (information only, active cases): after every day.
NO_DAY = dt.date(9999, 12, 31)


class WorkItem(models.Model):
    class Source(models.TextChoices):
        DELIVERY = "delivery"
        OBLIGATION = "obligation"
        MEETING = "meeting"
        STAY = "stay"
        CASE = "case"

    unit = models.ForeignKey(Unit, models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, models.CASCADE, related_name="+")
    # The overview's kind (``overview.services.KINDS``), or ``active_sip`` / ``active_stay``.
    kind = models.CharField(max_length=20)
    source = models.CharField(max_length=10, choices=Source.choices)
    ref = models.BigIntegerField(help_text="The primary key of the source row.")
    due_at = models.DateTimeField(null=True)
    day = models.DateField(help_text="The local day due_at falls in (NO_DAY without one).")
    # When the notice of a delivery to the unit was sent (what is new, for the digest).
    sent_at = models.DateTimeField(null=True)
    listed = models.BooleanField(default=True, help_text="Shown as an item (not only counted).")
    # Shown only within a window of time (an awaited acknowledgement for 14 days after its due
    # time, a meeting until it starts): kept out of the main index, so rows whose window has
    # passed are never scanned on the way to a page.
    windowed = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "kind", "source", "ref"], name="workitem_one_per_source_unit"
            )
        ]
        indexes = [
            # ``kind`` last, so that the header's count of today's rows is an index-only
            # scan (``services._COUNTS_SQL``); the pages read it in ``due_at`` order.
            models.Index(
                fields=["unit", "due_at", "kind"],
                condition=Q(listed=True, windowed=False),
                name="workitem_unit_due_idx",
            ),
            models.Index(
                fields=["unit", "kind", "due_at"],
                condition=Q(listed=True),
                name="workitem_unit_kind_due_idx",
            ),
            # What is new for the digest: deliveries to the unit sent after its last one.
            models.Index(
                fields=["unit", "sent_at"],
                condition=Q(sent_at__isnull=False),
                name="workitem_unit_sent_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.source}:{self.ref} for unit {self.unit_id}"


class WorkCount(models.Model):
    """How many ``WorkItem`` rows a unit has of one kind due on one day."""

    unit = models.ForeignKey(Unit, models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    day = models.DateField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "day"], name="workcount_one_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.kind} {self.day}: {self.n}"
