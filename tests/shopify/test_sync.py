"""Full and incremental sync against the in-process simulator, compared field by field."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection as db_connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from catalog.models import Collection, CollectionProduct, Product, ProductImage, ProductVariant
from customers.models import Customer, CustomerAddress
from inventory.models import InventoryLevel
from orders.models import Order, OrderLineItem
from shopify.choices import SyncMode, SyncStatus
from shopify.models import ReconciliationReport, ShopifyConnection, SyncCheckpoint, SyncRun
from shopify.reconcile import reconcile_run
from shopify.rows import legacy_id
from shopify.simulator import Faults, Simulator
from shopify.sync import bulk_operation_finished, sync_run
from shopify.sync.prefetch import prefetched
from shopify.sync.runs import resource_lock

RESOURCES = ("locations", "products", "collections", "customers", "orders", "inventory")


def serve(sim: Simulator, settings: Any) -> Iterator[Simulator]:
    server = sim.serve(port=0)
    settings.SHOPIFY_SHOP_DOMAIN = sim.shop_domain
    settings.SHOPIFY_ACCESS_TOKEN = sim.access_token
    settings.SHOPIFY_API_BASE_URL = server.base_url
    settings.SHOPIFY_BULK_POLL_SECONDS = 0.02
    settings.SHOPIFY_BULK_POLL_MAX_SECONDS = 0.05
    try:
        yield sim
    finally:
        server.stop()


@pytest.fixture
def store(settings: Any) -> Iterator[Simulator]:
    yield from serve(Simulator.generate(seed=3, products=8, customers=6, orders=10), settings)


@pytest.fixture
def big_store(settings: Any) -> Iterator[Simulator]:
    sim = Simulator.generate(seed=5, products=4, customers=3, orders=4, big_product=True)
    yield from serve(sim, settings)


def assert_no_drift(report: ReconciliationReport) -> None:
    assert report.text.splitlines()[-1] == "drift: 0", report.text
    assert report.drift == 0
    for resource, summary in report.resources.items():
        assert (summary["missing"], summary["extra"], summary["stale"]) == (0, 0, 0), resource
        assert summary["differing_fields"] == {}, resource
        assert summary["store_count"] == summary["mirror_count"], resource


@pytest.mark.django_db
def test_full_sync_mirrors_every_field_of_the_store(store: Simulator) -> None:
    runs = sync_run(full=True)

    assert [(run.resource, run.mode, run.status) for run in runs] == [
        (name, SyncMode.FULL, SyncStatus.SUCCEEDED) for name in RESOURCES
    ], [run.errors for run in runs]
    products = store.snapshot("products")
    assert Product.objects.filter(shopify_id__isnull=False).count() == len(products)
    assert runs[1].counts["product"] == len(products)
    assert runs[1].created == sum(runs[1].counts.values())
    assert all(run.errors == [] for run in runs)
    checkpoints = SyncCheckpoint.objects.order_by("resource")
    assert [(c.resource, c.run_id, c.bulk_operation_id, c.cursor) for c in checkpoints] == [
        (name, None, "", "") for name in sorted(RESOURCES)
    ]
    assert all(c.high_water_mark is not None for c in checkpoints)
    assert_no_drift(reconcile_run())


@pytest.mark.django_db
def test_full_sync_of_a_product_with_2048_variants(big_store: Simulator) -> None:
    sync_run(full=True)

    big = max(big_store.snapshot("products").items(), key=lambda item: len(item[1]["variants"]))
    assert ProductVariant.objects.filter(product__shopify_id=big[0]).count() == 2048
    assert_no_drift(reconcile_run())


@pytest.mark.django_db
def test_a_second_full_sync_changes_nothing(store: Simulator) -> None:
    sync_run(full=True)

    again = sync_run(full=True)

    assert [(run.status, run.created, run.updated, run.deleted) for run in again] == [
        (SyncStatus.SUCCEEDED, 0, 0, 0) for _ in RESOURCES
    ]
    assert_no_drift(reconcile_run())


@pytest.fixture
def crowded_store(settings: Any) -> Iterator[Simulator]:
    sim = Simulator.generate(seed=11, products=3, customers=500, orders=3, collections=1)
    yield from serve(sim, settings)


@pytest.mark.django_db
def test_incremental_sync_sees_updates_during_the_scan_and_500_records_sharing_updated_at(
    crowded_store: Simulator,
) -> None:
    sim = crowded_store
    sync_run(full=True)
    full_mark = SyncCheckpoint.objects.get(resource="customers").high_water_mark
    assert full_mark is not None
    ids = sorted(sim.snapshot("customers"))
    assert len(ids) >= 500
    for customer_id in ids:
        sim.update_customer(customer_id, note=f"bulk edit {customer_id}")
    shared = sim.clock.now()
    sim.share_updated_at("customers", ids, shared)
    sim.clock.advance(2)  # the scan runs later than the bulk edit: its edits stamp later
    # During the scan (30 customers a page, in (updatedAt, id) order): records already paged
    # past (ids[page], on page 1) and records not reached yet (ids[-page]) change again.
    passed: list[int] = []
    ahead: list[int] = []

    def edit_during_scan(operation: str, page: int) -> None:
        if operation == "CustomersPage" and page in (2, 5, 9):
            sim.update_customer(ids[page], note=f"edited after page {page}")
            sim.update_customer(ids[-page], note=f"edited before its page, at page {page}")
            passed.append(ids[page])
            ahead.append(ids[-page])

    sim.on_page_served = edit_during_scan

    [run] = sync_run(resources=["customers"])

    sim.on_page_served = None
    assert (run.mode, run.status, run.bulk_operation_id) == (
        SyncMode.INCREMENTAL,
        SyncStatus.SUCCEEDED,
        "",
    )
    assert run.window_start == full_mark - timedelta(seconds=120)
    assert (len(passed), len(ahead)) == (3, 3)
    # Every customer once, and the ones changed after being paged past once more (at the end).
    assert run.counts["customer"] == len(ids) + len(passed)
    mark = SyncCheckpoint.objects.get(resource="customers").high_water_mark
    assert mark is not None
    assert mark == parse_datetime(max(sim.snapshot("customers")[i]["updatedAt"] for i in ids))
    assert_no_drift(reconcile_run(resources=["customers"]))

    # Records changed after the scan passed them, in the same second as the high-water mark
    # (so not moved past the scan's position), are seen by the next window.
    sim.update_customer(ids[0], note="same second as the mark")
    sim.update_customer(ids[1], note="same second as the mark too")
    sim.share_updated_at("customers", ids[:2], mark)

    [again] = sync_run(resources=["customers"])

    assert again.status == SyncStatus.SUCCEEDED
    assert again.window_start == mark - timedelta(seconds=120)
    # The window (from the mark minus the overlap) holds every record stamped since.
    window = [
        customer
        for customer in sim.snapshot("customers").values()
        if customer["updatedAt"] >= (mark - timedelta(seconds=120)).strftime("%Y-%m-%dT%H:%M:%SZ")
    ]
    assert again.counts["customer"] == len(window)
    assert_no_drift(reconcile_run(resources=["customers"]))


@pytest.fixture
def roomy_store(settings: Any) -> Iterator[Simulator]:
    # More products than the orders and collections use: some can go without touching them.
    yield from serve(Simulator.generate(seed=3, products=30, customers=8, orders=6), settings)


@pytest.mark.django_db
def test_incremental_sync_turns_deletion_events_into_soft_deletes(roomy_store: Simulator) -> None:
    sim = roomy_store
    sync_run(full=True)
    orders = sim.snapshot("orders")
    customers = sim.snapshot("customers")
    ordered = {
        legacy_id(line["product"]["id"])
        for order in orders.values()
        for line in order["lineItems"]
        if line["product"]
    }
    buyers = {legacy_id(order["customer"]["id"]) for order in orders.values() if order["customer"]}
    last_orders = {legacy_id(c["lastOrder"]["id"]) for c in customers.values() if c["lastOrder"]}
    # (A product in a manually sorted collection shifts the positions of the products after it,
    # which the collection's updatedAt does not show: left to the nightly reconciliation.)
    collected = {
        legacy_id(member["id"])
        for collection in sim.snapshot("collections").values()
        for member in collection["products"]
    }
    product_id = min(set(sim.snapshot("products")) - ordered - collected)
    customer_id = min(set(customers) - buyers)
    order_id = min(set(orders) - last_orders)
    collection_id = min(sim.snapshot("collections"))
    assert OrderLineItem.objects.filter(order__shopify_id=order_id).count() == len(
        orders[order_id]["lineItems"]
    )
    sim_product = sim.snapshot("products")[product_id]
    collection_size = len(sim.snapshot("collections")[collection_id]["products"])
    sim.delete_product(product_id)
    sim.delete_customer(customer_id)
    sim.delete_order(order_id)
    sim.delete_collection(collection_id)
    events = {
        legacy_id(event["subjectId"]): event["createdAt"]
        for event in sim.snapshot("events").values()
        if event["action"] == "destroy"
    }

    runs = sync_run(resources=["products", "collections", "customers", "orders"])

    product = sim_product  # as it was before the deletion
    assert [(run.resource, run.mode, run.status, run.deleted) for run in runs] == [
        (
            "products",
            SyncMode.INCREMENTAL,
            SyncStatus.SUCCEEDED,
            1
            + len(product["options"])
            + sum(1 for media in product["media"] if "/MediaImage/" in media["id"])
            + len(product["metafields"]),
        ),
        ("collections", SyncMode.INCREMENTAL, SyncStatus.SUCCEEDED, 1 + collection_size),
        (
            "customers",
            SyncMode.INCREMENTAL,
            SyncStatus.SUCCEEDED,
            1 + len(customers[customer_id]["addressesV2"]),
        ),
        (
            "orders",
            SyncMode.INCREMENTAL,
            SyncStatus.SUCCEEDED,
            1
            + sum(len(orders[order_id][name]) for name in ("lineItems", "fulfillments", "refunds"))
            + len(orders[order_id]["transactions"]),
        ),
    ]
    deleted = {
        Product: product_id,
        Collection: collection_id,
        Customer: customer_id,
        Order: order_id,
    }
    for model, shopify_id in deleted.items():
        row = model.all_objects.get(shopify_id=shopify_id)  # type: ignore[attr-defined]
        assert row.deleted_at == parse_datetime(events[shopify_id]), model
    assert ProductVariant.objects.filter(product__shopify_id=product_id).count() == 0
    assert ProductImage.objects.filter(product__shopify_id=product_id).count() == 0
    assert CollectionProduct.objects.filter(collection__shopify_id=collection_id).count() == 0
    assert CustomerAddress.objects.filter(customer__shopify_id=customer_id).count() == 0
    assert OrderLineItem.objects.filter(order__shopify_id=order_id).count() == 0
    assert_no_drift(reconcile_run(resources=["products", "collections", "customers", "orders"]))

    # A full sync finds nothing more to delete, and a second incremental run changes nothing.
    again = sync_run(resources=["products", "collections", "customers", "orders"])
    assert [run.updated for run in again] == [0, 0, 0, 0]


@pytest.mark.django_db
def test_a_large_incremental_window_runs_as_a_filtered_bulk_operation(
    store: Simulator, settings: Any
) -> None:
    sim = store
    sync_run(full=True)
    settings.SHOPIFY_SYNC_BULK_THRESHOLD = 3
    changed = sorted(sim.snapshot("products"))[:4]
    for product_id in changed:
        sim.update_product(product_id, title=f"Window {product_id}")
    requests_before = sim.stats.by_operation["ProductsPage"]

    [run] = sync_run(resources=["products"])

    assert (run.mode, run.status) == (SyncMode.INCREMENTAL, SyncStatus.SUCCEEDED)
    assert run.bulk_operation_id != ""
    assert sim.stats.by_operation["ProductsPage"] == requests_before
    assert run.counts["product"] == len(changed)
    # The products and the options stamped with their updatedAt; variants unchanged.
    products = sim.snapshot("products")
    assert run.updated == sum(
        1
        + len(products[i]["options"])
        + sum(len(o["optionValues"]) for o in products[i]["options"])
        for i in changed
    )
    assert_no_drift(reconcile_run(resources=["products"]))


@pytest.mark.django_db
def test_an_incremental_run_that_failed_mid_scan_is_resumed_from_its_cursor(
    crowded_store: Simulator,
) -> None:
    sim = crowded_store
    sync_run(full=True)
    ids = sorted(sim.snapshot("customers"))[:100]
    for customer_id in ids:
        sim.update_customer(customer_id, note="to be paged")
    sim.clock.advance(2)

    def outage_after_page_2(operation: str, page: int) -> None:
        if operation == "CustomersPage" and page == 2:
            sim.faults = Faults(seed=1, error_rate=1.0)

    sim.on_page_served = outage_after_page_2
    [failed] = sync_run(resources=["customers"])
    sim.on_page_served = None
    sim.faults = Faults()

    assert failed.status == SyncStatus.FAILED
    assert failed.counts["customer"] == 60  # two pages of 30 committed
    checkpoint = SyncCheckpoint.objects.get(resource="customers")
    assert (checkpoint.run_id, checkpoint.cursor != "") == (failed.pk, True)

    [resumed] = sync_run(resources=["customers"])

    assert (resumed.mode, resumed.status) == (SyncMode.INCREMENTAL, SyncStatus.SUCCEEDED)
    assert resumed.window_start == failed.window_start
    assert resumed.counts["customer"] == len(ids) - 60
    assert SyncRun.objects.get(pk=failed.pk).status == SyncStatus.FAILED
    assert_no_drift(reconcile_run(resources=["customers"]))


@pytest.mark.django_db
def test_a_resource_another_process_is_syncing_is_skipped(store: Simulator) -> None:
    sync_run(resources=["locations"], full=True)
    shop = ShopifyConnection.objects.get()
    other = db_connection.copy()  # another session holds the lock
    try:
        with other.cursor() as cursor:
            key = shop.pk * 6 + 1  # products
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [0x53594E43, key])
        with resource_lock(connection=shop, resource="products") as acquired:
            assert acquired is False

        assert sync_run(resources=["products"]) == []
    finally:
        other.close()
    assert SyncRun.objects.filter(resource="products").count() == 0


@pytest.mark.django_db
def test_the_bulk_operations_finish_webhook_ends_the_wait_for_the_result(
    store: Simulator, settings: Any
) -> None:
    sim = store
    settings.SHOPIFY_BULK_POLL_SECONDS = 60.0  # polling alone would wait a minute
    settings.SHOPIFY_BULK_POLL_MAX_SECONDS = 60.0
    sim.bulk.delay_seconds = 0.5

    def webhook_arrives() -> None:
        time.sleep(1.0)
        operation = sim.bulk.current()
        assert operation is not None
        bulk_operation_finished(gid=operation["id"])

    threading.Thread(target=webhook_arrives, daemon=True).start()
    started = time.monotonic()
    [run] = sync_run(resources=["customers"], full=True)

    assert run.status == SyncStatus.SUCCEEDED
    assert time.monotonic() - started < 10


@pytest.mark.django_db
def test_incremental_inventory_reads_the_changed_items_through_a_filtered_bulk_operation(
    store: Simulator,
) -> None:
    sim = store
    sync_run(full=True)
    item_id = min(sim.snapshot("inventory_items"))
    item = sim.snapshot("inventory_items")[item_id]
    stocked = [legacy_id(level["location"]["id"]) for level in item["inventoryLevels"]]
    location_id = stocked[0]
    sim.set_inventory(item_id, location_id, 77)

    [run] = sync_run(resources=["inventory"])

    assert (run.mode, run.status, run.counts.get("inventory_item")) == (
        SyncMode.INCREMENTAL,
        SyncStatus.SUCCEEDED,
        1,
    )
    assert run.bulk_operation_id != ""
    level = InventoryLevel.objects.get(
        inventory_item__shopify_id=item_id, location__shopify_id=location_id
    )
    assert level.available == 77
    assert_no_drift(reconcile_run(resources=["inventory"]))


@pytest.mark.django_db
def test_a_resumed_full_sync_whose_bulk_result_is_gone_runs_the_operation_again(
    store: Simulator,
) -> None:
    sync_run(full=True)
    shop = ShopifyConnection.objects.get()
    killed = SyncRun.objects.create(
        connection=shop,
        resource="customers",
        mode=SyncMode.FULL,
        status=SyncStatus.RUNNING,
        started_at=timezone.now() - timedelta(days=8),
        heartbeat_at=timezone.now() - timedelta(days=8),
    )
    SyncCheckpoint.objects.filter(resource="customers").update(
        run=killed,
        bulk_operation_id="gid://shopify/BulkOperation/987654321",
        bulk_url="http://127.0.0.1:1/expired.jsonl",
        bulk_lines_applied=4000,
    )

    [run] = sync_run(resources=["customers"])

    assert (run.mode, run.status) == (SyncMode.FULL, SyncStatus.SUCCEEDED)
    assert [error["error"] for error in run.errors] == [
        "bulk operation gid://shopify/BulkOperation/987654321 no longer exists; "
        "running the bulk operation again"
    ]
    assert run.bulk_operation_id not in ("", "gid://shopify/BulkOperation/987654321")
    customers = store.snapshot("customers")
    addresses = sum(len(customer["addressesV2"]) for customer in customers.values())
    assert run.records_seen == len(customers) + addresses  # every line, from the first
    assert SyncRun.objects.get(pk=killed.pk).status == SyncStatus.INTERRUPTED
    assert_no_drift(reconcile_run(resources=["customers"]))


def test_prefetch_hands_over_items_in_order_and_raises_the_producers_error() -> None:
    def source() -> Iterator[int]:
        yield from range(5)
        raise ValueError("download dropped")

    received: list[int] = []
    with pytest.raises(ValueError, match="download dropped"):
        for item in prefetched(source()):
            received.append(item)

    assert received == [0, 1, 2, 3, 4]


def test_prefetch_stops_the_producer_when_the_consumer_stops() -> None:
    produced: list[int] = []
    closed = threading.Event()

    def source() -> Iterator[int]:
        try:
            for item in range(1000):
                produced.append(item)
                yield item
        finally:
            closed.set()

    for item in prefetched(source(), depth=2):
        if item == 3:
            break

    assert closed.wait(5)
    assert len(produced) <= 3 + 1 + 2 + 1  # consumed, in hand, queued, blocked on the queue
