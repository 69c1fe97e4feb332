from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SipConfig(AppConfig):
    name = "samordna.sip"
    verbose_name = _("Coordinated individual plans")
