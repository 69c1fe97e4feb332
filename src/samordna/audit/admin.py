from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from samordna.audit.models import AccessLog


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin[AccessLog]):
    """Read-only: nobody changes the log through the application."""

    list_display = ["at", "user", "unit", "action", "what"]
    list_filter = ["action", "via"]
    date_hierarchy = "at"
    list_select_related = ["user", "unit"]
    raw_id_fields = ["user", "unit", "person"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
