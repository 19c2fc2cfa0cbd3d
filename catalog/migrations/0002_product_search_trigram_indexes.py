"""Indexes for the product search (`?q=`): icontains on title, vendor and tags, exact SKU.

Django's icontains on PostgreSQL is `UPPER(col::text) LIKE UPPER(%s)` and iexact is
`UPPER(col::text) = UPPER(%s)`, so the indexes are on those expressions: pg_trgm GIN indexes for
the substrings, a B-tree for the SKU. PostgreSQL only: on SQLite (the local quick start) the
operations do nothing. Built CONCURRENTLY (non-atomic migration) so a large catalog stays
writable.
"""

from typing import Any

from django.db import migrations

TRIGRAM = (("catalog_product", "title"), ("catalog_product", "vendor"), ("catalog_product", "tags"))
SKU = "catalog_variant_sku_upper_idx"


def _index(table: str, column: str) -> str:
    return f"{table.removeprefix('catalog_')}_{column}_trgm_idx"


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, column in TRIGRAM:
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {_index(table, column)} "
            f'ON {table} USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {SKU} "
        'ON catalog_productvariant ((UPPER("sku"::text)))'
    )


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in TRIGRAM:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {_index(table, column)}")
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {SKU}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("catalog", "0001_create_catalog_models")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
