from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExtractsConfig(AppConfig):
    name = "samordna.extracts"
    verbose_name = _("Extracts and exports")
