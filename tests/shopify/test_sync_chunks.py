"""Bulk results applied in tiny chunks (SHOPIFY_SYNC_CHUNK_LINES): every reference between lines
of a bulk result (a customer's default address, a variant's product, an order's shipping and line
items, a collection's memberships, an inventory item's levels) holds when the two lines fall into
different chunks; and a full sync killed after a few chunks and resumed deletes nothing Shopify
still has (the ledger of the ids seen lives in the database, with the chunks)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from catalog.models import CollectionProduct, Product, ProductVariant
from customers.models import Customer, CustomerAddress
from inventory.models import InventoryLevel
from orders.models import Order, OrderLineItem
from shopify import mirror, queries
from shopify.choices import SyncMode, SyncStatus
from shopify.client import ShopifyClient
from shopify.mapping.graphql import LineMapper
from shopify.models import SyncCheckpoint, SyncLedgerEntry, SyncRun
from shopify.reconcile import reconcile_run
from shopify.rows import gid_type, legacy_id
from shopify.simulator import Simulator
from shopify.sync import runs as sync_runs
from shopify.sync import sync_run
from shopify.sync.bulk import bulk_lines, bulk_start, bulk_wait

from .test_sync import assert_no_drift, serve

CHUNK = 7  # lines: a prime, so that boundaries fall between every kind of parent and child


@pytest.fixture
def store(settings: Any) -> Iterator[Simulator]:
    settings.SHOPIFY_SYNC_CHUNK_LINES = CHUNK
    sim = Simulator.generate(
        seed=8, products=25, customers=120, orders=60, collections=4, fixtures=False
    )
    yield from serve(sim, settings)


def result_lines(sim: Simulator, settings: Any, document: str) -> list[dict[str, Any]]:
    """The store's bulk result for a document, as the sync reads it."""
    with ShopifyClient(
        shop_domain=sim.shop_domain,
        access_token=sim.access_token,
        base_url=settings.SHOPIFY_API_BASE_URL,
    ) as client:
        gid = bulk_start(client=client, document=queries.bulk_query(document))
        operation = bulk_wait(client=client, gid=gid)
        assert operation.url
        return list(bulk_lines(client=client, url=operation.url))


def default_addresses_across_chunks(lines: list[dict[str, Any]]) -> int:
    """Customers whose default address line is in a later chunk than the customer's line."""
    chunk_of: dict[str, int] = {}
    defaults: dict[str, str] = {}
    for index, line in enumerate(lines):
        chunk_of[line["id"]] = index // CHUNK
        default = line.get("defaultAddress")
        if gid_type(line["id"]) == "Customer" and isinstance(default, dict):
            defaults[line["id"]] = default["id"]
    return sum(1 for customer, at in defaults.items() if chunk_of[at] > chunk_of[customer])


@pytest.mark.django_db
def test_references_across_bulk_chunks_all_resolve(store: Simulator, settings: Any) -> None:
    customer_lines = result_lines(store, settings, queries.BULK_CUSTOMERS)
    crossing = default_addresses_across_chunks(customer_lines)
    assert crossing >= 10, crossing  # the case the test is about does occur, many times

    runs = sync_run(full=True)

    assert [run.status for run in runs] == [SyncStatus.SUCCEEDED] * len(runs), [
        run.errors for run in runs
    ]
    assert all(run.errors == [] for run in runs), [run.errors for run in runs]
    # Every customer points at its default address, and only that address is flagged default.
    customers = store.snapshot("customers")
    expected = {
        legacy_id(record["id"]): (
            legacy_id(record["defaultAddress"]["id"]) if record.get("defaultAddress") else None
        )
        for record in customers.values()
    }
    held = dict(
        Customer.objects.filter(shopify_id__isnull=False).values_list(
            "shopify_id", "default_address__shopify_id"
        )
    )
    assert held == expected
    defaults = list(
        CustomerAddress.objects.filter(is_default=True).values_list("shopify_id", flat=True)
    )
    assert len(defaults) == len(set(defaults))
    assert set(defaults) == {address for address in expected.values() if address is not None}
    # The children of other parents, whatever chunk they fell into.
    products = store.snapshot("products")
    assert ProductVariant.objects.count() == sum(len(p["variants"]) for p in products.values())
    assert Product.objects.count() == len(products)
    orders = store.snapshot("orders")
    assert Order.objects.count() == len(orders)
    assert OrderLineItem.objects.count() == sum(len(o["lineItems"]) for o in orders.values())
    assert Order.objects.filter(shipping_lines=[]).count() == sum(
        1 for o in orders.values() if not o["shippingLines"]
    )
    collections = store.snapshot("collections")
    assert CollectionProduct.objects.count() == sum(
        len(c["products"]) for c in collections.values()
    )
    assert InventoryLevel.objects.count() == sum(
        len(item["inventoryLevels"]) for item in store.snapshot("inventory_items").values()
    )
    # Nothing was soft-deleted, and the ledger is gone with the runs.
    assert sum(run.deleted for run in runs) == 0
    assert SyncLedgerEntry.objects.count() == 0
    assert_no_drift(reconcile_run())


@pytest.mark.django_db
@pytest.mark.parametrize("batch_size", [1, 2, 3, 5, 1000])
def test_a_default_address_resolves_whatever_batch_its_row_falls_into(
    store: Simulator, settings: Any, batch_size: int
) -> None:
    """One apply writes its items `batch_size` at a time: a customer's row and its default
    address's row (which follows it) in different batches still end up linked."""
    mapper = LineMapper()
    items = [
        item
        for line in result_lines(store, settings, queries.BULK_CUSTOMERS)
        for item in mapper.items(line)
    ]
    expected = {
        legacy_id(record["id"]): (
            legacy_id(record["defaultAddress"]["id"]) if record.get("defaultAddress") else None
        )
        for record in store.snapshot("customers").values()
    }

    mirror.apply(items, batch_size=batch_size)

    held = dict(Customer.objects.values_list("shopify_id", "default_address__shopify_id"))
    assert held == expected
    defaults = list(
        CustomerAddress.objects.filter(is_default=True).values_list("shopify_id", flat=True)
    )
    assert len(defaults) == len(set(defaults))
    assert set(defaults) == {address for address in expected.values() if address is not None}
    # Every field as at the store (but the last orders: no order is mirrored here).
    assert [d for d in mirror.diff(items) if d.field != "last_order"] == []


class Killed(BaseException):
    """Stands for kill -9: not an Exception, so nothing on the way out records anything."""


@pytest.mark.django_db
def test_a_full_sync_killed_after_several_chunks_resumes_and_deletes_only_what_shopify_deleted(
    store: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    sync_run(resources=["locations"], full=True)
    sync_run(resources=["products"], full=True)
    # Shopify deletes one product afterwards; the next full sync must soft-delete that one only.
    gone = sorted(store.snapshot("products"))[3]
    store.delete_product(gone)
    applied = {"chunks": 0}
    original = sync_runs.RunTracker.apply

    def apply_then_die(self: Any, items: Any, **kwargs: Any) -> Any:
        result = original(self, items, **kwargs)
        if "bulk_lines_applied" in kwargs:
            applied["chunks"] += 1
            if applied["chunks"] == 5:
                raise Killed  # after the fifth chunk committed
        return result

    monkeypatch.setattr(sync_runs.RunTracker, "apply", apply_then_die)
    with pytest.raises(Killed):
        sync_run(resources=["products"], full=True)
    monkeypatch.setattr(sync_runs.RunTracker, "apply", original)
    checkpoint = SyncCheckpoint.objects.get(resource="products")
    assert checkpoint.bulk_lines_applied == 5 * CHUNK
    assert checkpoint.run_id is not None
    # The ledger of the chunks applied is in the database, committed with them.
    assert SyncLedgerEntry.objects.filter(checkpoint=checkpoint).exists()

    [run] = sync_run(resources=["products"], full=True)

    assert (run.mode, run.status) == (SyncMode.FULL, SyncStatus.SUCCEEDED), run.errors
    killed = SyncRun.objects.get(pk=checkpoint.run_id)
    assert killed.status == SyncStatus.INTERRUPTED
    assert killed.bulk_operation_id == run.bulk_operation_id  # the same result, resumed
    # Only the product Shopify deleted (and its variants) went; everything it still has stays.
    products = store.snapshot("products")
    assert sorted(
        Product.all_objects.filter(deleted_at__isnull=False).values_list("shopify_id", flat=True)
    ) == [gone]
    assert sorted(
        Product.all_objects.filter(deleted_at__isnull=True).values_list("shopify_id", flat=True)
    ) == sorted(products)
    alive_variants = ProductVariant.all_objects.filter(deleted_at__isnull=True)
    assert alive_variants.count() == sum(len(p["variants"]) for p in products.values())
    assert SyncLedgerEntry.objects.count() == 0
    assert_no_drift(reconcile_run(resources=["products"]))
