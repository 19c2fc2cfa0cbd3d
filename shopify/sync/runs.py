"""Sync runs and checkpoints: the bookkeeping every sync path shares.

A run's work is committed in steps (a bulk chunk, a page, a batch of deletes). Each step writes
its mirror rows, its ledger entries (`ledger`), the run's counters and the resource's checkpoint
in ONE transaction, so a process killed at any moment leaves a checkpoint (and a ledger) that
describes exactly what the mirror holds.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection as db_connection
from django.db import transaction
from django.utils import timezone

from shopify import mirror
from shopify.choices import SyncStatus
from shopify.client import ClientStats, ShopifyClient
from shopify.models import ShopifyConnection, SyncCheckpoint, SyncRun
from shopify.rows import ApplyResult, MirrorItem, MirrorRow

from .ledger import Entry, ledger_clear, ledger_write
from .resources import RESOURCE_ORDER

# pg_try_advisory_lock(namespace, key): the namespace keeps our keys apart from other users'.
_LOCK_NAMESPACE = 0x53594E43  # "SYNC"
_MAX_ERRORS = 50


@contextmanager
def resource_lock(*, connection: ShopifyConnection, resource: str) -> Iterator[bool]:
    """Hold the session-level advisory lock of (shop, resource) for the duration of the block;
    yields False (and holds nothing) when another process holds it. The lock goes away with the
    database session, so a killed sync never leaves it behind. SQLite (the embedded profile)
    runs one process: no lock needed."""
    if db_connection.vendor != "postgresql":
        yield True
        return
    key = connection.pk * len(RESOURCE_ORDER) + RESOURCE_ORDER.index(resource)
    with db_connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_LOCK_NAMESPACE, key])
        acquired = bool(cursor.fetchone()[0])
    try:
        yield acquired
    finally:
        if acquired:
            with db_connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_LOCK_NAMESPACE, key])


@dataclass
class Totals:
    records_seen: int = 0
    created: int = 0
    updated: int = 0
    stale: int = 0
    deleted: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def plus(self, result: ApplyResult, *, records: int, items: Iterable[MirrorItem]) -> Totals:
        counts = dict(self.counts)
        for item in items:
            if isinstance(item, MirrorRow):
                counts[item.model] = counts.get(item.model, 0) + 1
        return Totals(
            records_seen=self.records_seen + records,
            created=self.created + sum(result.created.values()),
            updated=self.updated + sum(result.updated.values()),
            stale=self.stale + sum(result.stale.values()),
            deleted=self.deleted + sum(result.deleted.values()),
            counts=counts,
        )


class RunTracker:
    """One resource's run in progress: applies steps with their checkpoint, keeps the run's
    counters and the client's statistics up to date, and ends the run."""

    def __init__(
        self,
        *,
        run: SyncRun,
        checkpoint: SyncCheckpoint,
        client: ShopifyClient,
        resumed: bool,
    ) -> None:
        self.run = run
        self.checkpoint = checkpoint
        self.client = client
        self.resumed = resumed
        self.totals = Totals()
        self.deferred: list[MirrorRow] = []
        self._stats_base: ClientStats = client.stats.copy()

    # --- steps ---------------------------------------------------------------------------------

    def apply(
        self,
        items: list[MirrorItem],
        *,
        records: int,
        retry: bool = False,
        ledger: Collection[Entry] = (),
        **checkpoint: Any,
    ) -> ApplyResult:
        """Write one step: the items, their ledger entries, the run's counters and the
        checkpoint fields given, in one transaction. (`retry`: rows counted already, when they
        were deferred.)"""
        with transaction.atomic():
            result = mirror.apply(items)
            ledger_write(checkpoint_id=self.checkpoint.pk, entries=ledger)
            totals = self.totals.plus(result, records=records, items=() if retry else items)
            self._write(totals, checkpoint)
        self.totals = totals
        self.deferred.extend(result.deferred)
        return result

    def save(self, *, ledger_reset: bool = False, **checkpoint: Any) -> None:
        """Write the checkpoint fields given (and the heartbeat), no mirror rows; with
        `ledger_reset`, the ledger is cleared in the same transaction."""
        with transaction.atomic():
            if ledger_reset:
                ledger_clear(checkpoint_id=self.checkpoint.pk)
            self._write(self.totals, checkpoint)

    def heartbeat(self) -> None:
        SyncRun.objects.filter(pk=self.run.pk).update(heartbeat_at=timezone.now())

    def error(self, message: str) -> None:
        """Record a problem that does not stop the run."""
        errors = list(self.run.errors)
        if len(errors) < _MAX_ERRORS:
            errors.append({"at": timezone.now().isoformat(), "error": message})
        self.run.errors = errors
        SyncRun.objects.filter(pk=self.run.pk).update(errors=errors)

    def retry_deferred(self) -> None:
        """Rows whose parent was missing when their step was applied, applied once more now that
        every step is in; what still cannot be applied is reported."""
        if not self.deferred:
            return
        rows, self.deferred = self.deferred, []
        result = self.apply(list(rows), records=0, retry=True)
        still = result.deferred
        self.deferred = []
        if still:
            examples = ", ".join(f"{row.model} {row.shopify_id}" for row in still[:10])
            self.error(f"{len(still)} row(s) refer to records Shopify did not return: {examples}")

    # --- the end -------------------------------------------------------------------------------

    def succeed(self, *, high_water_mark: datetime | None) -> SyncRun:
        """The run is complete: the checkpoint keeps only the high-water mark (its ledger
        goes)."""
        fields: dict[str, Any] = {
            "run": None,
            "cursor": "",
            "bulk_operation_id": "",
            "bulk_url": "",
            "bulk_lines_applied": 0,
        }
        if high_water_mark is not None:
            fields["high_water_mark"] = high_water_mark
        return self._finish(SyncStatus.SUCCEEDED, fields, ledger_reset=True)

    def fail(self, *, reason: str, resumable: bool) -> SyncRun:
        """The run stops. A resumable failure (Shopify unreachable, circuit open) keeps the
        checkpoint's progress for the next run; any other keeps only the high-water mark, which
        is always safe, so the next run starts its pass afresh."""
        self.error(reason)
        fields: dict[str, Any] = {}
        if not resumable:
            fields = {
                "run": None,
                "cursor": "",
                "bulk_operation_id": "",
                "bulk_url": "",
                "bulk_lines_applied": 0,
            }
        return self._finish(SyncStatus.FAILED, fields, ledger_reset=not resumable)

    def _finish(
        self, status: str, checkpoint: dict[str, Any], *, ledger_reset: bool = False
    ) -> SyncRun:
        with transaction.atomic():
            if ledger_reset:
                ledger_clear(checkpoint_id=self.checkpoint.pk)
            self._write(self.totals, checkpoint)
            now = timezone.now()
            SyncRun.objects.filter(pk=self.run.pk).update(
                status=status, finished_at=max(now, self.run.started_at)
            )
        self.run.refresh_from_db()
        return self.run

    def _write(self, totals: Totals, checkpoint: dict[str, Any]) -> None:
        stats = self.client.stats.since(self._stats_base)
        now = timezone.now()
        run_fields: dict[str, Any] = {
            "records_seen": totals.records_seen,
            "created": totals.created,
            "updated": totals.updated,
            "stale": totals.stale,
            "deleted": totals.deleted,
            "counts": totals.counts,
            "requests": stats.requests,
            "throttled": stats.throttled,
            "retries": stats.retries,
            "cost_points": stats.cost_points,
            "throttle_wait_seconds": round(stats.wait_seconds, 3),
            "heartbeat_at": now,
        }
        if checkpoint.get("bulk_operation_id"):
            run_fields["bulk_operation_id"] = checkpoint["bulk_operation_id"]
        SyncRun.objects.filter(pk=self.run.pk).update(**run_fields)
        for name, value in run_fields.items():
            setattr(self.run, name, value)
        if checkpoint:
            SyncCheckpoint.objects.filter(pk=self.checkpoint.pk).update(
                updated_at=now, **checkpoint
            )
            for name, value in checkpoint.items():
                setattr(self.checkpoint, name, value)


def run_start(
    *,
    connection: ShopifyConnection,
    resource: str,
    mode: str,
    client: ShopifyClient,
    window_start: datetime | None = None,
    resume: bool = False,
) -> RunTracker:
    """Open a run of `resource` (the caller holds the resource's lock). Runs left RUNNING by a
    killed process are marked INTERRUPTED; with `resume`, the checkpoint's progress is kept for
    the new run to continue from, otherwise it is cleared (the high-water mark stays)."""
    now = timezone.now()
    with transaction.atomic():
        checkpoint = checkpoint_lock(connection=connection, resource=resource)
        interrupted_runs_close(connection=connection, resource=resource, now=now)
        run = SyncRun.objects.create(
            connection=connection,
            resource=resource,
            mode=mode,
            status=SyncStatus.RUNNING,
            started_at=now,
            heartbeat_at=now,
            window_start=window_start,
            bulk_operation_id=checkpoint.bulk_operation_id if resume else "",
        )
        fields: dict[str, Any] = {"run": run}
        if not resume:
            fields.update(cursor="", bulk_operation_id="", bulk_url="", bulk_lines_applied=0)
            ledger_clear(checkpoint_id=checkpoint.pk)
        SyncCheckpoint.objects.filter(pk=checkpoint.pk).update(updated_at=now, **fields)
        for name, value in fields.items():
            setattr(checkpoint, name, value)
    return RunTracker(run=run, checkpoint=checkpoint, client=client, resumed=resume)


def checkpoint_lock(*, connection: ShopifyConnection, resource: str) -> SyncCheckpoint:
    """The resource's checkpoint row, created on first use, locked for this transaction."""
    SyncCheckpoint.objects.get_or_create(connection=connection, resource=resource)
    return (
        SyncCheckpoint.objects.select_for_update(of=("self",))
        .select_related("run")
        .get(connection=connection, resource=resource)
    )


def checkpoint_get(*, connection: ShopifyConnection, resource: str) -> SyncCheckpoint:
    checkpoint, _ = SyncCheckpoint.objects.select_related("run").get_or_create(
        connection=connection, resource=resource
    )
    return checkpoint


def interrupted_runs_close(*, connection: ShopifyConnection, resource: str, now: datetime) -> int:
    """Runs of the resource still RUNNING although nobody holds its lock: their process died.
    They become INTERRUPTED, finished at their last heartbeat."""
    stale = list(
        SyncRun.objects.filter(
            connection=connection, resource=resource, status=SyncStatus.RUNNING
        ).only("pk", "started_at", "heartbeat_at")
    )
    for run in stale:
        SyncRun.objects.filter(pk=run.pk).update(
            status=SyncStatus.INTERRUPTED,
            finished_at=max(run.heartbeat_at or run.started_at, run.started_at),
        )
    return len(stale)
