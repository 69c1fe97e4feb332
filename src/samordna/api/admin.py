from django.contrib import admin

from samordna.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Tokens are issued with `samordna create-token`; here they can be seen and revoked."""

    list_display = ["name", "unit", "user", "created_at", "revoked_at"]
    fields = ["name", "user", "unit", "created_at", "revoked_at"]
    readonly_fields = ["name", "user", "unit", "created_at"]

    def has_add_permission(self, request: object) -> bool:
        return False
