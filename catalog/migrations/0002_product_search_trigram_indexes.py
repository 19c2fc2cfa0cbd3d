"""Indexes for the product search (`?q=`): icontains on title, vendor and tags (pg_trgm), and a
variant's SKU exactly (iexact). See core.search_indexes."""

from django.db import migrations

from core.search_indexes import expression_indexes


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("catalog", "0001_create_catalog_models")]

    operations = [
        expression_indexes(
            "catalog_product", ("title", "vendor", "tags"), "product_{column}_trgm_idx"
        ),
        expression_indexes(
            "catalog_productvariant", ("sku",), "catalog_variant_{column}_upper_idx", trigram=False
        ),
    ]
