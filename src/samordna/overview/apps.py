from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OverviewConfig(AppConfig):
    name = "samordna.overview"
    verbose_name = _("Overview")

    def ready(self) -> None:
        from samordna.cases import acts
        from samordna.overview import readmodel

        # The overview's rows are kept by every act, in the act's transaction (issue 11).
        acts.register(readmodel.update)
