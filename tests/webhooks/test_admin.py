"""Administrators see the subscriptions, every delivery with its attempts, and can send a
failed one again (API-3: "subscriptions, deliveries and failures are visible to
administrators")."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from samordna.organisations.models import User
from samordna.webhooks.models import Attempt, OutboxDelivery, OutboxEvent, Subscription
from tests.conftest import World, force_full_login


def failed(world: World) -> OutboxDelivery:
    sub = Subscription.objects.create(
        name="Journalsystem",
        unit=world.owner_unit,
        url="https://ehr.example/hooks",
        event_types=["case.closed"],
    )
    event = OutboxEvent.objects.create(
        type="case.closed", case=world.case, payload={"type": "case.closed", "data": {}}
    )
    row = OutboxDelivery.objects.create(
        event=event,
        subscription=sub,
        case=world.case,
        state="failed",
        attempts=14,
        last_status=503,
        last_error="HTTP 503",
    )
    Attempt.objects.create(delivery=row, status=503, error="HTTP 503", duration_ms=12)
    return row


def test_deliveries_and_failures_are_listed_in_swedish(client: Client, world: World) -> None:
    row = failed(world)
    force_full_login(client, User.objects.create_superuser("root", password="x"))
    listing = client.get(
        reverse("admin:webhooks_outboxdelivery_changelist") + "?state__exact=failed",
        HTTP_ACCEPT_LANGUAGE="sv",
    )
    html = listing.content.decode()
    assert listing.status_code == 200
    assert row.event.message_id in html and "HTTP 503" in html
    assert "Misslyckad" in html
    page = client.get(reverse("admin:webhooks_outboxdelivery_change", args=[row.pk]))
    assert page.status_code == 200 and "12" in page.content.decode()
    subs = client.get(reverse("admin:webhooks_subscription_changelist"))
    assert subs.status_code == 200 and "https://ehr.example/hooks" in subs.content.decode()


def test_a_failed_delivery_is_sent_again(client: Client, world: World) -> None:
    row = failed(world)
    force_full_login(client, User.objects.create_superuser("root", password="x"))
    response = client.post(
        reverse("admin:webhooks_outboxdelivery_changelist"),
        {"action": "send_again", "_selected_action": [row.pk]},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("pending", 0)


def test_a_subscription_is_made_with_a_secret_shown_afterwards(
    client: Client, world: World
) -> None:
    force_full_login(client, User.objects.create_superuser("root", password="x"))
    response = client.post(
        reverse("admin:webhooks_subscription_add"),
        {
            "name": "Journalsystem",
            "unit": world.owner_unit.pk,
            "url": "https://ehr.example/hooks",
            "event_types": ["plan.documented", "case.closed"],
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    sub = Subscription.objects.get()
    assert sub.event_types == ["plan.documented", "case.closed"]
    assert sub.secret.startswith("whsec_") and len(sub.secret) > 40
    page = client.get(reverse("admin:webhooks_subscription_change", args=[sub.pk]))
    assert sub.secret in page.content.decode()
    bad = client.post(
        reverse("admin:webhooks_subscription_add"),
        {"name": "X", "unit": world.owner_unit.pk, "url": "ftp://x.example/", "event_types": []},
    )
    assert bad.status_code == 200 and Subscription.objects.count() == 1
