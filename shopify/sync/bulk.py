"""Bulk operations: start one, wait for it to finish, stream its JSONL result.

Waiting polls `BULK_STATUS` with a backoff (1 s doubling to 10 s; settings
SHOPIFY_BULK_POLL_SECONDS and SHOPIFY_BULK_POLL_MAX_SECONDS) and wakes up early when the
`bulk_operations/finish` webhook arrives: `bulk_operation_finished` marks the operation finished
in the cache (seen by every process) and wakes a waiter of this process at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from django.conf import settings
from django.core.cache import cache
from django.utils.dateparse import parse_datetime

from shopify import queries
from shopify.client import ShopifyClient, ShopifyHTTPError

from .errors import BulkResultGoneError, SyncError

FINISHED_KEY_TTL_SECONDS = 3600
BUSY_WAIT_SECONDS = 300.0
_WAKE_CHECK_SECONDS = 0.25
_DONE = frozenset({"COMPLETED"})
_FAILED = frozenset({"FAILED", "CANCELED", "CANCELING", "EXPIRED"})
_GONE_STATUS_CODES = frozenset({403, 404, 410})

_waiters: dict[str, threading.Event] = {}
_waiters_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class BulkOperation:
    gid: str
    status: str
    url: str | None
    created_at: datetime | None
    object_count: int
    error_code: str | None


def bulk_start(
    *, client: ShopifyClient, document: str, busy_wait_seconds: float = BUSY_WAIT_SECONDS
) -> str:
    """Start a bulk query; its GID. Shopify runs one bulk query per shop at a time: while
    another is running (a reconciliation, another resource's sync), wait for it, up to
    `busy_wait_seconds`."""
    deadline = time.monotonic() + busy_wait_seconds
    delay = 1.0
    while True:
        data = client.execute(queries.BULK_RUN, {"query": document})
        payload = data["bulkOperationRunQuery"] or {}
        user_errors = payload.get("userErrors") or []
        if not user_errors:
            break
        busy = any(
            error.get("code") == "OPERATION_IN_PROGRESS"
            or "in progress" in str(error.get("message", "")).lower()
            for error in user_errors
        )
        if not busy or time.monotonic() + delay > deadline:
            messages = "; ".join(str(error.get("message")) for error in user_errors)
            raise SyncError(f"Shopify refused the bulk operation: {messages}")
        time.sleep(delay)
        delay = min(delay * 2, 10.0)
    operation = payload.get("bulkOperation") or {}
    if not operation.get("id"):
        raise SyncError("Shopify started no bulk operation")
    return str(operation["id"])


def bulk_status(*, client: ShopifyClient, gid: str) -> BulkOperation:
    node = client.execute(queries.BULK_STATUS, {"id": gid}).get("node")
    if not node:
        raise BulkResultGoneError(f"bulk operation {gid} no longer exists")
    created = node.get("createdAt")
    return BulkOperation(
        gid=gid,
        status=str(node.get("status")),
        url=node.get("url") or None,
        created_at=parse_datetime(created) if created else None,
        object_count=int(node.get("objectCount") or 0),
        error_code=node.get("errorCode"),
    )


def bulk_wait(
    *, client: ShopifyClient, gid: str, on_poll: Callable[[], None] | None = None
) -> BulkOperation:
    """Poll until the operation is COMPLETED (returned) or has failed (SyncError;
    BulkResultGoneError when it expired)."""
    delay = settings.SHOPIFY_BULK_POLL_SECONDS
    ceiling = settings.SHOPIFY_BULK_POLL_MAX_SECONDS
    event = _waiter(gid)
    try:
        while True:
            operation = bulk_status(client=client, gid=gid)
            if operation.status in _DONE:
                return operation
            if operation.status == "EXPIRED":
                raise BulkResultGoneError(f"bulk operation {gid} expired")
            if operation.status in _FAILED:
                raise SyncError(
                    f"bulk operation {gid} {operation.status.lower()}"
                    + (f" ({operation.error_code})" if operation.error_code else "")
                )
            if on_poll is not None:
                on_poll()
            _sleep_unless_finished(gid, event, delay)
            delay = min(delay * 2, ceiling)
    finally:
        with _waiters_lock:
            _waiters.pop(gid, None)


def bulk_lines(*, client: ShopifyClient, url: str) -> Iterator[dict[str, Any]]:
    """The result's lines, parsed, streamed (never the whole file in memory). A URL that no
    longer works (Shopify's expire after a week) raises BulkResultGoneError."""
    try:
        for raw in client.iter_lines(url):
            yield orjson.loads(raw)
    except ShopifyHTTPError as error:
        if error.status_code in _GONE_STATUS_CODES:
            raise BulkResultGoneError(f"bulk result no longer available: {error}") from error
        raise


def bulk_operation_finished(*, gid: str) -> None:
    """The `bulk_operations/finish` webhook arrived: wake whoever waits for `gid`."""
    cache.set(_finished_key(gid), True, timeout=FINISHED_KEY_TTL_SECONDS)
    with _waiters_lock:
        event = _waiters.get(gid)
    if event is not None:
        event.set()


def _finished_key(gid: str) -> str:
    return f"shopify:bulk-finished:{gid}"


def _waiter(gid: str) -> threading.Event:
    with _waiters_lock:
        return _waiters.setdefault(gid, threading.Event())


def _sleep_unless_finished(gid: str, event: threading.Event, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    key = _finished_key(gid)
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return
        if event.wait(min(left, _WAKE_CHECK_SECONDS)) or cache.get(key):
            return
