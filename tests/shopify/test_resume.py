"""`kill -9` of `manage.py shopify_sync --full` at random points, then resume: the mirror ends
identical to the store, nothing is duplicated, and each kill costs at most the chunk in flight.

The sync runs as a real subprocess against the test database (committed data: transaction=True)
and the simulator served by this test process."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection as db_connection

from catalog.models import Product, ProductVariant
from shopify.choices import SyncMode, SyncStatus
from shopify.client import ShopifyClient
from shopify.models import SyncCheckpoint, SyncRun
from shopify.reconcile import reconcile_run
from shopify.simulator import Simulator

from .test_sync import assert_no_drift, serve

MANAGE = Path(django_settings.BASE_DIR) / "manage.py"
_LOCK_NAMESPACE = 0x53594E43
CHUNK_LINES = django_settings.SHOPIFY_SYNC_CHUNK_LINES  # the sync processes' too


@pytest.fixture
def store(settings: Any) -> Iterator[Simulator]:
    # About 10,000 JSONL lines: five chunks, one product with 2,048 variants among them.
    sim = Simulator.generate(
        seed=21, products=700, customers=2, orders=2, big_product=True, fixtures=False
    )
    yield from serve(sim, settings)


def sync_process(sim_base_url: str, sim: Simulator, stderr: Any) -> subprocess.Popen[bytes]:
    database = db_connection.settings_dict
    url = (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "TEST_DATABASE_URL": url,
        "SHOPIFY_SHOP_DOMAIN": sim.shop_domain,
        "SHOPIFY_ACCESS_TOKEN": sim.access_token,
        "SHOPIFY_API_BASE_URL": sim_base_url,
    }
    command = [sys.executable, str(MANAGE), "shopify_sync", "--full", "--resources", "products"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=stderr)


def checkpoint_lines() -> tuple[str, int]:
    checkpoint = SyncCheckpoint.objects.filter(resource="products").first()
    if checkpoint is None:
        return "", 0
    return checkpoint.bulk_operation_id, checkpoint.bulk_lines_applied


def wait_for(condition: Any, *, timeout: float, process: subprocess.Popen[bytes]) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if process.poll() is not None:
            return False
        time.sleep(0.02)
    raise AssertionError("the sync did not get there in time")


def wait_for_lock_release() -> None:
    """A killed process's database session (and its advisory lock) ends a moment later."""
    deadline = time.monotonic() + 10
    with db_connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s"
                # pg_locks is the cluster's: other databases' syncs (parallel test workers, other
                # checkouts) hold locks of the same namespace.
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
                [_LOCK_NAMESPACE],
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.05)
    raise AssertionError("the killed sync's lock was never released")


@pytest.mark.django_db(transaction=True)
def test_kill_9_at_random_points_then_resume_ends_with_the_store_mirrored(
    store: Simulator, settings: Any, tmp_path: Path
) -> None:
    sim = store
    base_url = settings.SHOPIFY_API_BASE_URL
    rng = random.Random(2026)
    stderr = (tmp_path / "sync.stderr").open("wb")
    # First kill: while the bulk operation is still running at Shopify (polling).
    sim.bulk.delay_seconds = 2.0
    kills: list[tuple[str, int]] = []
    process = sync_process(base_url, sim, stderr)
    wait_for(lambda: checkpoint_lines()[0] != "", timeout=60, process=process)
    time.sleep(rng.uniform(0.0, 0.5))
    process.send_signal(signal.SIGKILL)
    process.wait()
    kills.append(checkpoint_lines())
    sim.bulk.delay_seconds = 0.0
    # Then: at random moments while the result is applied: after the first chunk, after the
    # second, after a random one, each time plus a random part of the next chunk.
    finished = False
    for chunks in (1, 2, rng.randint(0, 3)):
        wait_for_lock_release()
        killed_run = SyncRun.objects.filter(resource="products").latest("started_at").pk
        process = sync_process(base_url, sim, stderr)
        target = CHUNK_LINES * chunks
        reached = wait_for(
            lambda target=target, killed_run=killed_run: (
                checkpoint_lines()[1] >= target and checkpoint_run() > killed_run
            ),
            timeout=120,
            process=process,
        )
        if not reached:  # it finished before the moment came
            assert process.wait() == 0, (tmp_path / "sync.stderr").read_text()
            finished = True
            break
        time.sleep(rng.uniform(0.0, 0.6))
        process.send_signal(signal.SIGKILL)
        process.wait()
        if checkpoint_run() == 0:  # it completed just before the signal
            finished = True
            break
        kills.append(checkpoint_lines())
        assert kills[-1][1] >= target
    if not finished:
        wait_for_lock_release()
        process = sync_process(base_url, sim, stderr)
        assert process.wait(timeout=300) == 0, (tmp_path / "sync.stderr").read_text()
    stderr.close()

    runs = list(SyncRun.objects.filter(resource="products").order_by("started_at"))
    assert kills[0] == (runs[0].bulk_operation_id, 0)
    assert len(kills) >= 3  # during the wait, after the first chunk, after the second
    assert len(runs) == len(kills) + 1
    assert [run.status for run in runs] == [SyncStatus.INTERRUPTED] * (len(runs) - 1) + [
        SyncStatus.SUCCEEDED
    ]
    assert {run.mode for run in runs} == {SyncMode.FULL}
    # One bulk operation, resumed by every run: each of its lines applied exactly once, the
    # killed runs having committed whole chunks only (what was in flight was rolled back).
    gids = {run.bulk_operation_id for run in runs}
    assert len(gids) == 1
    with ShopifyClient(
        shop_domain=sim.shop_domain, access_token=sim.access_token, base_url=base_url
    ) as client:
        operation = client.execute(
            "query($id: ID!) { node(id: $id) { ... on BulkOperation { objectCount } } }",
            {"id": gids.pop()},
        )
    total_lines = int(operation["node"]["objectCount"])
    assert total_lines > 3 * CHUNK_LINES
    assert sum(run.records_seen for run in runs) == total_lines
    applied = 0
    for run in runs[:-1]:  # each killed run ended on a chunk boundary (or at the end)
        applied += run.records_seen
        assert applied % CHUNK_LINES == 0 or applied == total_lines
    # No duplicates, nothing missing, every field as at the store.
    products = sim.snapshot("products")
    assert Product.objects.filter(shopify_id__isnull=False).count() == len(products)
    assert ProductVariant.objects.count() == sum(len(p["variants"]) for p in products.values())
    assert_no_drift(reconcile_run(resources=["products"]))


def checkpoint_run() -> int:
    """The run the checkpoint belongs to (0 for none)."""
    checkpoint = SyncCheckpoint.objects.filter(resource="products").first()
    return checkpoint.run_id or 0 if checkpoint else 0
