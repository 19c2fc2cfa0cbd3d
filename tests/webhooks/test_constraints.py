"""PostgreSQL enforces the webhooks app's rules: each test names the constraint it expects."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import services as core_services
from webhooks.choices import WebhookDeliveryStatus
from webhooks.models import WebhookDelivery, WebhookSubscription

from .factories import WebhookDeliveryFactory, WebhookSubscriptionFactory

pytestmark = pytest.mark.django_db


def assert_refused(create: Callable[..., Any], constraint: str, **fields: Any) -> None:
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        create(**fields)
    assert constraint in str(refused.value)


# --- WebhookSubscription ----------------------------------------------------------------------


def test_one_live_subscription_per_topic_and_address() -> None:
    # Given a subscription of orders/create to an address
    address = "https://hooks.example.com/orders"
    WebhookSubscriptionFactory.create(topic="orders/create", address=address)
    # When the same pair is subscribed again, then it is refused
    assert_refused(
        WebhookSubscriptionFactory,
        "webhooks_subscription_topic_address_unique",
        topic="orders/create",
        address=address,
    )
    # ...while another topic to the same address is accepted
    WebhookSubscriptionFactory.create(topic="orders/cancelled", address=address)
    assert WebhookSubscription.objects.filter(address=address).count() == 2


def test_a_soft_deleted_subscription_can_be_subscribed_again() -> None:
    address = "https://hooks.example.com/orders"
    old = WebhookSubscriptionFactory.create(topic="orders/create", address=address)
    core_services.soft_delete(instance=old)
    new = WebhookSubscriptionFactory.create(topic="orders/create", address=address)
    assert list(WebhookSubscription.objects.filter(address=address)) == [new]


@pytest.mark.parametrize(
    "topic", ["", "orders", "Orders/Create", "orders/create/now", "orders-create", "orders/"]
)
def test_topic_is_resource_slash_event(topic: str) -> None:
    assert_refused(WebhookSubscriptionFactory, "webhooks_subscription_topic_valid", topic=topic)


@pytest.mark.parametrize(
    "topic",
    ["orders/create", "bulk_operations/finish", "customers/data_request", "customer.tags_added"],
)
def test_shopify_topics_are_accepted(topic: str) -> None:
    subscription = WebhookSubscriptionFactory.create(topic=topic)
    subscription.refresh_from_db()
    assert subscription.topic == topic


@pytest.mark.parametrize(
    "address", ["http://hooks.example.com/orders", "pubsub://project:topic", "ftp://x.example"]
)
def test_local_subscriptions_deliver_over_https_only(address: str) -> None:
    assert_refused(WebhookSubscriptionFactory, "webhooks_subscription_local_https", address=address)


@pytest.mark.parametrize("address", ["http://hooks.example.com/orders", "pubsub://project:topic"])
def test_mirrored_subscriptions_keep_shopify_addresses(address: str) -> None:
    subscription = WebhookSubscriptionFactory.create(address=address, shopify_id=4759306)
    subscription.refresh_from_db()
    assert subscription.address == address


def test_format_is_json_or_xml() -> None:
    assert_refused(WebhookSubscriptionFactory, "webhooks_subscription_format_valid", format="yaml")
    xml = WebhookSubscriptionFactory.create(format="xml")
    assert xml.format == "xml"


@pytest.mark.parametrize("api_version", ["", "2025-7", "latest", "2025-07-01"])
def test_api_version_is_a_shopify_version(api_version: str) -> None:
    assert_refused(
        WebhookSubscriptionFactory,
        "webhooks_subscription_api_version_valid",
        api_version=api_version,
    )


@pytest.mark.parametrize("api_version", ["2025-10", "unstable"])
def test_dated_and_unstable_versions_are_accepted(api_version: str) -> None:
    assert WebhookSubscriptionFactory.create(api_version=api_version).api_version == api_version


def test_namespace_and_field_lists_must_be_lists_of_names() -> None:
    subscription = WebhookSubscriptionFactory.build(
        fields={"id": True}, metafield_namespaces=["custom", 7]
    )
    with pytest.raises(ValidationError) as invalid:
        subscription.full_clean()
    assert set(invalid.value.message_dict) == {"fields", "metafield_namespaces"}


# --- WebhookDelivery --------------------------------------------------------------------------


def test_a_webhook_is_recorded_once() -> None:
    # Given a recorded delivery
    WebhookDeliveryFactory.create(webhook_id="b54557e4-bdd9-4b37-8a5f-bf7d70bcd043")
    # When Shopify redelivers it, then a second row is refused
    assert_refused(
        WebhookDeliveryFactory,
        "webhooks_delivery_webhook_id_unique",
        webhook_id="b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
    )
    assert WebhookDelivery.objects.count() == 1


def test_a_delivery_carries_its_webhook_id() -> None:
    assert_refused(WebhookDeliveryFactory, "webhooks_delivery_webhook_id_set", webhook_id="")


@pytest.mark.parametrize("digest", ["", "B" * 64, "not-a-digest"])
def test_payload_digest_is_sha256_hex(digest: str) -> None:
    assert_refused(WebhookDeliveryFactory, "webhooks_delivery_digest_sha256", payload_digest=digest)


def test_delivery_status_is_known() -> None:
    assert_refused(WebhookDeliveryFactory, "webhooks_delivery_status_valid", status="done")


def test_attempts_are_not_negative() -> None:
    assert_refused(WebhookDeliveryFactory, "webhooks_delivery_attempts_gte_0", attempts=-1)
    assert WebhookDeliveryFactory.create(attempts=0).attempts == 0


@pytest.mark.parametrize(
    "status", [WebhookDeliveryStatus.PROCESSING, WebhookDeliveryStatus.PROCESSED]
)
def test_a_delivery_with_a_bad_signature_is_never_applied(status: str) -> None:
    assert_refused(
        WebhookDeliveryFactory,
        "webhooks_delivery_applied_hmac_valid",
        hmac_valid=False,
        status=status,
        processed_at=timezone.now(),
    )


def test_a_delivery_with_a_bad_signature_is_logged() -> None:
    delivery = WebhookDeliveryFactory.create(
        hmac_valid=False, status=WebhookDeliveryStatus.FAILED, error="HMAC mismatch"
    )
    delivery.refresh_from_db()
    assert (delivery.hmac_valid, delivery.status) == (False, "failed")


def test_a_processed_delivery_has_its_processing_time() -> None:
    assert_refused(
        WebhookDeliveryFactory,
        "webhooks_delivery_processed_has_time",
        status=WebhookDeliveryStatus.PROCESSED,
        processed_at=None,
    )
    processed = WebhookDeliveryFactory.create(
        status=WebhookDeliveryStatus.PROCESSED, processed_at=timezone.now(), attempts=1
    )
    assert processed.processed_at is not None


def test_a_failed_delivery_says_why() -> None:
    assert_refused(
        WebhookDeliveryFactory,
        "webhooks_delivery_failure_has_error",
        status=WebhookDeliveryStatus.FAILED,
        error="",
    )
