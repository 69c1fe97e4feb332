"""Webhooks in the admin: the subscriptions, and every delivery with its attempts, so a county
administrator sees what was sent, what waits and what failed (API-3)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from samordna.validation import ModelForm
from samordna.webhooks.models import Attempt, EventType, OutboxDelivery, Subscription


class SubscriptionForm(ModelForm[Subscription]):
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Where events are posted (https in production)."),
    )
    event_types = forms.MultipleChoiceField(
        label=_("event types"),
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The kinds of events the system receives."),
    )

    class Meta:
        model = Subscription
        fields = ["name", "unit", "url", "event_types", "active"]

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        if not url.startswith(("https://", "http://")):
            raise forms.ValidationError(_("The address must start with https:// or http://."))
        return url


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin[Subscription]):
    form = SubscriptionForm
    list_display = ["name", "unit", "url", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["name", "url"]
    readonly_fields = ["secret", "created_at"]

    def get_fields(self, request: HttpRequest, obj: Subscription | None = None) -> Any:
        fields = ["name", "unit", "url", "event_types", "active"]
        # The secret is made when the subscription is saved, then shown for the receiver.
        return [*fields, "secret", "created_at"] if obj else fields


class AttemptInline(admin.TabularInline[Attempt, OutboxDelivery]):
    model = Attempt
    extra = 0
    can_delete = False
    fields = ["at", "status", "error", "duration_ms"]
    readonly_fields = ["at", "status", "error", "duration_ms"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboxDelivery)
class OutboxDeliveryAdmin(admin.ModelAdmin[OutboxDelivery]):
    list_display = [
        "event_type",
        "message_id",
        "subscription",
        "case_id",
        "state",
        "attempts",
        "next_attempt_at",
        "last_status",
        "last_error",
        "sent_at",
    ]
    list_filter = ["state", "subscription"]
    list_select_related = ["event", "subscription__unit"]
    readonly_fields = [
        "event_type",
        "message_id",
        "subscription",
        "case_id",
        "payload",
        "state",
        "attempts",
        "next_attempt_at",
        "lease_until",
        "sent_at",
        "last_status",
        "last_error",
    ]
    fields = tuple(readonly_fields)
    inlines = [AttemptInline]
    actions = ["send_again"]
    ordering = ["-pk"]

    @admin.display(description=_("type"))
    def event_type(self, obj: OutboxDelivery) -> str:
        return obj.event.get_type_display()

    @admin.display(description=_("event id"))
    def message_id(self, obj: OutboxDelivery) -> str:
        return obj.event.message_id

    @admin.display(description=_("payload"))
    def payload(self, obj: OutboxDelivery) -> Any:
        return obj.event.payload

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Send again (failed deliveries)"))
    def send_again(self, request: HttpRequest, queryset: QuerySet[OutboxDelivery]) -> None:
        count = queryset.filter(state=OutboxDelivery.State.FAILED).update(
            state=OutboxDelivery.State.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
            lease_until=None,
            lease_token="",
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery will be sent again.",
                "%(count)d deliveries will be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
