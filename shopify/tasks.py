"""Celery tasks of the connector: thin wrappers around the sync and reconciliation services.

Each is safe to run twice (a sync resumes from its checkpoint; a second concurrent sync of a
resource finds its lock held and skips it) and retries only transient failures (Shopify
unreachable), with backoff and a cap. Without a configured shop they do nothing.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

from shopify.client import ShopifyUnavailableError
from shopify.connection import ShopifyNotConfiguredError
from shopify.reconcile import reconcile_run
from shopify.sync import product_refresh, run_resumable, sync_run

RETRY_BACKOFF_SECONDS = 60
MAX_RETRIES = 3


@shared_task(bind=True, max_retries=MAX_RETRIES)
def shopify_sync_task(
    self: Any, resources: list[str] | None = None, full: bool = False
) -> list[dict[str, Any]]:
    """Sync the resources (all by default); retried when a resource failed transiently (its
    checkpoint kept, so the retry resumes)."""
    try:
        runs = sync_run(resources=resources, full=full)
    except ShopifyNotConfiguredError:
        return []
    summary = [{"id": run.pk, "resource": run.resource, "status": run.status} for run in runs]
    if any(run_resumable(run=run) for run in runs):
        raise self.retry(countdown=RETRY_BACKOFF_SECONDS * 2**self.request.retries)
    return summary


@shared_task
def shopify_reconcile_task(repair: bool = True) -> int | None:
    """Compare the store and the mirror (and repair); the report's id."""
    try:
        return reconcile_run(repair=repair).pk
    except ShopifyNotConfiguredError:
        return None


@shared_task(
    autoretry_for=(ShopifyUnavailableError,),
    retry_backoff=RETRY_BACKOFF_SECONDS,
    retry_backoff_max=15 * 60,
    max_retries=MAX_RETRIES,
)
def shopify_product_refresh_task(shopify_id: int) -> None:
    """Fetch one product completely (webhooks carry only its first 100 variants)."""
    product_refresh(shopify_id=shopify_id)
