"""Reconciliation: compare the store with the mirror, per resource, and repair the drift.

For each resource the store is read completely (a bulk operation, which costs no points; the
locations by paging), mapped exactly as a sync maps it, and compared with the mirror:
- counts: the store's (COUNTS) and the mirror's alive rows;
- id sets of every model the resource holds (products, variants, images, …): missing rows
  (in the store, not in the mirror) and extra rows (in the mirror, not in the store);
- stale records: the mirror's `shopify_updated_at` older than the store's;
- every field and reference of every mapped row (`mirror.diff`).
A record the mirror holds newer than the store's result (a webhook applied while the result was
being built) is not counted. `drift` is the number of records that differ in any way.

`--repair` runs a full sync of every resource with drift (it fetches what is missing or stale and
deletes what Shopify no longer has), then reconciles again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from shopify import mirror, queries
from shopify.client import ShopifyClient, ShopifyError
from shopify.connection import connection_get
from shopify.mapping.graphql import LineMapper
from shopify.models import ReconciliationReport, ShopifyConnection
from shopify.rows import MODEL_KEYS, MirrorItem, MirrorRow, legacy_id
from shopify.sync import sync_run
from shopify.sync.bulk import bulk_lines, bulk_start, bulk_wait
from shopify.sync.errors import SyncError
from shopify.sync.fetch import (
    node_items,
    order_children_fetch,
    order_children_items,
    order_has_children,
    page_fetch,
)
from shopify.sync.resources import ResourceSpec, resources_ordered

CHUNK_LINES = 2000
EXAMPLES = 5

Key = tuple[str, int | None, str]  # (model, shopify_id, field)


@dataclass
class ResourceDrift:
    """One resource's comparison."""

    resource: str
    store_count: int | None = None
    mirror_count: int = 0
    missing: dict[str, list[int]] = field(default_factory=dict)  # model -> ids
    extra: dict[str, list[int]] = field(default_factory=dict)
    stale: list[int] = field(default_factory=list)
    fields: Counter[str] = field(default_factory=Counter)  # "model.field" -> records
    records: set[tuple[str, Any]] = field(default_factory=set)  # the records that differ
    error: str = ""

    @property
    def drift(self) -> int:
        return len(self.records)

    def as_json(self) -> dict[str, Any]:
        return {
            "store_count": self.store_count,
            "mirror_count": self.mirror_count,
            "missing": sum(len(ids) for ids in self.missing.values()),
            "extra": sum(len(ids) for ids in self.extra.values()),
            "stale": len(self.stale),
            "differing_fields": dict(self.fields.most_common()),
            "drift": self.drift,
            "examples": {
                "missing": _examples(self.missing),
                "extra": _examples(self.extra),
                "stale": self.stale[:EXAMPLES],
            },
            "error": self.error,
        }

    def lines(self) -> list[str]:
        data = self.as_json()
        store = "?" if self.store_count is None else str(self.store_count)
        text = [
            f"{self.resource}: store {store}, mirror {self.mirror_count}; missing "
            f"{data['missing']}, extra {data['extra']}, stale {data['stale']}, differing "
            f"{sum(self.fields.values())} field(s); drift {self.drift}"
        ]
        if self.error:
            text.append(f"  error: {self.error}")
        for label, ids in (("missing", self.missing), ("extra", self.extra)):
            if any(ids.values()):
                text.append(f"  {label}: " + ", ".join(_examples(ids)))
        if self.stale:
            text.append("  stale: " + ", ".join(str(i) for i in self.stale[:EXAMPLES]))
        if self.fields:
            text.append(
                "  fields: "
                + ", ".join(f"{name} ({count})" for name, count in self.fields.most_common(10))
            )
        return text


@dataclass
class _StoreView:
    """What the store holds, compactly: ids per model, the root records' updatedAt, the
    differences found, and when the result was taken."""

    ids: dict[str, set[int]]
    updated: dict[int, datetime | None] = field(default_factory=dict)
    differences: list[Key] = field(default_factory=list)
    as_of: datetime | None = None


def reconcile_run(
    *, resources: list[str] | None = None, repair: bool = False
) -> ReconciliationReport:
    """Compare the store and the mirror (and, with `repair`, fix the drift and compare again);
    the report is stored and returned. Its text ends with the line `drift: N`."""
    specs = resources_ordered(resources)
    connection = connection_get()
    started = timezone.now()
    drifts = _compare(connection=connection, specs=specs)
    text = _text(drifts)
    resources_json: dict[str, Any] = {d.resource: d.as_json() for d in drifts}
    if repair:
        drifted = [d.resource for d in drifts if d.drift or d.error]
        if drifted:
            runs = sync_run(resources=drifted, full=True)
            repaired = ", ".join(f"{run.resource} {run.status}" for run in runs)
            drifts = _compare(connection=connection, specs=specs)
            text = [*text, f"repair: full sync ({repaired})", *_text(drifts)]
            for d in drifts:
                resources_json[d.resource] = {
                    **d.as_json(),
                    "before": resources_json[d.resource],
                }
    total = sum(d.drift for d in drifts)
    text.append(f"drift: {total}")
    return ReconciliationReport.objects.create(
        connection=connection,
        started_at=started,
        finished_at=timezone.now(),
        repaired=repair,
        drift=total,
        resources=resources_json,
        text="\n".join(text),
    )


def _text(drifts: Iterable[ResourceDrift]) -> list[str]:
    lines: list[str] = []
    for drift in drifts:
        lines.extend(drift.lines())
    return lines


def _compare(*, connection: ShopifyConnection, specs: list[ResourceSpec]) -> list[ResourceDrift]:
    with ShopifyClient.for_connection(connection) as client:
        counts = client.execute(queries.COUNTS, {"query": None})
        return [_compare_resource(client=client, spec=spec, counts=counts) for spec in specs]


def _compare_resource(
    *, client: ShopifyClient, spec: ResourceSpec, counts: dict[str, Any]
) -> ResourceDrift:
    drift = ResourceDrift(resource=spec.name)
    view = _StoreView(ids={model: set() for model in spec.owned_models})
    try:
        _read_store(client=client, spec=spec, view=view)
    except (ShopifyError, SyncError) as error:  # reported; the other resources still compared
        drift.error = f"{type(error).__name__}: {error}"
        return drift
    if spec.count_key is not None:
        drift.store_count = int((counts.get(spec.count_key) or {}).get("count") or 0)
    else:
        drift.store_count = len(view.ids[spec.root_model])
    newer_in_mirror: set[int] = set()
    for model in sorted(spec.owned_models, key=MODEL_KEYS.index):
        snapshot = mirror.snapshot(model)
        store_ids = view.ids[model]
        if model == spec.root_model:
            drift.mirror_count = len(snapshot)
            for shopify_id, store_updated in view.updated.items():
                ours = snapshot.get(shopify_id)
                if ours is None or store_updated is None:
                    continue
                if ours < store_updated:
                    drift.stale.append(shopify_id)
                elif ours > store_updated:
                    newer_in_mirror.add(shopify_id)
        missing = sorted(store_ids - snapshot.keys())
        extra = sorted(
            shopify_id
            for shopify_id, updated_at in snapshot.items()
            if shopify_id not in store_ids
            and (view.as_of is None or updated_at is None or updated_at < view.as_of)
        )
        if missing:
            drift.missing[model] = missing
        if extra:
            drift.extra[model] = extra
        drift.records.update((model, shopify_id) for shopify_id in missing + extra)
    drift.records.update((spec.root_model, shopify_id) for shopify_id in drift.stale)
    for index, (model, difference_id, name) in enumerate(view.differences):
        if model == spec.root_model and difference_id in newer_in_mirror:
            continue
        if name != "(missing)":
            drift.fields[f"{model}.{name}"] += 1
        # Rows keyed by their parent and another record (memberships, inventory levels) have no
        # id: each of their differences counts as one record.
        drift.records.add((model, difference_id if difference_id is not None else -index - 1))
    return drift


def _read_store(*, client: ShopifyClient, spec: ResourceSpec, view: _StoreView) -> None:
    """Read the whole resource from the store, comparing it with the mirror chunk by chunk."""
    if spec.bulk_document is None:
        after: str | None = None
        first = spec.page_size
        while True:
            page = page_fetch(client=client, spec=spec, search=None, after=after, first=first)
            first = page.first
            items, _ = node_items(page.nodes)
            _consume(spec=spec, view=view, items=items)
            if not page.has_next or not page.end_cursor:
                return
            after = page.end_cursor
    gid = bulk_start(client=client, document=queries.bulk_query(spec.bulk_document))
    operation = bulk_wait(client=client, gid=gid)
    view.as_of = operation.created_at
    mapper = LineMapper()
    chunk: list[MirrorItem] = []
    lines = 0
    orders_with_children: list[int] = []
    for line in bulk_lines(client=client, url=operation.url) if operation.url else ():
        chunk.extend(mapper.items(line))
        lines += 1
        line_id = line.get("id")
        if (
            isinstance(line_id, str)
            and "__parentId" not in line
            and line_id.startswith("gid://shopify/Order/")
            and order_has_children(line)
        ):
            orders_with_children.append(legacy_id(line_id))
        if lines >= CHUNK_LINES:
            _consume(spec=spec, view=view, items=chunk)
            chunk, lines = [], 0
    _consume(spec=spec, view=view, items=chunk)
    for nodes in order_children_fetch(client=client, order_ids=sorted(orders_with_children)):
        _consume(spec=spec, view=view, items=order_children_items(nodes))


def _consume(*, spec: ResourceSpec, view: _StoreView, items: list[MirrorItem]) -> None:
    if not items:
        return
    for item in items:
        if isinstance(item, MirrorRow) and item.shopify_id is not None:
            ids = view.ids.get(item.model)
            if ids is not None:
                ids.add(item.shopify_id)
            if item.model == spec.root_model:
                view.updated[item.shopify_id] = item.fields.get("shopify_updated_at")
    view.differences.extend(
        (difference.model, difference.shopify_id, difference.field)
        for difference in mirror.diff(items)
    )


def _examples(ids: dict[str, list[int]]) -> list[str]:
    examples: list[str] = []
    for model, values in ids.items():
        examples.extend(f"{model} {value}" for value in values[:EXAMPLES])
    return examples[: EXAMPLES * 2]
