from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "samordna.people"
    verbose_name = _("Individuals")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from samordna.people.search import register_sqlite_functions

        connection_created.connect(register_sqlite_functions)
