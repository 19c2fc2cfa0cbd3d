"""Celery tasks of the compliance app: thin, id-based wrappers around its services."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from .retention import retention_run
from .services import data_subject_request_execute, shop_redact_execute


@shared_task(acks_late=True)
def data_subject_request_execute_task(request_id: int) -> str:
    """Carry out an export or erasure request; safe to run twice (a completed request is left
    as it is). Returns the request's status."""
    return str(data_subject_request_execute(request_id=request_id).status)


@shared_task(acks_late=True)
def shop_redact_execute_task(record_id: int) -> dict[str, Any]:
    """shop/redact: erase the shop's customers and guest buyers (a rerun continues)."""
    return dict(shop_redact_execute(record_id=record_id).evidence)


@shared_task(acks_late=True)
def retention_run_task() -> list[str]:
    """The nightly run of the active data retention policies (beat: 02:30 UTC)."""
    return retention_run().lines()
