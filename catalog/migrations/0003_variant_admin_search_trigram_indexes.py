"""Indexes for the back office's variant search (icontains on SKU, barcode and title)."""

from django.db import migrations

from core.search_indexes import expression_indexes


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("catalog", "0002_product_search_trigram_indexes")]

    operations = [
        expression_indexes(
            "catalog_productvariant", ("sku", "barcode", "title"), "variant_{column}_trgm_idx"
        )
    ]
