"""A Shopify-compatible server for the connector and its tests (issue #4 §1).

Requests execute against Shopify's real Admin GraphQL schema (2026-10, vendored in `schema/`)
with graphql-core, over an in-memory store of GraphQL-shaped records, so a wrong field or
argument fails as at Shopify (an `errors` array, HTTP 200).

    from shopify.simulator import Simulator, Faults, WebhookFaults
    sim = Simulator.generate(seed=1, products=20, customers=20, orders=40, locations=2,
                             big_product=False, fixtures=True)   # deterministic store
    sim.shop_domain, sim.access_token, sim.api_key, sim.api_secret
    sim.plan = None | "standard" | "advanced" | "plus"   # throttling off, or 100/1000/2000 pts/s
    sim.faults = Faults(seed=7, error_rate=0.1, timeout_rate=0.0, timeout_seconds=2.0)
    server = sim.serve(host="127.0.0.1", port=0)   # background thread
    server.base_url                                # "http://127.0.0.1:PORT"
    server.graphql_url                             # base_url + "/admin/api/2026-10/graphql.json"
    server.stop()
    sim.stats          # requests, unauthorized, throttled, errors_injected, timeouts_injected,
                       # cost_points, by_operation (Counter), pages (Counter)

Merchant edits bump `updatedAt` to `sim.clock` (wall time; `clock.set(dt)` freezes it,
`clock.advance(seconds)` moves it), emit the matching webhook to subscribers and, for deletions,
record a `destroy` event (served by the `events` query):
    sim.update_product(legacy_id, **changes); sim.delete_product(legacy_id)
    sim.update_variant(legacy_id, **changes); sim.delete_variant(legacy_id)
    sim.update_customer(legacy_id, **changes); sim.delete_customer(legacy_id)
    sim.create_order(lines=[(variant_id, quantity)], customer_id=None, lifecycle="paid")
        # lifecycle: pending, authorized, paid, fulfilled, partial, refunded,
        # partially_refunded, voided; sends orders/create, orders/paid, order_transactions/create,
        # fulfillments/create, orders/fulfilled, refunds/create, orders/cancelled as they apply
    sim.update_order(legacy_id, topic="orders/updated", **changes); sim.delete_order(legacy_id)
    sim.update_collection(legacy_id, **changes); sim.delete_collection(legacy_id)
    sim.set_collection_products(legacy_id, product_ids)
    sim.update_location(legacy_id, **changes); sim.update_inventory_item(legacy_id, **changes)
    sim.set_inventory(inventory_item_id, location_id, available)
    sim.share_updated_at(kind, legacy_ids, when)     # kind: "products", "customers", "orders", …
`changes` use GraphQL field names (snake_case accepted: `product_type` -> `productType`).

    sim.on_page_served = callable(operation_name, page_number) | None   # after each page
    sim.snapshot(kind) -> dict[int, dict]   # kind: products, variants, collections, customers,
                                            # orders, locations, inventory_items, events
Webhooks (REST-shaped payloads like Shopify's, signed with api_secret):
    sim.webhook_payload(topic, legacy_id) -> dict      # ("products/update", 7000000000123)
    sim.signed(topic, payload) -> Delivery             # .body (bytes), .headers, .webhook_id
    sim.deliver(topic, payload, address=None) -> list[int]   # POST + retries; HTTP statuses
    sim.webhook_address = "http://…/webhooks/shopify/"       # receives every topic
    sim.webhook_sender = callable(url, body, headers) -> status | None   # e.g. Django's client
    sim.webhook_faults = WebhookFaults(seed=3, duplicate_rate=0.2, shuffle=True, drop_rate=0.0)
    sim.flush_webhooks() -> list[int]       # deliver what `shuffle` held back, shuffled
Webhook faults apply to what the store emits (merchant edits, bulk finish); `deliver` sends one
delivery (plus retries) as asked. Every attempt is logged in `sim.webhooks.sent`
((Delivery, url, status)); faults' drops in `sim.webhooks.dropped`.
Bulk operations run in a thread: `sim.bulk.wait()` blocks until they finished;
`sim.bulk.delay_seconds` keeps one RUNNING for a while; `sim.bulk.file(id)` is the JSONL path.
`sim.store.tables[kind]` holds the live records (GraphQL-shaped dicts, `_id` = legacy id);
`sim.record(gid)` finds one; `sim.inventory_quantity(variant_id)` is a variant's available
stock over all locations (its `inventoryQuantity`). Generated items are stocked at the
generated locations (`sim.stocking`); the REST fixtures add Shopify's example locations, products
(IPod Nano 632910392), customers (Bob Norman 207119551) and order #1001 (450789469).
"""

from shopify.simulator.simulator import Clock, Faults, Simulator, Stats
from shopify.simulator.webhooks import Delivery, WebhookFaults, sign

__all__ = ["Clock", "Delivery", "Faults", "Simulator", "Stats", "WebhookFaults", "sign"]
