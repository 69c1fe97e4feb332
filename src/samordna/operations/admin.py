from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from samordna.operations.models import Banner


@admin.register(Banner)
class BannerAdmin(admin.ModelAdmin[Banner]):
    list_display = ("kind", "message", "starts_at", "ends_at", "is_current")
    list_filter = ("kind",)

    @admin.display(boolean=True, description=_("current"))
    def is_current(self, banner: Banner) -> bool:
        return banner.is_current
