from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteropConfig(AppConfig):
    name = "samordna.interop"
    verbose_name = _("Interoperability")
