"""Celery tasks of the webhooks app: thin, id-based wrappers around its services."""

from __future__ import annotations

from datetime import timedelta

from celery import Task, shared_task
from django.db import OperationalError
from django.utils import timezone

from .selectors import webhook_delivery_retry_ids
from .services import webhook_delivery_apply, webhook_delivery_fail

MAX_RETRIES = 5
RETRY_CAP_SECONDS = 30
# The sweep of failed deliveries: how old they are before a new try, how many tries in all.
SWEEP_AFTER = timedelta(minutes=5)
SWEEP_MAX_ATTEMPTS = 20
SWEEP_BATCH = 500


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True)
def webhook_apply_task(self: Task, delivery_id: int) -> str | None:
    """Apply one recorded delivery; transient database errors, and rows waiting for a parent
    record not mirrored yet, are retried with backoff (2 s … 30 s, 5 times; a delivery still
    failing then stays `failed` for reconciliation). A product whose webhook could not carry
    all its variants is then fetched whole."""
    try:
        outcome = webhook_delivery_apply(delivery_id=delivery_id)
    except OperationalError as exc:
        retries: int = self.request.retries
        if retries >= MAX_RETRIES:
            webhook_delivery_fail(delivery_id=delivery_id, error=f"{type(exc).__name__}: {exc}")
            raise
        raise self.retry(exc=exc, countdown=min(2**retries, RETRY_CAP_SECONDS)) from exc
    if outcome is None:
        return None
    if outcome.waiting and not self.request.is_eager and self.request.retries < MAX_RETRIES:
        # Its parent (an order, a product …) is likely in a delivery still on its way; eager
        # execution (no broker) leaves it failed for the next try.
        raise self.retry(countdown=min(2 ** (self.request.retries + 1), RETRY_CAP_SECONDS))
    if outcome.refresh_product_id is not None:
        webhook_product_refresh_task.delay(outcome.refresh_product_id)
    return outcome.status


@shared_task(acks_late=True)
def webhook_product_refresh_task(shopify_id: int) -> None:
    """Fetch a product with more variants than its webhook carried (Shopify sends 100)."""
    from shopify.sync import product_refresh

    product_refresh(shopify_id=shopify_id)


@shared_task(acks_late=True)
def webhook_retry_failed_task() -> int:
    """Queue failed deliveries again (a parent that arrived late, a database that was away):
    run it every few minutes from the beat schedule. Returns how many were queued."""
    ids = webhook_delivery_retry_ids(
        received_before=timezone.now() - SWEEP_AFTER,
        max_attempts=SWEEP_MAX_ATTEMPTS,
        limit=SWEEP_BATCH,
    )
    for delivery_id in ids:
        webhook_apply_task.delay(delivery_id)
    return len(ids)
