"""The upserts: one `INSERT … ON CONFLICT … DO UPDATE … WHERE <stale guard>` per model,
batch and column set (rows lacking what an insert needs: an UPDATE of the rows we hold), a row at
a time only when the database refuses a statement."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.db import DataError, IntegrityError, connection, transaction

from core.pci import mask_pans
from shopify.mirror.specs import (
    INHERIT,
    MAX_PARAMETERS,
    OWNER_MODELS,
    Column,
    Spec,
    add_count,
    conflict_columns,
    jsonb,
    lookup,
    model_specs,
    pg_cursor,
    prepare,
    quote,
    resolve,
)
from shopify.rows import ApplyResult, MirrorRow, legacy_id

logger = logging.getLogger(__name__)


def row_identity(spec: Spec, row: MirrorRow) -> tuple[Any, ...]:
    if spec.natural_key:
        return tuple(row.refs.get(name) for name in spec.natural_key)
    return (row.shopify_id,)


def newest(spec: Spec, rows: list[MirrorRow]) -> list[MirrorRow]:
    """One row per identity (one statement cannot update a row twice): the newest, the later on
    equal timestamps; with the fields of the others that it lacks (e.g. a stub)."""
    chosen: dict[tuple[Any, ...], MirrorRow] = {}
    for row in rows:
        identity = row_identity(spec, row)
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


def upsert(
    spec: Spec, rows: list[MirrorRow], now: datetime, result: ApplyResult
) -> tuple[list[tuple[int, MirrorRow]], list[MirrorRow]]:
    """Upsert rows of one model; return (pk, row) of the rows written and the rows not stale."""
    rows = newest(spec, rows)
    found = resolve(spec, rows)
    inherit = INHERIT.get(spec.key)
    # Rows grouped by the columns they set (one statement per group).
    groups: dict[tuple[Any, ...], list[tuple[MirrorRow, dict[str, Any]]]] = defaultdict(list)
    for row in rows:
        values: dict[str, Any] = {}
        deferred = False
        for name, value in row.fields.items():
            column = spec.columns.get(name)
            if column is not None:
                # PCI: card numbers in Shopify's text and JSON are masked before the write.
                values[column.column] = mask_pans(value, key=column.column)
        for name, value in row.refs.items():
            ref = spec.refs.get(name)
            if ref is None or ref.late:
                continue
            target = ref.target or OWNER_MODELS.get(row.fields.get("owner_resource", ""))
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
            values["shopify_id"] = level_id(row)
        partial = not spec.required <= values.keys()
        groups[(partial, *sorted(values))].append((row, values))
    if spec.key == "product_option":
        clear_moved_options([values for members in groups.values() for _row, values in members])
    written: list[tuple[int, MirrorRow]] = []
    applied: list[MirrorRow] = []
    conflict = conflict_columns(spec)
    for (partial, *names), members in groups.items():
        given = tuple(names)
        # Rows in key order: concurrent applies (a webhook and a sync) lock them in the same
        # order, so they wait for each other instead of deadlocking.
        members.sort(key=lambda member: tuple(member[1][name] or 0 for name in conflict))
        if partial:
            try:
                with transaction.atomic():
                    done, stale, missing = update_statement(spec, given, members, now, result)
            except (IntegrityError, DataError) as error:
                logger.warning("mirror: %s updates refused by the database: %s", spec.key, error)
                done, stale, missing = [], set(), {id(row) for row, _ in members}
            result.deferred.extend(row for row, _ in members if id(row) in missing)
            written.extend(done)
            applied.extend(
                row for row, _ in members if id(row) not in stale and id(row) not in missing
            )
            continue
        size = (
            len(members)
            if connection.vendor == "postgresql"
            else max(1, MAX_PARAMETERS // len(spec.insert_columns))
        )
        for start in range(0, len(members), size):
            chunk = members[start : start + size]
            try:
                with transaction.atomic():
                    done, stale = upsert_statement(spec, given, chunk, now, result)
            except (IntegrityError, DataError):
                done, stale, chunk = upsert_one_by_one(spec, given, chunk, now, result)
            written.extend(done)
            applied.extend(row for row, _ in chunk if id(row) not in stale)
    return written, applied


def clear_moved_options(rows: list[dict[str, Any]]) -> None:
    """Options are unique per product by position and by name, and Shopify reorders and renames
    them: remove the older stored options that stand where an incoming one goes (the incoming
    rows, with their values, take their place; a swap removes both and writes both)."""
    rows = [values for values in rows if values.get("product_id") is not None]
    if not rows or connection.vendor != "postgresql":
        if rows:
            clear_moved_options_one_by_one(rows)
        return
    options = quote(model_specs()["product_option"].table)
    option_values = quote(model_specs()["option_value"].table)
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
            cursor.execute(
                f"DELETE FROM {option_values} WHERE option_id = ANY(%s::bigint[])", [doomed]
            )
            cursor.execute(f"DELETE FROM {options} WHERE id = ANY(%s::bigint[])", [doomed])


def clear_moved_options_one_by_one(rows: list[dict[str, Any]]) -> None:
    options = quote(model_specs()["product_option"].table)
    option_values = quote(model_specs()["option_value"].table)
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


def upsert_one_by_one(
    spec: Spec,
    given: tuple[str, ...],
    members: list[tuple[MirrorRow, dict[str, Any]]],
    now: datetime,
    result: ApplyResult,
) -> tuple[list[tuple[int, MirrorRow]], set[int], list[tuple[MirrorRow, dict[str, Any]]]]:
    """A statement failed on a constraint: write its rows one at a time, and defer (and log)
    the rows the database refuses, so one row Shopify holds and we cannot does not stop the
    others. Returns what upsert_statement does, and the members written."""
    written: list[tuple[int, MirrorRow]] = []
    stale: set[int] = set()
    kept: list[tuple[MirrorRow, dict[str, Any]]] = []
    for member in members:
        try:
            with transaction.atomic():
                done, old = upsert_statement(spec, given, [member], now, result)
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


def level_id(row: MirrorRow) -> int:
    """An inventory level's shopify_id (not unique; it marks the row as Shopify's): the id in
    its GID, else its item's id."""
    gid = row.fields.get("admin_graphql_api_id")
    if isinstance(gid, str) and gid:
        return legacy_id(gid)
    return row.refs["inventory_item"]


def upsert_statement(
    spec: Spec,
    given: tuple[str, ...],
    members: list[tuple[MirrorRow, dict[str, Any]]],
    now: datetime,
    result: ApplyResult,
) -> tuple[list[tuple[int, MirrorRow]], set[int]]:
    postgres = connection.vendor == "postgresql"
    table = quote(spec.table)
    columns = spec.insert_columns
    conflict = conflict_columns(spec)
    names = ", ".join(quote(column.column) for column in columns)
    if postgres:
        # The rows go by COPY into a staging table of this transaction (psycopg formats COPY rows
        # in C: twice as fast as arrays for an order's 75 columns), then one INSERT … SELECT.
        stage = quote(f"mirror_stage_{spec.table}")
        parameters: list[Any] = []
        source = f"SELECT {names} FROM {stage}"
    else:
        parameters = [
            prepare(spec, column, value)
            for _row, values in members
            for column, value in zip(columns, column_values(spec, values, now), strict=True)
        ]
        placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
        source = f"VALUES {', '.join([placeholder] * len(members))}"
    updated = [name for name in given if name not in conflict and name != "shopify_id"]
    assignments = [f"{quote(name)} = EXCLUDED.{quote(name)}" for name in updated]
    if spec.timestamps:
        assignments.append('"updated_at" = EXCLUDED."updated_at"')
    if spec.soft_delete:
        assignments.append('"deleted_at" = NULL')
    guard = stale_guard(spec, table, "EXCLUDED", updated, given)
    identity = ", ".join(quote(name) for name in conflict)
    returning = f"id, {identity}" + (", (xmax = 0)" if postgres else "")
    sql = (
        f"INSERT INTO {table} ({names})"
        f" {source}"
        f" ON CONFLICT ({identity}) DO UPDATE SET {', '.join(assignments)}"
        f" WHERE {guard} RETURNING {returning}"
    )
    by_identity = {tuple(values[name] for name in conflict): row for row, values in members}
    existing: set[tuple[Any, ...]] = set()
    if postgres:
        with pg_cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} ON COMMIT DROP"
                f" AS SELECT {names} FROM {table} WITH NO DATA"
            )
            with cursor.copy(f"COPY {stage} ({names}) FROM STDIN") as copy:
                for _row, values in members:
                    copy.write_row(copy_row(spec, values, now))
            cursor.execute(sql)
            returned = cursor.fetchall()
            cursor.execute(f"TRUNCATE {stage}")
    else:
        with connection.cursor() as cursor:
            existing = existing_identities(cursor, spec, conflict, list(by_identity))
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
    add_count(result.created, spec.key, created)
    add_count(result.updated, spec.key, len(written) - created)
    stale: set[int] = set()
    if len(written) < len(members):
        returned_identities = {tuple(record[1 : 1 + len(conflict)]) for record in returned}
        rest = [
            (row, values)
            for row, values in members
            if tuple(values[name] for name in conflict) not in returned_identities
        ]
        stale = stale_rows(spec, conflict, rest)
        add_count(result.stale, spec.key, len(stale))
    return written, stale


def stale_guard(
    spec: Spec, table: str, incoming: str, updated: list[str], given: tuple[str, ...]
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
        mine = ", ".join(f"{table}.{quote(name)}" for name in updated)
        theirs = ", ".join(f"{incoming}.{quote(name)}" for name in updated)
        changed = f"ROW({mine}) IS DISTINCT FROM ROW({theirs})"
    else:
        changed = (
            "("
            + " OR ".join(
                f"{table}.{quote(name)} IS NOT {incoming}.{quote(name)}" for name in updated
            )
            + ")"
        )
    if spec.soft_delete and "shopify_updated_at" in given:
        changed = f"({changed} OR {table}.deleted_at IS NOT NULL)"
    return f"{guard} AND {changed}"


def update_statement(
    spec: Spec,
    given: tuple[str, ...],
    members: list[tuple[MirrorRow, dict[str, Any]]],
    now: datetime,
    result: ApplyResult,
) -> tuple[list[tuple[int, MirrorRow]], set[int], set[int]]:
    """Rows that lack a column an insert needs (e.g. a bulk order's shipping lines, which come
    in lines of their own) only update the rows we hold. Returns (pk, row) of the rows written,
    the ids() of the stale ones and the ids() of the ones we do not hold."""
    table = quote(spec.table)
    conflict = conflict_columns(spec)
    columns = [column for column in spec.insert_columns if column.column in given]
    updated = [name for name in given if name not in conflict and name != "shopify_id"]
    assignments = [f"{quote(name)} = u.{quote(name)}" for name in updated]
    parameters: list[Any] = []
    if spec.timestamps:
        assignments.append('"updated_at" = %s')
        parameters.append(now)
    if spec.soft_delete and "shopify_updated_at" in given:
        assignments.append('"deleted_at" = NULL')
    join = " AND ".join(f"{table}.{quote(name)} = u.{quote(name)}" for name in conflict)
    by_identity = {tuple(values[name] for name in conflict): row for row, values in members}
    returned: list[tuple[Any, ...]] = []
    if connection.vendor == "postgresql":
        with pg_cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {', '.join(assignments)} FROM unnest("
                + ", ".join(f"%b::{column.array_type}[]" for column in columns)
                + f") AS u({', '.join(quote(column.column) for column in columns)})"
                f" WHERE {join} AND {stale_guard(spec, table, 'u', updated, given)}"
                f" RETURNING {table}.id, "
                + ", ".join(f"{table}.{quote(name)}" for name in conflict),
                parameters
                + [column_vector(spec, column, given, members, now) for column in columns],
            )
            returned = cursor.fetchall()
    else:
        select = "SELECT " + ", ".join(f"%s AS {quote(column.column)}" for column in columns)
        with connection.cursor() as cursor:
            for _row, values in members:
                cursor.execute(
                    f"UPDATE {table} SET {', '.join(assignments)} FROM ({select}) AS u"
                    f" WHERE {join} AND {stale_guard(spec, table, 'u', updated, given)}"
                    f" RETURNING {table}.id, "
                    + ", ".join(f"{table}.{quote(name)}" for name in conflict),
                    parameters
                    + [prepare(spec, column, values[column.column]) for column in columns],
                )
                returned.extend(cursor.fetchall())
    written = [
        (record[0], by_identity[tuple(record[1:])])
        for record in returned
        if tuple(record[1:]) in by_identity
    ]
    add_count(result.updated, spec.key, len(written))
    done = {tuple(record[1:]) for record in returned}
    rest = [
        (row, values)
        for row, values in members
        if tuple(values[name] for name in conflict) not in done
    ]
    if not rest:
        return written, set(), set()
    held = lookup(spec.key, (values["shopify_id"] for _row, values in rest))
    missing = {id(row) for row, values in rest if values["shopify_id"] not in held}
    stale = stale_rows(
        spec, conflict, [(row, values) for row, values in rest if id(row) not in missing]
    )
    add_count(result.stale, spec.key, len(stale))
    return written, stale, missing


def column_vector(
    spec: Spec,
    column: Column,
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
        return [jsonb(value) if value is not None else None for value in vector]
    return vector


def copy_row(spec: Spec, values: dict[str, Any], now: datetime) -> list[Any]:
    """A row's values for COPY, in insert-column order (JSON wrapped for psycopg)."""
    row = []
    for column in spec.insert_columns:
        name = column.column
        if name in values:
            value = values[name]
        elif spec.timestamps and name in ("created_at", "updated_at"):
            value = now
        else:
            value = spec.defaults[name]
        row.append(jsonb(value) if column.json and value is not None else value)
    return row


def column_values(spec: Spec, values: dict[str, Any], now: datetime) -> Iterator[Any]:
    for column in spec.insert_columns:
        name = column.column
        if name in values:
            yield values[name]
        elif spec.timestamps and name in ("created_at", "updated_at"):
            yield now
        else:
            yield spec.defaults[name]


def existing_identities(
    cursor: Any, spec: Spec, conflict: list[str], identities: list[tuple[Any, ...]]
) -> set[tuple[Any, ...]]:
    """SQLite: which of these identities are stored already (for the created count)."""
    found: set[tuple[Any, ...]] = set()
    table = quote(spec.table)
    where = " AND ".join(f"{quote(name)} = %s" for name in conflict)
    for identity in identities:
        cursor.execute(f"SELECT 1 FROM {table} WHERE {where}", list(identity))
        if cursor.fetchone():
            found.add(identity)
    return found


def stale_rows(
    spec: Spec, conflict: list[str], members: list[tuple[MirrorRow, dict[str, Any]]]
) -> set[int]:
    """Of rows the upsert did not write: the ones (by id()) older than what we hold."""
    table = quote(spec.table)
    where = " AND ".join(f"{quote(name)} = %s" for name in conflict)
    deleted = " OR (deleted_at IS NOT NULL AND NOT (%s > deleted_at))" if spec.soft_delete else ""
    stale: set[int] = set()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = [[values[name] for _row, values in members] for name in conflict]
            stamps = [values.get("shopify_updated_at") for _row, values in members]
            keys = ", ".join("%s::bigint[]" for _ in conflict)
            names = ", ".join(f"k{index}" for index in range(len(conflict)))
            join = " AND ".join(f"t.{quote(name)} = u.k{i}" for i, name in enumerate(conflict))
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
            stamp = prepare(
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
