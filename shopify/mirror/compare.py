"""Reading the mirror back: `diff` (every field and reference of mapped rows against the
database) and `snapshot` (shopify_id -> shopify_updated_at of the alive rows)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from shopify.mirror.specs import OWNER_MODELS, Spec, lookup, model_specs, resolve
from shopify.mirror.upsert import newest
from shopify.rows import MirrorItem, MirrorRow


@dataclass(frozen=True, slots=True)
class Difference:
    """One way the database differs from what Shopify has (`field` "(missing)" for a row we do
    not hold, "(deleted)" for one we hold soft-deleted)."""

    model: str
    shopify_id: int | None
    field: str
    expected: Any
    actual: Any


def snapshot(model: str) -> dict[int, datetime | None]:
    """shopify_id -> shopify_updated_at of every alive mirrored row of a model."""
    spec = model_specs()[model]
    queryset = spec.model._base_manager.filter(shopify_id__isnull=False)  # type: ignore[attr-defined]
    if spec.soft_delete:
        queryset = queryset.filter(deleted_at__isnull=True)
    return dict(queryset.values_list("shopify_id", "shopify_updated_at").iterator(chunk_size=5000))


def same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, Decimal) and isinstance(actual, Decimal | int):
        return expected == actual
    if isinstance(expected, dict | list) and isinstance(actual, str):
        return bool(expected == json.loads(actual))
    return bool(expected == actual)


def diff(items: Iterable[MirrorItem]) -> list[Difference]:
    """Every field and reference of the rows among `items` where the database differs."""
    differences: list[Difference] = []
    rows: dict[str, list[MirrorRow]] = defaultdict(list)
    for item in items:
        if isinstance(item, MirrorRow):
            rows[item.model].append(item)
    specs = model_specs()
    for key, group in rows.items():
        spec = specs[key]
        for start in range(0, len(group), 1000):
            differences.extend(diff_rows(spec, newest(spec, group[start : start + 1000])))
    return differences


def diff_rows(spec: Spec, rows: list[MirrorRow]) -> Iterator[Difference]:
    found = resolve(spec, rows)
    for ref in spec.refs.values():
        if ref.late and ref.target is not None:
            found[f"late:{ref.name}"] = lookup(
                ref.target, (row.refs[ref.name] for row in rows if ref.name in row.refs)
            )
    attnames = {"id", *(column.field.attname for column in spec.insert_columns)}
    manager = spec.model._base_manager  # type: ignore[attr-defined]
    stored: dict[tuple[Any, ...], dict[str, Any]] = {}
    keyed: list[tuple[tuple[Any, ...], MirrorRow]] = []
    if spec.natural_key:
        columns = [spec.refs[name].column for name in spec.natural_key]
        wanted: set[tuple[Any, ...]] = set()
        for row in rows:
            identity = tuple(target_pk(spec, found, row, name) for name in spec.natural_key)
            keyed.append((identity, row))
            if None not in identity:
                wanted.add(identity)
        if wanted:
            # One indexed IN on the key's first column (an OR of thousands of pairs took the
            # planner seconds per chunk), the pairs checked here.
            firsts = {identity[0] for identity in wanted}
            for record in manager.filter(**{f"{columns[0]}__in": firsts}).values(*attnames):
                key = tuple(record[column] for column in columns)
                if key in wanted:
                    stored[key] = record
    else:
        keyed = [((row.shopify_id,), row) for row in rows]
        ids = [row.shopify_id for row in rows]
        for record in manager.filter(shopify_id__in=ids).values(*attnames):
            stored[(record["shopify_id"],)] = record
    for identity, row in keyed:
        held = stored.get(identity)
        if held is None:
            yield Difference(spec.key, row.shopify_id, "(missing)", "present", None)
            continue
        record = held
        if spec.soft_delete and record["deleted_at"] is not None:
            yield Difference(spec.key, row.shopify_id, "(deleted)", None, record["deleted_at"])
        for name, expected in row.fields.items():
            column = spec.columns.get(name)
            if column is None or (name == "shopify_updated_at" and expected is None):
                continue
            actual = record[column.field.attname]
            if not same(expected, actual):
                yield Difference(spec.key, row.shopify_id, name, expected, actual)
        for name, target in row.refs.items():
            known = spec.refs.get(name)
            if known is None:
                continue
            actual = record[known.column]
            if target_pk(spec, found, row, name) != actual or actual is None:
                yield Difference(spec.key, row.shopify_id, name, target, actual)


def target_pk(
    spec: Spec,
    found: dict[str, dict[int, tuple[int, datetime | None]]],
    row: MirrorRow,
    name: str,
) -> int | None:
    """Our pk of the row a ref points at (None when we do not hold it)."""
    ref = spec.refs[name]
    if ref.late:
        table = found.get(f"late:{name}", {})
    else:
        table = found.get(
            ref.target or OWNER_MODELS.get(row.fields.get("owner_resource", ""), ""), {}
        )
    hit = table.get(row.refs.get(name, -1))
    return hit[0] if hit is not None else None
