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
- derived rows are kept as the local services keep them: ProductTag and CustomerTag rows from
  `tags`, `CustomerAddress.is_default` from `Customer.default_address`, `Customer.last_order`
  once the order named by `last_order_name` arrives.

MirrorDelete soft-deletes (models with `deleted_at`; a product's variants with it) or deletes;
MirrorChildren removes the parent's other children of a kind (for inventory levels the ids are
the locations' ids, for collection memberships the products' ids).

`diff(items)` lists every field and reference where the database differs from the items;
`snapshot(model)` gives shopify_id -> shopify_updated_at of the alive mirrored rows.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any

from django.apps import apps
from django.db import DataError, IntegrityError, connection, models, transaction
from django.utils import timezone
from psycopg.types.json import Jsonb

from shopify.rows import (
    MODEL_KEYS,
    ApplyResult,
    MirrorChildren,
    MirrorDelete,
    MirrorItem,
    MirrorRow,
    legacy_id,
)

logger = logging.getLogger(__name__)

_MODELS: dict[str, str] = {
    "location": "inventory.Location",
    "inventory_item": "inventory.InventoryItem",
    "product": "catalog.Product",
    "product_option": "catalog.ProductOption",
    "option_value": "catalog.OptionValue",
    "product_image": "catalog.ProductImage",
    "product_variant": "catalog.ProductVariant",
    "metafield": "catalog.Metafield",
    "collection": "catalog.Collection",
    "collection_product": "catalog.CollectionProduct",
    "customer": "customers.Customer",
    "customer_address": "customers.CustomerAddress",
    "order": "orders.Order",
    "order_line_item": "orders.OrderLineItem",
    "fulfillment": "orders.Fulfillment",
    "fulfillment_line_item": "orders.FulfillmentLineItem",
    "refund": "orders.Refund",
    "refund_line_item": "orders.RefundLineItem",
    "transaction": "finance.Transaction",
    "inventory_level": "inventory.InventoryLevel",
}

# Rows keyed by something else than shopify_id: the refs that identify them.
_NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "inventory_level": ("inventory_item", "location"),
    "collection_product": ("collection", "product"),
}

# References written after the batch's rows (they point at rows written later or at the model
# itself).
_LATE_REFS = frozenset(
    {("customer", "default_address"), ("customer", "last_order"), ("transaction", "parent")}
)

# Rows without a timestamp of their own take the one of the row this ref points at.
_INHERIT: dict[str, str] = {
    "product_option": "product",
    "option_value": "option",
    "product_image": "product",
    "product_variant": "product",
    "customer_address": "customer",
    "order_line_item": "order",
    "fulfillment": "order",
    "fulfillment_line_item": "fulfillment",
    "refund": "order",
    "refund_line_item": "refund",
    "transaction": "order",
    "collection_product": "collection",
    "metafield": "owner",
}

# Metafield owner_resource -> model key of the owner.
_OWNER_MODELS: dict[str, str] = {
    "product": "product",
    "variant": "product_variant",
    "collection": "collection",
    "customer": "customer",
    "order": "order",
    "location": "location",
    "media_image": "product_image",
    "product_image": "product_image",
}

# Statement size elsewhere than PostgreSQL (which takes one array per column): SQLite takes at
# most 32,766 parameters per statement.
_MAX_PARAMETERS = 30_000


@dataclass(frozen=True, slots=True)
class Difference:
    """One way the database differs from what Shopify has (`field` "(missing)" for a row we do
    not hold, "(deleted)" for one we hold soft-deleted)."""

    model: str
    shopify_id: int | None
    field: str
    expected: Any
    actual: Any


@dataclass(frozen=True, slots=True)
class _Ref:
    name: str
    column: str
    target: str | None  # model key; None: the metafield owner (by owner_resource)
    nullable: bool
    late: bool


@dataclass(frozen=True, slots=True)
class _Column:
    name: str
    column: str
    json: bool
    field: models.Field[Any, Any]
    array_type: str  # PostgreSQL element type of the column's array parameter


@dataclass(frozen=True, slots=True)
class _Spec:
    key: str
    model: type[models.Model]
    table: str
    columns: dict[str, _Column]  # field name (and attname of foreign keys) -> column
    insert_columns: tuple[_Column, ...]  # every concrete column but the primary key
    defaults: dict[str, Any]  # column -> default value on insert
    refs: dict[str, _Ref]
    soft_delete: bool
    timestamps: bool
    natural_key: tuple[str, ...]  # ref names, or () for shopify_id
    required: frozenset[str]  # columns an insert needs (NOT NULL, no default)


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _array_type(field: models.Field[Any, Any]) -> str:
    """`varchar(255)` -> `text`, `numeric(14, 2)` -> `numeric`: unbounded element types, so an
    oversized value fails on assignment instead of being cut by the cast."""
    db_type = (field.db_type(connection) or "text").split("(")[0].strip()
    return "text" if db_type == "varchar" else db_type


@cache
def _specs() -> dict[str, _Spec]:
    specs = {}
    key_of = {apps.get_model(label): key for key, label in _MODELS.items()}
    for key in MODEL_KEYS:
        model = apps.get_model(_MODELS[key])
        columns: dict[str, _Column] = {}
        insert: list[_Column] = []
        refs: dict[str, _Ref] = {}
        defaults: dict[str, Any] = {}
        for field in model._meta.concrete_fields:
            if field.primary_key:
                continue
            column = _Column(
                field.name,
                str(field.column),
                isinstance(field, models.JSONField),
                field,
                _array_type(field),
            )
            columns[field.name] = column
            columns[field.attname] = column
            insert.append(column)
            defaults[column.column] = field.get_default()
            if field.is_relation and field.related_model is not None:
                target = key_of.get(field.related_model)  # type: ignore[arg-type]
                if target is not None:
                    refs[field.name] = _Ref(
                        field.name,
                        column.column,
                        target,
                        field.null,
                        (key, field.name) in _LATE_REFS,
                    )
        if key == "metafield":
            refs["owner"] = _Ref("owner", "owner_id", None, False, False)
        field_names = {field.name for field in model._meta.concrete_fields}
        specs[key] = _Spec(
            key=key,
            model=model,
            table=model._meta.db_table,
            columns=columns,
            insert_columns=tuple(insert),
            defaults=defaults,
            refs=refs,
            soft_delete="deleted_at" in field_names,
            timestamps="updated_at" in field_names and "created_at" in field_names,
            natural_key=_NATURAL_KEYS.get(key, ()),
            required=frozenset(
                str(field.column)
                for field in model._meta.concrete_fields
                if not field.primary_key
                and not field.null
                and field.get_default() is None
                and not getattr(field, "auto_now", False)
                and not getattr(field, "auto_now_add", False)
            ),
        )
    return specs


# --- apply ---------------------------------------------------------------------------------------


def apply(items: Iterable[MirrorItem], *, batch_size: int = 1000) -> ApplyResult:
    """Write the items to the mirror, `batch_size` items at a time, in one transaction."""
    result = ApplyResult()
    with transaction.atomic():
        batch: list[MirrorItem] = []
        for item in items:
            batch.append(item)
            if len(batch) >= batch_size:
                _apply_batch(batch, result)
                batch = []
        if batch:
            _apply_batch(batch, result)
    return result


def _count(counter: dict[str, int], key: str, value: int) -> None:
    if value:
        counter[key] = counter.get(key, 0) + value


def _apply_batch(items: list[MirrorItem], result: ApplyResult) -> None:
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
    specs = _specs()
    now = timezone.now()
    written: dict[str, list[tuple[int, MirrorRow]]] = {}
    applied: dict[str, list[MirrorRow]] = {}
    for key in MODEL_KEYS:
        if key in rows:
            written[key], applied[key] = _upsert(specs[key], rows[key], now, result)
    for key, ref_name in sorted(_LATE_REFS):
        if applied.get(key):
            _late_refs(specs[key], specs[key].refs[ref_name], applied[key])
    if written.get("product"):
        _product_tags(written["product"])
    if written.get("customer"):
        _customer_tags(written["customer"])
    if applied.get("customer"):
        _default_addresses([row.shopify_id for row in applied["customer"] if row.shopify_id])
    if applied.get("order"):
        _last_orders([row.shopify_id for row in applied["order"] if row.shopify_id])
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
        _prune(children, now, result)
    if deletes:
        _delete(deletes, now, result)


def _identity(spec: _Spec, row: MirrorRow) -> tuple[Any, ...]:
    if spec.natural_key:
        return tuple(row.refs.get(name) for name in spec.natural_key)
    return (row.shopify_id,)


def _newest(spec: _Spec, rows: list[MirrorRow]) -> list[MirrorRow]:
    """One row per identity (one statement cannot update a row twice): the newest, the later on
    equal timestamps; with the fields of the others that it lacks (e.g. a stub)."""
    chosen: dict[tuple[Any, ...], MirrorRow] = {}
    for row in rows:
        identity = _identity(spec, row)
        other = chosen.get(identity)
        if other is None:
            chosen[identity] = row
            continue
        mine = row.fields.get("shopify_updated_at")
        theirs = other.fields.get("shopify_updated_at")
        if theirs is not None and mine is not None and mine < theirs:
            row, other = other, row
        fields = {**other.fields, **row.fields}
        if fields.get("shopify_updated_at") is None:
            fields["shopify_updated_at"] = other.fields.get("shopify_updated_at")
        chosen[identity] = MirrorRow(row.model, row.shopify_id, fields, {**other.refs, **row.refs})
    return list(chosen.values())


def _lookup(key: str, shopify_ids: Iterable[int]) -> dict[int, tuple[int, datetime | None]]:
    """shopify_id -> (pk, shopify_updated_at) of the rows of `key` we hold."""
    ids = list(set(shopify_ids))
    if not ids:
        return {}
    spec = _specs()[key]
    table = _quote(spec.table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT shopify_id, id, shopify_updated_at FROM {table}"
                " WHERE shopify_id = ANY(%s)",
                [ids],
            )
        else:
            found: list[tuple[Any, ...]] = []
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                cursor.execute(
                    f"SELECT shopify_id, id, shopify_updated_at FROM {table}"
                    f" WHERE shopify_id IN ({', '.join(['%s'] * len(chunk))})",
                    chunk,
                )
                found.extend(cursor.fetchall())
            return {row[0]: (row[1], _sqlite_datetime(spec, row[2])) for row in found}
        return {row[0]: (row[1], row[2]) for row in cursor.fetchall()}


def _sqlite_datetime(spec: _Spec, value: Any) -> datetime | None:
    field = spec.model._meta.get_field("shopify_updated_at")
    converted = connection.ops.convert_datetimefield_value(value, None, field)  # type: ignore[attr-defined]
    return converted  # type: ignore[no-any-return]


def _resolve(
    spec: _Spec, rows: list[MirrorRow]
) -> dict[str, dict[int, tuple[int, datetime | None]]]:
    """For each ref target (model key): the rows we hold among those the rows point at."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        for name, value in row.refs.items():
            ref = spec.refs.get(name)
            if ref is None or ref.late:
                continue
            target = ref.target or _OWNER_MODELS.get(row.fields.get("owner_resource", ""))
            if target is not None:
                wanted[target].add(value)
    return {target: _lookup(target, ids) for target, ids in wanted.items()}


def _prepare(spec: _Spec, column: _Column, value: Any) -> Any:
    """A value as the database driver takes it (SQLite: Django's preparation)."""
    if connection.vendor == "postgresql":
        if column.json and value is not None:
            return Jsonb(value)
        return value
    return column.field.get_db_prep_save(value, connection)


def _upsert(
    spec: _Spec, rows: list[MirrorRow], now: datetime, result: ApplyResult
) -> tuple[list[tuple[int, MirrorRow]], list[MirrorRow]]:
    """Upsert rows of one model; return (pk, row) of the rows written and the rows not stale."""
    rows = _newest(spec, rows)
    found = _resolve(spec, rows)
    inherit = _INHERIT.get(spec.key)
    # Rows grouped by the columns they set (one statement per group).
    groups: dict[tuple[Any, ...], list[tuple[MirrorRow, dict[str, Any]]]] = defaultdict(list)
    for row in rows:
        values: dict[str, Any] = {}
        deferred = False
        for name, value in row.fields.items():
            column = spec.columns.get(name)
            if column is not None:
                values[column.column] = value
        for name, value in row.refs.items():
            ref = spec.refs.get(name)
            if ref is None or ref.late:
                continue
            target = ref.target or _OWNER_MODELS.get(row.fields.get("owner_resource", ""))
            hit = found.get(target, {}).get(value) if target is not None else None
            if hit is None and not ref.nullable:
                deferred = True
                break
            values[ref.column] = hit[0] if hit is not None else None
            if name == inherit and values.get("shopify_updated_at") is None and hit is not None:
                values["shopify_updated_at"] = hit[1]
        if deferred:
            result.deferred.append(row)
            continue
        if "shopify_updated_at" in values and values["shopify_updated_at"] is None:
            # No timestamp of its own nor from a parent: the stored one stays.
            del values["shopify_updated_at"]
        if row.shopify_id is not None:
            values["shopify_id"] = row.shopify_id
        elif spec.key == "inventory_level" and values.get("shopify_id") is None:
            values["shopify_id"] = _level_id(row)
        partial = not spec.required <= values.keys()
        groups[(partial, *sorted(values))].append((row, values))
    if spec.key == "product_option":
        _clear_moved_options([values for members in groups.values() for _row, values in members])
    written: list[tuple[int, MirrorRow]] = []
    applied: list[MirrorRow] = []
    for (partial, *names), members in groups.items():
        given = tuple(names)
        if partial:
            done, stale, missing = _update_statement(spec, given, members, now, result)
            result.deferred.extend(row for row, _ in members if id(row) in missing)
            written.extend(done)
            applied.extend(
                row for row, _ in members if id(row) not in stale and id(row) not in missing
            )
            continue
        size = (
            len(members)
            if connection.vendor == "postgresql"
            else max(1, _MAX_PARAMETERS // len(spec.insert_columns))
        )
        for start in range(0, len(members), size):
            chunk = members[start : start + size]
            try:
                with transaction.atomic():
                    done, stale = _upsert_statement(spec, given, chunk, now, result)
            except (IntegrityError, DataError):
                done, stale, chunk = _upsert_one_by_one(spec, given, chunk, now, result)
            written.extend(done)
            applied.extend(row for row, _ in chunk if id(row) not in stale)
    return written, applied


def _clear_moved_options(rows: list[dict[str, Any]]) -> None:
    """Options are unique per product by position and by name, and Shopify reorders and renames
    them: remove the older stored options that stand where an incoming one goes (the incoming
    rows, with their values, take their place; a swap removes both and writes both)."""
    rows = [values for values in rows if values.get("product_id") is not None]
    if not rows or connection.vendor != "postgresql":
        if rows:
            _clear_moved_options_one_by_one(rows)
        return
    options = _quote(_specs()["product_option"].table)
    option_values = _quote(_specs()["option_value"].table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT o.id FROM {options} o JOIN unnest(%s::bigint[], %s::bigint[], %s::integer[],"
            " %s::text[], %s::timestamptz[]) AS u(shopify_id, product_id, position, name, stamp)"
            " ON o.product_id = u.product_id AND (o.position = u.position OR o.name = u.name)"
            " WHERE o.shopify_id IS DISTINCT FROM u.shopify_id"
            " AND (o.shopify_updated_at IS NULL OR u.stamp IS NULL"
            " OR o.shopify_updated_at <= u.stamp)",
            [
                [values.get("shopify_id") for values in rows],
                [values["product_id"] for values in rows],
                [values.get("position") for values in rows],
                [values.get("name") for values in rows],
                [values.get("shopify_updated_at") for values in rows],
            ],
        )
        doomed = sorted({record[0] for record in cursor.fetchall()})
        if doomed:
            cursor.execute(f"DELETE FROM {option_values} WHERE option_id = ANY(%s)", [doomed])
            cursor.execute(f"DELETE FROM {options} WHERE id = ANY(%s)", [doomed])


def _clear_moved_options_one_by_one(rows: list[dict[str, Any]]) -> None:
    options = _quote(_specs()["product_option"].table)
    option_values = _quote(_specs()["option_value"].table)
    with connection.cursor() as cursor:
        for values in rows:
            cursor.execute(
                f"SELECT id FROM {options} WHERE product_id = %s AND (position = %s OR name = %s)"
                " AND (shopify_id IS NULL OR shopify_id <> %s)",
                [
                    values["product_id"],
                    values.get("position"),
                    values.get("name"),
                    values.get("shopify_id"),
                ],
            )
            doomed = [record[0] for record in cursor.fetchall()]
            for pk in doomed:
                cursor.execute(f"DELETE FROM {option_values} WHERE option_id = %s", [pk])
                cursor.execute(f"DELETE FROM {options} WHERE id = %s", [pk])


def _upsert_one_by_one(
    spec: _Spec,
    given: tuple[str, ...],
    members: list[tuple[MirrorRow, dict[str, Any]]],
    now: datetime,
    result: ApplyResult,
) -> tuple[list[tuple[int, MirrorRow]], set[int], list[tuple[MirrorRow, dict[str, Any]]]]:
    """A statement failed on a constraint: write its rows one at a time, and defer (and log)
    the rows the database refuses, so one row Shopify holds and we cannot does not stop the
    others. Returns what _upsert_statement does, and the members written."""
    written: list[tuple[int, MirrorRow]] = []
    stale: set[int] = set()
    kept: list[tuple[MirrorRow, dict[str, Any]]] = []
    for member in members:
        try:
            with transaction.atomic():
                done, old = _upsert_statement(spec, given, [member], now, result)
        except (IntegrityError, DataError) as error:
            logger.warning(
                "mirror: %s %s refused by the database: %s", spec.key, member[0].shopify_id, error
            )
            result.deferred.append(member[0])
            continue
        written.extend(done)
        stale |= old
        kept.append(member)
    return written, stale, kept


def _level_id(row: MirrorRow) -> int:
    """An inventory level's shopify_id (not unique; it marks the row as Shopify's): the id in
    its GID, else its item's id."""
    gid = row.fields.get("admin_graphql_api_id")
    if isinstance(gid, str) and gid:
        return legacy_id(gid)
    return row.refs["inventory_item"]


def _conflict_columns(spec: _Spec) -> list[str]:
    if spec.natural_key:
        return [spec.refs[name].column for name in spec.natural_key]
    return ["shopify_id"]


def _upsert_statement(
    spec: _Spec,
    given: tuple[str, ...],
    members: list[tuple[MirrorRow, dict[str, Any]]],
    now: datetime,
    result: ApplyResult,
) -> tuple[list[tuple[int, MirrorRow]], set[int]]:
    postgres = connection.vendor == "postgresql"
    table = _quote(spec.table)
    columns = spec.insert_columns
    conflict = _conflict_columns(spec)
    if postgres:
        # One array per column (a short statement whatever the row count: psycopg adapts the
        # arrays in C, and PostgreSQL plans the same text every time).
        parameters = [_column_vector(spec, column, given, members, now) for column in columns]
        source = (
            "SELECT * FROM unnest("
            + ", ".join(f"%s::{column.array_type}[]" for column in columns)
            + ")"
        )
    else:
        parameters = [
            _prepare(spec, column, value)
            for _row, values in members
            for column, value in zip(columns, _column_values(spec, values, now), strict=True)
        ]
        placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
        source = f"VALUES {', '.join([placeholder] * len(members))}"
    updated = [name for name in given if name not in conflict and name != "shopify_id"]
    assignments = [f"{_quote(name)} = EXCLUDED.{_quote(name)}" for name in updated]
    if spec.timestamps:
        assignments.append('"updated_at" = EXCLUDED."updated_at"')
    if spec.soft_delete:
        assignments.append('"deleted_at" = NULL')
    guard = _guard(spec, table, "EXCLUDED", updated, given)
    identity = ", ".join(_quote(name) for name in conflict)
    returning = f"id, {identity}" + (", (xmax = 0)" if postgres else "")
    sql = (
        f"INSERT INTO {table} ({', '.join(_quote(c.column) for c in columns)})"
        f" {source}"
        f" ON CONFLICT ({identity}) DO UPDATE SET {', '.join(assignments)}"
        f" WHERE {guard} RETURNING {returning}"
    )
    by_identity = {tuple(values[name] for name in conflict): row for row, values in members}
    existing: set[tuple[Any, ...]] = set()
    with connection.cursor() as cursor:
        if not postgres:
            existing = _existing(cursor, spec, conflict, list(by_identity))
        cursor.execute(sql, parameters)
        returned = cursor.fetchall()
    written: list[tuple[int, MirrorRow]] = []
    created = 0
    for record in returned:
        identity_values = tuple(record[1 : 1 + len(conflict)])
        row = by_identity.get(identity_values)
        if row is None:
            continue
        written.append((record[0], row))
        if record[-1] if postgres else identity_values not in existing:
            created += 1
    _count(result.created, spec.key, created)
    _count(result.updated, spec.key, len(written) - created)
    stale: set[int] = set()
    if len(written) < len(members):
        returned_identities = {tuple(record[1 : 1 + len(conflict)]) for record in returned}
        rest = [
            (row, values)
            for row, values in members
            if tuple(values[name] for name in conflict) not in returned_identities
        ]
        stale = _stale(spec, conflict, rest)
        _count(result.stale, spec.key, len(stale))
    return written, stale


def _guard(
    spec: _Spec, table: str, incoming: str, updated: list[str], given: tuple[str, ...]
) -> str:
    """When a stored row takes the incoming one: not older (`shopify_updated_at`), newer than
    its deletion if soft-deleted (which restores it), and different in some column."""
    if "shopify_updated_at" in given:
        guard = (
            f"({table}.shopify_updated_at IS NULL OR {incoming}.shopify_updated_at IS NULL"
            f" OR {incoming}.shopify_updated_at >= {table}.shopify_updated_at)"
        )
        if spec.soft_delete:
            guard += (
                f" AND ({table}.deleted_at IS NULL"
                f" OR {incoming}.shopify_updated_at > {table}.deleted_at)"
            )
    else:
        guard = f"{table}.deleted_at IS NULL" if spec.soft_delete else "TRUE"
    if not updated:
        return guard
    if connection.vendor == "postgresql":
        mine = ", ".join(f"{table}.{_quote(name)}" for name in updated)
        theirs = ", ".join(f"{incoming}.{_quote(name)}" for name in updated)
        changed = f"ROW({mine}) IS DISTINCT FROM ROW({theirs})"
    else:
        changed = (
            "("
            + " OR ".join(
                f"{table}.{_quote(name)} IS NOT {incoming}.{_quote(name)}" for name in updated
            )
            + ")"
        )
    if spec.soft_delete and "shopify_updated_at" in given:
        changed = f"({changed} OR {table}.deleted_at IS NOT NULL)"
    return f"{guard} AND {changed}"


def _update_statement(
    spec: _Spec,
    given: tuple[str, ...],
    members: list[tuple[MirrorRow, dict[str, Any]]],
    now: datetime,
    result: ApplyResult,
) -> tuple[list[tuple[int, MirrorRow]], set[int], set[int]]:
    """Rows that lack a column an insert needs (e.g. a bulk order's shipping lines, which come
    in lines of their own) only update the rows we hold. Returns (pk, row) of the rows written,
    the ids() of the stale ones and the ids() of the ones we do not hold."""
    table = _quote(spec.table)
    conflict = _conflict_columns(spec)
    columns = [column for column in spec.insert_columns if column.column in given]
    updated = [name for name in given if name not in conflict and name != "shopify_id"]
    assignments = [f"{_quote(name)} = u.{_quote(name)}" for name in updated]
    parameters: list[Any] = []
    if spec.timestamps:
        assignments.append('"updated_at" = %s')
        parameters.append(now)
    if spec.soft_delete and "shopify_updated_at" in given:
        assignments.append('"deleted_at" = NULL')
    join = " AND ".join(f"{table}.{_quote(name)} = u.{_quote(name)}" for name in conflict)
    by_identity = {tuple(values[name] for name in conflict): row for row, values in members}
    returned: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} SET {', '.join(assignments)} FROM unnest("
                + ", ".join(f"%s::{column.array_type}[]" for column in columns)
                + f") AS u({', '.join(_quote(column.column) for column in columns)})"
                f" WHERE {join} AND {_guard(spec, table, 'u', updated, given)}"
                f" RETURNING {table}.id, "
                + ", ".join(f"{table}.{_quote(name)}" for name in conflict),
                parameters
                + [_column_vector(spec, column, given, members, now) for column in columns],
            )
            returned = cursor.fetchall()
        else:
            select = "SELECT " + ", ".join(f"%s AS {_quote(column.column)}" for column in columns)
            for _row, values in members:
                cursor.execute(
                    f"UPDATE {table} SET {', '.join(assignments)} FROM ({select}) AS u"
                    f" WHERE {join} AND {_guard(spec, table, 'u', updated, given)}"
                    f" RETURNING {table}.id, "
                    + ", ".join(f"{table}.{_quote(name)}" for name in conflict),
                    parameters
                    + [_prepare(spec, column, values[column.column]) for column in columns],
                )
                returned.extend(cursor.fetchall())
    written = [
        (record[0], by_identity[tuple(record[1:])])
        for record in returned
        if tuple(record[1:]) in by_identity
    ]
    _count(result.updated, spec.key, len(written))
    done = {tuple(record[1:]) for record in returned}
    rest = [
        (row, values)
        for row, values in members
        if tuple(values[name] for name in conflict) not in done
    ]
    if not rest:
        return written, set(), set()
    held = _lookup(spec.key, (values["shopify_id"] for _row, values in rest))
    missing = {id(row) for row, values in rest if values["shopify_id"] not in held}
    stale = _stale(
        spec, conflict, [(row, values) for row, values in rest if id(row) not in missing]
    )
    _count(result.stale, spec.key, len(stale))
    return written, stale, missing


def _column_vector(
    spec: _Spec,
    column: _Column,
    given: tuple[str, ...],
    members: list[tuple[MirrorRow, dict[str, Any]]],
    now: datetime,
) -> list[Any]:
    name = column.column
    if name in given:
        vector = [values[name] for _row, values in members]
    elif spec.timestamps and name in ("created_at", "updated_at"):
        vector = [now] * len(members)
    else:
        vector = [spec.defaults[name]] * len(members)
    if column.json:
        return [Jsonb(value) if value is not None else None for value in vector]
    return vector


def _column_values(spec: _Spec, values: dict[str, Any], now: datetime) -> Iterator[Any]:
    for column in spec.insert_columns:
        name = column.column
        if name in values:
            yield values[name]
        elif spec.timestamps and name in ("created_at", "updated_at"):
            yield now
        else:
            yield spec.defaults[name]


def _existing(
    cursor: Any, spec: _Spec, conflict: list[str], identities: list[tuple[Any, ...]]
) -> set[tuple[Any, ...]]:
    """SQLite: which of these identities are stored already (for the created count)."""
    found: set[tuple[Any, ...]] = set()
    table = _quote(spec.table)
    where = " AND ".join(f"{_quote(name)} = %s" for name in conflict)
    for identity in identities:
        cursor.execute(f"SELECT 1 FROM {table} WHERE {where}", list(identity))
        if cursor.fetchone():
            found.add(identity)
    return found


def _stale(
    spec: _Spec, conflict: list[str], members: list[tuple[MirrorRow, dict[str, Any]]]
) -> set[int]:
    """Of rows the upsert did not write: the ones (by id()) older than what we hold."""
    table = _quote(spec.table)
    where = " AND ".join(f"{_quote(name)} = %s" for name in conflict)
    deleted = " OR (deleted_at IS NOT NULL AND NOT (%s > deleted_at))" if spec.soft_delete else ""
    stale: set[int] = set()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = [[values[name] for _row, values in members] for name in conflict]
            stamps = [values.get("shopify_updated_at") for _row, values in members]
            keys = ", ".join("%s::bigint[]" for _ in conflict)
            names = ", ".join(f"k{index}" for index in range(len(conflict)))
            join = " AND ".join(f"t.{_quote(name)} = u.k{i}" for i, name in enumerate(conflict))
            soft = (
                " OR (t.deleted_at IS NOT NULL AND NOT (u.stamp > t.deleted_at))"
                if spec.soft_delete
                else ""
            )
            cursor.execute(
                f"SELECT {', '.join(f'u.k{i}' for i in range(len(conflict)))} FROM {table} t"
                f" JOIN unnest({keys}, %s::timestamptz[]) AS u({names}, stamp) ON {join}"
                f" WHERE t.shopify_updated_at > u.stamp{soft}",
                [*arrays, stamps],
            )
            older = {tuple(record) for record in cursor.fetchall()}
            for row, values in members:
                if tuple(values[name] for name in conflict) in older:
                    stale.add(id(row))
            return stale
        for row, values in members:
            stamp = _prepare(
                spec, spec.columns["shopify_updated_at"], values.get("shopify_updated_at")
            )
            params = [values[name] for name in conflict]
            cursor.execute(
                f"SELECT 1 FROM {table} WHERE {where} AND (shopify_updated_at > %s{deleted})",
                [*params, stamp, *([stamp] if spec.soft_delete else [])],
            )
            if cursor.fetchone():
                stale.add(id(row))
    return stale


def _late_refs(spec: _Spec, ref: _Ref, rows: list[MirrorRow]) -> None:
    """Point `ref` of the rows (not stale) at its targets, NULL where we do not hold them."""
    rows = [row for row in rows if ref.name in row.refs or ref.name in row.fields]
    if not rows or ref.target is None:
        return
    found = _lookup(ref.target, (row.refs[ref.name] for row in rows if ref.name in row.refs))
    pairs: list[tuple[int, int | None]] = []
    for row in rows:
        if row.shopify_id is None:
            continue
        target = row.refs.get(ref.name)
        hit = found.get(target) if target is not None else None
        pairs.append((row.shopify_id, hit[0] if hit is not None else None))
    table = _quote(spec.table)
    column = _quote(ref.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} AS t SET {column} = u.target"
                " FROM unnest(%s::bigint[], %s::bigint[]) AS u(shopify_id, target)"
                f" WHERE t.shopify_id = u.shopify_id AND t.{column} IS DISTINCT FROM u.target",
                [[pair[0] for pair in pairs], [pair[1] for pair in pairs]],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET {column} = %s WHERE shopify_id = %s",
                [(target, shopify_id) for shopify_id, target in pairs],
            )


def _replace_tags(
    table: str, owner_column: str, written: list[tuple[int, MirrorRow]], normalise: Any
) -> None:
    owners = [pk for pk, row in written if "tags" in row.fields]
    if not owners:
        return
    pairs = [
        (pk, tag)
        for pk, row in written
        if "tags" in row.fields
        for tag in normalise(row.fields["tags"])
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DELETE FROM {table} WHERE {owner_column} = ANY(%s)", [owners])
            if pairs:
                cursor.execute(
                    f"INSERT INTO {table} ({owner_column}, tag)"
                    " SELECT * FROM unnest(%s::bigint[], %s::text[])",
                    [[pair[0] for pair in pairs], [pair[1] for pair in pairs]],
                )
            return
        cursor.executemany(
            f"DELETE FROM {table} WHERE {owner_column} = %s", [[pk] for pk in owners]
        )
        cursor.executemany(f"INSERT INTO {table} ({owner_column}, tag) VALUES (%s, %s)", pairs)


def _product_tag_list(tags: str) -> list[str]:
    """As catalog's services keep them: trimmed, unique ignoring case, first spelling kept."""
    seen: dict[str, str] = {}
    for tag in (item.strip() for item in tags.split(",")):
        if tag and tag.lower() not in seen:
            seen[tag.lower()] = tag[:255].strip()
    return list(seen.values())


def _customer_tag_list(tags: str) -> list[str]:
    """As customers' services keep them: trimmed, lower-case, unique."""
    seen: dict[str, None] = {}
    for tag in (item.strip().lower() for item in tags.split(",")):
        if tag:
            seen.setdefault(tag[:255].strip(), None)
    return list(seen)


def _product_tags(written: list[tuple[int, MirrorRow]]) -> None:
    table = _quote(apps.get_model("catalog.ProductTag")._meta.db_table)
    _replace_tags(table, "product_id", written, _product_tag_list)


def _customer_tags(written: list[tuple[int, MirrorRow]]) -> None:
    table = _quote(apps.get_model("customers.CustomerTag")._meta.db_table)
    _replace_tags(table, "customer_id", written, _customer_tag_list)


def _id_list(ids: Sequence[int]) -> tuple[str, list[Any]]:
    """`= ANY(%s)` on PostgreSQL, `IN (…)` elsewhere."""
    if connection.vendor == "postgresql":
        return "= ANY(%s)", [list(ids)]
    return f"IN ({', '.join(['%s'] * len(ids))})", list(ids)


def _default_addresses(customer_ids: list[int]) -> None:
    """CustomerAddress.is_default follows Customer.default_address (at most one per customer:
    the old default is cleared first)."""
    if not customer_ids:
        return
    addresses = _quote(_specs()["customer_address"].table)
    customers = _quote(_specs()["customer"].table)
    match, params = _id_list(customer_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {addresses} SET is_default = FALSE WHERE is_default AND customer_id IN"
            f" (SELECT c.id FROM {customers} c WHERE c.shopify_id {match}"
            f" AND c.default_address_id IS DISTINCT FROM {addresses}.id)",
            params,
        )
        cursor.execute(
            f"UPDATE {addresses} SET is_default = TRUE WHERE NOT is_default AND id IN"
            f" (SELECT c.default_address_id FROM {customers} c WHERE c.shopify_id {match})",
            params,
        )


def _last_orders(order_ids: list[int]) -> None:
    """Customers whose last order (by name) has just arrived point at it."""
    if not order_ids:
        return
    orders = _quote(_specs()["order"].table)
    customers = _quote(_specs()["customer"].table)
    match, params = _id_list(order_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {customers} SET last_order_id = (SELECT o.id FROM {orders} o"
            f" WHERE o.customer_id = {customers}.id AND o.name = {customers}.last_order_name"
            f" AND o.shopify_id {match} LIMIT 1)"
            f" WHERE last_order_id IS NULL AND last_order_name <> '' AND id IN"
            f" (SELECT o.customer_id FROM {orders} o WHERE o.shopify_id {match})",
            params + params,
        )


def _parent_ref(parent_model: str, child: _Spec) -> _Ref | None:
    for ref in child.refs.values():
        if ref.target == parent_model and not ref.late:
            return ref
    if child.key == "metafield":
        return child.refs["owner"]
    return None


def _prune(children: list[MirrorChildren], now: datetime, result: ApplyResult) -> None:
    """Remove each parent's children of a kind that are not in its complete set."""
    specs = _specs()
    grouped: dict[tuple[str, str], list[MirrorChildren]] = defaultdict(list)
    for item in children:
        grouped[(item.parent_model, item.child_model)].append(item)
    for (parent_model, child_model), group in grouped.items():
        child = specs[child_model]
        ref = _parent_ref(parent_model, child)
        if ref is None:
            continue
        parents = _lookup(parent_model, (item.parent_shopify_id for item in group))
        parent_pks = {
            parents[item.parent_shopify_id][0]: item.shopify_ids
            for item in group
            if item.parent_shopify_id in parents
        }
        if not parent_pks:
            continue
        table = _quote(child.table)
        match, params = _id_list(list(parent_pks))
        if child.natural_key:
            other = next(
                name for name in child.natural_key if child.refs[name].target != parent_model
            )
            other_ref = child.refs[other]
            other_table = _quote(specs[other_ref.target or ""].table)
            select = (
                f"SELECT c.id, c.{_quote(ref.column)}, o.shopify_id FROM {table} c"
                f" JOIN {other_table} o ON o.id = c.{_quote(other_ref.column)}"
                f" WHERE c.{_quote(ref.column)} {match}"
            )
        else:
            select = (
                f"SELECT c.id, c.{_quote(ref.column)}, c.shopify_id FROM {table} c"
                f" WHERE c.{_quote(ref.column)} {match} AND c.shopify_id IS NOT NULL"
            )
            if child.key == "metafield":
                owner = next(key for key, value in _OWNER_MODELS.items() if value == parent_model)
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
        _remove(child, doomed, now, result)


def _remove(spec: _Spec, pks: list[int], now: datetime, result: ApplyResult) -> None:
    if not pks:
        return
    manager = spec.model._base_manager  # type: ignore[attr-defined]
    if spec.soft_delete:
        count = manager.filter(pk__in=pks, deleted_at__isnull=True).update(
            deleted_at=now, updated_at=now
        )
    else:
        count = manager.filter(pk__in=pks).delete()[1].get(spec.model._meta.label, 0)
    _count(result.deleted, spec.key, count)


def _delete(deletes: list[MirrorDelete], now: datetime, result: ApplyResult) -> None:
    specs = _specs()
    by_model: dict[str, list[MirrorDelete]] = defaultdict(list)
    for item in deletes:
        by_model[item.model].append(item)
    for key, group in by_model.items():
        spec = specs[key]
        found = _lookup(key, (item.shopify_id for item in group))
        if not spec.soft_delete:
            _remove(
                spec,
                [found[item.shopify_id][0] for item in group if item.shopify_id in found],
                now,
                result,
            )
            continue
        manager = spec.model._base_manager  # type: ignore[attr-defined]
        count = 0
        for when, members in _by_time(group, now).items():
            pks = [found[item.shopify_id][0] for item in members if item.shopify_id in found]
            count += manager.filter(pk__in=pks, deleted_at__isnull=True).update(
                deleted_at=when, updated_at=now
            )
            if key == "product" and pks:
                variants = specs["product_variant"].model._base_manager  # type: ignore[attr-defined]
                variants.filter(product_id__in=pks, deleted_at__isnull=True).update(
                    deleted_at=when, updated_at=now
                )
        _count(result.deleted, key, count)


def _by_time(group: list[MirrorDelete], now: datetime) -> dict[datetime, list[MirrorDelete]]:
    grouped: dict[datetime, list[MirrorDelete]] = defaultdict(list)
    for item in group:
        when = item.deleted_at if isinstance(item.deleted_at, datetime) else now
        grouped[when].append(item)
    return grouped


# --- reading -------------------------------------------------------------------------------------


def snapshot(model: str) -> dict[int, datetime | None]:
    """shopify_id -> shopify_updated_at of every alive mirrored row of a model."""
    spec = _specs()[model]
    queryset = spec.model._base_manager.filter(shopify_id__isnull=False)  # type: ignore[attr-defined]
    if spec.soft_delete:
        queryset = queryset.filter(deleted_at__isnull=True)
    return dict(queryset.values_list("shopify_id", "shopify_updated_at").iterator(chunk_size=5000))


def _same(expected: Any, actual: Any) -> bool:
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
    specs = _specs()
    for key, group in rows.items():
        spec = specs[key]
        for start in range(0, len(group), 1000):
            differences.extend(_diff_rows(spec, _newest(spec, group[start : start + 1000])))
    return differences


def _diff_rows(spec: _Spec, rows: list[MirrorRow]) -> Iterator[Difference]:
    found = _resolve(spec, rows)
    for ref in spec.refs.values():
        if ref.late and ref.target is not None:
            found[f"late:{ref.name}"] = _lookup(
                ref.target, (row.refs[ref.name] for row in rows if ref.name in row.refs)
            )
    attnames = {"id", *(column.field.attname for column in spec.insert_columns)}
    manager = spec.model._base_manager  # type: ignore[attr-defined]
    stored: dict[tuple[Any, ...], dict[str, Any]] = {}
    keyed: list[tuple[tuple[Any, ...], MirrorRow]] = []
    if spec.natural_key:
        columns = [spec.refs[name].column for name in spec.natural_key]
        query = models.Q()
        for row in rows:
            identity = tuple(_target_pk(spec, found, row, name) for name in spec.natural_key)
            keyed.append((identity, row))
            if None not in identity:
                query |= models.Q(**dict(zip(columns, identity, strict=True)))
        if query:
            for record in manager.filter(query).values(*attnames):
                stored[tuple(record[column] for column in columns)] = record
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
            if not _same(expected, actual):
                yield Difference(spec.key, row.shopify_id, name, expected, actual)
        for name, target in row.refs.items():
            known = spec.refs.get(name)
            if known is None:
                continue
            actual = record[known.column]
            if _target_pk(spec, found, row, name) != actual or actual is None:
                yield Difference(spec.key, row.shopify_id, name, target, actual)


def _target_pk(
    spec: _Spec,
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
            ref.target or _OWNER_MODELS.get(row.fields.get("owner_resource", ""), ""), {}
        )
    hit = table.get(row.refs.get(name, -1))
    return hit[0] if hit is not None else None
