"""pg_trgm GIN indexes for the customer search (`?q=`: icontains on email, names and phone).
See core.search_indexes."""

from django.db import migrations

from core.search_indexes import expression_indexes


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("customers", "0002_customers_add_cross_app_relations")]

    operations = [
        expression_indexes(
            "customers_customer",
            ("email", "first_name", "last_name", "phone"),
            "customers_cust_{column}_trgm_idx",
        )
    ]
