"""Intake of Shopify webhooks: verify the signature over the raw body, record the delivery once
(keyed by X-Shopify-Webhook-Id), and schedule its application.

The hot path costs one INSERT … ON CONFLICT DO NOTHING per delivery (no ORM instance): a
redelivery of the same webhook id inserts nothing and is acknowledged without being applied
again. Topics the connector does not handle are recorded as `ignored_topic` and never queued.

Secrets: `SHOPIFY_API_SECRET` (the app's client secret) signs every webhook; while a rotated
secret is being phased out, `SHOPIFY_API_SECRETS_PREVIOUS` (a list) is accepted too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson
from django.conf import settings
from django.db import DataError, connection, transaction
from django.utils import timezone

from core.pci import mask_pans

from .choices import WebhookDeliveryStatus
from .models import WebhookDelivery
from .services import APPLIED_TOPICS
from .tasks import webhook_apply_task

HMAC_HEADER = "X-Shopify-Hmac-Sha256"
TOPIC_HEADER = "X-Shopify-Topic"
WEBHOOK_ID_HEADER = "X-Shopify-Webhook-Id"
SHOP_DOMAIN_HEADER = "X-Shopify-Shop-Domain"
API_VERSION_HEADER = "X-Shopify-API-Version"
TRIGGERED_AT_HEADER = "X-Shopify-Triggered-At"
EVENT_ID_HEADER = "X-Shopify-Event-Id"
REQUIRED_HEADERS = (TOPIC_HEADER, WEBHOOK_ID_HEADER, SHOP_DOMAIN_HEADER)
# Column sizes of WebhookDelivery: longer header values are refused rather than truncated.
HEADER_LIMITS = {
    WEBHOOK_ID_HEADER: 64,
    TOPIC_HEADER: 128,
    SHOP_DOMAIN_HEADER: 255,
    API_VERSION_HEADER: 16,
    EVENT_ID_HEADER: 64,
}


class WebhookRefused(Exception):
    """A delivery that is not recorded: 401 for a bad signature, 400 for a malformed request."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: list[dict[str, str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or []


@dataclass(frozen=True, slots=True)
class Receipt:
    delivery_id: int | None  # None: a redelivery of a webhook already recorded
    topic: str
    queued: bool


def webhook_secrets() -> list[bytes]:
    """The secrets a signature may be made with: the current one first."""
    current = settings.SHOPIFY_API_SECRET
    previous: Sequence[str] = settings.SHOPIFY_API_SECRETS_PREVIOUS
    return [secret.encode() for secret in (current, *previous) if secret]


def webhook_signature(*, body: bytes, secret: bytes) -> str:
    """base64(HMAC-SHA256(secret, raw body)): what Shopify sends in X-Shopify-Hmac-Sha256."""
    return base64.b64encode(hmac.new(secret, body, hashlib.sha256).digest()).decode()


def webhook_signature_valid(*, body: bytes, signature: str, secrets: Sequence[bytes]) -> bool:
    """Constant-time comparison with the signature of every accepted secret."""
    if not signature:
        return False
    given = signature.strip().encode()
    valid = False
    for secret in secrets:
        expected = base64.b64encode(hmac.new(secret, body, hashlib.sha256).digest())
        valid |= hmac.compare_digest(expected, given)
    return valid


def _triggered_at(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _headers(headers: Mapping[str, str]) -> dict[str, str]:
    values = {name: (headers.get(name) or "").strip() for name in HEADER_LIMITS}
    missing = [name for name in REQUIRED_HEADERS if not values[name]]
    if missing:
        raise WebhookRefused(
            400,
            "VALIDATION_ERROR",
            "Required Shopify headers are missing.",
            [{"field": name, "message": "This header is required."} for name in missing],
        )
    too_long = [name for name, limit in HEADER_LIMITS.items() if len(values[name]) > limit]
    if too_long:
        raise WebhookRefused(
            400,
            "VALIDATION_ERROR",
            "A Shopify header is too long.",
            [
                {"field": name, "message": f"At most {HEADER_LIMITS[name]} characters."}
                for name in too_long
            ],
        )
    return values


_INSERT_SQL = """
INSERT INTO {table} (webhook_id, topic, shop_domain, api_version, triggered_at, event_id,
                     received_at, payload, payload_digest, hmac_valid, status, attempts, error)
VALUES (%s, %s, %s, %s, %s, %s, %s, {payload}, %s, TRUE, %s, 0, '')
ON CONFLICT (webhook_id) DO NOTHING
RETURNING id
"""


def _insert_sql() -> str:
    payload = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    return _INSERT_SQL.format(table=WebhookDelivery._meta.db_table, payload=payload)


def webhook_delivery_receive(*, body: bytes, headers: Mapping[str, str]) -> Receipt:
    """Verify and record one delivery; queue its application (after commit) when it is new and
    its topic is handled. Raises WebhookRefused, having stored nothing, when it is not valid."""
    if not webhook_signature_valid(
        body=body, signature=headers.get(HMAC_HEADER) or "", secrets=webhook_secrets()
    ):
        raise WebhookRefused(
            401,
            "UNAUTHENTICATED",
            "The webhook signature does not match.",
            [{"field": HMAC_HEADER, "message": "Invalid or missing HMAC-SHA256 signature."}],
        )
    values = _headers(headers)
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise WebhookRefused(400, "MALFORMED_REQUEST", f"The body is not JSON: {exc}.") from exc
    if not isinstance(payload, dict):
        raise WebhookRefused(400, "MALFORMED_REQUEST", "The body is not a JSON object.")
    # PCI: card numbers are masked before the payload is stored (after the signature check,
    # which is over the raw body); an untouched payload is stored as received.
    masked = mask_pans(payload)
    stored = body.decode() if masked is payload else orjson.dumps(masked).decode()

    topic = values[TOPIC_HEADER]
    handled = topic in APPLIED_TOPICS
    status = WebhookDeliveryStatus.RECEIVED if handled else WebhookDeliveryStatus.IGNORED_TOPIC
    params = [
        values[WEBHOOK_ID_HEADER],
        topic,
        values[SHOP_DOMAIN_HEADER],
        values[API_VERSION_HEADER],
        _triggered_at((headers.get(TRIGGERED_AT_HEADER) or "").strip()),
        values[EVENT_ID_HEADER],
        timezone.now(),
        stored,
        hashlib.sha256(body).hexdigest(),
        status,
    ]
    try:
        # One statement: a transaction of its own in production (no savepoint when nested).
        with transaction.atomic(savepoint=False), connection.cursor() as cursor:
            cursor.execute(_insert_sql(), params)
            row = cursor.fetchone()
            delivery_id = int(row[0]) if row is not None else None
            queued = delivery_id is not None and handled
            if queued:
                transaction.on_commit(lambda: webhook_apply_task.delay(delivery_id))
    except DataError as exc:  # e.g. a \u0000 escape, which jsonb refuses
        raise WebhookRefused(400, "MALFORMED_REQUEST", "The body cannot be stored.") from exc
    return Receipt(delivery_id=delivery_id, topic=topic, queued=queued)
