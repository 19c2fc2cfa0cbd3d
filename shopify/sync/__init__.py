"""The sync engine: Shopify -> mirror, full (bulk operations) and incremental (updated_at windows),
with per-resource checkpoints, deletions, and resumption after a crash or `kill -9`.

Public services:
- `sync_run(*, resources=None, full=False) -> list[SyncRun]`: sync resources in dependency order
  (locations, products, collections, customers, orders, inventory), one SyncRun each.
- `product_refresh(*, shopify_id)`: fetch one product completely (all its variants), for webhook
  payloads that carry only the first 100 variants.
- `bulk_operation_finished(*, gid)`: the `bulk_operations/finish` webhook arrived; a sync waiting
  for that operation stops polling and reads the result.

Settings (read when used): SHOPIFY_SYNC_OVERLAP_SECONDS (incremental window overlap, 120),
SHOPIFY_SYNC_BULK_THRESHOLD (a window with more records runs as a bulk operation, 2,000),
SHOPIFY_BULK_POLL_SECONDS / SHOPIFY_BULK_POLL_MAX_SECONDS (bulk status polling, 1 s -> 10 s),
SHOPIFY_SYNC_CHUNK_LINES (bulk result lines applied and checkpointed per chunk, 2,000).
"""

from __future__ import annotations

from django.db import transaction

from shopify import mirror
from shopify.choices import SyncStatus
from shopify.client import ShopifyClient
from shopify.connection import connection_get
from shopify.models import SyncCheckpoint, SyncRun

from .bulk import bulk_operation_finished
from .engine import circuit_is_open, sync_resource
from .fetch import node_items, page_fetch
from .resources import RESOURCE_ORDER, RESOURCES, resources_ordered

__all__ = [
    "RESOURCE_ORDER",
    "bulk_operation_finished",
    "product_refresh",
    "run_resumable",
    "sync_run",
]


def sync_run(*, resources: list[str] | None = None, full: bool = False) -> list[SyncRun]:
    """Sync the resources (all when None) in dependency order. A resource another process is
    syncing is skipped (its running run is listed when known). When Shopify's circuit opens,
    the resources after the failed one are not attempted."""
    specs = resources_ordered(resources)
    connection = connection_get()
    runs: list[SyncRun] = []
    with ShopifyClient.for_connection(connection) as client:
        for spec in specs:
            run = sync_resource(connection=connection, client=client, spec=spec, full=full)
            if run is None:
                continue
            runs.append(run)
            if run.status == SyncStatus.FAILED and circuit_is_open(client=client):
                break
    return runs


def product_refresh(*, shopify_id: int) -> None:
    """Fetch one product with every variant, image and metafield, and apply it (stale data never
    overwrites newer: the mirror's updated_at guard)."""
    connection = connection_get()
    with ShopifyClient.for_connection(connection) as client:
        page = page_fetch(
            client=client,
            spec=RESOURCES["products"],
            search=f"id:{int(shopify_id)}",
            after=None,
            first=1,
        )
    items, _ = node_items(page.nodes)
    if items:
        with transaction.atomic():
            mirror.apply(items)


def run_resumable(*, run: SyncRun) -> bool:
    """A run that failed transiently (Shopify unreachable, circuit open): its checkpoint kept
    the progress, and the next run of the resource resumes it."""
    return (
        run.status == SyncStatus.FAILED
        and SyncCheckpoint.objects.filter(
            connection_id=run.connection_id, resource=run.resource, run=run
        ).exists()
    )
