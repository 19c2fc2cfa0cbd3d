"""POST /webhooks/shopify/: signature, headers and JSON checked before anything is stored; one
row per webhook id; the application queued after commit; unknown topics recorded and ignored."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from webhooks.choices import WebhookDeliveryStatus
from webhooks.intake import webhook_signature, webhook_signature_valid
from webhooks.models import WebhookDelivery

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "shopify"
VECTOR = json.loads((FIXTURES / "hmac_webhook_test_vector.json").read_text())
URL = "/webhooks/shopify/"
SECRET = "hush-webhook-secret"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _secret(settings: Any) -> None:
    settings.SHOPIFY_API_SECRET = SECRET
    settings.SHOPIFY_API_SECRETS_PREVIOUS = []


def headers(
    body: bytes, *, secret: str = SECRET, topic: str = "products/update", webhook_id: str = "w-1"
) -> dict[str, str]:
    return {
        "X-Shopify-Hmac-Sha256": webhook_signature(body=body, secret=secret.encode()),
        "X-Shopify-Topic": topic,
        "X-Shopify-Webhook-Id": webhook_id,
        "X-Shopify-Shop-Domain": "stockroom-test.myshopify.com",
        "X-Shopify-API-Version": "2026-10",
        "X-Shopify-Triggered-At": "2026-01-02T03:04:05.123456789Z",
        "X-Shopify-Event-Id": "evt-77",
    }


def post(client: Client, body: bytes, request_headers: dict[str, str]) -> Any:
    return client.post(URL, data=body, content_type="application/json", headers=request_headers)


# --- the signature --------------------------------------------------------------------------------


def test_the_official_test_vector_signs_as_shopify_does() -> None:
    body = VECTOR["raw_body"].encode()
    secret = VECTOR["secret"].encode()

    assert webhook_signature(body=body, secret=secret) == VECTOR["expected_hmac_base64"]
    assert webhook_signature_valid(
        body=body, signature=VECTOR["expected_hmac_base64"], secrets=[secret]
    )
    assert not webhook_signature_valid(
        body=body + b" ", signature=VECTOR["expected_hmac_base64"], secrets=[secret]
    )


def test_the_test_vector_is_accepted_over_http(client: Client, settings: Any) -> None:
    settings.SHOPIFY_API_SECRET = VECTOR["secret"]
    body = VECTOR["raw_body"].encode()
    request_headers = {
        VECTOR["header"]: VECTOR["expected_hmac_base64"],
        **VECTOR["other_headers_used_in_test"],
    }

    response = post(client, body, request_headers)

    assert response.status_code == 200
    assert response.json() == {}
    delivery = WebhookDelivery.objects.get()
    assert delivery.webhook_id == "123456789"
    assert delivery.topic == "products/create"
    assert delivery.shop_domain == "shop1.myshopify.io"
    assert delivery.api_version == "2023-01"
    assert delivery.payload == {"foo": "bar"}
    assert delivery.payload_digest == hashlib.sha256(body).hexdigest()
    assert delivery.hmac_valid is True
    assert delivery.status == WebhookDeliveryStatus.RECEIVED
    assert delivery.attempts == 0


def test_every_header_is_recorded(client: Client) -> None:
    body = b'{"id": 1}'

    response = post(client, body, headers(body))

    assert response.status_code == 200
    delivery = WebhookDelivery.objects.get()
    assert delivery.event_id == "evt-77"
    assert delivery.api_version == "2026-10"
    assert delivery.triggered_at is not None
    assert delivery.triggered_at.isoformat() == "2026-01-02T03:04:05.123456+00:00"


@pytest.mark.parametrize(
    "tamper",
    ["body", "signature", "secret", "missing signature", "empty signature"],
)
def test_a_bad_signature_is_401_and_stores_nothing(client: Client, tamper: str) -> None:
    body = b'{"id": 632910392, "title": "IPod Nano"}'
    request_headers = headers(body)
    if tamper == "body":
        body = body.replace(b"IPod", b"iPod")
    elif tamper == "signature":
        request_headers["X-Shopify-Hmac-Sha256"] = headers(b"{}")["X-Shopify-Hmac-Sha256"]
    elif tamper == "secret":
        request_headers = headers(body, secret="someone-else")
    elif tamper == "missing signature":
        del request_headers["X-Shopify-Hmac-Sha256"]
    else:
        request_headers["X-Shopify-Hmac-Sha256"] = ""

    response = post(client, body, request_headers)

    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "code": "UNAUTHENTICATED",
            "message": "The webhook signature does not match.",
            "details": [
                {
                    "field": "X-Shopify-Hmac-Sha256",
                    "message": "Invalid or missing HMAC-SHA256 signature.",
                }
            ],
        }
    }
    assert WebhookDelivery.objects.count() == 0


def test_no_secret_configured_refuses_everything(client: Client, settings: Any) -> None:
    settings.SHOPIFY_API_SECRET = ""
    body = b"{}"

    response = post(client, body, headers(body, secret=""))

    assert response.status_code == 401
    assert WebhookDelivery.objects.count() == 0


def test_a_previous_secret_is_accepted_during_rotation(client: Client, settings: Any) -> None:
    settings.SHOPIFY_API_SECRETS_PREVIOUS = ["old-secret"]
    body = b'{"id": 5}'

    response = post(client, body, headers(body, secret="old-secret"))

    assert response.status_code == 200
    assert WebhookDelivery.objects.count() == 1


@pytest.mark.parametrize(
    "missing", ["X-Shopify-Topic", "X-Shopify-Webhook-Id", "X-Shopify-Shop-Domain"]
)
def test_a_missing_header_is_400_and_stores_nothing(client: Client, missing: str) -> None:
    body = b'{"id": 1}'
    request_headers = headers(body)
    del request_headers[missing]

    response = post(client, body, request_headers)

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "VALIDATION_ERROR",
            "message": "Required Shopify headers are missing.",
            "details": [{"field": missing, "message": "This header is required."}],
        }
    }
    assert WebhookDelivery.objects.count() == 0


def test_an_overlong_webhook_id_is_400(client: Client) -> None:
    body = b"{}"

    response = post(client, body, headers(body, webhook_id="x" * 65))

    assert response.status_code == 400
    assert response.json()["error"]["details"] == [
        {"field": "X-Shopify-Webhook-Id", "message": "At most 64 characters."}
    ]
    assert WebhookDelivery.objects.count() == 0


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'"text"', b""])
def test_a_body_that_is_not_a_json_object_is_400(client: Client, body: bytes) -> None:
    response = post(client, body, headers(body))

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "MALFORMED_REQUEST"
    assert WebhookDelivery.objects.count() == 0


def test_only_post_is_allowed(client: Client) -> None:
    response = client.get(URL)

    assert response.status_code == 405
    assert WebhookDelivery.objects.count() == 0


# --- recording and queueing -----------------------------------------------------------------------


def test_a_delivery_is_queued_after_commit_and_a_redelivery_is_not(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    body = b'{"id": 1, "title": "One"}'

    with django_capture_on_commit_callbacks() as first:
        assert post(client, body, headers(body, webhook_id="same")).status_code == 200
    with django_capture_on_commit_callbacks() as second:
        assert post(client, body, headers(body, webhook_id="same")).status_code == 200

    assert len(first) == 1
    assert second == []
    assert list(WebhookDelivery.objects.values_list("webhook_id", "status")) == [
        ("same", WebhookDeliveryStatus.RECEIVED)
    ]


def test_an_unknown_topic_is_recorded_as_ignored_and_not_queued(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    body = b'{"id": 9}'

    with django_capture_on_commit_callbacks() as callbacks:
        response = post(client, body, headers(body, topic="themes/publish"))

    assert response.status_code == 200
    assert callbacks == []
    delivery = WebhookDelivery.objects.get()
    assert (delivery.topic, delivery.status) == ("themes/publish", "ignored_topic")


def test_a_delivery_costs_at_most_two_queries(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    body = json.dumps({"id": 1, "title": "x" * 20_000}).encode()

    with django_assert_max_num_queries(2):
        response = post(client, body, headers(body))

    assert response.status_code == 200
    assert WebhookDelivery.objects.get().payload["title"] == "x" * 20_000
