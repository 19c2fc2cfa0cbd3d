"""A PostgreSQL sequence that numbers local orders, so concurrent orders never collide.

SQLite (the embedded quick start) has no sequences; it serialises writers, so there the next
number is MAX(number) + 1 (see orders.services._next_number)."""

from typing import Any

from django.db import migrations

CREATE = """
CREATE SEQUENCE IF NOT EXISTS orders_order_number_seq START 1;
SELECT setval(
    'orders_order_number_seq',
    (SELECT COALESCE(MAX(number), 0) + 1 FROM orders_order),
    false
);
"""
DROP = "DROP SEQUENCE IF EXISTS orders_order_number_seq;"


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_create_orders_models")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
