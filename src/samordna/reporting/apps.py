from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def fill_rollup(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """An installation upgraded from before the indicators gets its facts computed once."""
    from samordna.cases.models import Case
    from samordna.reporting import rollup
    from samordna.reporting.models import IndicatorFact

    if Case.objects.using(using).exists() and not IndicatorFact.objects.using(using).exists():
        rollup.rebuild()


class ReportingConfig(AppConfig):
    name = "samordna.reporting"
    verbose_name = _("Follow-up")

    def ready(self) -> None:
        from samordna.cases import acts
        from samordna.reporting import rollup, stats

        # The indicators' facts and monthly counts are kept by every act, in its transaction,
        # and so are the plain measures' (waiting and liable days, counts).
        acts.register(rollup.update)
        acts.register(stats.update)
        post_migrate.connect(fill_rollup, sender=self)
