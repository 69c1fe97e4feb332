from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MypagesConfig(AppConfig):
    name = "samordna.mypages"
    verbose_name = _("The individual's own pages")

    def ready(self) -> None:
        from samordna.mypages import session

        session.connect()
