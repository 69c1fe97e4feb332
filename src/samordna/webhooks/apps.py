from __future__ import annotations

import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def oldest_due_webhook(now: dt.datetime) -> dt.datetime | None:
    """When the oldest delivery that is due and not yet sent fell due: the worker's lag."""
    from samordna.webhooks.delivery import due
    from samordna.webhooks.models import OutboxDelivery

    waiting = OutboxDelivery.objects.filter(due(now)).order_by("next_attempt_at")
    return waiting.values_list("next_attempt_at", flat=True).first()


class WebhooksConfig(AppConfig):
    name = "samordna.webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from samordna.cases import acts
        from samordna.operations import metrics
        from samordna.webhooks import outbox

        # Events go into the outbox in the act's own transaction (API-3).
        acts.listen(outbox.write)
        metrics.backlog("webhook", oldest_due_webhook)
