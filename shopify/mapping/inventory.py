"""GraphQL lines of locations, inventory items and inventory levels -> mirror rows."""

from __future__ import annotations

from shopify.mapping import values as v
from shopify.mapping.values import JSON
from shopify.rows import MirrorItem, MirrorRow, legacy_id


def location(line: JSON, position: int | None) -> list[MirrorItem]:
    if "name" not in line:
        return []
    address = line.get("address") or {}
    fields = v.identity(line)
    fields.update(
        name=line["name"],
        active=bool(line.get("isActive", True)),
        address1=v.text(address.get("address1")),
        address2=v.text(address.get("address2")),
        city=v.text(address.get("city")),
        zip=v.text(address.get("zip")),
        province=v.text(address.get("province")),
        province_code=v.text(address.get("provinceCode")),
        country=v.text(address.get("country")),
        country_code=v.text(address.get("countryCode")),
        country_name=v.text(address.get("country")),
        phone=v.text(address.get("phone")),
    )
    return [MirrorRow("location", legacy_id(line["id"]), fields)]


def inventory_item_row(item: JSON) -> MirrorRow:
    fields = v.identity(item)
    fields.update(
        sku=v.text(item.get("sku")),
        requires_shipping=bool(item.get("requiresShipping", True)),
        tracked=bool(item.get("tracked", True)),
        harmonized_system_code=v.text(item.get("harmonizedSystemCode")),
        country_code_of_origin=v.text(item.get("countryCodeOfOrigin")),
        province_code_of_origin=v.text(item.get("provinceCodeOfOrigin")),
    )
    if "unitCost" in item:
        cost = item["unitCost"]
        fields["cost"] = v.optional_money(cost.get("amount")) if isinstance(cost, dict) else None
        if isinstance(cost, dict) and cost.get("currencyCode"):
            fields["currency"] = cost["currencyCode"]
    return MirrorRow("inventory_item", legacy_id(item["id"]), fields)


def inventory_item(line: JSON, position: int | None) -> list[MirrorItem]:
    if "sku" not in line and "tracked" not in line:
        return []
    return [inventory_item_row(line)]


def inventory_level(line: JSON, position: int | None) -> list[MirrorItem]:
    item = v.ref_id(line.get("item"))
    if item is None:
        parent = v.parent_of(line)
        item = parent[1] if parent is not None and parent[0] == "InventoryItem" else None
    location = v.ref_id(line.get("location"))
    if item is None or location is None:
        return []
    quantities = {entry["name"]: entry.get("quantity") for entry in line.get("quantities") or ()}
    # The level's id (shared by the items of a location) is not unique, but it marks the row as
    # Shopify's, whose quantities may go negative.
    fields: JSON = {
        "shopify_updated_at": v.timestamp(line.get("updatedAt")),
        "admin_graphql_api_id": line["id"],
        "shopify_id": legacy_id(line["id"]),
    }
    for name in ("available", "on_hand", "committed", "incoming", "reserved"):
        if name in quantities:
            fields[name] = v.integer(quantities[name])
    return [
        MirrorRow("inventory_level", None, fields, {"inventory_item": item, "location": location})
    ]
