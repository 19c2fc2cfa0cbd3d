"""The webhooks back office: bounded queries, a write-only signing secret, a read-only log."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from webhooks.models import WebhookDelivery, WebhookSubscription

from .factories import WebhookDeliveryFactory, WebhookSubscriptionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(admin_user: User, verified_login: Any) -> Client:
    client = Client()
    verified_login(client, admin_user)
    return client


def url(model: Any, view: str, *args: Any) -> str:
    return reverse(f"admin:webhooks_{model._meta.model_name}_{view}", args=args)


def queries_for(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def subscription_form(**overrides: str) -> dict[str, str]:
    data = {
        "topic": "orders/create",
        "address": "https://erp.example.com/hooks/orders",
        "format": "json",
        "api_version": "2025-07",
        "is_active": "on",
        "secret": "",
        "fields": "[]",
        "metafield_namespaces": "[]",
        "private_metafield_namespaces": "[]",
    }
    return {**data, **overrides}


@pytest.mark.parametrize(
    ("model", "factory"),
    [(WebhookSubscription, WebhookSubscriptionFactory), (WebhookDelivery, WebhookDeliveryFactory)],
    ids=["subscription", "delivery"],
)
def test_changelist_costs_the_same_for_3_or_13_rows(
    staff: Client, model: Any, factory: Any
) -> None:
    factory.create_batch(3)
    few = queries_for(staff, url(model, "changelist"))
    factory.create_batch(10)
    assert queries_for(staff, url(model, "changelist")) == few
    assert queries_for(staff, url(model, "changelist") + "?q=a") <= few + 1


def test_subscription_pages_render(staff: Client) -> None:
    subscription = WebhookSubscriptionFactory.create()
    assert staff.get(url(WebhookSubscription, "add")).status_code == 200
    assert staff.get(url(WebhookSubscription, "change", subscription.pk)).status_code == 200


def test_the_secret_is_write_only(staff: Client) -> None:
    # When staff create a subscription with a secret
    response = staff.post(url(WebhookSubscription, "add"), subscription_form(secret="s3cr3t-key"))
    assert response.status_code == 302
    subscription = WebhookSubscription.objects.get()
    assert subscription.secret == "s3cr3t-key"
    # Then the change page never shows it
    page = staff.get(url(WebhookSubscription, "change", subscription.pk))
    assert b"s3cr3t-key" not in page.content
    # ...and saving with the field left empty keeps it
    response = staff.post(
        url(WebhookSubscription, "change", subscription.pk),
        subscription_form(address="https://erp.example.com/hooks/v2"),
    )
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert (subscription.address, subscription.secret) == (
        "https://erp.example.com/hooks/v2",
        "s3cr3t-key",
    )


def test_a_mirrored_subscription_is_read_only_and_hides_its_secret(staff: Client) -> None:
    subscription = WebhookSubscriptionFactory.create(shopify_id=4759306, secret="mirror-secret")
    page = staff.get(url(WebhookSubscription, "change", subscription.pk))
    assert page.status_code == 200
    assert b"mirror-secret" not in page.content
    assert page.context["adminform"].form.fields == {}


def test_a_duplicate_subscription_is_a_form_error_not_a_crash(staff: Client) -> None:
    WebhookSubscriptionFactory.create(topic="orders/create", address="https://erp.example.com/h")
    response = staff.post(
        url(WebhookSubscription, "add"),
        subscription_form(address="https://erp.example.com/h"),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "This address is already subscribed to this topic."
    ]
    assert WebhookSubscription.objects.count() == 1


def test_plain_http_addresses_are_refused_by_the_form(staff: Client) -> None:
    response = staff.post(
        url(WebhookSubscription, "add"), subscription_form(address="http://erp.example.com/h")
    )
    assert response.status_code == 200
    assert "Deliveries go to https:// addresses only." in (
        response.context["adminform"].form.non_field_errors()
    )
    assert not WebhookSubscription.objects.exists()


def test_the_delivery_log_is_read_only(staff: Client) -> None:
    delivery = WebhookDeliveryFactory.create(payload={"id": 632910392, "title": "IPod <Nano>"})
    assert staff.get(url(WebhookDelivery, "add")).status_code == 403
    page = staff.get(url(WebhookDelivery, "change", delivery.pk))
    assert page.status_code == 200
    assert b"IPod &lt;Nano&gt;" in page.content
    assert staff.post(url(WebhookDelivery, "change", delivery.pk), {}).status_code == 403
    assert (
        staff.post(url(WebhookDelivery, "delete", delivery.pk), {"post": "yes"}).status_code == 403
    )
    assert WebhookDelivery.objects.count() == 1
