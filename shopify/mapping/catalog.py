"""GraphQL lines of products (options, option values, variants), media, metafields and
collections -> mirror rows."""

from __future__ import annotations

from decimal import Decimal

from shopify.mapping import inventory
from shopify.mapping import values as v
from shopify.mapping.values import JSON
from shopify.rows import MirrorChildren, MirrorItem, MirrorRow, legacy_id

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


_WEIGHT_UNITS = {"GRAMS": "g", "KILOGRAMS": "kg", "OUNCES": "oz", "POUNDS": "lb"}


_GRAMS_PER_UNIT = {
    "GRAMS": Decimal(1),
    "KILOGRAMS": Decimal(1000),
    "OUNCES": Decimal("28.349523125"),
    "POUNDS": Decimal("453.59237"),
}


_MILLI = Decimal("0.001")


def product(line: JSON, position: int | None) -> list[MirrorItem]:
    parent = v.parent_of(line)
    if parent is not None and parent[0] == "Collection":
        fields: JSON = {"shopify_updated_at": v.timestamp(line.get("__parentUpdatedAt"))}
        if position is not None:
            fields["position"] = position
        refs = {"collection": parent[1], "product": legacy_id(line["id"])}
        return [MirrorRow("collection_product", None, fields, refs)]
    if "title" not in line:
        return []
    product_id = legacy_id(line["id"])
    seo = line.get("seo") or {}
    fields = v.identity(line)
    fields.update(
        title=line["title"],
        handle=line.get("handle") or "",
        body_html=v.text(line.get("descriptionHtml")),
        vendor=v.text(line.get("vendor")),
        product_type=v.text(line.get("productType")),
        status=v.lower(line.get("status")) or "active",
        tags=v.tags(line.get("tags")),
        template_suffix=v.text(line.get("templateSuffix")),
        published_at=v.timestamp(line.get("publishedAt")),
        seo_title=v.text(seo.get("title")),
        seo_description=v.text(seo.get("description")),
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


def variant(line: JSON, position: int | None) -> list[MirrorItem]:
    if "price" not in line:
        return []
    parent = v.parent_of(line)
    product_id = v.ref_id(line.get("product"))
    if product_id is None and parent is not None and parent[0] == "Product":
        product_id = parent[1]
    if product_id is None:
        return []
    items: list[MirrorItem] = []
    fields = v.identity(line)
    fields.update(
        title=v.text(line.get("title")),
        sku=v.text(line.get("sku")),
        barcode=v.text(line.get("barcode")),
        position=line.get("position") or 1,
        price=v.money(line.get("price")),
        compare_at_price=v.optional_money(line.get("compareAtPrice")),
        taxable=bool(line.get("taxable", True)),
        inventory_policy=v.lower(line.get("inventoryPolicy")) or "deny",
        inventory_quantity=v.integer(line.get("inventoryQuantity")),
    )
    selected = line.get("selectedOptions") or ()
    for number in (1, 2, 3):
        fields[f"option{number}"] = (
            v.text(selected[number - 1].get("value")) if number <= len(selected) else ""
        )
    refs = {"product": product_id}
    if "media" in line:
        media = v.connection_nodes(line["media"] or {}) or []
        if media:
            refs["image"] = legacy_id(media[0]["id"])
        else:
            fields["image"] = None
    item = line.get("inventoryItem")
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        items.append(inventory.inventory_item_row(item))
        refs["inventory_item"] = legacy_id(item["id"])
        fields["requires_shipping"] = bool(item.get("requiresShipping", True))
        fields["inventory_management"] = "shopify" if item.get("tracked") else ""
        cost = item.get("unitCost")
        if isinstance(cost, dict) and cost.get("currencyCode"):
            # Prices and costs are in the shop's currency; the variant does not say which.
            fields["currency"] = cost["currencyCode"]
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


def media(line: JSON, position: int | None) -> list[MirrorItem]:
    parent = v.parent_of(line)
    if parent is not None and parent[0] == "ProductVariant" and position in (None, 1):
        # A variant's image from a bulk `productVariants { media }` query (bulk products cannot
        # nest it: three levels of connections). Without the variant's product the row only
        # updates a variant we hold.
        return [MirrorRow("product_variant", parent[1], {}, {"image": legacy_id(line["id"])})]
    image = line.get("image")
    if parent is None or parent[0] != "Product" or not isinstance(image, dict):
        return []
    fields = v.identity(line)
    fields.update(
        alt=v.text(line.get("alt")),
        src=v.text(image.get("url")),
        width=image.get("width"),
        height=image.get("height"),
    )
    if position is not None:
        fields["position"] = position
    return [MirrorRow("product_image", legacy_id(line["id"]), fields, {"product": parent[1]})]


def metafield(line: JSON, position: int | None) -> list[MirrorItem]:
    parent = v.parent_of(line)
    if parent is None or parent[0] not in _OWNER_RESOURCES or "key" not in line:
        return []
    fields = v.identity(line)
    fields.update(
        owner_resource=_OWNER_RESOURCES[parent[0]],
        namespace=line.get("namespace") or "",
        key=line["key"],
        value=v.text(line.get("value")),
        type=line.get("type") or "",
    )
    return [MirrorRow("metafield", legacy_id(line["id"]), fields, {"owner": parent[1]})]


def collection(line: JSON, position: int | None) -> list[MirrorItem]:
    if "title" not in line:
        return []
    seo = line.get("seo") or {}
    image = line.get("image")
    rule_set = line.get("ruleSet")
    fields = v.identity(line)
    fields.update(
        title=line["title"],
        handle=line.get("handle") or "",
        body_html=v.text(line.get("descriptionHtml")),
        sort_order=v.lower(line.get("sortOrder")).replace("_", "-") or "best-selling",
        template_suffix=v.text(line.get("templateSuffix")),
        seo_title=v.text(seo.get("title")),
        seo_description=v.text(seo.get("description")),
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
                "column": v.lower(rule.get("column")),
                "relation": v.lower(rule.get("relation")),
                "condition": rule.get("condition"),
            }
            for rule in rule_set.get("rules") or ()
        ]
    else:
        fields["collection_type"] = "custom"
        fields["disjunctive"] = False
        fields["rules"] = []
    return [MirrorRow("collection", legacy_id(line["id"]), fields)]
