from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as StaticDefaultConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TotpDefaultConfig
from django_tasks_db.apps import TasksAppConfig


class OperationsConfig(AppConfig):
    default = True  # this module holds the library apps' configs too
    name = "samordna.operations"
    verbose_name = _("Operations")


class TasksDatabaseConfig(TasksAppConfig):
    """django-tasks-db's own app, under a Swedish name in the admin: its config names it "Tasks
    Database Backend" in plain English (issue 18 item 14). Same label, so its migrations stay."""

    verbose_name = _("Background jobs")  # type: ignore[assignment]  # a lazy str, as Django allows


class TotpConfig(TotpDefaultConfig):
    """django-otp's authenticator-app devices, under a Swedish name in the admin."""

    verbose_name = _("Authenticator apps")


class StaticConfig(StaticDefaultConfig):
    """django-otp's recovery codes, under a Swedish name.

    Listed last in INSTALLED_APPS, so its ``ready`` runs after the admin's autodiscovery: it
    takes django-otp's own device admins out of the admin. They spoke English (issue 18 item 14)
    and let staff create, change or delete anyone's second factor without the scoping and the
    access log of the Swedish reset page (``accounts:otp-reset``), which is the one way to do it.
    """

    verbose_name = _("Recovery codes")

    def ready(self) -> None:
        super().ready()
        from django.contrib import admin
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        for model in (TOTPDevice, StaticDevice):
            if admin.site.is_registered(model):
                admin.site.unregister(model)
