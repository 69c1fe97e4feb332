from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "samordna.cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from samordna import guards

        guards.guard_storage()
