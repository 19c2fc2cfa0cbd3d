"""REST-shaped webhook payloads -> mirror items (`shopify.rows`), the same rows the GraphQL mapper
(`shopify.mapping.graphql`) produces for the same records.

Values are normalised to what the mirror stores whichever transport delivered them: `Decimal`
money (REST sends strings, and a few floats), aware UTC datetimes, our lower-case choices, ""
for absent text, tags as `", "`-joined trimmed tags.

Identity: a record's `shopify_id` is the tail of its `admin_graphql_api_id` when the payload has
one (exact), else its numeric `id`. References (`product_id`, `location_id`, …) are numeric ids.
GIDs REST leaves out (options, customer addresses) are the ones GraphQL gives those records.

Timestamps: `shopify_updated_at` is the record's REST `updated_at`. A refund, which has none,
takes its `created_at` (then `processed_at`): refunds do not change after creation. Children
without a timestamp of their own take their parent's; transactions take their order's, as the
GraphQL mapper's do (None when the payload has no order: the mirror then takes the stored
order's, so a status update of a transaction is written). Rows a payload only
mentions (the inventory item a variant points at, known by id and SKU; a customer embedded in
an order without an `updated_at`) carry `UNKNOWN_UPDATED_AT`, older than anything Shopify
sends: the mirror inserts them when missing (so references resolve) and never lets them
overwrite a row it holds; reconciliation sees them as stale until their own data arrives.

What REST payloads do not carry is left alone (the sync fills it): option values and
fulfillment line items (no ids), metafields, collection memberships and smart-collection rules
of current versions, an inventory level's quantities other than `available`, the weight of
2025-10 variants, and the variants past the first 100 (`product_incomplete` tells; the apply
fetches the product whole).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from customers.services import ADDRESS_FIELDS
from shopify.rows import MirrorChildren, MirrorDelete, MirrorItem, MirrorRow, legacy_id

Payload = Mapping[str, Any]

# Shopify sends at most this many variants in a product webhook.
WEBHOOK_VARIANT_LIMIT = 100
# The time of a row a payload only mentions: older than any real update (see above).
UNKNOWN_UPDATED_AT = datetime(1970, 1, 1, tzinfo=UTC)


# --- values --------------------------------------------------------------------------------------


def parse_datetime(value: Any) -> datetime | None:
    """Shopify's ISO 8601 time ("2021-12-31T19:00:00-05:00", "2019-01-01 00:00:00.000Z") in UTC."""
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def money(value: Any) -> Decimal | None:
    """A REST amount ("19.99", or a float in a few payloads) as Decimal; None stays None."""
    if value is None or value == "":
        return None
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def money_or_zero(value: Any) -> Decimal:
    amount = money(value)
    return amount if amount is not None else Decimal("0")


def text(value: Any) -> str:
    return "" if value is None else str(value)


def tags(value: Any) -> str:
    """REST "a, b" (or a list) -> "a, b": trimmed, empty tags dropped, order kept."""
    if value is None:
        return ""
    parts = value if isinstance(value, list) else str(value).split(",")
    return ", ".join(tag.strip() for tag in parts if tag and tag.strip())


def lower(value: Any) -> str:
    return "" if value is None else str(value).lower()


def optional_lower(value: Any) -> str | None:
    return None if value is None else str(value).lower()


def integer(value: Any, default: int = 0) -> int:
    return default if value is None else int(value)


def json_dict(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


def json_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def record_id(payload: Payload) -> int:
    """The record's exact id: the GID's tail when present (numeric ids may have been rounded by
    a JavaScript producer), else `id`."""
    gid = payload.get("admin_graphql_api_id")
    if isinstance(gid, str) and gid.startswith("gid://"):
        return legacy_id(gid)
    return int(payload["id"])


def reference(value: Any) -> int | None:
    """A reference to another record: a numeric id, or a GID."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.startswith("gid://"):
        return legacy_id(value)
    return int(value)


def identity(payload: Payload) -> dict[str, Any]:
    """`admin_graphql_api_id` and `created_at`, when the payload has them."""
    fields: dict[str, Any] = {}
    gid = payload.get("admin_graphql_api_id")
    if isinstance(gid, str) and gid.startswith("gid://"):
        fields["admin_graphql_api_id"] = gid
    created_at = parse_datetime(payload.get("created_at"))
    if created_at is not None:
        fields["created_at"] = created_at
    return fields


def refs(**values: int | None) -> dict[str, int]:
    return {name: value for name, value in values.items() if value is not None}


def _iso(value: Any) -> str | None:
    """A timestamp inside JSON: ISO 8601 in UTC ("2026-01-02T03:04:05+00:00"), as the GraphQL
    mapper writes it."""
    moment = parse_datetime(value)
    return moment.isoformat() if moment is not None else None


# --- locations and inventory ---------------------------------------------------------------------


def location_items(payload: Payload) -> list[MirrorItem]:
    fields = {
        "name": text(payload.get("name")),
        "address1": text(payload.get("address1")),
        "address2": text(payload.get("address2")),
        "city": text(payload.get("city")),
        "zip": text(payload.get("zip")),
        "province": text(payload.get("province")),
        # REST's location `country` is the code; the stored country is its name, as GraphQL's.
        "country": text(payload.get("country_name") or payload.get("country")),
        "phone": text(payload.get("phone")),
        "country_code": text(payload.get("country_code")),
        "country_name": text(payload.get("country_name")),
        "province_code": text(payload.get("province_code")),
        "legacy": bool(payload.get("legacy", False)),
        "active": bool(payload.get("active", True)),
        "shopify_updated_at": parse_datetime(payload.get("updated_at")),
        **identity(payload),
    }
    return [MirrorRow("location", record_id(payload), fields)]


def inventory_item_items(payload: Payload) -> list[MirrorItem]:
    fields: dict[str, Any] = {
        "sku": text(payload.get("sku")),
        "requires_shipping": bool(payload.get("requires_shipping", True)),
        "cost": money(payload.get("cost")),
        "country_code_of_origin": text(payload.get("country_code_of_origin")),
        "province_code_of_origin": text(payload.get("province_code_of_origin")),
        "harmonized_system_code": text(payload.get("harmonized_system_code")),
        "tracked": bool(payload.get("tracked", True)),
        "country_harmonized_system_codes": json_list(
            payload.get("country_harmonized_system_codes")
        ),
        "shopify_updated_at": parse_datetime(payload.get("updated_at")),
        **identity(payload),
    }
    return [MirrorRow("inventory_item", record_id(payload), fields)]


def inventory_level_items(payload: Payload) -> list[MirrorItem]:
    """inventory_levels/update and /connect: one level, keyed by item and location."""
    fields: dict[str, Any] = {
        "available": integer(payload.get("available")),
        "shopify_updated_at": parse_datetime(payload.get("updated_at")),
    }
    gid = payload.get("admin_graphql_api_id")
    if isinstance(gid, str) and gid.startswith("gid://"):
        fields["admin_graphql_api_id"] = gid
    level_refs = refs(
        inventory_item=reference(payload.get("inventory_item_id")),
        location=reference(payload.get("location_id")),
    )
    return [MirrorRow("inventory_level", None, fields, level_refs)]


# --- products ------------------------------------------------------------------------------------


def _product_images(payload: Payload, updated_at: datetime | None) -> list[MirrorRow]:
    """The product's images: its `media` images (whose ids are GraphQL's MediaImage ids, as the
    sync stores them) when the payload has media, else its `images`."""
    product_id = record_id(payload)
    rows = []
    media = [
        item
        for item in json_list(payload.get("media"))
        if lower(item.get("media_content_type")) in ("image", "")
    ]
    if media:
        for position, item in enumerate(media, start=1):
            preview = json_dict(item.get("preview_image"))
            rows.append(_image_row(item, preview, position, product_id, updated_at))
        return rows
    for position, image in enumerate(json_list(payload.get("images")), start=1):
        rows.append(_image_row(image, image, position, product_id, updated_at))
    return rows


def _image_row(
    item: Payload, picture: Payload, position: int, product_id: int, updated_at: datetime | None
) -> MirrorRow:
    """A product image from a `media` item (its picture is the preview image) or an `images`
    entry (its own picture)."""
    return MirrorRow(
        "product_image",
        record_id(item),
        {
            "position": integer(item.get("position"), position),
            "alt": text(item.get("alt")),
            "width": picture.get("width"),
            "height": picture.get("height"),
            "src": text(picture.get("src")),
            "variant_ids": [int(i) for i in json_list(item.get("variant_ids"))],
            "shopify_updated_at": parse_datetime(item.get("updated_at")) or updated_at,
            **identity(item),
        },
        {"product": product_id},
    )


def _variant_image_ids(payload: Payload, images: list[MirrorRow]) -> dict[int, int]:
    """variant id -> the id of its image row. Image rows are keyed by their MediaImage id (the
    GID's, as GraphQL knows them) while a variant's `image_id` is the REST image id: both the
    images' `variant_ids` and the variants' `image_id` are translated."""
    by_variant: dict[int, int] = {}
    for image in images:
        for variant_id in image.fields["variant_ids"]:
            if image.shopify_id is not None:
                by_variant.setdefault(variant_id, image.shopify_id)
    row_ids = {
        int(image["id"]): record_id(image)
        for image in json_list(payload.get("images"))
        if image.get("id") is not None
    }
    for variant in json_list(payload.get("variants")):
        image_id = reference(variant.get("image_id"))
        if image_id is not None and image_id in row_ids:
            by_variant.setdefault(record_id(variant), row_ids[image_id])
    return by_variant


def _variant_row(variant: Payload, product_id: int, image_ids: dict[int, int] | None) -> MirrorRow:
    """One variant. `image_ids` (variant id -> image id) is None when the payload says nothing
    about images (the variant's image is then left alone)."""
    variant_id = record_id(variant)
    fields: dict[str, Any] = {
        "title": text(variant.get("title")),
        "price": money_or_zero(variant.get("price")),
        "compare_at_price": money(variant.get("compare_at_price")),
        "sku": text(variant.get("sku")),
        "barcode": text(variant.get("barcode")),
        "position": integer(variant.get("position"), 1),
        "option1": text(variant.get("option1")),
        "option2": text(variant.get("option2")),
        "option3": text(variant.get("option3")),
        "taxable": bool(variant.get("taxable", True)),
        "inventory_policy": lower(variant.get("inventory_policy")) or "deny",
        "inventory_quantity": integer(variant.get("inventory_quantity")),
        "old_inventory_quantity": integer(variant.get("old_inventory_quantity")),
        "shopify_updated_at": parse_datetime(variant.get("updated_at")),
        **identity(variant),
    }
    # Older API versions (and the simulator) still send these on the variant.
    if "requires_shipping" in variant:
        fields["requires_shipping"] = bool(variant["requires_shipping"])
    if "grams" in variant:
        fields["grams"] = integer(variant["grams"])
    if variant.get("weight") is not None:
        fields["weight"] = money(variant["weight"])
    if variant.get("weight_unit"):
        fields["weight_unit"] = lower(variant["weight_unit"])
    if "inventory_management" in variant:
        fields["inventory_management"] = text(variant["inventory_management"])
    if variant.get("fulfillment_service"):
        fields["fulfillment_service"] = text(variant["fulfillment_service"])
    variant_refs = refs(
        product=product_id, inventory_item=reference(variant.get("inventory_item_id"))
    )
    if image_ids is not None:
        _set_or_clear(fields, variant_refs, "image", image_ids.get(variant_id))
    return MirrorRow("product_variant", variant_id, fields, variant_refs)


def _variant_inventory_item(variant: Payload) -> MirrorRow | None:
    """The inventory item a variant points at, known only by id and SKU here: inserted when the
    mirror lacks it, never overwriting one it holds."""
    item_id = reference(variant.get("inventory_item_id"))
    if item_id is None:
        return None
    fields: dict[str, Any] = {
        "sku": text(variant.get("sku")),
        "shopify_updated_at": UNKNOWN_UPDATED_AT,
    }
    if "requires_shipping" in variant:
        fields["requires_shipping"] = bool(variant["requires_shipping"])
    return MirrorRow("inventory_item", item_id, fields)


def product_items(payload: Payload) -> list[MirrorItem]:
    """products/create and products/update."""
    product_id = record_id(payload)
    updated_at = parse_datetime(payload.get("updated_at"))
    fields: dict[str, Any] = {
        "title": text(payload.get("title")),
        "body_html": text(payload.get("body_html")),
        "vendor": text(payload.get("vendor")),
        "product_type": text(payload.get("product_type")),
        "handle": text(payload.get("handle")),
        "status": lower(payload.get("status")) or "active",
        "published_at": parse_datetime(payload.get("published_at")),
        "published_scope": lower(payload.get("published_scope")) or "web",
        "template_suffix": text(payload.get("template_suffix")),
        "tags": tags(payload.get("tags")),
        "shopify_updated_at": updated_at,
        **identity(payload),
    }
    items: list[MirrorItem] = [MirrorRow("product", product_id, fields)]

    options = json_list(payload.get("options"))
    for position, option in enumerate(options, start=1):
        items.append(
            MirrorRow(
                "product_option",
                record_id(option),
                {
                    "name": text(option.get("name")),
                    "position": integer(option.get("position"), position),
                    "values": [text(value) for value in json_list(option.get("values"))],
                    "shopify_updated_at": updated_at,
                    "admin_graphql_api_id": f"gid://shopify/ProductOption/{record_id(option)}",
                },
                {"product": product_id},
            )
        )

    images = _product_images(payload, updated_at)
    items.extend(images)
    images_known = "images" in payload or "media" in payload
    image_ids = _variant_image_ids(payload, images) if images_known else None

    variants = json_list(payload.get("variants"))
    seen_items: set[int] = set()
    for variant in variants:
        inventory_item = _variant_inventory_item(variant)
        if inventory_item is not None and inventory_item.shopify_id not in seen_items:
            seen_items.add(inventory_item.shopify_id or 0)
            items.append(inventory_item)
    items.extend(_variant_row(variant, product_id, image_ids) for variant in variants)

    # Complete child sets: every variant is listed in `variant_gids` (even past the first 100
    # that `variants` carries); options and images are always complete.
    variant_ids = all_variant_ids(payload)
    if variant_ids is not None:
        items.append(MirrorChildren("product", product_id, "product_variant", variant_ids))
    if "options" in payload:
        items.append(
            MirrorChildren(
                "product", product_id, "product_option", frozenset(record_id(o) for o in options)
            )
        )
    if "images" in payload or "media" in payload:
        items.append(
            MirrorChildren(
                "product",
                product_id,
                "product_image",
                frozenset(image.shopify_id for image in images if image.shopify_id is not None),
            )
        )
    return items


def all_variant_ids(payload: Payload) -> frozenset[int] | None:
    """Every variant id of the product, or None when the payload does not list them all."""
    gids = payload.get("variant_gids")
    if isinstance(gids, list):
        return frozenset(legacy_id(entry["admin_graphql_api_id"]) for entry in gids)
    variants = json_list(payload.get("variants"))
    if "variants" in payload and len(variants) < WEBHOOK_VARIANT_LIMIT:
        return frozenset(record_id(variant) for variant in variants)
    return None


def product_variant_count(payload: Payload) -> int:
    """How many variants the product has in the store, as far as the payload tells."""
    gids = payload.get("variant_gids")
    if isinstance(gids, list):
        return len(gids)
    return len(json_list(payload.get("variants")))


def product_incomplete(payload: Payload) -> bool:
    """True when the product has more variants than the webhook carries (Shopify sends 100)."""
    variants = len(json_list(payload.get("variants")))
    total = product_variant_count(payload)
    return total > variants or (total >= WEBHOOK_VARIANT_LIMIT and "variant_gids" not in payload)


# --- collections ---------------------------------------------------------------------------------


def collection_items(payload: Payload) -> list[MirrorItem]:
    """collections/create and /update."""
    image = json_dict(payload.get("image"))
    fields: dict[str, Any] = {
        "title": text(payload.get("title")),
        "handle": text(payload.get("handle")),
        "body_html": text(payload.get("body_html")),
        "sort_order": lower(payload.get("sort_order")) or "best-selling",
        "template_suffix": text(payload.get("template_suffix")),
        "published_at": parse_datetime(payload.get("published_at")),
        "published_scope": lower(payload.get("published_scope")) or "web",
        "image": (
            {
                "src": image.get("src"),
                "alt": image.get("alt"),
                "width": image.get("width"),
                "height": image.get("height"),
            }
            if image
            else {}
        ),
        "shopify_updated_at": parse_datetime(payload.get("updated_at")),
        **identity(payload),
    }
    # The collections/* webhooks of current API versions carry no rules: a collection's kind is
    # known (and changed) only when the payload has them (smart collections' REST shape).
    if isinstance(payload.get("rules"), list):
        fields["collection_type"] = "smart"
        fields["disjunctive"] = bool(payload.get("disjunctive", False))
        fields["rules"] = [
            {
                "column": lower(rule.get("column")),
                "relation": lower(rule.get("relation")),
                "condition": rule.get("condition"),
            }
            for rule in json_list(payload["rules"])
        ]
    return [MirrorRow("collection", record_id(payload), fields)]


# --- customers -----------------------------------------------------------------------------------


def _address_row(address: Payload, customer_id: int, updated_at: datetime | None) -> MirrorRow:
    fields: dict[str, Any] = {name: text(address.get(name)) for name in ADDRESS_FIELDS}
    fields["country_code"] = fields["country_code"].upper()
    fields["shopify_updated_at"] = updated_at
    address_id = record_id(address)
    # REST addresses carry no GID; GraphQL's MailingAddress id is this one.
    fields["admin_graphql_api_id"] = (
        f"gid://shopify/MailingAddress/{address_id}?model_name=CustomerAddress"
    )
    return MirrorRow("customer_address", address_id, fields, {"customer": customer_id})


def _consent(value: Any) -> dict[str, Any]:
    consent = json_dict(value)
    if not consent:
        return {}
    return {
        "state": optional_lower(consent.get("state")),
        "opt_in_level": optional_lower(consent.get("opt_in_level")),
        "consent_updated_at": _iso(consent.get("consent_updated_at")),
    }


def customer_items(payload: Payload) -> list[MirrorItem]:
    """customers/create and /update (and the customer embedded in an order)."""
    customer_id = record_id(payload)
    updated_at = parse_datetime(payload.get("updated_at")) or UNKNOWN_UPDATED_AT
    fields: dict[str, Any] = {
        "email": text(payload.get("email")),
        "phone": text(payload.get("phone")),
        "first_name": text(payload.get("first_name")),
        "last_name": text(payload.get("last_name")),
        "state": lower(payload.get("state")) or "disabled",
        "verified_email": bool(payload.get("verified_email", False)),
        "multipass_identifier": text(payload.get("multipass_identifier")),
        "note": text(payload.get("note")),
        "tax_exempt": bool(payload.get("tax_exempt", False)),
        "tax_exemptions": json_list(payload.get("tax_exemptions")),
        "shopify_updated_at": updated_at,
        **identity(payload),
    }
    if "tags" in payload:
        fields["tags"] = tags(payload["tags"])
    if payload.get("currency"):
        fields["currency"] = text(payload["currency"])
    if "orders_count" in payload:
        fields["orders_count"] = integer(payload["orders_count"])
    if "total_spent" in payload:
        fields["total_spent"] = money_or_zero(payload["total_spent"])
    if "last_order_name" in payload:
        fields["last_order_name"] = text(payload["last_order_name"])
    if "email_marketing_consent" in payload:
        email_consent = _consent(payload["email_marketing_consent"])
        fields["email_marketing_consent"] = email_consent
        fields["accepts_marketing"] = email_consent.get("state") == "subscribed"
        fields["accepts_marketing_updated_at"] = parse_datetime(
            email_consent.get("consent_updated_at")
        )
        fields["marketing_opt_in_level"] = email_consent.get("opt_in_level")
    if "sms_marketing_consent" in payload:
        fields["sms_marketing_consent"] = _consent(payload["sms_marketing_consent"])

    # References the payload names as absent are cleared; `is_default` of the addresses follows
    # `default_address` (the mirror keeps them in step).
    default = json_dict(payload.get("default_address"))
    customer_refs = refs(
        default_address=record_id(default) if default.get("id") else None,
        last_order=reference(payload.get("last_order_id")),
    )
    if "default_address" in payload and "default_address" not in customer_refs:
        fields["default_address"] = None
    if "last_order_id" in payload and "last_order" not in customer_refs:
        fields["last_order"] = None
    items: list[MirrorItem] = [MirrorRow("customer", customer_id, fields, customer_refs)]

    addresses = [json_dict(address) for address in json_list(payload.get("addresses"))]
    if default.get("id") and all(record_id(a) != record_id(default) for a in addresses):
        addresses.append(default)
    items.extend(_address_row(address, customer_id, updated_at) for address in addresses)
    if "addresses" in payload:
        items.append(
            MirrorChildren(
                "customer",
                customer_id,
                "customer_address",
                frozenset(record_id(address) for address in addresses),
            )
        )
    return items


# --- orders --------------------------------------------------------------------------------------


# The keys of an address inside an order's JSON (those GraphQL's MailingAddress also gives).
ORDER_ADDRESS_KEYS = (
    "first_name",
    "last_name",
    "name",
    "company",
    "address1",
    "address2",
    "city",
    "province",
    "province_code",
    "country",
    "country_code",
    "zip",
    "phone",
)


def _address_json(value: Any) -> dict[str, Any]:
    address = json_dict(value)
    return {key: address.get(key) for key in ORDER_ADDRESS_KEYS} if address else {}


def _money_set(value: Any) -> dict[str, Any]:
    """A REST money bag, keeping only its shop and presentment amounts."""
    bag = json_dict(value)
    return {
        key: {
            "amount": json_dict(bag[key]).get("amount"),
            "currency_code": json_dict(bag[key]).get("currency_code"),
        }
        for key in ("shop_money", "presentment_money")
        if isinstance(bag.get(key), Mapping)
    }


def _tax_lines(value: Any) -> list[dict[str, Any]]:
    return [
        {
            "title": line.get("title"),
            "rate": line.get("rate"),
            "price": None if line.get("price") is None else str(line["price"]),
            "price_set": _money_set(line.get("price_set")),
        }
        for line in json_list(value)
    ]


def _shipping_lines(value: Any) -> list[dict[str, Any]]:
    return [
        {
            "title": line.get("title"),
            "code": line.get("code"),
            "source": line.get("source"),
            "price": None if line.get("price") is None else str(line["price"]),
            "price_set": _money_set(line.get("price_set")),
        }
        for line in json_list(value)
    ]


def _payment_details(value: Any) -> dict[str, Any]:
    """The card facts both transports give (company, masked number, BIN, holder name)."""
    details = json_dict(value)
    return {
        key: details[key]
        for key in (
            "credit_card_company",
            "credit_card_number",
            "credit_card_bin",
            "credit_card_name",
        )
        if details.get(key) is not None
    }


def _set_or_clear(fields: dict[str, Any], row_refs: dict[str, int], name: str, value: Any) -> None:
    """A nullable reference: a ref when the payload names a record, cleared when it says none."""
    target = reference(value)
    if target is not None:
        row_refs[name] = target
    else:
        fields[name] = None


def _line_item_row(line: Payload, order_id: int, updated_at: datetime | None) -> MirrorRow:
    fields: dict[str, Any] = {
        "title": text(line.get("title")),
        "variant_title": text(line.get("variant_title")),
        "name": text(line.get("name")),
        "sku": text(line.get("sku")),
        "vendor": text(line.get("vendor")),
        "quantity": integer(line.get("quantity")),
        "current_quantity": line.get("current_quantity"),
        "fulfillable_quantity": integer(line.get("fulfillable_quantity")),
        "price": money_or_zero(line.get("price")),
        "total_discount": money_or_zero(line.get("total_discount")),
        "price_set": _money_set(line.get("price_set")),
        "total_discount_set": _money_set(line.get("total_discount_set")),
        "grams": integer(line.get("grams")),
        "fulfillment_service": text(line.get("fulfillment_service")) or "manual",
        "fulfillment_status": optional_lower(line.get("fulfillment_status")),
        "variant_inventory_management": text(line.get("variant_inventory_management")),
        "requires_shipping": bool(line.get("requires_shipping", True)),
        "taxable": bool(line.get("taxable", True)),
        "gift_card": bool(line.get("gift_card", False)),
        "product_exists": bool(line.get("product_exists", True)),
        "properties": [
            {"name": item.get("name"), "value": item.get("value")}
            for item in json_list(line.get("properties"))
        ],
        "tax_lines": _tax_lines(line.get("tax_lines")),
        "discount_allocations": json_list(line.get("discount_allocations")),
        "origin_location": json_dict(line.get("origin_location")),
        "destination_location": json_dict(line.get("destination_location")),
        "shopify_updated_at": updated_at,
        **identity(line),
    }
    line_refs = {"order": order_id}
    _set_or_clear(fields, line_refs, "product", line.get("product_id"))
    _set_or_clear(fields, line_refs, "variant", line.get("variant_id"))
    return MirrorRow("order_line_item", record_id(line), fields, line_refs)


def _fulfillment_row(fulfillment: Payload, order_id: int) -> MirrorRow:
    fields: dict[str, Any] = {
        "name": text(fulfillment.get("name")),
        "status": lower(fulfillment.get("status")) or "pending",
        "shipment_status": optional_lower(fulfillment.get("shipment_status")),
        "service": text(fulfillment.get("service")),
        "tracking_company": text(fulfillment.get("tracking_company")),
        "tracking_number": text(fulfillment.get("tracking_number")),
        "tracking_url": text(fulfillment.get("tracking_url")),
        "tracking_numbers": json_list(fulfillment.get("tracking_numbers")),
        "tracking_urls": json_list(fulfillment.get("tracking_urls")),
        "receipt": json_dict(fulfillment.get("receipt")),
        "origin_address": json_dict(fulfillment.get("origin_address")),
        "destination": json_dict(fulfillment.get("destination")),
        "shopify_updated_at": parse_datetime(fulfillment.get("updated_at")),
        **identity(fulfillment),
    }
    if "variant_inventory_management" in fulfillment:
        fields["variant_inventory_management"] = text(fulfillment["variant_inventory_management"])
    return MirrorRow(
        "fulfillment",
        record_id(fulfillment),
        fields,
        refs(order=order_id, location=reference(fulfillment.get("location_id"))),
    )


def _created_time(payload: Payload) -> datetime | None:
    return parse_datetime(payload.get("created_at")) or parse_datetime(payload.get("processed_at"))


def _transaction_row(
    transaction: Payload,
    order_id: int,
    refund_id: int | None = None,
    updated_at: datetime | None = None,
) -> MirrorRow:
    """A transaction. It has no updated_at of its own: like the GraphQL mapper's, it carries its
    order's — from the order payload, else (None) the mirror takes the stored order's."""
    fields: dict[str, Any] = {
        "kind": lower(transaction.get("kind")),
        "status": lower(transaction.get("status")) or "pending",
        "amount": money_or_zero(transaction.get("amount")),
        "gateway": text(transaction.get("gateway")),
        "message": text(transaction.get("message")),
        "test": bool(transaction.get("test", False)),
        "authorization": text(transaction.get("authorization")),
        "processed_at": parse_datetime(transaction.get("processed_at")),
        "device_id": transaction.get("device_id"),
        "error_code": lower(transaction.get("error_code")),
        "source_name": text(transaction.get("source_name")),
        "payment_details": _payment_details(transaction.get("payment_details")),
        "currency_exchange_adjustment": json_dict(transaction.get("currency_exchange_adjustment")),
        **identity(transaction),
        "shopify_updated_at": updated_at,
    }
    if transaction.get("currency"):
        fields["currency"] = text(transaction["currency"])
    # Payloads often carry an empty receipt where GraphQL's receiptJson has the gateway's: an
    # empty one leaves the stored receipt alone.
    if receipt := json_dict(transaction.get("receipt")):
        fields["receipt"] = receipt
    transaction_refs = refs(order=reference(transaction.get("order_id")) or order_id)
    if refund_id is not None:
        transaction_refs["refund"] = refund_id
    _set_or_clear(fields, transaction_refs, "parent", transaction.get("parent_id"))
    _set_or_clear(fields, transaction_refs, "location", transaction.get("location_id"))
    return MirrorRow("transaction", record_id(transaction), fields, transaction_refs)


def refund_items(
    payload: Payload, order_id: int | None = None, order_updated_at: datetime | None = None
) -> list[MirrorItem]:
    """refunds/create, or one refund of an order payload: the refund, its line items and its
    transactions. Inside an order payload the line items and transactions carry the order's
    updated_at, as the GraphQL rows do; on their own, the refund's time."""
    refund_id = record_id(payload)
    order = reference(payload.get("order_id")) or order_id
    if order is None:
        raise KeyError("order_id")
    created = _created_time(payload)
    fields: dict[str, Any] = {
        "note": text(payload.get("note")),
        "processed_at": parse_datetime(payload.get("processed_at")),
        "restock": bool(payload.get("restock", False)),
        "duties": json_list(payload.get("duties")),
        "total_duties_set": _money_set(payload.get("total_duties_set")),
        "additional_fees": json_list(payload.get("additional_fees")),
        "total_additional_fees_set": _money_set(payload.get("total_additional_fees_set")),
        "order_adjustments": json_list(payload.get("order_adjustments")),
        "refund_shipping_lines": json_list(payload.get("refund_shipping_lines")),
        "shopify_updated_at": parse_datetime(payload.get("updated_at")) or created,
        **identity(payload),
    }
    items: list[MirrorItem] = [MirrorRow("refund", refund_id, fields, {"order": order})]
    for line in json_list(payload.get("refund_line_items")):
        subtotal_set = _money_set(line.get("subtotal_set"))
        total_tax_set = _money_set(line.get("total_tax_set"))
        line_fields: dict[str, Any] = {
            "quantity": integer(line.get("quantity")),
            "restock_type": lower(line.get("restock_type")) or "no_restock",
            "subtotal": _shop_amount(subtotal_set, line.get("subtotal")),
            "total_tax": _shop_amount(total_tax_set, line.get("total_tax")),
            "subtotal_set": subtotal_set,
            "total_tax_set": total_tax_set,
            **identity(line),
            "shopify_updated_at": order_updated_at or fields["shopify_updated_at"],
        }
        line_refs = refs(refund=refund_id, line_item=reference(line.get("line_item_id")))
        _set_or_clear(line_fields, line_refs, "location", line.get("location_id"))
        items.append(MirrorRow("refund_line_item", record_id(line), line_fields, line_refs))
    items.extend(
        _transaction_row(transaction, order, refund_id, updated_at=order_updated_at)
        for transaction in json_list(payload.get("transactions"))
    )
    return items


def _shop_amount(money_set: Mapping[str, Any], fallback: Any) -> Decimal:
    shop_money = json_dict(money_set.get("shop_money"))
    if shop_money.get("amount") is not None:
        return money_or_zero(shop_money["amount"])
    return money_or_zero(fallback)


def order_items(payload: Payload) -> list[MirrorItem]:
    """orders/create, /updated, /paid, /cancelled, /fulfilled: the order and every child the
    payload carries (line items, fulfillments, refunds with their lines and transactions,
    transactions), plus the customer it embeds."""
    order_id = record_id(payload)
    updated_at = parse_datetime(payload.get("updated_at"))
    cancelled_at = parse_datetime(payload.get("cancelled_at"))
    closed_at = parse_datetime(payload.get("closed_at"))
    status = "cancelled" if cancelled_at else "closed" if closed_at else "open"
    customer = json_dict(payload.get("customer"))
    fields: dict[str, Any] = {
        "number": integer(payload.get("number")),
        "order_number": integer(payload.get("order_number")),
        "name": text(payload.get("name")),
        "token": text(payload.get("token")),
        "cart_token": text(payload.get("cart_token")),
        "checkout_token": text(payload.get("checkout_token")),
        "checkout_id": payload.get("checkout_id"),
        "reference": text(payload.get("reference")),
        "email": text(payload.get("email")),
        "contact_email": text(payload.get("contact_email")),
        "phone": text(payload.get("phone")),
        "customer_locale": text(payload.get("customer_locale")),
        "buyer_accepts_marketing": bool(payload.get("buyer_accepts_marketing", False)),
        "billing_address": _address_json(payload.get("billing_address")),
        "shipping_address": _address_json(payload.get("shipping_address")),
        "status": status,
        "financial_status": lower(payload.get("financial_status")) or "pending",
        # REST's null is GraphQL's UNFULFILLED.
        "fulfillment_status": lower(payload.get("fulfillment_status")) or "unfulfilled",
        "confirmed": bool(payload.get("confirmed", True)),
        "test": bool(payload.get("test", False)),
        "processed_at": parse_datetime(payload.get("processed_at")),
        "closed_at": closed_at,
        "cancelled_at": cancelled_at,
        "cancel_reason": optional_lower(payload.get("cancel_reason")),
        "payment_gateway_names": json_list(payload.get("payment_gateway_names")),
        "currency": text(payload.get("currency")) or "USD",
        "presentment_currency": text(payload.get("presentment_currency"))
        or text(payload.get("currency"))
        or "USD",
        "taxes_included": bool(payload.get("taxes_included", False)),
        "total_price": money_or_zero(payload.get("total_price")),
        "subtotal_price": money_or_zero(payload.get("subtotal_price")),
        "total_tax": money_or_zero(payload.get("total_tax")),
        "total_discounts": money_or_zero(payload.get("total_discounts")),
        "total_line_items_price": money_or_zero(payload.get("total_line_items_price")),
        "total_weight": integer(payload.get("total_weight")),
        "total_line_items_price_set": _money_set(payload.get("total_line_items_price_set")),
        "total_discounts_set": _money_set(payload.get("total_discounts_set")),
        "total_shipping_price_set": _money_set(payload.get("total_shipping_price_set")),
        "subtotal_price_set": _money_set(payload.get("subtotal_price_set")),
        "total_price_set": _money_set(payload.get("total_price_set")),
        "total_tax_set": _money_set(payload.get("total_tax_set")),
        "tax_lines": _tax_lines(payload.get("tax_lines")),
        "discount_applications": json_list(payload.get("discount_applications")),
        # The codes alone, as GraphQL lists them (REST adds each code's amount and type).
        "discount_codes": [
            {"code": code.get("code")} for code in json_list(payload.get("discount_codes"))
        ],
        "shipping_lines": _shipping_lines(payload.get("shipping_lines")),
        "note": text(payload.get("note")),
        "note_attributes": [
            {"name": item.get("name"), "value": item.get("value")}
            for item in json_list(payload.get("note_attributes"))
        ],
        "tags": tags(payload.get("tags")),
        "source_name": text(payload.get("source_name")),
        "source_identifier": text(payload.get("source_identifier")),
        "source_url": text(payload.get("source_url")),
        "referring_site": text(payload.get("referring_site")),
        "landing_site": text(payload.get("landing_site")),
        "landing_site_ref": text(payload.get("landing_site_ref")),
        "browser_ip": payload.get("browser_ip") or None,
        "device_id": payload.get("device_id"),
        "app_id": payload.get("app_id"),
        "order_status_url": text(payload.get("order_status_url")),
        "shopify_updated_at": updated_at,
        **identity(payload),
    }
    if payload.get("processing_method"):
        fields["processing_method"] = lower(payload["processing_method"])
    # The deprecated `gateway` is derived as the GraphQL mapper derives it.
    gateways = fields["payment_gateway_names"]
    fields["gateway"] = text(gateways[0]) if gateways else ""
    if payload.get("total_price_usd") is not None:
        fields["total_price_usd"] = money(payload["total_price_usd"])

    items: list[MirrorItem] = []
    if customer.get("id"):
        items.extend(customer_items(customer))
    order_refs = refs(
        customer=record_id(customer) if customer.get("id") else None,
        location=reference(payload.get("location_id")),
    )
    if "customer" in payload and "customer" not in order_refs:
        fields["customer"] = None
    items.append(MirrorRow("order", order_id, fields, order_refs))
    lines = json_list(payload.get("line_items"))
    items.extend(_line_item_row(line, order_id, updated_at) for line in lines)
    for fulfillment in json_list(payload.get("fulfillments")):
        items.append(_fulfillment_row(fulfillment, order_id))
    for refund in json_list(payload.get("refunds")):
        items.extend(refund_items(refund, order_id, order_updated_at=updated_at))
    items.extend(
        _transaction_row(transaction, order_id, updated_at=updated_at)
        for transaction in json_list(payload.get("transactions"))
    )
    if "line_items" in payload:
        items.append(
            MirrorChildren(
                "order", order_id, "order_line_item", frozenset(record_id(line) for line in lines)
            )
        )
    return items


def fulfillment_items(payload: Payload) -> list[MirrorItem]:
    """fulfillments/create and /update."""
    order_id = reference(payload.get("order_id"))
    if order_id is None:
        raise KeyError("order_id")
    return [_fulfillment_row(payload, order_id)]


def transaction_items(payload: Payload) -> list[MirrorItem]:
    """order_transactions/create."""
    order_id = reference(payload.get("order_id"))
    if order_id is None:
        raise KeyError("order_id")
    return [_transaction_row(payload, order_id)]


# --- deletes -------------------------------------------------------------------------------------


def _delete(model: str) -> Callable[[Payload], list[MirrorItem]]:
    def items(payload: Payload) -> list[MirrorItem]:
        return [MirrorDelete(model, record_id(payload))]

    return items


MAPPERS: dict[str, Callable[[Payload], list[MirrorItem]]] = {
    "products/create": product_items,
    "products/update": product_items,
    "products/delete": _delete("product"),
    "collections/create": collection_items,
    "collections/update": collection_items,
    "collections/delete": _delete("collection"),
    "customers/create": customer_items,
    "customers/update": customer_items,
    "customers/delete": _delete("customer"),
    "orders/create": order_items,
    "orders/updated": order_items,
    "orders/paid": order_items,
    "orders/cancelled": order_items,
    "orders/fulfilled": order_items,
    "orders/partially_fulfilled": order_items,
    "orders/delete": _delete("order"),
    "refunds/create": refund_items,
    "fulfillments/create": fulfillment_items,
    "fulfillments/update": fulfillment_items,
    "order_transactions/create": transaction_items,
    "inventory_levels/update": inventory_level_items,
    "inventory_levels/connect": inventory_level_items,
    "inventory_items/create": inventory_item_items,
    "inventory_items/update": inventory_item_items,
    "inventory_items/delete": _delete("inventory_item"),
    "locations/create": location_items,
    "locations/update": location_items,
    "locations/activate": location_items,
    "locations/deactivate": location_items,
    "locations/delete": _delete("location"),
}

MAPPED_TOPICS: frozenset[str] = frozenset(MAPPERS)


def items_for_webhook(topic: str, payload: Payload) -> list[MirrorItem]:
    """The mirror items of one webhook payload; [] for a topic that carries no mirrored data."""
    mapper = MAPPERS.get(topic)
    return mapper(payload) if mapper is not None else []
