"""seed_demo: a complete, deterministic, idempotent demo store."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count

from catalog.models import Product, ProductVariant
from customers.models import Customer
from finance.models import DiscountCode
from inventory.models import InventoryLevel
from orders.models import Order

SMALL = ["--products", "12", "--customers", "30", "--orders", "80"]


def _snapshot() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in settings.LOCAL_APPS
    }


@pytest.mark.django_db
def test_seed_demo_fills_every_model_of_the_data_model() -> None:
    call_command("seed_demo", *SMALL, verbosity=0)

    # Django's auth group/permission links of users, the API's stored idempotent responses,
    # authentication state (MFA recovery codes and refresh tokens, written by enrollments and
    # logins) and the Shopify connector's own state (written by syncs) are not part of the seeds'
    # data model.
    unused = {
        "accounts.User_groups",
        "accounts.User_user_permissions",
        "core.IdempotencyKey",
        "accounts.RecoveryCodeDevice",
        "accounts.RecoveryCode",
        "accounts.IssuedRefreshToken",
    }
    empty = [
        label
        for label, count in _snapshot().items()
        if count == 0 and label not in unused and not label.startswith("shopify.")
    ]
    assert empty == [], empty


@pytest.mark.django_db
def test_seed_demo_is_idempotent() -> None:
    call_command("seed_demo", *SMALL, verbosity=0)
    before = _snapshot()
    checksum = list(Order.objects.order_by("id").values_list("id", "name", "total_price"))

    out = StringIO()
    call_command("seed_demo", *SMALL, stdout=out)

    assert out.getvalue().strip() == "The demo store is already loaded: nothing to do."
    assert _snapshot() == before
    assert list(Order.objects.order_by("id").values_list("id", "name", "total_price")) == checksum


@pytest.mark.django_db
def test_seed_demo_is_deterministic() -> None:
    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        call_command("seed_demo", *SMALL, verbosity=0)
        first = list(Order.objects.order_by("id").values_list("name", "email", "total_price"))
        raise Undo
    assert not Order.all_objects.exists()

    call_command("seed_demo", *SMALL, verbosity=0)

    assert list(Order.objects.order_by("id").values_list("name", "email", "total_price")) == first


@pytest.mark.django_db
def test_seed_demo_builds_the_shapes_staff_and_benchmarks_need() -> None:
    call_command("seed_demo", *SMALL, verbosity=0)

    biggest = Product.objects.annotate(n=Count("variants")).order_by("-n").first()
    assert biggest is not None
    assert biggest.n == 2048
    assert set(Order.objects.values_list("financial_status", flat=True)) == {
        "pending",
        "authorized",
        "paid",
        "partially_refunded",
        "refunded",
        "voided",
    }
    assert set(Order.objects.values_list("fulfillment_status", flat=True)) == {
        "unfulfilled",
        "partial",
        "fulfilled",
    }
    assert Order.objects.filter(status="cancelled").exists()
    variant = ProductVariant.objects.order_by("id").first()
    assert variant is not None
    levels = InventoryLevel.objects.filter(inventory_item=variant.inventory_item)
    assert variant.inventory_quantity == sum(level.available for level in levels)
    buyer = Customer.objects.filter(orders_count__gt=0).order_by("id").first()
    assert buyer is not None
    assert buyer.last_order is not None
    assert buyer.last_order.customer_id == buyer.id
    welcome = DiscountCode.objects.get(code="WELCOME10")
    assert welcome.used_count == welcome.order_discount_applications.count()
