from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SipConfig(AppConfig):
    name = "samordna.sip"
    verbose_name = _("Coordinated individual plans")

    def ready(self) -> None:
        from samordna.cases import acts
        from samordna.sip import phase

        # Before the overview's read model (an app listed later), which reads the phase.
        acts.register(phase.update)
