"""Webhook deliveries as Shopify makes them: signed JSON bodies, X-Shopify-* headers, retries.

`X-Shopify-Hmac-Sha256` is base64(HMAC-SHA256(key=app client secret, msg=raw body)). A delivery
keeps its body and `X-Shopify-Webhook-Id` across retries. `WebhookFaults` (seeded) duplicate,
hold back and shuffle, or drop emitted deliveries.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from shopify.simulator.simulator import Simulator


def sign(secret: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


@dataclass
class WebhookFaults:
    seed: int = 3
    duplicate_rate: float = 0.0
    shuffle: bool = False
    drop_rate: float = 0.0
    _rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)


@dataclass(frozen=True)
class Delivery:
    topic: str
    webhook_id: str
    event_id: str
    body: bytes
    headers: dict[str, str]


@dataclass
class WebhookSender:
    simulator: Simulator
    timeout: float = 5.0
    retry_delays: tuple[float, ...] = (0.05, 0.2)
    sent: list[tuple[Delivery, str, int]] = field(default_factory=list)
    dropped: list[tuple[Delivery, str]] = field(default_factory=list)
    held: list[tuple[Delivery, str]] = field(default_factory=list)
    _ids: random.Random = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._ids = random.Random(f"webhooks-{self.simulator.seed}")

    def delivery(self, topic: str, payload: dict[str, Any]) -> Delivery:
        simulator = self.simulator
        body = json.dumps(payload, separators=(",", ":")).encode()
        with self._lock:
            webhook_id = str(uuid.UUID(int=self._ids.getrandbits(128), version=4))
            event_id = str(uuid.UUID(int=self._ids.getrandbits(128), version=4))
        headers = {
            "Content-Type": "application/json",
            "X-Shopify-Topic": topic,
            "X-Shopify-Hmac-Sha256": sign(simulator.api_secret, body),
            "X-Shopify-Shop-Domain": simulator.shop_domain,
            "X-Shopify-API-Version": simulator.api_version,
            "X-Shopify-Webhook-Id": webhook_id,
            "X-Shopify-Triggered-At": simulator.clock.now()
            .isoformat(timespec="microseconds")
            .replace("+00:00", "Z"),
            "X-Shopify-Event-Id": event_id,
        }
        return Delivery(topic, webhook_id, event_id, body, headers)

    def _post(self, address: str, delivery: Delivery) -> int:
        custom = self.simulator.webhook_sender
        if custom is not None:
            return custom(address, delivery.body, delivery.headers)
        try:
            response = httpx.post(
                address, content=delivery.body, headers=delivery.headers, timeout=self.timeout
            )
        except httpx.HTTPError:
            return 0
        return response.status_code

    def send(self, delivery: Delivery, address: str) -> list[int]:
        """POST until a 2xx, at most 1 + len(retry_delays) times; the statuses of each try."""
        statuses = []
        for attempt in range(len(self.retry_delays) + 1):
            if attempt:
                time.sleep(self.retry_delays[attempt - 1])
            status = self._post(address, delivery)
            statuses.append(status)
            with self._lock:
                self.sent.append((delivery, address, status))
            if 200 <= status < 300:
                break
        return statuses

    def emit(self, topic: str, payload: dict[str, Any], addresses: list[str]) -> None:
        faults = self.simulator.webhook_faults
        delivery = self.delivery(topic, payload)
        for address in addresses:
            rng = faults._rng
            if rng.random() < faults.drop_rate:
                with self._lock:
                    self.dropped.append((delivery, address))
                continue
            copies = 2 if rng.random() < faults.duplicate_rate else 1
            for _ in range(copies):
                if faults.shuffle:
                    with self._lock:
                        self.held.append((delivery, address))
                else:
                    self.send(delivery, address)

    def flush(self) -> list[int]:
        with self._lock:
            held, self.held = self.held, []
        self.simulator.webhook_faults._rng.shuffle(held)
        statuses: list[int] = []
        for delivery, address in held:
            statuses.extend(self.send(delivery, address))
        return statuses
