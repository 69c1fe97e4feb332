"""Organisation data in the Swedish admin (ORG-5). Rule sets are edited as validated JSON."""

import json

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from samordna.core.rules import SOURCES
from samordna.organisations.models import (
    County,
    FederatedIdentity,
    Membership,
    Principal,
    Unit,
    User,
)


@admin.register(County)
class CountyAdmin(admin.ModelAdmin[County]):
    """The rule set is edited as JSON (validated on save) and shown as a table with sources."""

    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    fields = ["code", "name", "rules", "rules_with_sources"]
    readonly_fields = ["rules_with_sources"]

    @admin.display(description=_("Rule set with sources"))
    def rules_with_sources(self, county: County) -> str:
        rows = format_html_join(
            "",
            "<tr><th scope='row'><code>{}</code></th><td>{}</td><td>{}</td></tr>",
            (
                (name, json.dumps(value, ensure_ascii=False), SOURCES.get(name, ""))
                for name, value in county.rule_set.to_json().items()
            ),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            _("Rule"),
            _("Value"),
            _("Source"),
            rows,
        )


@admin.register(Principal)
class PrincipalAdmin(admin.ModelAdmin[Principal]):
    list_display = ["name", "kind", "county", "municipality_code"]
    list_filter = ["county", "kind"]
    search_fields = ["name", "code"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin[Unit]):
    list_display = ["name", "kind", "principal", "connected", "hsa_id", "active"]
    list_filter = ["kind", "connected", "active", "principal__county", "principal"]
    search_fields = ["name", "code", "hsa_id"]
    list_select_related = ["principal"]


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 1
    autocomplete_fields = ["unit"]


class FederatedIdentityInline(admin.TabularInline[FederatedIdentity, User]):
    """Who this account is at the county's OpenID providers (federated login, README)."""

    model = FederatedIdentity
    extra = 0
    fields = ["issuer", "value", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    inlines = [MembershipInline, FederatedIdentityInline]
    list_display = ["username", "first_name", "last_name", "title", "is_active"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        (_("Work details"), {"fields": ("title", "phone", "hsa_id")}),
    )
