"""Organisation data in the Swedish admin (ORG-5). Rule sets are edited as validated JSON."""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from samordna.accounts import otp
from samordna.accounts.middleware import client_ip
from samordna.audit.models import AccessLog
from samordna.organisations.models import (
    County,
    FederatedIdentity,
    Membership,
    Principal,
    Unit,
    User,
)
from samordna.organisations.rules_form import CountyRulesForm, changed_rules


@admin.register(County)
class CountyAdmin(admin.ModelAdmin[County]):
    """The rule set is edited in a Swedish form, rule by rule, each with its meaning, unit and
    source; every change is written to the access log (issue 18 item 13)."""

    form = CountyRulesForm
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    fieldsets = [
        (None, {"fields": ["code", "name"]}),
        (
            _("Reading times"),
            {
                "fields": [
                    "reading_times",
                    "reading_days",
                    "read_on_day_3_of_long_holidays",
                    "long_holiday_min_days",
                ]
            },
        ),
        (
            _("SIP"),
            {
                "fields": [
                    "outpatient_invitation_working_days",
                    "meeting_min_days",
                    "meeting_max_days",
                    "plan_documented_days",
                    "plan_handed_over_days",
                    "follow_up_max_days",
                    "follow_up_comment_days_before",
                    "children_consent_stored",
                    "plan_needs_required",
                    "home_care_by_outpatient_psychiatry",
                ]
            },
        ),
        (
            _("Discharge collaboration"),
            {
                "fields": [
                    "discharge_invitation_days",
                    "discharge_plan_days",
                    "admission_notice_hours",
                    "planning_basis_hours",
                    "payment_cutoff",
                    "payment_days_by_cutoff",
                    "payment_days_after_cutoff",
                    "plan_holiday_discharges_before",
                ]
            },
        ),
        (
            _("Deviations"),
            {"fields": ["deviations_to_mas", "deviations_to_municipality_on_paper"]},
        ),
        (
            _("The individual's own pages"),
            {"fields": ["own_access_min_age", "access_log_names_staff"]},
        ),
    ]

    def save_model(self, request: HttpRequest, obj: County, form: Any, change: bool) -> None:
        assert isinstance(request.user, User)  # the admin is for staff who are logged in
        before = County.objects.get(pk=obj.pk).rules if change else {}
        super().save_model(request, obj, form, change)
        AccessLog.objects.bulk_create(
            AccessLog(
                user=request.user,
                unit=None,
                action=AccessLog.Action.UPDATE,
                what=f"county.rules: {obj.code}: {line}"[:200],
                ip=client_ip(request),
            )
            for line in changed_rules(before, obj.rules)
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
    actions = ["reset_second_factor"]

    @admin.action(description=_("Reset the second factor (a lost phone)"))
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """For staff: the same reset as the administrators' page, one access-log row each;
        staff and superuser accounts only by a superuser (breaker F9)."""
        skipped = 0
        for user in queryset:
            if not otp.may_reset_in_admin(request.user, user):  # type: ignore[arg-type]
                skipped += 1
                continue
            if otp.reset(user):
                AccessLog.objects.create(
                    user=request.user,  # type: ignore[misc]
                    action=AccessLog.Action.UPDATE,
                    what=f"account.otp_reset: {user.username}",
                    via="admin",
                    ip=client_ip(request),
                )
        self.message_user(request, _("The second factors of the chosen accounts are reset."))
        if skipped:
            self.message_user(
                request,
                _("Staff accounts were left alone: only a superuser resets their second factor."),
                level=messages.WARNING,
            )
