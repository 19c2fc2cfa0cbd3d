"""pg_trgm GIN indexes for the customer search (`?q=`: icontains on email, names and phone).

Django's icontains on PostgreSQL is `UPPER(col::text) LIKE UPPER(%s)`, so the indexes are on
that expression. PostgreSQL only: on SQLite (the local quick start) the operations do nothing.
Built CONCURRENTLY (non-atomic migration) so a large customers table stays writable.
"""

from typing import Any

from django.db import migrations

COLUMNS = ("email", "first_name", "last_name", "phone")


def _index(column: str) -> str:
    return f"customers_cust_{column}_trgm_idx"


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {_index(column)} "
            f'ON customers_customer USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {_index(column)}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("customers", "0002_customers_add_cross_app_relations")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
