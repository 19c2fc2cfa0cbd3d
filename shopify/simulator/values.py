"""Wire values as Shopify serialises them: GIDs, DateTime, Money, MoneyBag.

Records in the simulator's store are dicts shaped like the GraphQL output, so these helpers build
the leaf values once and the resolvers hand them out unchanged. MoneyV2 and MoneyBag dicts are
shared between records (cached by amount): they are never mutated, only replaced.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

Record = dict[str, Any]


def gid(kind: str, legacy_id: int) -> str:
    return f"gid://shopify/{kind}/{legacy_id}"


def gid_parts(value: str) -> tuple[str, int]:
    """("Product", 123) from "gid://shopify/Product/123" (query strings ignored)."""
    if not value.startswith("gid://shopify/"):
        raise ValueError(f"not a Shopify GID: {value!r}")
    kind, _, tail = value[len("gid://shopify/") :].partition("/")
    return kind, int(tail.split("?", 1)[0])


def stamp(moment: datetime) -> str:
    """Shopify's DateTime: UTC, second precision, `Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_stamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def amount(value: Decimal | int | str) -> str:
    return str(Decimal(value).quantize(Decimal("0.01")))


@lru_cache(maxsize=65536)
def money(value: str, currency: str = "USD") -> Record:
    return {"amount": value, "currencyCode": currency}


@lru_cache(maxsize=65536)
def money_bag(value: str, currency: str = "USD") -> Record:
    shared = money(value, currency)
    return {"shopMoney": shared, "presentmentMoney": shared}
