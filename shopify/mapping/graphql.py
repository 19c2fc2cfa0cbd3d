"""GraphQL results -> mirror items.

Paged results (the `*_PAGE` documents of `shopify.queries`) and bulk JSONL lines share one mapper:
`lines_from_node` flattens a paged node into bulk-style lines (children of nested connections as
lines of their own, carrying `__parentId`), and `items_from_line` maps one line to MirrorRows.

Conventions of the rows produced (the REST mapper produces the same):
- Shopify's UPPER_CASE enums become our lower-case choices; money is `Decimal`, datetimes aware
  UTC; absent strings are "".
- Money bags (`*_set` JSON) use REST's shape: `{"shop_money": {"amount": "1.00",
  "currency_code": "USD"}, "presentment_money": {...}}`; addresses JSON use REST's keys.
- Children without a timestamp of their own (addresses, order line items, collection
  memberships, fulfillment/refund line items) carry the parent's `updatedAt` when the line
  knows it (`lines_from_node` passes it down as `__parentUpdatedAt`) and `shopify_updated_at:
  None` otherwise (bulk lines): the mirror then takes the parent's stored `shopify_updated_at`.
- `Customer.default_address`: the customer row refs its default address and, so that the
  reference resolves in the same apply, a customer_address row with only the address's id and
  the customer's timestamp comes with it (the address's own line fills the rest); the mirror
  derives `CustomerAddress.is_default` from `Customer.default_address`.
- Image and collection positions: the order of arrival within the parent, from `__index`
  (set by `lines_from_node`) or counted per parent by a `LineMapper` (bulk lines); without
  either they are left alone.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from orders.choices import OrderStatus
from shopify.rows import MirrorChildren, MirrorItem, MirrorRow, gid_type, legacy_id

JSON = dict[str, Any]

_GID_MODELS: dict[str, str] = {
    "Location": "location",
    "InventoryItem": "inventory_item",
    "Product": "product",
    "ProductOption": "product_option",
    "ProductOptionValue": "option_value",
    "MediaImage": "product_image",
    "ProductVariant": "product_variant",
    "Metafield": "metafield",
    "Collection": "collection",
    "Customer": "customer",
    "MailingAddress": "customer_address",
    "Order": "order",
    "LineItem": "order_line_item",
    "Fulfillment": "fulfillment",
    "FulfillmentLineItem": "fulfillment_line_item",
    "Refund": "refund",
    "RefundLineItem": "refund_line_item",
    "OrderTransaction": "transaction",
    "InventoryLevel": "inventory_level",
}

# Metafield owners: the parent's GID type -> MetafieldOwnerResource value.
_OWNER_RESOURCES: dict[str, str] = {
    "Product": "product",
    "ProductVariant": "variant",
    "Collection": "collection",
    "Customer": "customer",
    "Order": "order",
    "Location": "location",
    "MediaImage": "media_image",
}

# Connections the mapper reads inline (kept in the line): (GID type of the node, field).
_INLINE_CONNECTIONS = frozenset({("ProductVariant", "media"), ("Order", "shippingLines")})

_WEIGHT_UNITS = {"GRAMS": "g", "KILOGRAMS": "kg", "OUNCES": "oz", "POUNDS": "lb"}
_GRAMS_PER_UNIT = {
    "GRAMS": Decimal(1),
    "KILOGRAMS": Decimal(1000),
    "OUNCES": Decimal("28.349523125"),
    "POUNDS": Decimal("453.59237"),
}
_MILLI = Decimal("0.001")
_ORDER_FULFILLMENT = {
    "FULFILLED": "fulfilled",
    "PARTIALLY_FULFILLED": "partial",
    "RESTOCKED": "restocked",
}
_SHIPMENT_STATUSES = frozenset(
    {
        "label_printed",
        "label_purchased",
        "attempted_delivery",
        "ready_for_pickup",
        "confirmed",
        "in_transit",
        "out_for_delivery",
        "delivered",
        "failure",
        "carrier_picked_up",
        "picked_up",
        "delayed",
    }
)
_CARD_KEYS = (
    ("company", "credit_card_company"),
    ("number", "credit_card_number"),
    ("bin", "credit_card_bin"),
    ("name", "credit_card_name"),
)


def model_for_gid_type(gid_type: str) -> str | None:
    """`ProductVariant` -> `product_variant` (a `MODEL_KEYS` key); None for types not mirrored."""
    return _GID_MODELS.get(gid_type)


# --- flattening ----------------------------------------------------------------------------------


def _connection_nodes(value: JSON) -> list[JSON] | None:
    nodes = value.get("nodes")
    if isinstance(nodes, list):
        return nodes
    edges = value.get("edges")
    if isinstance(edges, list):
        return [edge["node"] for edge in edges]
    return None


def lines_from_node(node: JSON, parent_id: str | None = None) -> Iterator[JSON]:
    """One node of a paged result as bulk JSONL-style lines: the node without its nested
    connections, then every node of each nested connection (recursively) with `__parentId`,
    `__parentUpdatedAt` (the parent's `updatedAt`, when it has one) and `__index` (1-based
    position in the connection's page)."""
    node_id = node.get("id")
    kind = gid_type(node_id) if isinstance(node_id, str) else ""
    line: JSON = {}
    children: list[list[JSON]] = []
    for key, value in node.items():
        if isinstance(value, dict) and (kind, key) not in _INLINE_CONNECTIONS:
            nodes = _connection_nodes(value)
            if nodes is not None:
                children.append(nodes)
                continue
        line[key] = value
    if parent_id is not None:
        line["__parentId"] = parent_id
    yield line
    if not children:
        return
    updated_at = node.get("updatedAt") or node.get("__parentUpdatedAt")
    for nodes in children:
        for index, child in enumerate(nodes, start=1):
            child = {**child, "__index": index}
            if updated_at is not None:
                child["__parentUpdatedAt"] = updated_at
            yield from lines_from_node(child, node_id if isinstance(node_id, str) else None)


def complete_children(node: JSON) -> list[MirrorChildren]:
    """For a paged node fetched from the first page of its child connections: the child sets
    that are complete (`pageInfo.hasNextPage` false), for the mirror to prune the others."""
    node_id = node.get("id")
    if not isinstance(node_id, str):
        return []
    parent_model = _GID_MODELS.get(gid_type(node_id))
    if parent_model is None:
        return []
    result = []
    for key, value in node.items():
        if not isinstance(value, dict) or (gid_type(node_id), key) in _INLINE_CONNECTIONS:
            continue
        nodes = _connection_nodes(value)
        page_info = value.get("pageInfo")
        if nodes is None or not isinstance(page_info, dict) or page_info.get("hasNextPage"):
            continue
        child_model = _CHILD_CONNECTIONS.get((parent_model, key))
        if child_model is None:
            continue
        if child_model == "inventory_level":
            # Levels are keyed by their location within the item.
            ids = frozenset(
                location for child in nodes if (location := _ref(child.get("location")))
            )
        else:
            ids = frozenset(legacy_id(child["id"]) for child in nodes if "id" in child)
        result.append(MirrorChildren(parent_model, legacy_id(node_id), child_model, ids))
    return result


# (parent model, connection field) -> child model, for complete_children.
_CHILD_CONNECTIONS: dict[tuple[str, str], str] = {
    ("product", "variants"): "product_variant",
    ("product", "media"): "product_image",
    ("product", "metafields"): "metafield",
    ("collection", "products"): "collection_product",
    ("customer", "addressesV2"): "customer_address",
    ("order", "lineItems"): "order_line_item",
    ("inventory_item", "inventoryLevels"): "inventory_level",
}


# --- values --------------------------------------------------------------------------------------


def _datetime(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    if parsed.utcoffset():
        return parsed.astimezone(UTC)
    return parsed if parsed.tzinfo is UTC else parsed.replace(tzinfo=UTC)


def _iso(value: str | None) -> str | None:
    """A timestamp inside JSON: ISO 8601 in UTC ("2026-01-02T03:04:05+00:00")."""
    parsed = _datetime(value)
    return parsed.isoformat() if parsed is not None else None


def _money(value: Any) -> Decimal:
    return Decimal(value) if isinstance(value, str | int) else Decimal(0)


def _optional_money(value: Any) -> Decimal | None:
    return Decimal(value) if isinstance(value, str | int) else None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _lower(value: Any) -> str:
    return value.lower() if isinstance(value, str) else ""


def _optional_lower(value: Any) -> str | None:
    return value.lower() if isinstance(value, str) else None


def _int(value: Any) -> int:
    return int(value) if value is not None else 0


def _ref(value: Any) -> int | None:
    """`{"id": "gid://shopify/X/1"}` -> 1."""
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return legacy_id(value["id"])
    return None


def _tags(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(value)
    return _text(value)


def _money_value(value: Any) -> JSON:
    return {"amount": value.get("amount"), "currency_code": value.get("currencyCode")}


def _money_set(value: Any) -> JSON:
    if not isinstance(value, dict):
        return {}
    result: JSON = {}
    if isinstance(value.get("shopMoney"), dict):
        result["shop_money"] = _money_value(value["shopMoney"])
    if isinstance(value.get("presentmentMoney"), dict):
        result["presentment_money"] = _money_value(value["presentmentMoney"])
    return result


def _shop_amount(value: Any) -> Decimal:
    if isinstance(value, dict) and isinstance(value.get("shopMoney"), dict):
        return _money(value["shopMoney"].get("amount"))
    return Decimal(0)


def _shop_currency(value: Any) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("shopMoney"), dict):
        code = value["shopMoney"].get("currencyCode")
        return code if isinstance(code, str) else None
    return None


def _address(value: Any) -> JSON:
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


def _tax_lines(value: Any) -> list[JSON]:
    if not isinstance(value, list):
        return []
    return [
        {
            "title": line.get("title"),
            "rate": line.get("rate"),
            "price": _amount_text(line.get("priceSet")),
            "price_set": _money_set(line.get("priceSet")),
        }
        for line in value
    ]


def _amount_text(value: Any) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("shopMoney"), dict):
        amount = value["shopMoney"].get("amount")
        return amount if isinstance(amount, str) else None
    return None


def _attributes(value: Any) -> list[JSON]:
    if not isinstance(value, list):
        return []
    return [{"name": item.get("key"), "value": item.get("value")} for item in value]


def _updated_at(line: JSON) -> datetime | None:
    return _datetime(line.get("updatedAt") or line.get("__parentUpdatedAt"))


def _identity(line: JSON) -> JSON:
    """shopify_updated_at, created_at (when given) and admin_graphql_api_id of a line."""
    fields: JSON = {"shopify_updated_at": _updated_at(line), "admin_graphql_api_id": line["id"]}
    if line.get("createdAt"):
        fields["created_at"] = _datetime(line["createdAt"])
    return fields


def _parent(line: JSON) -> tuple[str, int] | None:
    parent = line.get("__parentId")
    if not isinstance(parent, str):
        return None
    return gid_type(parent), legacy_id(parent)


# --- per type ------------------------------------------------------------------------------------


def _location(line: JSON, position: int | None) -> list[MirrorItem]:
    if "name" not in line:
        return []
    address = line.get("address") or {}
    fields = _identity(line)
    fields.update(
        name=line["name"],
        active=bool(line.get("isActive", True)),
        address1=_text(address.get("address1")),
        address2=_text(address.get("address2")),
        city=_text(address.get("city")),
        zip=_text(address.get("zip")),
        province=_text(address.get("province")),
        province_code=_text(address.get("provinceCode")),
        country=_text(address.get("country")),
        country_code=_text(address.get("countryCode")),
        country_name=_text(address.get("country")),
        phone=_text(address.get("phone")),
    )
    return [MirrorRow("location", legacy_id(line["id"]), fields)]


def _inventory_item_row(item: JSON) -> MirrorRow:
    fields = _identity(item)
    fields.update(
        sku=_text(item.get("sku")),
        requires_shipping=bool(item.get("requiresShipping", True)),
        tracked=bool(item.get("tracked", True)),
        harmonized_system_code=_text(item.get("harmonizedSystemCode")),
        country_code_of_origin=_text(item.get("countryCodeOfOrigin")),
        province_code_of_origin=_text(item.get("provinceCodeOfOrigin")),
    )
    if "unitCost" in item:
        cost = item["unitCost"]
        fields["cost"] = _optional_money(cost.get("amount")) if isinstance(cost, dict) else None
        if isinstance(cost, dict) and cost.get("currencyCode"):
            fields["currency"] = cost["currencyCode"]
    return MirrorRow("inventory_item", legacy_id(item["id"]), fields)


def _inventory_item(line: JSON, position: int | None) -> list[MirrorItem]:
    if "sku" not in line and "tracked" not in line:
        return []
    return [_inventory_item_row(line)]


def _inventory_level(line: JSON, position: int | None) -> list[MirrorItem]:
    item = _ref(line.get("item"))
    if item is None:
        parent = _parent(line)
        item = parent[1] if parent is not None and parent[0] == "InventoryItem" else None
    location = _ref(line.get("location"))
    if item is None or location is None:
        return []
    quantities = {entry["name"]: entry.get("quantity") for entry in line.get("quantities") or ()}
    # The level's id (shared by the items of a location) is not unique, but it marks the row as
    # Shopify's, whose quantities may go negative.
    fields: JSON = {
        "shopify_updated_at": _datetime(line.get("updatedAt")),
        "admin_graphql_api_id": line["id"],
        "shopify_id": legacy_id(line["id"]),
    }
    for name in ("available", "on_hand", "committed", "incoming", "reserved"):
        if name in quantities:
            fields[name] = _int(quantities[name])
    return [
        MirrorRow("inventory_level", None, fields, {"inventory_item": item, "location": location})
    ]


def _product(line: JSON, position: int | None) -> list[MirrorItem]:
    parent = _parent(line)
    if parent is not None and parent[0] == "Collection":
        fields: JSON = {"shopify_updated_at": _datetime(line.get("__parentUpdatedAt"))}
        if position is not None:
            fields["position"] = position
        refs = {"collection": parent[1], "product": legacy_id(line["id"])}
        return [MirrorRow("collection_product", None, fields, refs)]
    if "title" not in line:
        return []
    product_id = legacy_id(line["id"])
    seo = line.get("seo") or {}
    fields = _identity(line)
    fields.update(
        title=line["title"],
        handle=line.get("handle") or "",
        body_html=_text(line.get("descriptionHtml")),
        vendor=_text(line.get("vendor")),
        product_type=_text(line.get("productType")),
        status=_lower(line.get("status")) or "active",
        tags=_tags(line.get("tags")),
        template_suffix=_text(line.get("templateSuffix")),
        published_at=_datetime(line.get("publishedAt")),
        seo_title=_text(seo.get("title")),
        seo_description=_text(seo.get("description")),
    )
    items: list[MirrorItem] = [MirrorRow("product", product_id, fields)]
    options = line.get("options")
    if isinstance(options, list):
        updated_at = fields["shopify_updated_at"]
        option_ids = []
        for option in options:
            option_id = legacy_id(option["id"])
            option_ids.append(option_id)
            values = option.get("values")
            if not isinstance(values, list):
                values = [value["name"] for value in option.get("optionValues") or ()]
            items.append(
                MirrorRow(
                    "product_option",
                    option_id,
                    {
                        "shopify_updated_at": updated_at,
                        "admin_graphql_api_id": option["id"],
                        "name": option["name"],
                        "position": option.get("position") or 1,
                        "values": list(values),
                    },
                    {"product": product_id},
                )
            )
            option_values = option.get("optionValues")
            if isinstance(option_values, list):
                value_ids = []
                for index, value in enumerate(option_values, start=1):
                    value_id = legacy_id(value["id"])
                    value_ids.append(value_id)
                    items.append(
                        MirrorRow(
                            "option_value",
                            value_id,
                            {
                                "shopify_updated_at": updated_at,
                                "admin_graphql_api_id": value["id"],
                                "value": value["name"],
                                "position": index,
                            },
                            {"option": option_id},
                        )
                    )
                items.append(
                    MirrorChildren(
                        "product_option", option_id, "option_value", frozenset(value_ids)
                    )
                )
        items.append(MirrorChildren("product", product_id, "product_option", frozenset(option_ids)))
    return items


def _variant(line: JSON, position: int | None) -> list[MirrorItem]:
    if "price" not in line:
        return []
    parent = _parent(line)
    product_id = _ref(line.get("product"))
    if product_id is None and parent is not None and parent[0] == "Product":
        product_id = parent[1]
    if product_id is None:
        return []
    items: list[MirrorItem] = []
    fields = _identity(line)
    fields.update(
        title=_text(line.get("title")),
        sku=_text(line.get("sku")),
        barcode=_text(line.get("barcode")),
        position=line.get("position") or 1,
        price=_money(line.get("price")),
        compare_at_price=_optional_money(line.get("compareAtPrice")),
        taxable=bool(line.get("taxable", True)),
        inventory_policy=_lower(line.get("inventoryPolicy")) or "deny",
        inventory_quantity=_int(line.get("inventoryQuantity")),
    )
    selected = line.get("selectedOptions") or ()
    for number in (1, 2, 3):
        fields[f"option{number}"] = (
            _text(selected[number - 1].get("value")) if number <= len(selected) else ""
        )
    refs = {"product": product_id}
    if "media" in line:
        media = _connection_nodes(line["media"] or {}) or []
        if media:
            refs["image"] = legacy_id(media[0]["id"])
        else:
            fields["image"] = None
    item = line.get("inventoryItem")
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        items.append(_inventory_item_row(item))
        refs["inventory_item"] = legacy_id(item["id"])
        fields["requires_shipping"] = bool(item.get("requiresShipping", True))
        fields["inventory_management"] = "shopify" if item.get("tracked") else ""
        weight = (item.get("measurement") or {}).get("weight")
        if isinstance(weight, dict) and weight.get("value") is not None:
            unit = weight.get("unit") or "KILOGRAMS"
            value = Decimal(weight["value"]).quantize(_MILLI)
            fields["weight"] = value
            fields["weight_unit"] = _WEIGHT_UNITS.get(unit, "kg")
            fields["grams"] = int(
                (value * _GRAMS_PER_UNIT.get(unit, Decimal(1000))).to_integral_value()
            )
    items.append(MirrorRow("product_variant", legacy_id(line["id"]), fields, refs))
    return items


def _media(line: JSON, position: int | None) -> list[MirrorItem]:
    parent = _parent(line)
    image = line.get("image")
    if parent is None or parent[0] != "Product" or not isinstance(image, dict):
        return []
    fields = _identity(line)
    fields.update(
        alt=_text(line.get("alt")),
        src=_text(image.get("url")),
        width=image.get("width"),
        height=image.get("height"),
    )
    if position is not None:
        fields["position"] = position
    return [MirrorRow("product_image", legacy_id(line["id"]), fields, {"product": parent[1]})]


def _metafield(line: JSON, position: int | None) -> list[MirrorItem]:
    parent = _parent(line)
    if parent is None or parent[0] not in _OWNER_RESOURCES or "key" not in line:
        return []
    fields = _identity(line)
    fields.update(
        owner_resource=_OWNER_RESOURCES[parent[0]],
        namespace=line.get("namespace") or "",
        key=line["key"],
        value=_text(line.get("value")),
        type=line.get("type") or "",
    )
    return [MirrorRow("metafield", legacy_id(line["id"]), fields, {"owner": parent[1]})]


def _collection(line: JSON, position: int | None) -> list[MirrorItem]:
    if "title" not in line:
        return []
    seo = line.get("seo") or {}
    image = line.get("image")
    rule_set = line.get("ruleSet")
    fields = _identity(line)
    fields.update(
        title=line["title"],
        handle=line.get("handle") or "",
        body_html=_text(line.get("descriptionHtml")),
        sort_order=_lower(line.get("sortOrder")).replace("_", "-") or "best-selling",
        template_suffix=_text(line.get("templateSuffix")),
        seo_title=_text(seo.get("title")),
        seo_description=_text(seo.get("description")),
        image=(
            {
                "src": image.get("url"),
                "alt": image.get("altText"),
                "width": image.get("width"),
                "height": image.get("height"),
            }
            if isinstance(image, dict)
            else {}
        ),
    )
    if isinstance(rule_set, dict):
        fields["collection_type"] = "smart"
        fields["disjunctive"] = bool(rule_set.get("appliedDisjunctively"))
        fields["rules"] = [
            {
                "column": _lower(rule.get("column")),
                "relation": _lower(rule.get("relation")),
                "condition": rule.get("condition"),
            }
            for rule in rule_set.get("rules") or ()
        ]
    else:
        fields["collection_type"] = "custom"
        fields["disjunctive"] = False
        fields["rules"] = []
    return [MirrorRow("collection", legacy_id(line["id"]), fields)]


def _consent(value: Any) -> JSON:
    if not isinstance(value, dict):
        return {}
    return {
        "state": _optional_lower(value.get("marketingState")),
        "opt_in_level": _optional_lower(value.get("marketingOptInLevel")),
        "consent_updated_at": _iso(value.get("marketingUpdatedAt")),
    }


def _customer(line: JSON, position: int | None) -> list[MirrorItem]:
    if "state" not in line and "firstName" not in line:
        return []
    customer_id = legacy_id(line["id"])
    email = line.get("defaultEmailAddress")
    phone = line.get("defaultPhoneNumber")
    spent = line.get("amountSpent")
    last_order = line.get("lastOrder")
    fields = _identity(line)
    fields.update(
        first_name=_text(line.get("firstName")),
        last_name=_text(line.get("lastName")),
        state=_lower(line.get("state")) or "disabled",
        note=_text(line.get("note")),
        tags=_tags(line.get("tags")),
        verified_email=bool(line.get("verifiedEmail")),
        tax_exempt=bool(line.get("taxExempt")),
        tax_exemptions=list(line.get("taxExemptions") or ()),
        multipass_identifier=_text(line.get("multipassIdentifier")),
        orders_count=_int(line.get("numberOfOrders")),
        email=_text(email.get("emailAddress")) if isinstance(email, dict) else "",
        phone=_text(phone.get("phoneNumber")) if isinstance(phone, dict) else "",
        email_marketing_consent=_consent(email),
        sms_marketing_consent=_consent(phone),
        accepts_marketing=isinstance(email, dict) and email.get("marketingState") == "SUBSCRIBED",
        accepts_marketing_updated_at=(
            _datetime(email.get("marketingUpdatedAt")) if isinstance(email, dict) else None
        ),
        marketing_opt_in_level=(
            _optional_lower(email.get("marketingOptInLevel")) if isinstance(email, dict) else None
        ),
        last_order_name=_text(last_order.get("name")) if isinstance(last_order, dict) else "",
    )
    if isinstance(spent, dict):
        fields["total_spent"] = _money(spent.get("amount"))
        if spent.get("currencyCode"):
            fields["currency"] = spent["currencyCode"]
    refs: dict[str, int] = {}
    items: list[MirrorItem] = []
    last_order_id = _ref(last_order)
    if last_order_id is not None:
        refs["last_order"] = last_order_id
    else:
        fields["last_order"] = None
    default = line.get("defaultAddress")
    if isinstance(default, dict) and isinstance(default.get("id"), str):
        address_id = legacy_id(default["id"])
        refs["default_address"] = address_id
        address_fields = {"shopify_updated_at": fields["shopify_updated_at"]}
        items.append(
            MirrorRow("customer_address", address_id, address_fields, {"customer": customer_id})
        )
    else:
        fields["default_address"] = None
    items.insert(0, MirrorRow("customer", customer_id, fields, refs))
    return items


def _mailing_address(line: JSON, position: int | None) -> list[MirrorItem]:
    parent = _parent(line)
    if parent is None or parent[0] != "Customer":
        return []
    fields: JSON = {
        "shopify_updated_at": _updated_at(line),
        "admin_graphql_api_id": line["id"],
        "first_name": _text(line.get("firstName")),
        "last_name": _text(line.get("lastName")),
        "name": _text(line.get("name")),
        "company": _text(line.get("company")),
        "address1": _text(line.get("address1")),
        "address2": _text(line.get("address2")),
        "city": _text(line.get("city")),
        "province": _text(line.get("province")),
        "province_code": _text(line.get("provinceCode")),
        "country": _text(line.get("country")),
        "country_code": _text(line.get("countryCodeV2")),
        "country_name": _text(line.get("country")),
        "zip": _text(line.get("zip")),
        "phone": _text(line.get("phone")),
    }
    return [MirrorRow("customer_address", legacy_id(line["id"]), fields, {"customer": parent[1]})]


def _order_number(number: int) -> tuple[int, int]:
    """Shopify's order number (1001) -> (number, order_number): REST's `number` counts from 1."""
    return (number - 1000 if number > 1000 else number), number


def _order(line: JSON, position: int | None) -> list[MirrorItem]:
    order_id = legacy_id(line["id"])
    updated_at = _datetime(line.get("updatedAt"))
    items: list[MirrorItem] = []
    if "name" in line:
        items.append(_order_row(line, order_id))
    for fulfillment in line.get("fulfillments") or ():
        items.extend(_fulfillment(fulfillment, order_id, updated_at))
    for refund in line.get("refunds") or ():
        items.extend(_refund(refund, order_id, updated_at))
    for transaction in line.get("transactions") or ():
        items.append(_transaction(transaction, order_id, updated_at))
    return items


def _order_row(line: JSON, order_id: int) -> MirrorRow:
    number, order_number = _order_number(int(line.get("number") or 0))
    cancelled_at = _datetime(line.get("cancelledAt"))
    closed_at = _datetime(line.get("closedAt"))
    gateways = list(line.get("paymentGatewayNames") or ())
    shipping = line.get("shippingLines")
    shipping_nodes = (_connection_nodes(shipping) if isinstance(shipping, dict) else None) or []
    fields = _identity(line)
    fields.update(
        name=line["name"],
        number=number,
        order_number=order_number,
        email=_text(line.get("email")),
        contact_email=_text(line.get("email")),
        phone=_text(line.get("phone")),
        note=_text(line.get("note")),
        tags=_tags(line.get("tags")),
        test=bool(line.get("test")),
        confirmed=bool(line.get("confirmed", True)),
        closed_at=closed_at,
        cancelled_at=cancelled_at,
        cancel_reason=_optional_lower(line.get("cancelReason")),
        status=(
            OrderStatus.CANCELLED
            if cancelled_at
            else OrderStatus.CLOSED
            if closed_at
            else OrderStatus.OPEN
        ).value,
        processed_at=_datetime(line.get("processedAt")),
        currency=line.get("currencyCode") or "USD",
        presentment_currency=line.get("presentmentCurrencyCode")
        or line.get("currencyCode")
        or "USD",
        taxes_included=bool(line.get("taxesIncluded")),
        financial_status=_lower(line.get("displayFinancialStatus")) or "pending",
        fulfillment_status=_ORDER_FULFILLMENT.get(
            line.get("displayFulfillmentStatus") or "", "unfulfilled"
        ),
        payment_gateway_names=gateways,
        gateway=gateways[0] if gateways else "",
        discount_codes=[{"code": code} for code in line.get("discountCodes") or ()],
        source_name=_text(line.get("sourceName")),
        source_identifier=_text(line.get("sourceIdentifier")),
        customer_locale=_text(line.get("customerLocale")),
        buyer_accepts_marketing=bool(line.get("customerAcceptsMarketing")),
        cart_token=_text(line.get("cartToken")),
        checkout_token=_text(line.get("checkoutToken")),
        browser_ip=line.get("clientIp") or None,
        note_attributes=_attributes(line.get("customAttributes")),
        billing_address=_address(line.get("billingAddress")),
        shipping_address=_address(line.get("shippingAddress")),
        subtotal_price=_shop_amount(line.get("subtotalPriceSet")),
        total_price=_shop_amount(line.get("totalPriceSet")),
        total_tax=_shop_amount(line.get("totalTaxSet")),
        total_discounts=_shop_amount(line.get("totalDiscountsSet")),
        subtotal_price_set=_money_set(line.get("subtotalPriceSet")),
        total_price_set=_money_set(line.get("totalPriceSet")),
        total_tax_set=_money_set(line.get("totalTaxSet")),
        total_discounts_set=_money_set(line.get("totalDiscountsSet")),
        total_shipping_price_set=_money_set(line.get("totalShippingPriceSet")),
        total_weight=_int(line.get("totalWeight")),
        tax_lines=_tax_lines(line.get("taxLines")),
        shipping_lines=[
            {
                "title": node.get("title"),
                "code": node.get("code"),
                "source": node.get("source"),
                "price": _amount_text(node.get("originalPriceSet")),
                "price_set": _money_set(node.get("originalPriceSet")),
            }
            for node in shipping_nodes
        ],
    )
    refs: dict[str, int] = {}
    customer = _ref(line.get("customer"))
    if customer is not None:
        refs["customer"] = customer
    elif "customer" in line:
        fields["customer"] = None
    return MirrorRow("order", order_id, fields, refs)


def _fulfillment(value: JSON, order_id: int, updated_at: datetime | None) -> list[MirrorItem]:
    fulfillment_id = legacy_id(value["id"])
    items: list[MirrorItem] = []
    if "status" in value:
        tracking = value.get("trackingInfo") or []
        first = tracking[0] if tracking else {}
        display = _lower(value.get("displayStatus"))
        service = value.get("service")
        fields = _identity(value)
        fields["shopify_updated_at"] = _datetime(value.get("updatedAt")) or updated_at
        fields.update(
            name=_text(value.get("name")),
            status=_lower(value.get("status")) or "pending",
            shipment_status=display if display in _SHIPMENT_STATUSES else None,
            service=_lower(service.get("serviceName")) if isinstance(service, dict) else "",
            tracking_company=_text(first.get("company")),
            tracking_number=_text(first.get("number")),
            tracking_url=_text(first.get("url")),
            tracking_numbers=[entry.get("number") for entry in tracking if entry.get("number")],
            tracking_urls=[entry.get("url") for entry in tracking if entry.get("url")],
        )
        refs = {"order": order_id}
        location = _ref(value.get("location"))
        if location is not None:
            refs["location"] = location
        items.append(MirrorRow("fulfillment", fulfillment_id, fields, refs))
    connection = value.get("fulfillmentLineItems")
    if isinstance(connection, dict):
        nodes = _connection_nodes(connection) or []
        for node in nodes:
            line_item = _ref(node.get("lineItem"))
            if line_item is None:
                continue
            items.append(
                MirrorRow(
                    "fulfillment_line_item",
                    legacy_id(node["id"]),
                    {
                        "shopify_updated_at": updated_at,
                        "admin_graphql_api_id": node["id"],
                        "quantity": _int(node.get("quantity")),
                    },
                    {"fulfillment": fulfillment_id, "line_item": line_item},
                )
            )
        if not (connection.get("pageInfo") or {}).get("hasNextPage"):
            ids = frozenset(legacy_id(node["id"]) for node in nodes)
            items.append(
                MirrorChildren("fulfillment", fulfillment_id, "fulfillment_line_item", ids)
            )
    return items


def _refund(value: JSON, order_id: int, updated_at: datetime | None) -> list[MirrorItem]:
    refund_id = legacy_id(value["id"])
    items: list[MirrorItem] = []
    if "createdAt" in value:
        fields = _identity(value)
        fields["shopify_updated_at"] = _datetime(value.get("updatedAt")) or updated_at
        fields.update(
            note=_text(value.get("note")), processed_at=_datetime(value.get("processedAt"))
        )
        items.append(MirrorRow("refund", refund_id, fields, {"order": order_id}))
    connection = value.get("refundLineItems")
    if isinstance(connection, dict):
        nodes = _connection_nodes(connection) or []
        for node in nodes:
            line_item = _ref(node.get("lineItem"))
            if line_item is None:
                continue
            refs = {"refund": refund_id, "line_item": line_item}
            location = _ref(node.get("location"))
            fields = {
                "shopify_updated_at": updated_at,
                "admin_graphql_api_id": node["id"],
                "quantity": _int(node.get("quantity")),
                "restock_type": _lower(node.get("restockType")) or "no_restock",
                "subtotal": _shop_amount(node.get("subtotalSet")),
                "total_tax": _shop_amount(node.get("totalTaxSet")),
                "subtotal_set": _money_set(node.get("subtotalSet")),
                "total_tax_set": _money_set(node.get("totalTaxSet")),
            }
            if location is not None:
                refs["location"] = location
            else:
                fields["location"] = None
            items.append(MirrorRow("refund_line_item", legacy_id(node["id"]), fields, refs))
        if not (connection.get("pageInfo") or {}).get("hasNextPage"):
            ids = frozenset(legacy_id(node["id"]) for node in nodes)
            items.append(MirrorChildren("refund", refund_id, "refund_line_item", ids))
    return items


def _transaction(value: JSON, order_id: int, updated_at: datetime | None) -> MirrorRow:
    amount = value.get("amountSet")
    receipt = value.get("receiptJson")
    if isinstance(receipt, str):
        try:
            receipt = json.loads(receipt)
        except ValueError:
            receipt = {"raw": receipt}
    details = value.get("paymentDetails")
    payment_details = (
        {ours: details[theirs] for theirs, ours in _CARD_KEYS if details.get(theirs) is not None}
        if isinstance(details, dict)
        else {}
    )
    fields = _identity(value)
    fields["shopify_updated_at"] = updated_at
    fields.update(
        kind=_lower(value.get("kind")),
        status=_lower(value.get("status")) or "pending",
        gateway=_text(value.get("gateway")),
        test=bool(value.get("test")),
        error_code=_lower(value.get("errorCode")),
        authorization=_text(value.get("authorizationCode")),
        processed_at=_datetime(value.get("processedAt")),
        amount=_shop_amount(amount),
        currency=_shop_currency(amount) or "USD",
        receipt=receipt if isinstance(receipt, dict) else {},
        payment_details=payment_details,
    )
    refs = {"order": order_id}
    for name, key in (("parent", "parentTransaction"), ("location", "location")):
        target = _ref(value.get(key))
        if target is not None:
            refs[name] = target
        else:
            fields[name] = None
    return MirrorRow("transaction", legacy_id(value["id"]), fields, refs)


def _line_fulfillment(line: JSON) -> str | None:
    """REST's line `fulfillment_status`: null while nothing is fulfilled, then partial/fulfilled
    (a line refunded or removed after its fulfillment stays fulfilled)."""
    quantity = _int(line.get("quantity"))
    unfulfilled = _int(line.get("unfulfilledQuantity"))
    if quantity <= 0 or unfulfilled >= quantity:
        return None
    return "fulfilled" if unfulfilled == 0 else "partial"


def _line_item(line: JSON, position: int | None) -> list[MirrorItem]:
    parent = _parent(line)
    if parent is None or parent[0] != "Order" or "quantity" not in line:
        return []
    price_set = line.get("originalUnitPriceSet")
    discount_set = line.get("totalDiscountSet")
    fields: JSON = {
        "shopify_updated_at": _updated_at(line),
        "admin_graphql_api_id": line["id"],
        "title": _text(line.get("title")),
        "name": _text(line.get("name")),
        "variant_title": _text(line.get("variantTitle")),
        "sku": _text(line.get("sku")),
        "vendor": _text(line.get("vendor")),
        "quantity": _int(line.get("quantity")),
        "current_quantity": line.get("currentQuantity"),
        "fulfillable_quantity": _int(line.get("unfulfilledQuantity")),
        "fulfillment_status": _line_fulfillment(line),
        "requires_shipping": bool(line.get("requiresShipping", True)),
        "taxable": bool(line.get("taxable", True)),
        "gift_card": bool(line.get("isGiftCard")),
        "price": _shop_amount(price_set),
        "price_set": _money_set(price_set),
        "total_discount": _shop_amount(discount_set),
        "total_discount_set": _money_set(discount_set),
        "properties": _attributes(line.get("customAttributes")),
        "tax_lines": _tax_lines(line.get("taxLines")),
        "product_exists": line.get("product") is not None,
    }
    refs = {"order": parent[1]}
    for name in ("product", "variant"):
        target = _ref(line.get(name))
        if target is not None:
            refs[name] = target
        else:
            fields[name] = None
    return [MirrorRow("order_line_item", legacy_id(line["id"]), fields, refs)]


_Mapper = Callable[[JSON, "int | None"], list[MirrorItem]]

_MAPPERS: dict[str, _Mapper] = {
    "Location": _location,
    "InventoryItem": _inventory_item,
    "InventoryLevel": _inventory_level,
    "Product": _product,
    "ProductVariant": _variant,
    "MediaImage": _media,
    "Metafield": _metafield,
    "Collection": _collection,
    "Customer": _customer,
    "MailingAddress": _mailing_address,
    "Order": _order,
    "LineItem": _line_item,
}


def _shipping_line(node: JSON) -> JSON:
    return {
        "title": node.get("title"),
        "code": node.get("code"),
        "source": node.get("source"),
        "price": _amount_text(node.get("originalPriceSet")),
        "price_set": _money_set(node.get("originalPriceSet")),
    }


def _shipping_lines_row(parent_id: str, lines: list[JSON], updated_at: Any) -> MirrorRow:
    """A bulk order's shipping lines arrive as lines of their own (no id): a row setting them."""
    return MirrorRow(
        "order",
        legacy_id(parent_id),
        {"shopify_updated_at": _datetime(updated_at), "shipping_lines": lines},
    )


def items_from_line(line: JSON) -> list[MirrorItem]:
    """The mirror items of one line (a bulk JSONL line or a line from `lines_from_node`),
    dispatched on the GID type of `line["id"]` (and `__parentId`). Lines of types the mirror does
    not hold (e.g. a Video under a product) map to nothing. A bulk shipping line (no id, under an
    order) sets the order's shipping lines to that one: use a `LineMapper` for orders with
    several."""
    line_id = line.get("id")
    if not isinstance(line_id, str):
        parent = line.get("__parentId")
        if isinstance(parent, str) and gid_type(parent) == "Order" and "code" in line:
            return [
                _shipping_lines_row(parent, [_shipping_line(line)], line.get("__parentUpdatedAt"))
            ]
        return []
    mapper = _MAPPERS.get(gid_type(line_id))
    if mapper is None:
        return []
    index = line.get("__index")
    return mapper(line, index if isinstance(index, int) else None)


# Parents a LineMapper remembers (their children follow them in a bulk file, not always next).
_REMEMBERED = 20_000


class LineMapper:
    """`items_from_line` for a stream of bulk lines, which carry less than paged lines do:
    - children without a timestamp get their parent's `updatedAt` (the parent's line came
      earlier: Shopify lists a parent's children after it, though not always right after);
    - images and collection memberships are numbered in order of arrival per parent;
    - an order's shipping lines (lines of their own in bulk) are gathered per order.
    It remembers the last 20,000 parents, so its memory stays flat whatever the file size."""

    __slots__ = ("_parents",)

    def __init__(self) -> None:
        # parent GID -> [updatedAt, children counted, shipping lines]
        self._parents: OrderedDict[str, list[Any]] = OrderedDict()

    def _parent(self, parent_id: str) -> list[Any]:
        state = self._parents.get(parent_id)
        if state is None:
            state = self._parents[parent_id] = [None, 0, []]
            if len(self._parents) > _REMEMBERED:
                self._parents.popitem(last=False)
        return state

    def items(self, line: JSON) -> list[MirrorItem]:
        line_id = line.get("id")
        parent_id = line.get("__parentId")
        if not isinstance(parent_id, str):
            if isinstance(line_id, str) and "updatedAt" in line:
                self._parent(line_id)[0] = line["updatedAt"]
            return items_from_line(line)
        state = self._parent(parent_id)
        if not isinstance(line_id, str):
            if gid_type(parent_id) == "Order" and "code" in line:
                state[2].append(_shipping_line(line))
                return [_shipping_lines_row(parent_id, list(state[2]), state[0])]
            return []
        extra: JSON = {}
        if state[0] is not None and "__parentUpdatedAt" not in line:
            extra["__parentUpdatedAt"] = state[0]
        if "__index" not in line and (
            (line_id.startswith("gid://shopify/MediaImage/") and gid_type(parent_id) == "Product")
            or (
                line_id.startswith("gid://shopify/Product/") and gid_type(parent_id) == "Collection"
            )
        ):
            state[1] += 1
            extra["__index"] = state[1]
        return items_from_line({**line, **extra} if extra else line)
