"""The mirror: writes mapped Shopify items (`shopify.rows`) to our tables in bulk, and compares.

`apply(items)` upserts rows keyed by `shopify_id` (inventory levels by (inventory_item,
location), collection memberships by (collection, product)) with one multi-row
`INSERT … ON CONFLICT … DO UPDATE … WHERE` per model and batch, so the SQL per batch is constant:
- the stale guard: a stored row is only overwritten by a row at least as new
  (`shopify_updated_at`), and a soft-deleted row only by one newer than its deletion (which
  restores it);
- unchanged rows are not rewritten (the update also requires some column to differ): applying
  the same items twice changes nothing, and the second run counts them nowhere (neither created,
  updated nor stale);
- references (Shopify ids) are resolved with one query per referenced model; a reference to a
  row we do not hold is NULL where the column allows it, and the row is deferred otherwise;
- rows without a timestamp of their own (`shopify_updated_at` None) take their parent's stored
  one;
- `created_at` comes from Shopify when given (now otherwise), `updated_at` is now;
- a row lacking a column an insert needs (a bulk order's shipping lines, a bulk variant's
  image) only updates the row we hold, and is deferred when we hold none;
- a row the database refuses (a constraint Shopify's data breaks) is deferred and logged, and
  the rest of its batch is written;
- on PostgreSQL the rows go by COPY into a staging table of the transaction, then one
  `INSERT … SELECT` (updates-only rows: arrays bound in binary), rows in key order; an apply
  picked as a deadlock's victim is applied again;
- derived rows are kept as the local services keep them: ProductTag and CustomerTag rows from
  `tags`, `CustomerAddress.is_default` from `Customer.default_address`, `Customer.last_order`
  once the order named by `last_order_name` arrives.

MirrorDelete soft-deletes (models with `deleted_at`; a product's variants with it) or deletes;
MirrorChildren removes the parent's other children of a kind (for inventory levels the ids are
the locations' ids, for collection memberships the products' ids), unless the parent row of the
same batch was stale.

On SQLite (the embedded profile) the same statements run row-valued (`VALUES`), created counts
come from a lookup, and the rest behaves alike.

`diff(items)` lists every field and reference where the database differs from the items;
`snapshot(model)` gives shopify_id -> shopify_updated_at of the alive mirrored rows (of the
models keyed by shopify_id).

Modules: `specs` (what is known of each model), `upsert` (the statements), `derived` (late
references, tags, default addresses, last orders), `removal` (deletes and child sets),
`compare` (diff and snapshot); this module orders them per batch.
"""

from __future__ import annotations

import logging
import random
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import OperationalError, connection, transaction
from django.utils import timezone
from psycopg.errors import DeadlockDetected

from core.audit import mirror_batch_record
from shopify.mirror.compare import Difference, diff, snapshot
from shopify.mirror.derived import (
    customer_tags,
    default_addresses,
    last_orders,
    late_refs,
    product_tags,
)
from shopify.mirror.removal import apply_deletes, prune
from shopify.mirror.specs import LATE_REFS, model_specs, quote
from shopify.mirror.upsert import upsert
from shopify.rows import (
    MODEL_KEYS,
    ApplyResult,
    MirrorChildren,
    MirrorDelete,
    MirrorItem,
    MirrorRow,
)

__all__ = ["Difference", "apply", "diff", "snapshot", "tables_analyze"]

logger = logging.getLogger(__name__)

DEADLOCK_ATTEMPTS = 5


def tables_analyze(models: Iterable[str]) -> None:
    """Refresh the planner's statistics of the models' tables (PostgreSQL; a no-op elsewhere):
    a bulk load into empty tables otherwise leaves every lookup planned as for empty tables."""
    if connection.vendor != "postgresql":
        return
    specs = model_specs()
    with connection.cursor() as cursor:
        for key in models:
            cursor.execute(f"ANALYZE {quote(specs[key].table)}")


def apply(items: Iterable[MirrorItem], *, batch_size: int = 1000) -> ApplyResult:
    """Write the items to the mirror, `batch_size` items at a time, in one transaction (a
    savepoint inside the caller's). A sequence of items is applied again when PostgreSQL picks
    this transaction as a deadlock's victim (another apply locked some of the same rows in
    another order); an iterator is applied once."""
    attempts = DEADLOCK_ATTEMPTS if isinstance(items, Sequence) else 1
    for attempt in range(1, attempts + 1):
        result = ApplyResult()
        try:
            with transaction.atomic():
                pending: _PendingRefs = {}
                batch: list[MirrorItem] = []
                for item in items:
                    batch.append(item)
                    if len(batch) >= batch_size:
                        _apply_batch(batch, result, pending)
                        batch = []
                if batch:
                    _apply_batch(batch, result, pending)
                _late_refs_again(pending)
                _audit(result)
        except OperationalError as error:
            if attempt == attempts or not isinstance(error.__cause__, DeadlockDetected):
                raise
            logger.info("mirror: deadlock, applying again (attempt %s)", attempt + 1)
            # Jittered, so the two transactions do not meet again in step.
            time.sleep(random.uniform(0.01, 0.1) * attempt)
            continue
        return result
    raise AssertionError("unreachable")


# (model, late ref, shopify_id) -> the row whose target was not held when its batch was
# written: the target may come in a later batch of the same apply (a customer's default
# address follows the customer's row).
_PendingRefs = dict[tuple[str, str, int], MirrorRow]


def _late_refs_again(pending: _PendingRefs) -> None:
    """Late references left unresolved by their batch, once the apply's batches are all in."""
    if not pending:
        return
    specs = model_specs()
    grouped: dict[tuple[str, str], list[MirrorRow]] = defaultdict(list)
    for (key, ref_name, _), row in pending.items():
        grouped[(key, ref_name)].append(row)
    for (key, ref_name), rows in sorted(grouped.items()):
        late_refs(specs[key], specs[key].refs[ref_name], rows, found_only=True)
        if key == "customer":
            default_addresses([row.shopify_id for row in rows if row.shopify_id])


def _audit(result: ApplyResult) -> None:
    """The rows went by COPY / INSERT … SELECT (no model signals): one coarse audit entry per
    model the apply changed, with its counts and the request id, in the same transaction."""
    specs = model_specs()
    for key in sorted(set(result.created) | set(result.updated) | set(result.deleted)):
        mirror_batch_record(
            model=specs[key].model,
            created=result.created.get(key, 0),
            updated=result.updated.get(key, 0),
            deleted=result.deleted.get(key, 0),
        )


def _apply_batch(items: list[MirrorItem], result: ApplyResult, pending: _PendingRefs) -> None:
    rows: dict[str, list[MirrorRow]] = defaultdict(list)
    deletes: list[MirrorDelete] = []
    children: list[MirrorChildren] = []
    for item in items:
        if isinstance(item, MirrorRow):
            rows[item.model].append(item)
        elif isinstance(item, MirrorDelete):
            deletes.append(item)
        else:
            children.append(item)
    specs = model_specs()
    now = timezone.now()
    written: dict[str, list[tuple[int, MirrorRow]]] = {}
    applied: dict[str, list[MirrorRow]] = {}
    for key in MODEL_KEYS:
        if key in rows:
            written[key], applied[key] = upsert(specs[key], rows[key], now, result)
    for key, ref_name in sorted(LATE_REFS):
        if applied.get(key):
            for row in applied[key]:  # a row of a later batch supersedes an earlier one's
                if row.shopify_id is not None and (ref_name in row.refs or ref_name in row.fields):
                    pending.pop((key, ref_name, row.shopify_id), None)
            for row in late_refs(specs[key], specs[key].refs[ref_name], applied[key]):
                pending[(key, ref_name, row.shopify_id or 0)] = row
    if written.get("product"):
        product_tags(written["product"])
    if written.get("customer"):
        customer_tags(written["customer"])
    if applied.get("customer"):
        default_addresses([row.shopify_id for row in applied["customer"] if row.shopify_id])
    if applied.get("order"):
        last_orders([row.shopify_id for row in applied["order"] if row.shopify_id])
    if children:
        # A child set as old as a parent row we refused is no news either.
        stale = (
            {
                (key, row.shopify_id)
                for key, members in rows.items()
                for row in members
                if row.shopify_id is not None
            }
            - {(key, row.shopify_id) for key, members in applied.items() for row in members}
            - {(row.model, row.shopify_id) for row in result.deferred}
        )
        children = [
            item for item in children if (item.parent_model, item.parent_shopify_id) not in stale
        ]
        prune(children, now, result)
    if deletes:
        apply_deletes(deletes, now, result)
