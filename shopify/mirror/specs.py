"""What the mirror knows of each model key: its Django model, table, columns (with their
defaults and PostgreSQL array types), references, soft delete and identity; and the lookups by
Shopify id that every step uses."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

import orjson
import psycopg
from django.apps import apps
from django.db import connection, models
from psycopg.types.json import Jsonb

from shopify.rows import MODEL_KEYS, MirrorRow

MODELS: dict[str, str] = {
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
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "inventory_level": ("inventory_item", "location"),
    "collection_product": ("collection", "product"),
}


# References written after the batch's rows (they point at rows written later or at the model
# itself).
LATE_REFS = frozenset(
    {("customer", "default_address"), ("customer", "last_order"), ("transaction", "parent")}
)


# Rows without a timestamp of their own take the one of the row this ref points at.
INHERIT: dict[str, str] = {
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
OWNER_MODELS: dict[str, str] = {
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
MAX_PARAMETERS = 30_000


@dataclass(frozen=True, slots=True)
class Ref:
    name: str
    column: str
    target: str | None  # model key; None: the metafield owner (by owner_resource)
    nullable: bool
    late: bool


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    column: str
    json: bool
    field: models.Field[Any, Any]
    array_type: str  # PostgreSQL element type of the column's array parameter


@dataclass(frozen=True, slots=True)
class Spec:
    key: str
    model: type[models.Model]
    table: str
    columns: dict[str, Column]  # field name (and attname of foreign keys) -> column
    insert_columns: tuple[Column, ...]  # every concrete column but the primary key
    defaults: dict[str, Any]  # column -> default value on insert
    refs: dict[str, Ref]
    soft_delete: bool
    timestamps: bool
    natural_key: tuple[str, ...]  # ref names, or () for shopify_id
    required: frozenset[str]  # columns an insert needs (NOT NULL, no default)


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def element_type(field: models.Field[Any, Any]) -> str:
    """`varchar(255)` -> `text`, `numeric(14, 2)` -> `numeric`: unbounded element types, so an
    oversized value fails on assignment instead of being cut by the cast."""
    db_type = (field.db_type(connection) or "text").split("(")[0].strip()
    return "text" if db_type == "varchar" else db_type


@cache
def model_specs() -> dict[str, Spec]:
    specs = {}
    key_of = {apps.get_model(label): key for key, label in MODELS.items()}
    for key in MODEL_KEYS:
        model = apps.get_model(MODELS[key])
        columns: dict[str, Column] = {}
        insert: list[Column] = []
        refs: dict[str, Ref] = {}
        defaults: dict[str, Any] = {}
        for field in model._meta.concrete_fields:
            if field.primary_key:
                continue
            column = Column(
                field.name,
                str(field.column),
                isinstance(field, models.JSONField),
                field,
                element_type(field),
            )
            columns[field.name] = column
            columns[field.attname] = column
            insert.append(column)
            defaults[column.column] = field.get_default()
            if field.is_relation and field.related_model is not None:
                target = key_of.get(field.related_model)  # type: ignore[arg-type]
                if target is not None:
                    refs[field.name] = Ref(
                        field.name,
                        column.column,
                        target,
                        field.null,
                        (key, field.name) in LATE_REFS,
                    )
        if key == "metafield":
            refs["owner"] = Ref("owner", "owner_id", None, False, False)
        field_names = {field.name for field in model._meta.concrete_fields}
        specs[key] = Spec(
            key=key,
            model=model,
            table=model._meta.db_table,
            columns=columns,
            insert_columns=tuple(insert),
            defaults=defaults,
            refs=refs,
            soft_delete="deleted_at" in field_names,
            timestamps="updated_at" in field_names and "created_at" in field_names,
            natural_key=NATURAL_KEYS.get(key, ()),
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


def add_count(counter: dict[str, int], key: str, value: int) -> None:
    if value:
        counter[key] = counter.get(key, 0) + value


def lookup(key: str, shopify_ids: Iterable[int]) -> dict[int, tuple[int, datetime | None]]:
    """shopify_id -> (pk, shopify_updated_at) of the rows of `key` we hold."""
    ids = list(set(shopify_ids))
    if not ids:
        return {}
    spec = model_specs()[key]
    table = quote(spec.table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT shopify_id, id, shopify_updated_at FROM {table}"
                " WHERE shopify_id = ANY(%s::bigint[])",
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
            return {row[0]: (row[1], sqlite_datetime(spec, row[2])) for row in found}
        return {row[0]: (row[1], row[2]) for row in cursor.fetchall()}


def sqlite_datetime(spec: Spec, value: Any) -> datetime | None:
    field = spec.model._meta.get_field("shopify_updated_at")
    converted = connection.ops.convert_datetimefield_value(value, None, field)  # type: ignore[attr-defined]
    return converted  # type: ignore[no-any-return]


def resolve(spec: Spec, rows: list[MirrorRow]) -> dict[str, dict[int, tuple[int, datetime | None]]]:
    """For each ref target (model key): the rows we hold among those the rows point at."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        for name, value in row.refs.items():
            ref = spec.refs.get(name)
            if ref is None or ref.late:
                continue
            target = ref.target or OWNER_MODELS.get(row.fields.get("owner_resource", ""))
            if target is not None:
                wanted[target].add(value)
    return {target: lookup(target, ids) for target, ids in wanted.items()}


def prepare(spec: Spec, column: Column, value: Any) -> Any:
    """A value as the database driver takes it (SQLite: Django's preparation)."""
    if connection.vendor == "postgresql":
        if column.json and value is not None:
            return jsonb(value)
        return value
    return column.field.get_db_prep_save(value, connection)


def id_list(ids: Sequence[int]) -> tuple[str, list[Any]]:
    """`= ANY(%s::bigint[])` on PostgreSQL, `IN (…)` elsewhere."""
    if connection.vendor == "postgresql":
        # Typed: psycopg sends a list of small ints as smallint[], which no bigint index serves
        # (a full scan per statement: 1.3 s instead of 40 ms at 300,000 inventory levels).
        return "= ANY(%s::bigint[])", [list(ids)]
    return f"IN ({', '.join(['%s'] * len(ids))})", list(ids)


def conflict_columns(spec: Spec) -> list[str]:
    if spec.natural_key:
        return [spec.refs[name].column for name in spec.natural_key]
    return ["shopify_id"]


@contextmanager
def pg_cursor() -> Iterator[psycopg.Cursor[Any]]:
    """PostgreSQL: a cursor that binds parameters server-side, arrays (`%b`) in binary: several
    times faster than the escaped text literals of Django's client-side binding for arrays of
    thousands of values. Its errors are Django's (IntegrityError …)."""
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        yield cursor


def _json_bytes(value: Any) -> bytes:
    """JSON by orjson (a JSON column's values are most of an order's bytes; json.dumps was the
    largest cost of writing them), by json for what orjson does not take (integers past 64
    bits)."""
    try:
        return orjson.dumps(value, default=str, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:
        return json.dumps(value, default=str).encode()


def jsonb(value: Any) -> Jsonb:
    return Jsonb(value, dumps=_json_bytes)
