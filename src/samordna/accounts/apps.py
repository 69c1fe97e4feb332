from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "samordna.accounts"
    verbose_name = _("Login")

    def ready(self) -> None:
        from samordna.accounts import otp  # noqa: F401  (connects its user_logged_in receiver)
