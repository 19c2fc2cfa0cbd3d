"""The ledger of a bulk result being applied, in the database (SyncLedgerEntry), keyed by the
resource's checkpoint: written with each chunk in the chunk's transaction (so a killed run's
ledger holds exactly the chunks it committed, and the resumed run adds the rest), read back in
batches at the end (memory flat in store size), cleared when a run starts afresh or ends.

Entries are (kind, model, shopify_id, member):
- SEEN: an id of `model` the (complete) result held;
- CHILD: `member` is a child of parent `shopify_id` of kind `model` (None: the parent came and
  has no such children);
- ORDER_WITH_CHILDREN: an order whose fulfillment and refund lines are fetched afterwards.

On PostgreSQL the entries go by COPY; elsewhere (the embedded SQLite profile) by bulk_create.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import datetime
from typing import Any

from django.db import connection

from shopify.choices import LedgerKind
from shopify.mirror.specs import model_specs, quote
from shopify.models import SyncLedgerEntry
from shopify.rows import MirrorChildren

Entry = tuple[int, str, int, int | None]

BATCH = 2000
PARENTS_PER_BATCH = 500
_TABLE = quote(SyncLedgerEntry._meta.db_table)


def ledger_write(*, checkpoint_id: int, entries: Collection[Entry]) -> None:
    """Add entries (inside the caller's transaction: the chunk's)."""
    if not entries:
        return
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        columns = "checkpoint_id, kind, model, shopify_id, member"
        with (
            connection.wrap_database_errors,
            connection.connection.cursor() as cursor,
            cursor.copy(f"COPY {_TABLE} ({columns}) FROM STDIN") as copy,
        ):
            for kind, model, shopify_id, member in entries:
                copy.write_row((checkpoint_id, kind, model, shopify_id, member))
        return
    SyncLedgerEntry.objects.bulk_create(
        [
            SyncLedgerEntry(
                checkpoint_id=checkpoint_id,
                kind=kind,
                model=model,
                shopify_id=shopify_id,
                member=member,
            )
            for kind, model, shopify_id, member in entries
        ],
        batch_size=500,
    )


def ledger_analyze() -> None:
    """Fresh planner statistics before the ledger is read back (PostgreSQL): a first full sync
    filled it from empty."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {_TABLE}")


def ledger_clear(*, checkpoint_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_TABLE} WHERE checkpoint_id = %s", [checkpoint_id])


def ledger_ids(
    *, checkpoint_id: int, kind: int, model: str, after: int = 0, batch: int = BATCH
) -> Iterator[list[int]]:
    """The distinct ids of (kind, model) above `after`, ascending, `batch` at a time."""
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT DISTINCT shopify_id FROM {_TABLE} WHERE checkpoint_id = %s AND kind = %s"
                " AND model = %s AND shopify_id > %s ORDER BY shopify_id LIMIT %s",
                [checkpoint_id, kind, model, after, batch],
            )
            ids = [record[0] for record in cursor.fetchall()]
        if not ids:
            return
        yield ids
        if len(ids) < batch:
            return
        after = ids[-1]


def ledger_child_sets(
    *, checkpoint_id: int, parent_model: str, child_model: str
) -> Iterator[list[MirrorChildren]]:
    """Each parent's complete set of children of `child_model`, a few hundred parents at a
    time."""
    for parents in ledger_ids(
        checkpoint_id=checkpoint_id,
        kind=LedgerKind.CHILD,
        model=child_model,
        batch=PARENTS_PER_BATCH,
    ):
        members: dict[int, set[int]] = {parent: set() for parent in parents}
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT shopify_id, member FROM {_TABLE} WHERE checkpoint_id = %s AND kind = %s"
                " AND model = %s AND shopify_id >= %s AND shopify_id <= %s"
                " AND member IS NOT NULL",
                [checkpoint_id, LedgerKind.CHILD, child_model, parents[0], parents[-1]],
            )
            for parent, member in cursor.fetchall():
                members[parent].add(member)
        yield [
            MirrorChildren(parent_model, parent, child_model, frozenset(ids))
            for parent, ids in members.items()
        ]


def ledger_missing(
    *, checkpoint_id: int, model: str, before: datetime | None, inclusive: bool
) -> Iterator[list[int]]:
    """The alive mirrored rows of `model` whose ids the ledger has not seen, ascending, a batch
    at a time (the caller may delete each batch before asking for the next). Rows updated at or
    after `before` (`inclusive`: after) are left out: a webhook mirrored them while the result
    was being built."""
    spec = model_specs()[model]
    table = quote(spec.table)
    conditions = ["m.shopify_id IS NOT NULL", "m.shopify_id > %s"]
    if spec.soft_delete:
        conditions.append("m.deleted_at IS NULL")
    params: list[Any] = []
    if before is not None:
        operator = "<=" if inclusive else "<"
        conditions.append(f"(m.shopify_updated_at IS NULL OR m.shopify_updated_at {operator} %s)")
        params.append(before)
    after = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT m.shopify_id FROM {table} m WHERE {' AND '.join(conditions)}"
                f" AND NOT EXISTS (SELECT 1 FROM {_TABLE} l WHERE l.checkpoint_id = %s"
                " AND l.kind = %s AND l.model = %s AND l.shopify_id = m.shopify_id)"
                " ORDER BY m.shopify_id LIMIT %s",
                [after, *params, checkpoint_id, LedgerKind.SEEN, model, BATCH],
            )
            ids = [record[0] for record in cursor.fetchall()]
        if not ids:
            return
        yield ids
        if len(ids) < BATCH:
            return
        after = ids[-1]
