"""MirrorDelete (soft delete where the model has `deleted_at`, delete otherwise) and
MirrorChildren (the parent's other children of a kind are removed)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db import connection

from shopify.mirror.specs import (
    OWNER_MODELS,
    Ref,
    Spec,
    add_count,
    id_list,
    lookup,
    model_specs,
    quote,
)
from shopify.rows import ApplyResult, MirrorChildren, MirrorDelete


def parent_ref(parent_model: str, child: Spec) -> Ref | None:
    for ref in child.refs.values():
        if ref.target == parent_model and not ref.late:
            return ref
    if child.key == "metafield":
        return child.refs["owner"]
    return None


def prune(children: list[MirrorChildren], now: datetime, result: ApplyResult) -> None:
    """Remove each parent's children of a kind that are not in its complete set."""
    specs = model_specs()
    grouped: dict[tuple[str, str], list[MirrorChildren]] = defaultdict(list)
    for item in children:
        grouped[(item.parent_model, item.child_model)].append(item)
    for (parent_model, child_model), group in grouped.items():
        child = specs[child_model]
        ref = parent_ref(parent_model, child)
        if ref is None:
            continue
        parents = lookup(parent_model, (item.parent_shopify_id for item in group))
        parent_pks = {
            parents[item.parent_shopify_id][0]: item.shopify_ids
            for item in group
            if item.parent_shopify_id in parents
        }
        if not parent_pks:
            continue
        table = quote(child.table)
        match, params = id_list(list(parent_pks))
        if child.natural_key:
            other = next(
                name for name in child.natural_key if child.refs[name].target != parent_model
            )
            other_ref = child.refs[other]
            other_table = quote(specs[other_ref.target or ""].table)
            select = (
                f"SELECT c.id, c.{quote(ref.column)}, o.shopify_id FROM {table} c"
                f" JOIN {other_table} o ON o.id = c.{quote(other_ref.column)}"
                f" WHERE c.{quote(ref.column)} {match}"
            )
        else:
            select = (
                f"SELECT c.id, c.{quote(ref.column)}, c.shopify_id FROM {table} c"
                f" WHERE c.{quote(ref.column)} {match} AND c.shopify_id IS NOT NULL"
            )
            if child.key == "metafield":
                owner = next(key for key, value in OWNER_MODELS.items() if value == parent_model)
                select += " AND c.owner_resource = %s"
                params = [*params, owner]
            if child.soft_delete:
                select += " AND c.deleted_at IS NULL"
        with connection.cursor() as cursor:
            cursor.execute(select, params)
            doomed = [
                record[0]
                for record in cursor.fetchall()
                if record[2] not in parent_pks.get(record[1], frozenset())
            ]
        remove_rows(child, doomed, now, result)


def remove_rows(spec: Spec, pks: list[int], now: datetime, result: ApplyResult) -> None:
    if not pks:
        return
    manager = spec.model._base_manager  # type: ignore[attr-defined]
    if spec.soft_delete:
        count = manager.filter(pk__in=pks, deleted_at__isnull=True).update(
            deleted_at=now, updated_at=now
        )
    else:
        count = manager.filter(pk__in=pks).delete()[1].get(spec.model._meta.label, 0)
    add_count(result.deleted, spec.key, count)


def apply_deletes(deletes: list[MirrorDelete], now: datetime, result: ApplyResult) -> None:
    specs = model_specs()
    by_model: dict[str, list[MirrorDelete]] = defaultdict(list)
    for item in deletes:
        by_model[item.model].append(item)
    for key, group in by_model.items():
        spec = specs[key]
        found = lookup(key, (item.shopify_id for item in group))
        if not spec.soft_delete:
            remove_rows(
                spec,
                [found[item.shopify_id][0] for item in group if item.shopify_id in found],
                now,
                result,
            )
            continue
        manager = spec.model._base_manager  # type: ignore[attr-defined]
        count = 0
        for when, members in by_time(group, now).items():
            pks = [found[item.shopify_id][0] for item in members if item.shopify_id in found]
            count += manager.filter(pk__in=pks, deleted_at__isnull=True).update(
                deleted_at=when, updated_at=now
            )
            if key == "product" and pks:
                variants = specs["product_variant"].model._base_manager  # type: ignore[attr-defined]
                variants.filter(product_id__in=pks, deleted_at__isnull=True).update(
                    deleted_at=when, updated_at=now
                )
        add_count(result.deleted, key, count)


def by_time(group: list[MirrorDelete], now: datetime) -> dict[datetime, list[MirrorDelete]]:
    grouped: dict[datetime, list[MirrorDelete]] = defaultdict(list)
    for item in group:
        when = item.deleted_at if isinstance(item.deleted_at, datetime) else now
        grouped[when].append(item)
    return grouped
