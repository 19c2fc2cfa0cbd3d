"""Rows and columns derived from mirrored rows, as the local services keep them: late
references, ProductTag and CustomerTag rows, CustomerAddress.is_default, Customer.last_order."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.apps import apps
from django.db import IntegrityError, connection, transaction

from shopify.mirror.specs import Ref, Spec, id_list, lookup, model_specs, quote
from shopify.rows import MirrorRow

logger = logging.getLogger(__name__)


def late_refs(
    spec: Spec, ref: Ref, rows: list[MirrorRow], *, found_only: bool = False
) -> list[MirrorRow]:
    """Point `ref` of the rows (not stale) at its targets, NULL where we do not hold them
    (`found_only`: left alone); the rows whose target we do not hold (yet) are returned."""
    rows = [row for row in rows if ref.name in row.refs or ref.name in row.fields]
    if not rows or ref.target is None:
        return []
    found = lookup(ref.target, (row.refs[ref.name] for row in rows if ref.name in row.refs))
    pairs: list[tuple[int, int | None]] = []
    unresolved: list[MirrorRow] = []
    for row in rows:
        if row.shopify_id is None:
            continue
        target = row.refs.get(ref.name)
        hit = found.get(target) if target is not None else None
        if target is not None and hit is None:
            unresolved.append(row)
            if found_only:
                continue
        pairs.append((row.shopify_id, hit[0] if hit is not None else None))
    if not pairs:
        return unresolved
    table = quote(spec.table)
    column = quote(ref.column)
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
    return unresolved


def replace_tags(
    table: str,
    owner_column: str,
    written: list[tuple[int, MirrorRow]],
    normalise: Callable[[str], list[str]],
) -> None:
    """The tag rows of the written owners, from their `tags`. A tag the database refuses (a
    spelling its rules see otherwise than ours) is left out and logged."""
    owners = [pk for pk, row in written if "tags" in row.fields]
    if not owners:
        return
    pairs = [
        (pk, tag)
        for pk, row in written
        if "tags" in row.fields
        for tag in normalise(row.fields["tags"])
    ]
    insert = f"INSERT INTO {table} ({owner_column}, tag) VALUES (%s, %s)"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"DELETE FROM {table} WHERE {owner_column} = ANY(%s::bigint[])", [owners]
            )
        else:
            cursor.executemany(
                f"DELETE FROM {table} WHERE {owner_column} = %s", [[pk] for pk in owners]
            )
        if not pairs:
            return
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    cursor.execute(
                        f"INSERT INTO {table} ({owner_column}, tag)"
                        " SELECT * FROM unnest(%s::bigint[], %s::text[])",
                        [[pair[0] for pair in pairs], [pair[1] for pair in pairs]],
                    )
                else:
                    cursor.executemany(insert, pairs)
        except IntegrityError:
            for pair in pairs:
                try:
                    with transaction.atomic():
                        cursor.execute(insert, list(pair))
                except IntegrityError as error:
                    logger.warning("mirror: tag %r of %s refused: %s", pair[1], pair[0], error)


def product_tag_list(tags: str) -> list[str]:
    """As catalog's services keep them: trimmed, unique ignoring case, first spelling kept."""
    seen: dict[str, str] = {}
    for tag in (item.strip() for item in tags.split(",")):
        if tag and tag.lower() not in seen:
            seen[tag.lower()] = tag[:255].strip()
    return list(seen.values())


def customer_tag_list(tags: str) -> list[str]:
    """As customers' services keep them: trimmed, lower-case, unique."""
    seen: dict[str, None] = {}
    for tag in (item.strip().lower() for item in tags.split(",")):
        if tag:
            seen.setdefault(tag[:255].strip(), None)
    return list(seen)


def product_tags(written: list[tuple[int, MirrorRow]]) -> None:
    table = quote(apps.get_model("catalog.ProductTag")._meta.db_table)
    replace_tags(table, "product_id", written, product_tag_list)


def customer_tags(written: list[tuple[int, MirrorRow]]) -> None:
    table = quote(apps.get_model("customers.CustomerTag")._meta.db_table)
    replace_tags(table, "customer_id", written, customer_tag_list)


def default_addresses(customer_ids: list[int]) -> None:
    """CustomerAddress.is_default follows Customer.default_address (at most one per customer:
    the old default is cleared first)."""
    if not customer_ids:
        return
    addresses = quote(model_specs()["customer_address"].table)
    customers = quote(model_specs()["customer"].table)
    match, params = id_list(customer_ids)
    with connection.cursor() as cursor:
        # A join, not a subquery correlated with the address row (which ran once per address:
        # 1 s per batch at 20,000 customers).
        cursor.execute(
            f"UPDATE {addresses} SET is_default = FALSE FROM {customers} c"
            f" WHERE {addresses}.is_default AND {addresses}.customer_id = c.id"
            f" AND c.shopify_id {match} AND c.default_address_id IS DISTINCT FROM {addresses}.id",
            params,
        )
        cursor.execute(
            f"UPDATE {addresses} SET is_default = TRUE WHERE NOT is_default AND id IN"
            f" (SELECT c.default_address_id FROM {customers} c WHERE c.shopify_id {match})",
            params,
        )


def last_orders(order_ids: list[int]) -> None:
    """Customers whose last order (by name) has just arrived point at it."""
    if not order_ids:
        return
    orders = quote(model_specs()["order"].table)
    customers = quote(model_specs()["customer"].table)
    match, params = id_list(order_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {customers} SET last_order_id = (SELECT o.id FROM {orders} o"
            f" WHERE o.customer_id = {customers}.id AND o.name = {customers}.last_order_name"
            f" AND o.shopify_id {match} LIMIT 1)"
            f" WHERE last_order_id IS NULL AND last_order_name <> '' AND id IN"
            f" (SELECT o.customer_id FROM {orders} o WHERE o.shopify_id {match})",
            params + params,
        )
