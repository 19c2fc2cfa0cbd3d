"""In-process parts of the API benchmarks (Django set up on the bench database)."""

from __future__ import annotations

import json
import statistics
import time
import urllib.request
from typing import Any

from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.services import api_key_create
from catalog.models import Product, ProductVariant
from core.selectors import shop_currency
from inventory.models import InventoryLevel, Location
from orders.models import OrderLineItem

HOT_STOCK = 300


def prepare() -> dict[str, Any]:
    key = api_key_create(name="bench", scopes=["all"])[1]
    counts = (
        Product.objects.filter(status="active")
        .annotate(n=Count("variants"))
        .values_list("id", "n")
        .order_by("-id")
    )
    closest: dict[int, tuple[int, int]] = {}  # wanted count -> (distance, product id)
    for pk, n in counts.iterator():
        for wanted in (10, 100, 2048):
            if abs(n - wanted) < closest.get(wanted, (wanted + 1, 0))[0]:
                closest[wanted] = (abs(n - wanted), pk)
    by_variants = {wanted: pk for wanted, (_, pk) in closest.items()}
    title = Product.objects.filter(status="active").values_list("title", flat=True).first() or "a"
    return {
        "key": key,
        "products_by_variants": dict(sorted(by_variants.items())),
        "search_term": title.split()[0].lower(),
    }


def queries_per_request(path: str, key: str, method: str = "get", body: Any = None) -> int:
    client = Client(HTTP_X_API_KEY=key, HTTP_HOST="127.0.0.1")
    call = getattr(client, method)
    call(path, body, content_type="application/json") if body else call(path)  # warm caches
    with CaptureQueriesContext(connection) as queries:
        response = (
            call(path, json.dumps(body), content_type="application/json") if body else call(path)
        )
    assert response.status_code in (200, 201), (path, response.status_code, response.content)
    return len(queries)


def _post(base: str, path: str, key: str, body: Any) -> tuple[int, float]:
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode(),
        headers={"X-API-Key": key, "Content-Type": "application/json"},
        method="POST",
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        response.read()
        return response.status, time.perf_counter() - started


def _products(batch: int, count: int, variants: int) -> list[dict[str, Any]]:
    sizes = [f"S{i}" for i in range(variants)]
    return [
        {
            "title": f"Bench {batch}-{n}",
            "vendor": "Bench",
            "status": "draft",
            "options": [{"name": "Size", "values": sizes}],
            "variants": [
                {
                    "title": size,
                    "price": "9.99",
                    "sku": f"BENCH-{batch}-{n}-{size}",
                    "option1": size,
                }
                for size in sizes
            ],
        }
        for n in range(count)
    ]


def bulk_products(base: str, key: str) -> list[str]:
    stamp = int(time.time())
    started = time.perf_counter()
    for batch in range(4):
        status, _ = _post(base, "/api/v1/products/bulk", key, {"products": _products(
            stamp * 10 + batch, 250, 10)})  # fmt: skip
        assert status == 201, status
    total = time.perf_counter() - started
    timings = []
    for batch in range(5):
        body = {"products": _products(stamp * 10 + 5 + batch, 100, 10)}
        status, seconds = _post(base, "/api/v1/products/bulk", key, body)
        assert status == 201, status
        timings.append(seconds)
    return [
        f"1,000 products x 10 variants via 4 API bulk calls of 250: {total:.2f} s end-to-end",
        f"API bulk of 100 products x 10 variants: median {statistics.median(timings):.3f} s, "
        f"max {max(timings):.3f} s (5 calls)",
    ]


def prime_orders() -> dict[str, Any]:
    location = Location.objects.filter(active=True).order_by("id").first()
    assert location is not None
    variants = list(
        ProductVariant.objects.filter(
            product__status="active",
            inventory_item__tracked=True,
            inventory_item__levels__location=location,
        ).values_list("id", "inventory_item_id")[:201]
    )
    hot_variant, hot_item = variants[0]
    items = [item for _, item in variants]
    InventoryLevel.objects.filter(location=location, inventory_item_id__in=items).update(
        available=100_000, committed=0
    )
    InventoryLevel.objects.filter(location=location, inventory_item_id=hot_item).update(
        available=HOT_STOCK
    )
    return {
        "location": location.pk,
        "hot_item": hot_item,
        "hot_variant": hot_variant,
        "items": items,
        "started": timezone.now(),
        "env": {
            "CURRENCY": shop_currency(),
            "VARIANT_IDS": " ".join(str(v) for v, _ in variants[1:]),
            "HOT_VARIANT_ID": str(hot_variant),
            "LOCATION_ID": str(location.pk),
        },
    }


def order_queries(key: str, setup: dict[str, Any]) -> int:
    """SQL queries of one 3-line order (its stock is part of the primed levels)."""
    ids = setup["env"]["VARIANT_IDS"].split()[:3]
    body = {
        "currency": setup["env"]["CURRENCY"],
        "email": "bench-queries@example.com",
        "locationId": setup["location"],
        "lineItems": [{"variantId": int(v), "quantity": 1} for v in ids],
    }
    return queries_per_request("/api/v1/orders", key, method="post", body=body)


def check_orders(setup: dict[str, Any]) -> list[str]:
    hot = InventoryLevel.objects.get(
        location_id=setup["location"], inventory_item_id=setup["hot_item"]
    )
    sold = sum(
        OrderLineItem.objects.filter(
            variant_id=setup["hot_variant"], order__created_at__gte=setup["started"]
        ).values_list("quantity", flat=True)
    )
    negative = InventoryLevel.objects.filter(available__lt=0).count()
    verdict = (
        "zero oversell"
        if sold == HOT_STOCK - hot.available and hot.available >= 0
        else ("OVERSOLD")
    )
    return [
        f"hot SKU: stock {HOT_STOCK}, sold {sold}, available now {hot.available}, "
        f"committed {hot.committed} → {verdict}; levels below zero anywhere: {negative}",
    ]
