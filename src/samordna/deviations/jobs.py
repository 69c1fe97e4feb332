"""Worker job: suggest a deviation for every acknowledgement deadline that passed (DEV-1).

Not acknowledging by the deadline is "avvikelse från följsamhet till denna rutin" (seed
000_106b8acbeb42519c.txt lines 254, 262); the sending unit is the one that notices it, so the
suggestion is its own, concerning the recipient unit.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from samordna.cases.models import Delivery
from samordna.deviations.models import Deviation

# Deadlines missed longer ago than this are not suggested: after a worker outage or on the first
# run against existing data they would arrive as a flood nobody can act on any more.
LOOKBACK = dt.timedelta(days=14)


def _event(delivery: Delivery) -> str:
    """Stored in the installation's language (it goes to the organisation's deviation system);
    names the notice and the deadline, never the individual."""
    notice = delivery.notice
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "%(unit)s did not acknowledge in time: %(kind)s sent %(sent)s was to be "
            "acknowledged by %(due)s."
        ) % {
            "unit": delivery.unit.name,
            "kind": notice.get_kind_display(),
            "sent": f"{timezone.localtime(notice.sent_at):%Y-%m-%d %H:%M}",
            "due": f"{timezone.localtime(delivery.due_at):%Y-%m-%d %H:%M}",
        }


@transaction.atomic
def run(now: dt.datetime) -> int:
    """Suggest one deviation per overdue unacknowledged delivery, once: returns how many.

    One query finds the candidates: open deliveries are few and indexed
    (``delivery_open_by_unit_idx`` is partial on ``acknowledged_at IS NULL``), and the anti-join
    uses the unique index on ``Deviation.delivery``. Rows another worker is suggesting right now
    are skipped (``SKIP LOCKED`` on PostgreSQL); should two workers still meet, the unique
    constraint drops the second insert.
    """
    overdue = list(
        Delivery.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(
            mode=Delivery.Mode.ACK,
            due_at__lt=now,
            due_at__gte=now - LOOKBACK,
            acknowledged_at__isnull=True,
            deviation__isnull=True,
        )
        .select_related("notice", "unit")
        .order_by("pk")
    )
    Deviation.objects.bulk_create(
        [
            Deviation(
                status=Deviation.Status.SUGGESTED,
                source=Deviation.Source.MISSED_ACKNOWLEDGEMENT,
                reporting_unit_id=d.notice.sender_unit_id,
                concerned_unit_id=d.unit_id,
                case_id=d.notice.case_id,
                delivery=d,
                occurred_at=d.due_at or now,  # never None: filtered on due_at
                event=_event(d),
                created_at=now,
            )
            for d in overdue
        ],
        ignore_conflicts=True,
    )
    return len(overdue)
