"""Full and incremental sync against the in-process simulator."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from shopify.choices import SyncMode, SyncStatus
from shopify.reconcile import reconcile_run
from shopify.simulator import Simulator
from shopify.sync import sync_run


@pytest.fixture
def store(settings: Any) -> Iterator[Simulator]:
    sim = Simulator.generate(seed=3, products=8, customers=6, orders=10, locations=2)
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


@pytest.mark.django_db
def test_full_sync_then_reconcile_reports_no_drift(store: Simulator) -> None:
    runs = sync_run(full=True)

    assert [(run.resource, run.mode, run.status) for run in runs] == [
        (name, SyncMode.FULL, SyncStatus.SUCCEEDED)
        for name in ("locations", "products", "collections", "customers", "orders", "inventory")
    ], [run.errors for run in runs]
    report = reconcile_run()
    assert report.text.splitlines()[-1] == "drift: 0", report.text
