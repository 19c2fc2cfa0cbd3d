"""The Simulator: a generated store served over HTTP, with merchant edits, webhooks and faults."""

from __future__ import annotations

import copy
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from shopify.simulator import rest
from shopify.simulator.bulk import BulkRunner
from shopify.simulator.cost import PLANS, UNTHROTTLED, Bucket
from shopify.simulator.fixtures import load_fixtures
from shopify.simulator.generator import SHOP_DOMAIN, Generator, Ids, generate
from shopify.simulator.resolvers import variant_inventory_quantity
from shopify.simulator.store import Store
from shopify.simulator.values import Record, gid, stamp
from shopify.simulator.webhooks import Delivery, WebhookFaults, WebhookSender

if TYPE_CHECKING:
    from collections.abc import Callable

    from shopify.simulator.server import SimulatorServer

PLAN_NAMES = {
    None: ("Development", False),
    "standard": ("Basic", False),
    "advanced": ("Advanced", False),
    "plus": ("Shopify Plus", True),
}


class Clock:
    """The simulator's "now": wall time by default; `set` freezes it, `advance` moves it."""

    def __init__(self) -> None:
        self._frozen: datetime | None = None
        self._offset = timedelta()
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            if self._frozen is not None:
                return self._frozen
            return datetime.now(UTC) + self._offset

    def stamp(self) -> str:
        return stamp(self.now())

    def set(self, moment: datetime) -> None:
        with self._lock:
            self._frozen = moment.astimezone(UTC)

    def advance(self, seconds: float) -> None:
        with self._lock:
            if self._frozen is not None:
                self._frozen += timedelta(seconds=seconds)
            else:
                self._offset += timedelta(seconds=seconds)

    def run(self) -> None:
        """Unfreeze: follow wall time again (keeping any offset)."""
        with self._lock:
            self._frozen = None


@dataclass
class Faults:
    """Transport faults on GraphQL requests, drawn from `seed` in request order."""

    seed: int = 7
    error_rate: float = 0.0
    timeout_rate: float = 0.0
    timeout_seconds: float = 2.0
    _rng: random.Random = field(init=False, repr=False)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def draw(self) -> tuple[str, int] | None:
        """("error", 502|503), ("timeout", 0) or None for the next request."""
        with self._lock:
            roll = self._rng.random()
            status = self._rng.choice((502, 503))
        if roll < self.error_rate:
            return "error", status
        if roll < self.error_rate + self.timeout_rate:
            return "timeout", 0
        return None


@dataclass
class Stats:
    requests: int = 0
    unauthorized: int = 0
    throttled: int = 0
    errors_injected: int = 0
    timeouts_injected: int = 0
    cost_points: int = 0
    by_operation: Counter[str] = field(default_factory=Counter)
    pages: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count_operation(self, name: str | None) -> None:
        with self.lock:
            self.by_operation[name or "anonymous"] += 1


class Simulator:
    """A Shopify store. Build with `Simulator.generate(...)`; see the package docstring."""

    api_version = "2026-10"

    def __init__(self, generator: Generator, *, seed: int) -> None:
        self.store: Store = generator.store
        self.ids: Ids = generator.ids
        self._generator = generator
        self.seed = seed
        secret_rng = random.Random(f"credentials-{seed}")
        self.shop_domain = SHOP_DOMAIN
        self.access_token = f"shpat_{secret_rng.getrandbits(128):032x}"
        self.api_key = f"{secret_rng.getrandbits(128):032x}"
        self.api_secret = f"shpss_{secret_rng.getrandbits(128):032x}"
        self.tokens: dict[str, float | None] = {self.access_token: None}
        self.clock = Clock()
        self.stats = Stats()
        self.faults = Faults()
        self.webhook_faults = WebhookFaults()
        self.webhook_address: str | None = None
        self.webhook_sender: Callable[[str, bytes, dict[str, str]], int] | None = None
        self.on_page_served: Callable[[str, int], None] | None = None
        self.base_url = "http://127.0.0.1"
        self.bulk = BulkRunner(self)
        self.webhooks = WebhookSender(self)
        self._plan: str | None = None
        self.bucket = Bucket(*UNTHROTTLED)

    # --- construction ------------------------------------------------------------------------

    @classmethod
    def generate(
        cls,
        *,
        seed: int = 1,
        products: int = 20,
        customers: int = 20,
        orders: int = 40,
        locations: int = 2,
        big_product: bool = False,
        fixtures: bool = True,
        collections: int | None = None,
    ) -> Simulator:
        """A deterministic store: the same arguments give the same records, ids and timestamps."""
        generator = generate(
            seed=seed,
            products=products,
            customers=customers,
            orders=orders,
            locations=locations,
            big_product=big_product,
            collections=collections,
            before_products=load_fixtures if fixtures else None,
        )
        return cls(generator, seed=seed)

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> SimulatorServer:
        from shopify.simulator.server import SimulatorServer

        server = SimulatorServer(self, host=host, port=port)
        server.start()
        return server

    @property
    def plan(self) -> str | None:
        return self._plan

    @plan.setter
    def plan(self, value: str | None) -> None:
        if value is not None and value not in PLANS:
            raise ValueError(f"unknown plan {value!r}; one of {sorted(PLANS)} or None")
        self._plan = value
        rate, maximum = UNTHROTTLED if value is None else PLANS[value]
        self.bucket = Bucket(rate, maximum)
        name, plus = PLAN_NAMES[value]
        self.store.shop["plan"] = {
            **self.store.shop["plan"],
            "publicDisplayName": name,
            "shopifyPlus": plus,
        }

    @property
    def stocking(self) -> list[Record]:
        """The generated locations, where every generated inventory item is stocked."""
        return list(self._generator.stocking)

    # --- request plumbing --------------------------------------------------------------------

    def token_valid(self, token: str | None) -> bool:
        if token is None or token not in self.tokens:
            return False
        expires = self.tokens[token]
        return expires is None or time.time() < expires

    def page_served(self, operation_name: str) -> None:
        with self.stats.lock:
            self.stats.pages[operation_name] += 1
            page = self.stats.pages[operation_name]
        hook = self.on_page_served
        if hook is not None:
            hook(operation_name, page)

    # --- webhook subscriptions ---------------------------------------------------------------

    def subscribe(
        self,
        *,
        topic: str,
        callback_url: str | None,
        format_name: str = "JSON",
        include_fields: list[str] | None = None,
        filter_text: str | None = None,
    ) -> tuple[Record | None, list[Record]]:
        if not callback_url:
            return None, [
                {
                    "field": ["webhookSubscription", "callbackUrl"],
                    "message": "Address can't be blank",
                }
            ]
        with self.store.lock:
            for existing in self.store.records("webhook_subscriptions"):
                if existing["topic"] == topic and existing["callbackUrl"] == callback_url:
                    return None, [
                        {
                            "field": ["webhookSubscription", "callbackUrl"],
                            "message": "Address for this topic has already been taken",
                        }
                    ]
            legacy_id = self.ids("WebhookSubscription")
            now = self.clock.stamp()
            record: Record = {
                "__typename": "WebhookSubscription",
                "_id": legacy_id,
                "id": gid("WebhookSubscription", legacy_id),
                "legacyResourceId": str(legacy_id),
                "topic": topic,
                "format": format_name,
                "callbackUrl": callback_url,
                "uri": callback_url,
                "endpoint": {"__typename": "WebhookHttpEndpoint", "callbackUrl": callback_url},
                "includeFields": include_fields or [],
                "metafieldNamespaces": [],
                "metafields": [],
                "filter": filter_text,
                "name": None,
                "apiVersion": {
                    "handle": self.api_version,
                    "displayName": self.api_version,
                    "supported": True,
                },
                "createdAt": now,
                "updatedAt": now,
            }
            self.store.add("webhook_subscriptions", record)
        return record, []

    def unsubscribe(self, subscription_id: str) -> str | None:
        with self.store.lock:
            record = self.store.by_gid(subscription_id)
            if record is None or record["__typename"] != "WebhookSubscription":
                return None
            self.store.remove("webhook_subscriptions", record["_id"])
            return str(record["id"])

    def subscribers(self, topic: str) -> list[str]:
        """Callback URLs subscribed to a REST topic ("products/update")."""
        enum = rest.topic_enum(topic)
        addresses = [
            record["callbackUrl"]
            for record in sorted(
                self.store.records("webhook_subscriptions"), key=lambda r: r["_id"]
            )
            if record["topic"] == enum
        ]
        if self.webhook_address and self.webhook_address not in addresses:
            addresses.append(self.webhook_address)
        return addresses

    # --- webhooks ----------------------------------------------------------------------------

    def webhook_payload(self, topic: str, legacy_id: int) -> dict[str, Any]:
        """The REST-shaped body Shopify sends for `topic` about record `legacy_id`."""
        with self.store.lock:
            return rest.payload_for(self, topic, legacy_id)

    def signed(self, topic: str, payload: dict[str, Any]) -> Delivery:
        """A delivery (body bytes and every X-Shopify-* header) without sending it."""
        return self.webhooks.delivery(topic, payload)

    def deliver(self, topic: str, payload: dict[str, Any], address: str | None = None) -> list[int]:
        """POST `payload` to `address` (or every subscriber of `topic`), retrying non-2xx with
        the original body and webhook id; returns the HTTP statuses (0: no answer in time)."""
        delivery = self.webhooks.delivery(topic, payload)
        addresses = [address] if address else self.subscribers(topic)
        statuses: list[int] = []
        for target in addresses:
            statuses.extend(self.webhooks.send(delivery, target))
        return statuses

    def emit(self, topic: str, payload: dict[str, Any]) -> None:
        """What Shopify does after a change: queue a delivery to each subscriber (faults apply)."""
        addresses = self.subscribers(topic)
        if addresses:
            self.webhooks.emit(topic, payload, addresses)

    def flush_webhooks(self) -> list[int]:
        """Deliver the deliveries held back by `webhook_faults.shuffle`, in shuffled order."""
        return self.webhooks.flush()

    # --- merchant edits ----------------------------------------------------------------------

    def _changed(self, record: Record, changes: dict[str, Any]) -> None:
        for key, value in changes.items():
            name = _camel(key)
            if name.startswith("_") or name in {"id", "__typename", "legacyResourceId"}:
                raise ValueError(f"{name} cannot be changed")
            record[name] = value
        record["updatedAt"] = self.clock.stamp()

    def update_product(self, legacy_id: int, **changes: Any) -> Record:
        with self.store.lock:
            product = self.store.require("products", legacy_id)
            self._changed(product, changes)
            self.store.touch("products")
            payload = rest.product_payload(self, product)
        self.emit("products/update", payload)
        return product

    def update_variant(self, legacy_id: int, **changes: Any) -> Record:
        with self.store.lock:
            variant = self.store.require("variants", legacy_id)
            self._changed(variant, changes)
            product = variant["product"]
            product["updatedAt"] = variant["updatedAt"]
            self.store.touch("variants")
            self.store.touch("products")
            payload = rest.product_payload(self, product)
        self.emit("products/update", payload)
        return variant

    def delete_variant(self, legacy_id: int) -> None:
        """Remove one variant (and its inventory item): a products/update, like Shopify."""
        with self.store.lock:
            variant = self.store.remove("variants", legacy_id)
            self.store.tables["inventory_items"].pop(variant["inventoryItem"]["_id"], None)
            self.store.touch("inventory_items")
            product = variant["product"]
            product["variants"] = [v for v in product["variants"] if v is not variant]
            for position, remaining in enumerate(product["variants"], start=1):
                remaining["position"] = position
            for order in self.store.records("orders"):
                for line in order["lineItems"]:
                    if line["variant"] is variant:
                        line["variant"] = None
            product["updatedAt"] = self.clock.stamp()
            self.store.touch("products")
            payload = rest.product_payload(self, product)
        self.emit("products/update", payload)

    def delete_product(self, legacy_id: int) -> None:
        with self.store.lock:
            product = self.store.remove("products", legacy_id)
            removed_variants = {variant["_id"] for variant in product["variants"]}
            for variant in product["variants"]:
                self.store.tables["variants"].pop(variant["_id"], None)
                self.store.tables["inventory_items"].pop(variant["inventoryItem"]["_id"], None)
            self.store.touch("variants")
            self.store.touch("inventory_items")
            for collection in self.store.records("collections"):
                if any(member is product for member in collection["products"]):
                    collection["products"] = [m for m in collection["products"] if m is not product]
            for order in self.store.records("orders"):
                for line in order["lineItems"]:
                    if line["product"] is product:
                        line["product"] = None
                    if line["variant"] is not None and line["variant"]["_id"] in removed_variants:
                        line["variant"] = None
            self._destroyed("PRODUCT", product, product["title"])
        self.emit("products/delete", {"id": legacy_id})

    def update_customer(self, legacy_id: int, **changes: Any) -> Record:
        with self.store.lock:
            customer = self.store.require("customers", legacy_id)
            self._changed(customer, changes)
            self.store.touch("customers")
            payload = rest.customer_payload(self, customer)
        self.emit("customers/update", payload)
        return customer

    def delete_customer(self, legacy_id: int) -> None:
        with self.store.lock:
            customer = self.store.remove("customers", legacy_id)
            for order in self.store.records("orders"):
                if order["customer"] is customer:
                    order["customer"] = None
            self._destroyed("CUSTOMER", customer, customer["displayName"])
        self.emit("customers/delete", {"id": legacy_id})

    def create_order(
        self,
        *,
        lines: list[tuple[int, int]],
        customer_id: int | None = None,
        lifecycle: str = "paid",
    ) -> Record:
        """A new order for (variant id, quantity) lines; lifecycle as the generator's
        ("pending", "authorized", "paid", "fulfilled", "partial", "refunded",
        "partially_refunded", "voided")."""
        with self.store.lock:
            now = self.clock.now()
            numbers = [order["number"] for order in self.store.records("orders")]
            customer = None if customer_id is None else self.store.require("customers", customer_id)
            location = self._generator.stocking[0]
            order = self._generator.order(
                number=max(numbers, default=1000) + 1,
                created=now,
                customer=customer,
                lines=[(self.store.require("variants", v), q) for v, q in lines],
                location=location,
                lifecycle=lifecycle,
            )
            _restamp(order, now)
            self.store.add("orders", order)
            if customer is not None:
                orders = customer.pop("_orders", [])
                customer["numberOfOrders"] = str(int(customer["numberOfOrders"]) + len(orders))
                customer["lastOrder"] = order
                customer["updatedAt"] = stamp(now)
                self.store.touch("customers")
            for line in order["lineItems"]:
                item = line["variant"]["inventoryItem"]
                for level in item["inventoryLevels"]:
                    if level["location"] is location:
                        quantities = level["_quantities"]
                        quantities["available"] -= line["quantity"]
                        quantities["committed"] += line["quantity"]
                        level["updatedAt"] = stamp(now)
                item["updatedAt"] = stamp(now)
            self.store.touch("inventory_items")
            events = [("orders/create", rest.order_payload(self, order))]
            if order["displayFinancialStatus"] in {"PAID", "PARTIALLY_REFUNDED", "REFUNDED"}:
                events.append(("orders/paid", events[0][1]))
            events += [
                ("order_transactions/create", rest.transaction_payload(order, transaction))
                for transaction in order["transactions"]
            ]
            events += [
                ("fulfillments/create", rest.fulfillment_payload(order, fulfillment))
                for fulfillment in order["fulfillments"]
            ]
            if order["displayFulfillmentStatus"] == "FULFILLED":
                events.append(("orders/fulfilled", events[0][1]))
            events += [("refunds/create", rest.refund_payload(order, r)) for r in order["refunds"]]
            if order["cancelledAt"] is not None:
                events.append(("orders/cancelled", events[0][1]))
        for topic, payload in events:
            self.emit(topic, payload)
        return order

    def update_order(
        self, legacy_id: int, *, topic: str = "orders/updated", **changes: Any
    ) -> Record:
        """Change an order; `topic` names the webhook ("orders/cancelled", "orders/paid", …)."""
        with self.store.lock:
            order = self.store.require("orders", legacy_id)
            self._changed(order, changes)
            self.store.touch("orders")
            payload = rest.order_payload(self, order)
        self.emit(topic, payload)
        return order

    def update_collection(self, legacy_id: int, **changes: Any) -> Record:
        with self.store.lock:
            collection = self.store.require("collections", legacy_id)
            self._changed(collection, changes)
            self.store.touch("collections")
            payload = rest.collection_payload(collection)
        self.emit("collections/update", payload)
        return collection

    def set_collection_products(self, legacy_id: int, product_ids: list[int]) -> Record:
        """Replace a collection's members (in this order); bumps the collection's updatedAt."""
        with self.store.lock:
            collection = self.store.require("collections", legacy_id)
            collection["products"] = [self.store.require("products", pid) for pid in product_ids]
            collection["updatedAt"] = self.clock.stamp()
            self.store.touch("collections")
            payload = rest.collection_payload(collection)
        self.emit("collections/update", payload)
        return collection

    def update_location(self, legacy_id: int, **changes: Any) -> Record:
        with self.store.lock:
            location = self.store.require("locations", legacy_id)
            self._changed(location, changes)
            self.store.touch("locations")
            payload = rest.location_payload(location)
        self.emit("locations/update", payload)
        return location

    def update_inventory_item(self, legacy_id: int, **changes: Any) -> Record:
        with self.store.lock:
            item = self.store.require("inventory_items", legacy_id)
            self._changed(item, changes)
            self.store.touch("inventory_items")
            payload = rest.inventory_item_payload(item)
        self.emit("inventory_items/update", payload)
        return item

    def delete_order(self, legacy_id: int) -> None:
        with self.store.lock:
            order = self.store.remove("orders", legacy_id)
            for customer in self.store.records("customers"):
                if customer["lastOrder"] is order:
                    customer["lastOrder"] = None
            self._destroyed("ORDER", order, order["name"])
        self.emit("orders/delete", {"id": legacy_id})

    def delete_collection(self, legacy_id: int) -> None:
        with self.store.lock:
            collection = self.store.remove("collections", legacy_id)
            self._destroyed("COLLECTION", collection, collection["title"])
        self.emit("collections/delete", {"id": legacy_id})

    def set_inventory(self, inventory_item_id: int, location_id: int, available: int) -> Record:
        with self.store.lock:
            item = self.store.require("inventory_items", inventory_item_id)
            level = next(
                (lv for lv in item["inventoryLevels"] if lv["location"]["_id"] == location_id),
                None,
            )
            if level is None:
                raise KeyError(f"item {inventory_item_id} is not stocked at {location_id}")
            quantities = level["_quantities"]
            quantities["on_hand"] += available - quantities["available"]
            quantities["available"] = available
            level["updatedAt"] = item["updatedAt"] = self.clock.stamp()
            self.store.touch("inventory_items")
            payload = rest.inventory_level_payload(level)
        self.emit("inventory_levels/update", payload)
        return level

    def share_updated_at(self, kind: str, legacy_ids: list[int], when: datetime | str) -> None:
        """Give many records one `updatedAt` (no webhooks: a bulk edit at Shopify's side)."""
        value = when if isinstance(when, str) else stamp(when)
        with self.store.lock:
            for legacy_id in legacy_ids:
                self.store.require(kind, legacy_id)["updatedAt"] = value
            self.store.touch(kind)

    def _destroyed(self, subject_type: str, record: Record, title: str) -> Record:
        legacy_id = self.ids("BasicEvent")
        event: Record = {
            "__typename": "BasicEvent",
            "_id": legacy_id,
            "id": gid("BasicEvent", legacy_id),
            "action": "destroy",
            "appTitle": None,
            "attributeToApp": False,
            "attributeToUser": True,
            "createdAt": self.clock.stamp(),
            "criticalAlert": False,
            "message": f"{title} was deleted.",
            "subjectId": record["id"],
            "subjectType": subject_type,
            "arguments": [title],
            "additionalContent": None,
            "additionalData": None,
            "hasAdditionalContent": False,
            "secretArguments": None,
        }
        self.store.add("events", event)
        return event

    # --- reading -----------------------------------------------------------------------------

    def snapshot(self, kind: str) -> dict[int, dict[str, Any]]:
        """What the store holds now, as plain JSON-able dicts keyed by legacy id: the record's
        fields and owned children (variants with their inventory items and levels), with
        references to other records as `{"id": gid}`."""
        with self.store.lock:
            return {
                legacy_id: _plain(record) for legacy_id, record in self.store.tables[kind].items()
            }

    def record(self, value: str) -> Record | None:
        """The live record for a GID (mutating it does not bump updatedAt or send webhooks)."""
        return self.store.by_gid(value)

    def inventory_quantity(self, variant_id: int) -> int:
        return variant_inventory_quantity(self.store.require("variants", variant_id))


_REFERENCES = {
    "product",
    "variant",
    "customer",
    "location",
    "lineItem",
    "parentTransaction",
    "lastOrder",
    "defaultAddress",
    "item",
}
_REFERENCE_LISTS = {("ProductVariant", "media"), ("Collection", "products")}


def _plain(record: Record) -> dict[str, Any]:
    plain: dict[str, Any] = {}
    type_name = record.get("__typename", "")
    for key, value in record.items():
        if key == "_quantities":
            plain["quantities"] = dict(value)
        elif key.startswith("_"):
            continue
        elif key in _REFERENCES:
            plain[key] = None if value is None else {"id": value["id"]}
        elif (type_name, key) in _REFERENCE_LISTS:
            plain[key] = [{"id": item["id"]} for item in value]
        elif isinstance(value, dict):
            plain[key] = _plain(value)
        elif isinstance(value, list):
            plain[key] = [
                _plain(item) if isinstance(item, dict) else copy.copy(item) for item in value
            ]
        else:
            plain[key] = value
    return plain


def _camel(name: str) -> str:
    head, *rest_parts = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest_parts)


def _restamp(order: Record, now: datetime) -> None:
    """A new order happens now: every timestamp of it and its children moves to `now`."""
    current = stamp(now)

    def visit(record: Record) -> None:
        for key in ("createdAt", "updatedAt", "processedAt"):
            if record.get(key) is not None:
                record[key] = current
        for child_key in ("fulfillments", "refunds", "transactions"):
            for child in record.get(child_key, []):
                visit(child)

    visit(order)
    if order["closedAt"] is not None:
        order["closedAt"] = current
