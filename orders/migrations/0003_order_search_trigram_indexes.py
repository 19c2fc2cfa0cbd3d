"""Indexes for the order search (admin and API: icontains on name, email and phone)."""

from django.db import migrations

from core.search_indexes import expression_indexes


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("orders", "0002_order_number_sequence")]

    operations = [
        expression_indexes(
            "orders_order", ("name", "email", "phone"), "orders_order_{column}_trgm_idx"
        )
    ]
