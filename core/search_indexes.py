"""Migration operations for the indexes behind `?q=` and admin searches (PostgreSQL only).

Django's `icontains` on PostgreSQL is `UPPER(col::text) LIKE UPPER(%s)` and `iexact` is
`UPPER(col::text) = UPPER(%s)`, so the indexes are on those expressions: pg_trgm GIN indexes
for substrings, B-trees for exact matches. On SQLite (the local quick start) they do nothing.
They are built CONCURRENTLY, so a migration using them must be `atomic = False`; a large table
stays writable while they build."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import migrations


def expression_indexes(
    table: str, columns: Sequence[str], name: str, *, trigram: bool = True
) -> migrations.RunPython:
    """One index per column on UPPER(column): trigram GIN (`trigram`) or B-tree. `name` is a
    format string with `{column}`."""
    method = (
        'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        if trigram
        else ('((UPPER("{column}"::text)))')
    )

    def forwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        if trigram:
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for column in columns:
            schema_editor.execute(
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name.format(column=column)} "
                f"ON {table} {method.format(column=column)}"
            )

    def backwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for column in columns:
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name.format(column=column)}")

    return migrations.RunPython(forwards, backwards, elidable=False)
