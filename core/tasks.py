"""Scheduled housekeeping of the core app (thin: the work is in services)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def purge_idempotency_keys() -> int:
    return services.idempotency_keys_purge()
