"""Shared state of one demo build: the random source, the clock, id allocation and loading."""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models

from core.bulk import bulk_load, next_id

# The demo store's "now": fixed, so two builds produce identical rows.
DEMO_NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
CENT = Decimal("0.01")


def money(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def money_bag(amount: Decimal, currency: str = "USD") -> dict[str, Any]:
    """Shopify's MoneyBag: the amount in shop and presentment currency."""
    money_ = {"amount": f"{amount:.2f}", "currency_code": currency}
    return {"shop_money": money_, "presentment_money": dict(money_)}


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Sizes:
    products: int
    customers: int
    orders: int


@dataclass
class DemoContext:
    sizes: Sizes
    seed: int = 20261101
    rng: random.Random = field(init=False)
    counts: Counter[str] = field(default_factory=Counter)
    _next: dict[type[models.Model], int] = field(default_factory=dict)
    loaded_models: list[type[models.Model]] = field(default_factory=list)
    # What later steps need of earlier ones.
    shop_id: int = 0
    location_ids: list[int] = field(default_factory=list)
    staff_ids: list[int] = field(default_factory=list)
    # (variant id, product id, title, variant title, sku, price, grams, vendor, inventory item id)
    variants: list[tuple[Any, ...]] = field(default_factory=list)
    customer_ids: list[int] = field(default_factory=list)
    customer_emails: dict[int, str] = field(default_factory=dict)
    customer_addresses: dict[int, dict[str, Any]] = field(default_factory=dict)
    discount_code_ids: dict[str, int] = field(default_factory=dict)
    company_ids: list[int] = field(default_factory=list)
    market_ids: list[int] = field(default_factory=list)
    fulfillment_service_id: int = 0

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def ids(self, model: type[models.Model], count: int) -> int:
        """Reserve `count` consecutive primary keys of `model`; return the first."""
        if model not in self._next:
            self._next[model] = next_id(model)
        first = self._next[model]
        self._next[model] = first + count
        return first

    def load(self, model: type[models.Model], objects: Iterable[models.Model]) -> int:
        written = bulk_load(model, objects)
        self.counts[model._meta.label] += written
        if model not in self.loaded_models:
            self.loaded_models.append(model)
        return written

    def ago(self, days: float) -> datetime:
        return DEMO_NOW - timedelta(days=days)

    def random_past(self, max_days: float, min_days: float = 0) -> datetime:
        return self.ago(self.rng.uniform(min_days, max_days))
