"""Shopify's GraphQL values as the mirror stores them: aware UTC datetimes, Decimal money, ""
for absent strings, REST-shaped JSON (money bags, addresses, tax lines, attributes)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from shopify.rows import gid_type, legacy_id

JSON = dict[str, Any]


def connection_nodes(value: JSON) -> list[JSON] | None:
    nodes = value.get("nodes")
    if isinstance(nodes, list):
        return nodes
    edges = value.get("edges")
    if isinstance(edges, list):
        return [edge["node"] for edge in edges]
    return None


def timestamp(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    if parsed.utcoffset():
        return parsed.astimezone(UTC)
    return parsed if parsed.tzinfo is UTC else parsed.replace(tzinfo=UTC)


def iso(value: str | None) -> str | None:
    """A timestamp inside JSON: ISO 8601 in UTC ("2026-01-02T03:04:05+00:00")."""
    parsed = timestamp(value)
    return parsed.isoformat() if parsed is not None else None


def money(value: Any) -> Decimal:
    return Decimal(value) if isinstance(value, str | int) else Decimal(0)


def optional_money(value: Any) -> Decimal | None:
    return Decimal(value) if isinstance(value, str | int) else None


def text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def lower(value: Any) -> str:
    return value.lower() if isinstance(value, str) else ""


def optional_lower(value: Any) -> str | None:
    return value.lower() if isinstance(value, str) else None


def integer(value: Any) -> int:
    return int(value) if value is not None else 0


def ref_id(value: Any) -> int | None:
    """`{"id": "gid://shopify/X/1"}` -> 1."""
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return legacy_id(value["id"])
    return None


def tags(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(value)
    return text(value)


def money_value(value: Any) -> JSON:
    return {"amount": value.get("amount"), "currency_code": value.get("currencyCode")}


def money_set(value: Any) -> JSON:
    if not isinstance(value, dict):
        return {}
    result: JSON = {}
    if isinstance(value.get("shopMoney"), dict):
        result["shop_money"] = money_value(value["shopMoney"])
    if isinstance(value.get("presentmentMoney"), dict):
        result["presentment_money"] = money_value(value["presentmentMoney"])
    return result


def shop_amount(value: Any) -> Decimal:
    if isinstance(value, dict) and isinstance(value.get("shopMoney"), dict):
        return money(value["shopMoney"].get("amount"))
    return Decimal(0)


def shop_currency(value: Any) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("shopMoney"), dict):
        code = value["shopMoney"].get("currencyCode")
        return code if isinstance(code, str) else None
    return None


def address(value: Any) -> JSON:
    if not isinstance(value, dict):
        return {}
    return {
        "first_name": value.get("firstName"),
        "last_name": value.get("lastName"),
        "name": value.get("name"),
        "company": value.get("company"),
        "address1": value.get("address1"),
        "address2": value.get("address2"),
        "city": value.get("city"),
        "province": value.get("province"),
        "province_code": value.get("provinceCode"),
        "country": value.get("country"),
        "country_code": value.get("countryCodeV2"),
        "zip": value.get("zip"),
        "phone": value.get("phone"),
    }


def tax_lines(value: Any) -> list[JSON]:
    if not isinstance(value, list):
        return []
    return [
        {
            "title": line.get("title"),
            "rate": line.get("rate"),
            "price": amount_text(line.get("priceSet")),
            "price_set": money_set(line.get("priceSet")),
        }
        for line in value
    ]


def amount_text(value: Any) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("shopMoney"), dict):
        amount = value["shopMoney"].get("amount")
        return amount if isinstance(amount, str) else None
    return None


def attributes(value: Any) -> list[JSON]:
    if not isinstance(value, list):
        return []
    return [{"name": item.get("key"), "value": item.get("value")} for item in value]


def updated_at(line: JSON) -> datetime | None:
    return timestamp(line.get("updatedAt") or line.get("__parentUpdatedAt"))


def identity(line: JSON) -> JSON:
    """shopify_updated_at, created_at (when given) and admin_graphql_api_id of a line."""
    fields: JSON = {"shopify_updated_at": updated_at(line), "admin_graphql_api_id": line["id"]}
    if line.get("createdAt"):
        fields["created_at"] = timestamp(line["createdAt"])
    return fields


def parent_of(line: JSON) -> tuple[str, int] | None:
    parent = line.get("__parentId")
    if not isinstance(parent, str):
        return None
    return gid_type(parent), legacy_id(parent)
