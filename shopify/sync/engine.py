"""The sync passes: full (bulk operation), incremental (updated_at window, paged or as a filtered
bulk operation when the window is large), deletions, and their resumption after a crash.

Ordering guarantees:
- A bulk result is applied in chunks of SHOPIFY_SYNC_CHUNK_LINES lines; each chunk, its ledger
  entries (`ledger`: the ids seen, child sets, orders with children) and the checkpoint's
  `bulk_lines_applied` commit together, so a resumed run skips exactly the lines already applied
  (of the same result), redoes at most the chunk in flight when the process died, and ends with
  the ledger of the whole result (what it deletes as gone from Shopify is what the whole result
  lacked, not what the chunks read after the restart lacked).
- An incremental page and the checkpoint's cursor and high-water mark commit together. Pages are
  sorted by updatedAt ascending, so the high-water mark (the newest updatedAt applied) never
  passes a record not yet applied; records updated during the scan move to its end and are seen
  again; records sharing one updatedAt are covered by `>=` and the overlap.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from django.conf import settings

from shopify import mirror, queries
from shopify.choices import CircuitState, LedgerKind, SyncMode, SyncStatus
from shopify.client import ShopifyClient, ShopifyError, ShopifyGraphQLError
from shopify.mapping.graphql import LineMapper
from shopify.models import ShopifyConnection, SyncRun
from shopify.rows import (
    MODEL_KEYS,
    MirrorDelete,
    MirrorItem,
    MirrorRow,
    gid_type,
    legacy_id,
)

from .bulk import BulkOperation, bulk_lines, bulk_start, bulk_wait
from .errors import BulkResultGoneError, SyncError
from .fetch import (
    deletion_events,
    newest_updated_at,
    node_items,
    order_children_fetch,
    order_children_items,
    order_has_children,
    page_fetch,
    shopify_time,
)
from .ledger import Entry, ledger_analyze, ledger_child_sets, ledger_ids, ledger_missing
from .prefetch import prefetched
from .resources import ResourceSpec
from .runs import RunTracker, checkpoint_get, resource_lock, run_start

# A first full sync fills empty tables: the planner gets statistics after the 2nd, 20th and
# 200th chunk, or it keeps planning the lookups of each chunk for empty tables (full scans).
ANALYZE_AFTER_CHUNKS = frozenset({2, 20, 200})
_CHILDREN_CURSOR = "children:"

# Child lines of a bulk result: (parent GID type, child GID type) -> child model. A filtered
# (incremental) bulk result holds every child of each parent it returns, so the parents' child
# sets are complete.
_BULK_CHILDREN: dict[tuple[str, str], str] = {
    ("Product", "ProductVariant"): "product_variant",
    ("Product", "MediaImage"): "product_image",
    ("Product", "Metafield"): "metafield",
    ("Collection", "Product"): "collection_product",
    ("Customer", "MailingAddress"): "customer_address",
    ("Order", "LineItem"): "order_line_item",
    ("InventoryItem", "InventoryLevel"): "inventory_level",
}
# Children keyed by their parent and another record (no id of their own): their sets are pruned
# even after a complete result, which deletes by id.
_KEYED_BY_PAIR = frozenset({"collection_product", "inventory_level"})
# Pruned through their parents' complete sets (ORDER_CHILDREN), which a resumed run does not read
# again for the orders done before the crash: never taken for deleted by id.
_PRUNED_BY_PARENT = frozenset({"fulfillment_line_item", "refund_line_item"})
_PARENT_MODELS = {
    "Product": "product",
    "Collection": "collection",
    "Customer": "customer",
    "Order": "order",
    "InventoryItem": "inventory_item",
}


PassKind = Literal["bulk", "paged", "scan"]  # scan: a complete paged read (locations)


@dataclass(frozen=True, slots=True)
class Plan:
    mode: str
    kind: PassKind
    window_start: datetime | None
    resume: bool


def sync_resource(
    *, connection: ShopifyConnection, client: ShopifyClient, spec: ResourceSpec, full: bool
) -> SyncRun | None:
    """Sync one resource. None when another process is syncing it (its run is returned when
    known)."""
    with resource_lock(connection=connection, resource=spec.name) as acquired:
        if not acquired:
            running = checkpoint_get(connection=connection, resource=spec.name).run
            return running if running and running.status == SyncStatus.RUNNING else None
        plan = _plan(connection=connection, spec=spec, full=full)
        tracker = run_start(
            connection=connection,
            resource=spec.name,
            mode=plan.mode,
            client=client,
            window_start=plan.window_start,
            resume=plan.resume,
        )
        try:
            high_water_mark = _execute(tracker=tracker, spec=spec, plan=plan)
            tracker.retry_deferred()
        except (ShopifyGraphQLError, SyncError) as error:
            # Shopify refused the query, the bulk operation failed or its result is gone: the
            # progress made is of no use to the next run (the high-water mark stays).
            return tracker.fail(reason=str(error), resumable=False)
        except ShopifyError as error:
            # Unreachable, circuit open, token refused: the next run resumes the progress.
            return tracker.fail(reason=str(error), resumable=True)
        except Exception as error:
            tracker.fail(reason=f"{type(error).__name__}: {error}", resumable=True)
            raise
        return tracker.succeed(high_water_mark=high_water_mark)


def circuit_is_open(*, client: ShopifyClient) -> bool:
    return client.breaker.state == CircuitState.OPEN


# --- planning ------------------------------------------------------------------------------------


def _overlap() -> timedelta:
    return timedelta(seconds=settings.SHOPIFY_SYNC_OVERLAP_SECONDS)


def _plan(*, connection: ShopifyConnection, spec: ResourceSpec, full: bool) -> Plan:
    """Resume what a killed or failed run left (an unfinished full sync always; an unfinished
    incremental one unless a full sync is asked for), else start afresh."""
    checkpoint = checkpoint_get(connection=connection, resource=spec.name)
    previous = checkpoint.run
    if spec.bulk_document is None:  # locations: always a complete scan, few records
        return Plan(mode=_mode(full), kind="scan", window_start=None, resume=False)
    if previous is not None and previous.status != SyncStatus.SUCCEEDED:
        if checkpoint.bulk_operation_id and (previous.mode == SyncMode.FULL or not full):
            return Plan(
                mode=previous.mode,
                kind="bulk",
                window_start=previous.window_start,
                resume=True,
            )
        if checkpoint.cursor and previous.mode == SyncMode.INCREMENTAL and not full:
            return Plan(
                mode=SyncMode.INCREMENTAL,
                kind="paged",
                window_start=previous.window_start,
                resume=True,
            )
    if full or checkpoint.high_water_mark is None:
        return Plan(mode=SyncMode.FULL, kind="bulk", window_start=None, resume=False)
    window_start = checkpoint.high_water_mark - _overlap()
    # Paged where the page document is sorted by updatedAt; otherwise a filtered bulk operation,
    # whose createdAt is a safe high-water mark whatever the order of its lines.
    kind: PassKind = "paged" if spec.sorted_by_updated_at else "bulk"
    return Plan(mode=SyncMode.INCREMENTAL, kind=kind, window_start=window_start, resume=False)


def _mode(full: bool) -> str:
    return SyncMode.FULL if full else SyncMode.INCREMENTAL


def _window_search(window_start: datetime | None) -> str | None:
    if window_start is None:
        return None
    return f"updated_at:>='{shopify_time(window_start)}'"


# --- execution -----------------------------------------------------------------------------------


def _execute(*, tracker: RunTracker, spec: ResourceSpec, plan: Plan) -> datetime | None:
    if plan.kind == "scan":
        return _scan_pass(tracker=tracker, spec=spec)
    search = _window_search(plan.window_start)
    kind: PassKind = plan.kind
    if kind == "paged" and not plan.resume and _window_is_large(tracker, spec, search):
        kind = "bulk"
    if kind == "bulk":
        high_water_mark = _bulk_pass(
            tracker=tracker, spec=spec, search=search, complete=plan.mode == SyncMode.FULL
        )
    else:
        after = tracker.checkpoint.cursor if plan.resume else None
        high_water_mark = _paged_pass(tracker=tracker, spec=spec, search=search, after=after)
    if plan.mode == SyncMode.INCREMENTAL and plan.window_start is not None:
        _deletion_pass(tracker=tracker, spec=spec, since=plan.window_start)
    return high_water_mark


def _window_is_large(tracker: RunTracker, spec: ResourceSpec, search: str | None) -> bool:
    """Whether the window holds more records than paging moves cheaply (COUNTS): a bulk
    operation with the same filter costs no points."""
    if spec.count_key is None:
        return False
    threshold = settings.SHOPIFY_SYNC_BULK_THRESHOLD
    counts = tracker.client.execute(queries.COUNTS, {"query": search})
    count = int((counts.get(spec.count_key) or {}).get("count") or 0)
    return count > threshold


def _paged_pass(
    *, tracker: RunTracker, spec: ResourceSpec, search: str | None, after: str | None
) -> datetime | None:
    client = tracker.client
    first = spec.page_size
    high_water_mark = tracker.checkpoint.high_water_mark
    while True:
        page = page_fetch(client=client, spec=spec, search=search, after=after, first=first)
        first = page.first
        items, records = node_items(page.nodes)
        if spec.root_model == "order":
            with_children = [
                legacy_id(node["id"]) for node in page.nodes if order_has_children(node)
            ]
            for nodes in order_children_fetch(client=client, order_ids=with_children):
                items.extend(order_children_items(nodes))
        newest = newest_updated_at(page.nodes)
        if newest is not None and (high_water_mark is None or newest > high_water_mark):
            high_water_mark = newest
        tracker.apply(
            items,
            records=records,
            cursor=page.end_cursor or after or "",
            high_water_mark=high_water_mark,
        )
        if not page.has_next or not page.end_cursor:
            return high_water_mark
        after = page.end_cursor


def _scan_pass(*, tracker: RunTracker, spec: ResourceSpec) -> datetime | None:
    """Read every record (paged), then delete the mirrored ones Shopify no longer has."""
    client = tracker.client
    newest: datetime | None = None
    after: str | None = None
    first = spec.page_size
    while True:
        page = page_fetch(client=client, spec=spec, search=None, after=after, first=first)
        first = page.first
        items, records = node_items(page.nodes)
        seen: set[Entry] = {
            (LedgerKind.SEEN, spec.root_model, legacy_id(node["id"]), None) for node in page.nodes
        }
        page_newest = newest_updated_at(page.nodes)
        if page_newest is not None and (newest is None or page_newest > newest):
            newest = page_newest
        tracker.apply(items, records=records, ledger=seen)
        if not page.has_next or not page.end_cursor:
            break
        after = page.end_cursor
    # A record created during the scan (mirrored by a webhook, missed by the scan) is newer
    # than everything the scan saw: only older records are taken for deleted.
    _delete_missing(tracker=tracker, models=[spec.root_model], before=newest, inclusive=True)
    return newest


def _deletion_pass(*, tracker: RunTracker, spec: ResourceSpec, since: datetime) -> None:
    if spec.event_subject is None:
        return
    for items in deletion_events(client=tracker.client, since=since, subject=spec.event_subject):
        deletes = sum(1 for item in items if isinstance(item, MirrorDelete))
        tracker.apply(items, records=deletes)


# --- bulk ----------------------------------------------------------------------------------------


def _bulk_pass(
    *, tracker: RunTracker, spec: ResourceSpec, search: str | None, complete: bool
) -> datetime | None:
    """Run (or resume) the resource's bulk operation and apply its result. `complete`: the
    result holds the whole store (no filter), so mirrored records it lacks are deleted."""
    assert spec.bulk_document is not None
    client = tracker.client
    checkpoint = tracker.checkpoint
    document = queries.bulk_query(spec.bulk_document, search)
    gid = checkpoint.bulk_operation_id if tracker.resumed else ""
    for attempt in range(2):
        if not gid:
            gid = bulk_start(client=client, document=document)
            # A new result: the ledger of another one goes, with the checkpoint's progress.
            tracker.save(
                ledger_reset=True,
                bulk_operation_id=gid,
                bulk_url="",
                bulk_lines_applied=0,
                cursor="",
            )
        try:
            operation = bulk_wait(client=client, gid=gid, on_poll=tracker.heartbeat)
            if (operation.url or "") != checkpoint.bulk_url:
                tracker.save(bulk_url=operation.url or "")
            _bulk_apply(tracker=tracker, spec=spec, operation=operation, complete=complete)
        except BulkResultGoneError as error:
            if attempt:
                raise
            tracker.error(f"{error}; running the bulk operation again")
            gid = ""
            continue
        if complete:
            return operation.created_at
        previous = checkpoint.high_water_mark
        created = operation.created_at
        if previous is not None and (created is None or previous > created):
            return previous
        return created
    return None


class _Ledger:
    """What a bulk result holds, noted line by line and handed over per chunk as ledger entries
    (`shopify.sync.ledger`), which the chunk's transaction writes: the ids of the models the
    result holds completely, each parent's child set (filtered results; memberships and
    inventory levels always), the orders with fulfillments or refunds."""

    def __init__(self, *, spec: ResourceSpec, complete: bool) -> None:
        self.complete = complete
        self.seen = frozenset(seen_models(spec)) if complete else frozenset()
        self.entries: set[Entry] = set()

    def note(self, line: dict[str, Any], items: list[MirrorItem]) -> None:
        entries = self.entries
        for item in items:
            if (
                isinstance(item, MirrorRow)
                and item.shopify_id is not None
                and item.model in self.seen
            ):
                entries.add((LedgerKind.SEEN, item.model, item.shopify_id, None))
        line_id = line.get("id")
        if not isinstance(line_id, str):
            return
        kind = gid_type(line_id)
        parent = line.get("__parentId")
        if isinstance(parent, str):
            child_model = _BULK_CHILDREN.get((gid_type(parent), kind))
            if child_model is not None and self._tracks(child_model):
                entries.add(
                    (LedgerKind.CHILD, child_model, legacy_id(parent), _child_id(child_model, line))
                )
            return
        if kind in _PARENT_MODELS:
            for (parent_kind, _), child_model in _BULK_CHILDREN.items():
                if parent_kind == kind and self._tracks(child_model):
                    entries.add((LedgerKind.CHILD, child_model, legacy_id(line_id), None))
        if kind == "Order" and order_has_children(line):
            entries.add((LedgerKind.ORDER_WITH_CHILDREN, "order", legacy_id(line_id), None))

    def _tracks(self, child_model: str) -> bool:
        return not self.complete or child_model in _KEYED_BY_PAIR

    def take(self) -> set[Entry]:
        entries, self.entries = self.entries, set()
        return entries


def seen_models(spec: ResourceSpec) -> list[str]:
    """The models whose mirrored rows a complete result deletes when it lacks them."""
    return [model for model in spec.owned_models if model not in _PRUNED_BY_PARENT]


def _child_id(child_model: str, line: dict[str, Any]) -> int:
    """A child's id in its parent's set: inventory levels are known by their location."""
    if child_model == "inventory_level":
        location = line.get("location") or {}
        return legacy_id(str(location.get("id") or line["id"]))
    return legacy_id(line["id"])


def _bulk_apply(
    *, tracker: RunTracker, spec: ResourceSpec, operation: BulkOperation, complete: bool
) -> None:
    checkpoint = tracker.checkpoint
    ledger = _Ledger(spec=spec, complete=complete)
    lines = bulk_lines(client=tracker.client, url=operation.url) if operation.url else iter(())
    chunks = _mapped_chunks(lines, ledger=ledger, skip=checkpoint.bulk_lines_applied)
    # The next chunk is read and mapped (in a thread) while this one is written.
    for number, (items, count, last, entries) in enumerate(prefetched(chunks), start=1):
        tracker.apply(items, records=count, ledger=entries, bulk_lines_applied=last)
        if number in ANALYZE_AFTER_CHUNKS:
            mirror.tables_analyze(spec.owned_models)
    ledger_analyze()
    # Orders' fulfillment and refund line items; the cursor remembers the last order done.
    pending = ledger_ids(
        checkpoint_id=checkpoint.pk,
        kind=LedgerKind.ORDER_WITH_CHILDREN,
        model="order",
        after=_children_cursor(checkpoint.cursor),
    )
    for order_ids in pending:
        for nodes in order_children_fetch(client=tracker.client, order_ids=order_ids):
            if not nodes:
                continue
            last_order = max(legacy_id(node["id"]) for node in nodes)
            tracker.apply(
                order_children_items(nodes),
                records=len(nodes),
                cursor=f"{_CHILDREN_CURSOR}{last_order}",
            )
    for (parent_kind, _), child_model in _BULK_CHILDREN.items():
        for child_sets in ledger_child_sets(
            checkpoint_id=checkpoint.pk,
            parent_model=_PARENT_MODELS[parent_kind],
            child_model=child_model,
        ):
            tracker.apply(list(child_sets), records=0)
    if complete:
        _delete_missing(
            tracker=tracker,
            models=seen_models(spec),
            before=operation.created_at or tracker.run.started_at,
            inclusive=False,
        )


def _mapped_chunks(
    lines: Iterator[dict[str, Any]], *, ledger: _Ledger, skip: int
) -> Iterator[tuple[list[MirrorItem], int, int, set[Entry]]]:
    """(items, line count, index of the last line, ledger entries) per chunk of
    SHOPIFY_SYNC_CHUNK_LINES lines after the first `skip`. Those were applied by an earlier run,
    their ledger entries with them: they are only mapped (the mapper remembers what later lines
    need of their parents)."""
    size = max(1, settings.SHOPIFY_SYNC_CHUNK_LINES)
    mapper = LineMapper()
    chunk: list[MirrorItem] = []
    count = 0
    index = 0
    for index, line in enumerate(lines, 1):
        items = mapper.items(line)
        if index <= skip:
            continue
        ledger.note(line, items)
        chunk.extend(items)
        count += 1
        if count >= size:
            yield chunk, count, index, ledger.take()
            chunk, count = [], 0
    if count:
        yield chunk, count, index, ledger.take()


def _children_cursor(cursor: str) -> int:
    if cursor.startswith(_CHILDREN_CURSOR):
        return int(cursor[len(_CHILDREN_CURSOR) :])
    return 0


def _delete_missing(
    *,
    tracker: RunTracker,
    models: list[str],
    before: datetime | None,
    inclusive: bool,
) -> None:
    """Delete mirrored rows of `models` whose ids the complete result (the ledger) lacked,
    children before parents, a batch at a time. Rows updated at or after `before` (mirrored by
    a webhook while the result was being built) are left alone."""
    for model in sorted(models, key=MODEL_KEYS.index, reverse=True):
        for missing in ledger_missing(
            checkpoint_id=tracker.checkpoint.pk, model=model, before=before, inclusive=inclusive
        ):
            deletes: list[MirrorItem] = [MirrorDelete(model, shopify_id) for shopify_id in missing]
            tracker.apply(deletes, records=0)
