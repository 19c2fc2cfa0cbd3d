"""Concurrent buyers through HTTP, each thread on its own database connection: stock and
discount-code limits hold exactly (no oversell, no extra redemption)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.services import api_key_create
from finance.models import DiscountCode
from inventory.models import InventoryLevel
from orders.models import Order, OrderDiscountApplication
from tests.finance.factories import DiscountCodeFactory
from tests.inventory.factories import LocationFactory
from tests.orders.factories import stocked_variant

pytestmark = pytest.mark.django_db(transaction=True)


def _race(buyers: int, body: dict[str, Any]) -> list[tuple[int, str]]:
    """`buyers` threads post the same order at once; returns (status, error code) per thread."""
    key = api_key_create(name="race", scopes=["write_orders"])[1]
    barrier = threading.Barrier(buyers)
    results: list[tuple[int, str]] = []
    lock = threading.Lock()

    def buy() -> None:
        try:
            client = APIClient(HTTP_X_API_KEY=key)
            barrier.wait()
            response = client.post("/api/v1/orders", body, format="json")
            code = (
                response.json().get("error", {}).get("code", "")
                if response.status_code >= 400
                else ""
            )
            with lock:
                results.append((response.status_code, code))
        finally:
            connection.close()

    _run([buy] * buyers)
    return results


def _run(targets: list[Callable[[], None]]) -> None:
    threads = [threading.Thread(target=target) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)


def test_fifteen_buyers_for_three_units_make_exactly_three_orders() -> None:
    location = LocationFactory.create(active=True)
    variant = stocked_variant(location=location, available=3)

    results = _race(
        15,
        {
            "currency": "USD",
            "email": "buyer@example.com",
            "lineItems": [{"variantId": variant.pk, "quantity": 1}],
        },
    )

    assert Counter(results) == Counter({(201, ""): 3, (409, "INSUFFICIENT_INVENTORY"): 12})
    assert Order.objects.count() == 3
    level = InventoryLevel.objects.get(inventory_item_id=variant.inventory_item_id)
    assert (level.available, level.committed, level.on_hand) == (0, 3, 3)
    assert sorted(Order.objects.values_list("number", flat=True)) == sorted(
        set(Order.objects.values_list("number", flat=True))
    )


def test_a_code_limited_to_two_uses_is_redeemed_exactly_twice() -> None:
    location = LocationFactory.create(active=True)
    variant = stocked_variant(location=location, available=100)
    code = DiscountCodeFactory.create(code="TWICE", usage_limit=2)

    results = _race(
        10,
        {
            "currency": "USD",
            "email": "buyer@example.com",
            "lineItems": [{"variantId": variant.pk, "quantity": 1}],
            "discountCodes": ["TWICE"],
        },
    )

    assert Counter(results) == Counter({(201, ""): 2, (409, "DISCOUNT_CODE_EXHAUSTED"): 8})
    assert DiscountCode.objects.get(pk=code.pk).used_count == 2
    assert OrderDiscountApplication.objects.filter(discount_code=code).count() == 2
    assert Order.objects.count() == 2
    level = InventoryLevel.objects.get(inventory_item_id=variant.inventory_item_id)
    assert (level.available, level.committed) == (98, 2)
