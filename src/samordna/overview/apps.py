from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def fill_read_model(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """An installation that has cases but no read model yet (one upgraded from before it)
    gets it computed from the facts once every migration has run, with the code that matches
    the schema (a data migration would run today's code against an older schema)."""
    from samordna.cases.models import Case
    from samordna.overview import readmodel
    from samordna.overview.models import WorkItem

    if not Case.objects.using(using).exists():
        return
    if not WorkItem.objects.using(using).exists():
        readmodel.rebuild()
        return
    # An installation upgraded from before the SIP phase rows (SIP-19): once.
    active_sip = Case.objects.using(using).filter(kind=Case.Kind.SIP, closed_at__isnull=True)
    phase_rows = WorkItem.objects.using(using).filter(kind__in=list(readmodel.PHASE_KINDS.values()))
    if active_sip.exists() and not phase_rows.exists():
        readmodel.rebuild()


class OverviewConfig(AppConfig):
    name = "samordna.overview"
    verbose_name = _("Overview")

    def ready(self) -> None:
        from samordna.cases import acts
        from samordna.overview import readmodel

        # The overview's rows are kept by every act, in the act's transaction (issue 11).
        acts.register(readmodel.update)
        post_migrate.connect(fill_read_model, sender=self)
