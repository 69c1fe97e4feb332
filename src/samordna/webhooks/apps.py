from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "samordna.webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from samordna.cases import acts
        from samordna.webhooks import outbox

        # Events go into the outbox in the act's own transaction (API-3).
        acts.listen(outbox.write)
