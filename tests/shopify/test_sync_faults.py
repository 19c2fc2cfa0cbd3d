"""The sync under hostile conditions: injected 5xx and dropped connections, a shop failing every
request (the circuit opens), and the 100 points/s plan (no THROTTLED response)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest

from shopify.choices import CircuitState, SyncMode, SyncStatus
from shopify.client import ShopifyClient
from shopify.models import ShopifyConnection, SyncCheckpoint
from shopify.reconcile import reconcile_run
from shopify.simulator import Faults, Simulator
from shopify.sync import run_resumable, sync_run
from shopify.sync.fetch import page_fetch
from shopify.sync.resources import RESOURCES as RESOURCE_SPECS

from .test_sync import RESOURCES, assert_no_drift, serve


@pytest.fixture
def store(settings: Any) -> Iterator[Simulator]:
    yield from serve(Simulator.generate(seed=9, products=6, customers=6, orders=8), settings)


@pytest.mark.django_db
def test_sync_completes_through_5xx_and_dropped_connections_on_10_percent_of_requests(
    store: Simulator,
) -> None:
    store.faults = Faults(seed=7, error_rate=0.07, timeout_rate=0.03, timeout_seconds=0.2)

    runs = sync_run(full=True)
    for product_id in sorted(store.snapshot("products"))[:2]:
        store.update_product(product_id, title=f"Renamed {product_id}")
    incremental = sync_run(resources=["products"])

    injected = store.stats.errors_injected + store.stats.timeouts_injected
    assert injected >= 3
    assert [run.status for run in runs + incremental] == [SyncStatus.SUCCEEDED] * 7
    assert sum(run.retries for run in runs + incremental) == injected
    store.faults = Faults()
    assert_no_drift(reconcile_run())


@pytest.mark.django_db
def test_a_shop_failing_every_request_opens_the_circuit_and_the_run_says_so(
    store: Simulator,
) -> None:
    sync_run(full=True)
    store.update_product(min(store.snapshot("products")), title="Never fetched")
    store.faults = Faults(seed=1, error_rate=1.0)
    connection = ShopifyConnection.objects.get()
    # Four failures already counted: the next failed request (after its retries) opens it.
    ShopifyConnection.objects.filter(pk=connection.pk).update(consecutive_failures=4)

    runs = sync_run()

    assert [(run.resource, run.status) for run in runs] == [("locations", SyncStatus.FAILED)]
    assert "failed after 6 attempts" in runs[0].errors[-1]["error"]
    assert run_resumable(run=runs[0])
    connection.refresh_from_db()
    assert connection.circuit_state == CircuitState.OPEN
    requests_so_far = store.stats.requests

    again = sync_run(resources=["products"])

    assert [(run.resource, run.status, run.requests) for run in again] == [
        ("products", SyncStatus.FAILED, 0)
    ]
    assert again[0].errors[-1]["error"].startswith(f"circuit open for {store.shop_domain}")
    assert store.stats.requests == requests_so_far
    checkpoint = SyncCheckpoint.objects.get(resource="products")
    assert checkpoint.run_id == again[0].pk


@pytest.mark.django_db
def test_full_and_incremental_sync_at_100_points_per_second_are_never_throttled(
    store: Simulator,
) -> None:
    store.plan = "standard"

    runs = sync_run(full=True)
    store.update_product(min(store.snapshot("products")), title="Paged at 100 points/s")
    for customer_id in sorted(store.snapshot("customers"))[:3]:
        store.update_customer(customer_id, note="paged at 100 points/s")
    incremental = sync_run()

    assert [(run.mode, run.status) for run in runs] == [
        (SyncMode.FULL, SyncStatus.SUCCEEDED) for _ in RESOURCES
    ]
    assert [(run.mode, run.status) for run in incremental] == [
        (SyncMode.INCREMENTAL, SyncStatus.SUCCEEDED) for _ in RESOURCES
    ]
    assert incremental[1].counts["product"] == 1
    assert incremental[3].counts["customer"] == 3
    assert store.stats.throttled == 0
    assert sum(run.throttled for run in runs + incremental) == 0
    assert_no_drift(reconcile_run())


@pytest.mark.django_db
def test_a_page_refused_for_its_cost_is_asked_for_again_with_fewer_nodes(
    store: Simulator, settings: Any
) -> None:
    spec = dataclasses.replace(RESOURCE_SPECS["customers"], page_size=250)
    with ShopifyClient(
        shop_domain=store.shop_domain,
        access_token=store.access_token,
        base_url=settings.SHOPIFY_API_BASE_URL,
    ) as client:
        page = page_fetch(client=client, spec=spec, search=None, after=None, first=250)

    assert client.stats.requests == 2  # refused (MAX_COST_EXCEEDED), then served
    assert 1 <= page.first < 250
    assert len(page.nodes) == min(page.first, len(store.snapshot("customers")))
