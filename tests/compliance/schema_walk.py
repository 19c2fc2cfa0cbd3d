"""The database's own account of where a buyer's data can live, read from the PostgreSQL
catalog (not from the application's data map): tables with a foreign-key path to the customer
table, tables with email columns, generic (type, id) and content-type references, and received
payload logs. The GDPR tests check the application against it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

CUSTOMER_TABLE = "customers_customer"
# Tables the walk finds that do not hold a buyer's data, and why (kept short on purpose: a new
# entry needs a reason a reviewer accepts).
NOT_BUYER_DATA = {
    "b2b_company": "points at its main contact; the person's row is b2b_companycontact",
    "accounts_user": "staff accounts",
    "core_shop": "the merchant's own address",
    "shipping_fulfillmentservice": "a fulfillment partner's address",
    "guardian_userobjectpermission": "access grants to staff users, no personal data",
    "guardian_groupobjectpermission": "access grants to groups, no personal data",
}


def _rows(sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return list(cursor.fetchall())


def fk_closure() -> set[str]:
    """Tables with a foreign-key path to customers_customer (pg_constraint, recursively), not
    through the tables that are not a buyer's data."""
    rows = _rows(
        """
        WITH RECURSIVE linked(name) AS (
            SELECT %s::name
            UNION
            SELECT child.relname
            FROM pg_constraint con
            JOIN pg_class child ON child.oid = con.conrelid
            JOIN pg_class parent ON parent.oid = con.confrelid
            JOIN linked ON linked.name = parent.relname
            WHERE con.contype = 'f' AND NOT (child.relname::text = ANY(%s))
        )
        SELECT name FROM linked
        """,
        [CUSTOMER_TABLE, list(NOT_BUYER_DATA)],
    )
    return {str(row[0]) for row in rows}


def email_tables() -> set[str]:
    rows = _rows(
        "SELECT DISTINCT table_name FROM information_schema.columns "
        "WHERE table_schema = 'public' AND column_name LIKE '%%email%%' "
        "AND data_type IN ('character varying', 'text')"
    )
    return {str(row[0]) for row in rows}


def _columns() -> dict[str, dict[str, str]]:
    tables: dict[str, dict[str, str]] = {}
    for table, column, data_type in _rows(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'public'"
    ):
        tables.setdefault(str(table), {})[str(column)] = str(data_type)
    return tables


def reference_tables() -> set[str]:
    """Tables with a generic reference: a `<p>_type`/`<p>_resource` column beside a `<p>_id`
    that is no foreign key, or a content type with an object id."""
    fk_columns = {
        (str(table), str(column))
        for table, column in _rows(
            "SELECT cl.relname, att.attname FROM pg_constraint con "
            "JOIN pg_class cl ON cl.oid = con.conrelid "
            "JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = ANY(con.conkey) "
            "WHERE con.contype = 'f'"
        )
    }
    found = set()
    for table, columns in _columns().items():
        if "content_type_id" in columns and ({"object_pk", "object_id"} & set(columns)):
            found.add(table)
        for column in columns:
            for suffix in ("_type", "_resource"):
                if column.endswith(suffix):
                    id_column = column.removesuffix(suffix) + "_id"
                    if id_column in columns and (table, id_column) not in fk_columns:
                        found.add(table)
    return found


def payload_tables() -> set[str]:
    return {
        table
        for table, columns in _columns().items()
        if columns.get("payload") in ("jsonb", "json")
    }


def buyer_tables() -> set[str]:
    """Every table that can hold a buyer's data, less the reasoned exceptions."""
    tables = fk_closure() | email_tables() | reference_tables() | payload_tables()
    return tables - set(NOT_BUYER_DATA)


TEXT_TYPES = ("character varying", "text", "character", "json", "jsonb")


def text_columns() -> dict[str, list[str]]:
    """Every text and JSON column of every table: table -> columns."""
    return {
        table: sorted(column for column, kind in columns.items() if kind in TEXT_TYPES)
        for table, columns in _columns().items()
        if any(kind in TEXT_TYPES for kind in columns.values())
    }


def canary_hits(canaries: list[str]) -> dict[tuple[str, str, str], int]:
    """(table, column, canary) -> rows whose column's text contains the canary (any case),
    over every text and JSON column of every table."""
    hits: dict[tuple[str, str, str], int] = {}
    for table, columns in text_columns().items():
        filters, params = [], []
        keys = []
        for column in columns:
            for canary in canaries:
                filters.append(f'count(*) FILTER (WHERE "{column}"::text ILIKE %s)')
                params.append(f"%{canary}%")
                keys.append((table, column, canary))
        (counts,) = _rows(f'SELECT {", ".join(filters)} FROM "{table}"', params)
        for key, count in zip(keys, counts, strict=True):
            hits[key] = int(str(count))
    return hits
