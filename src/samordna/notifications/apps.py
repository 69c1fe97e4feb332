from __future__ import annotations

import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def oldest_due_digest(now: dt.datetime) -> dt.datetime | None:
    """The reading time of the oldest digest still owed (claimed, not sent): the worker's lag."""
    from samordna.notifications.models import Digest, DigestState

    pending = Digest.objects.filter(state=DigestState.PENDING, slot__lte=now)
    return pending.order_by("slot").values_list("slot", flat=True).first()


class NotificationsConfig(AppConfig):
    name = "samordna.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from samordna.cases import acts
        from samordna.notifications import individual
        from samordna.operations import metrics

        metrics.backlog("digest", oldest_due_digest)
        # Invitations and new plan versions: the individual's notices, in the act (issue 15).
        acts.listen(individual.write)
