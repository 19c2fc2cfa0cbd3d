"""Builders for the store's records: dicts shaped like Shopify's Admin GraphQL output.

The generator, the REST fixtures loader and the simulator's merchant edits all build records
here, so every record of a kind has the same keys. Inventory quantities live in `_quantities`
(name -> int) and are served by computed fields (`InventoryLevel.quantities`,
`ProductVariant.inventoryQuantity`).
"""

from __future__ import annotations

from typing import Any

from shopify.simulator.values import Record, gid, money, money_bag

QUANTITY_NAMES = ("available", "on_hand", "committed", "incoming", "reserved")


def location_record(
    *,
    legacy_id: int,
    name: str,
    address: dict[str, Any],
    is_active: bool,
    created_at: str,
    updated_at: str,
) -> Record:
    return {
        "__typename": "Location",
        "_id": legacy_id,
        "id": gid("Location", legacy_id),
        "legacyResourceId": str(legacy_id),
        "name": name,
        "isActive": is_active,
        "activatable": True,
        "deactivatable": True,
        "deletable": False,
        "fulfillsOnlineOrders": True,
        "hasActiveInventory": True,
        "shipsInventory": True,
        "isFulfillmentService": False,
        "createdAt": created_at,
        "updatedAt": updated_at,
        "address": {
            "address1": address.get("address1"),
            "address2": address.get("address2"),
            "city": address.get("city"),
            "province": address.get("province"),
            "provinceCode": address.get("provinceCode"),
            "country": address.get("country"),
            "countryCode": address.get("countryCode"),
            "zip": address.get("zip"),
            "phone": address.get("phone"),
            "formatted": [part for part in (address.get("address1"), address.get("city")) if part],
        },
    }


def product_record(
    *,
    legacy_id: int,
    title: str,
    handle: str,
    description_html: str,
    vendor: str,
    product_type: str,
    status: str,
    tags: list[str],
    template_suffix: str | None,
    published_at: str | None,
    created_at: str,
    updated_at: str,
) -> Record:
    return {
        "__typename": "Product",
        "_id": legacy_id,
        "id": gid("Product", legacy_id),
        "legacyResourceId": str(legacy_id),
        "title": title,
        "handle": handle,
        "descriptionHtml": description_html,
        "vendor": vendor,
        "productType": product_type,
        "status": status,
        "tags": tags,
        "templateSuffix": template_suffix,
        "publishedAt": published_at,
        "createdAt": created_at,
        "updatedAt": updated_at,
        "seo": {"title": None, "description": None},
        "options": [],
        "variants": [],
        "media": [],
        "metafields": [],
        "hasOnlyDefaultVariant": False,
        "isGiftCard": False,
        "onlineStoreUrl": None,
    }


def option_record(
    *, legacy_id: int, name: str, position: int, values: list[tuple[int, str]]
) -> Record:
    return {
        "__typename": "ProductOption",
        "_id": legacy_id,
        "id": gid("ProductOption", legacy_id),
        "name": name,
        "position": position,
        "values": [value for _, value in values],
        "optionValues": [
            {
                "__typename": "ProductOptionValue",
                "_id": value_id,
                "id": gid("ProductOptionValue", value_id),
                "name": value,
                "hasVariants": True,
            }
            for value_id, value in values
        ],
    }


def inventory_item_record(
    *,
    legacy_id: int,
    sku: str | None,
    requires_shipping: bool,
    tracked: bool,
    unit_cost: str | None,
    weight_grams: int,
    harmonized_system_code: str | None,
    country_code_of_origin: str | None,
    created_at: str,
    updated_at: str,
) -> Record:
    return {
        "__typename": "InventoryItem",
        "_id": legacy_id,
        "id": gid("InventoryItem", legacy_id),
        "legacyResourceId": str(legacy_id),
        "sku": sku,
        "requiresShipping": requires_shipping,
        "tracked": tracked,
        "harmonizedSystemCode": harmonized_system_code,
        "countryCodeOfOrigin": country_code_of_origin,
        "provinceCodeOfOrigin": None,
        "createdAt": created_at,
        "updatedAt": updated_at,
        "unitCost": None if unit_cost is None else money(unit_cost),
        "measurement": {
            "id": gid("InventoryItemMeasurement", legacy_id),
            "weight": {"unit": "GRAMS", "value": float(weight_grams)},
        },
        "inventoryLevels": [],
        "variant": None,
    }


def variant_record(
    *,
    product: Record,
    legacy_id: int,
    title: str,
    sku: str | None,
    barcode: str | None,
    position: int,
    price: str,
    compare_at_price: str | None,
    taxable: bool,
    inventory_policy: str,
    created_at: str,
    updated_at: str,
    selected_options: list[tuple[str, str]],
    inventory_item: Record,
) -> Record:
    variant = {
        "__typename": "ProductVariant",
        "_id": legacy_id,
        "id": gid("ProductVariant", legacy_id),
        "legacyResourceId": str(legacy_id),
        "title": title,
        "displayName": f"{product['title']} - {title}",
        "sku": sku,
        "barcode": barcode,
        "position": position,
        "price": price,
        "compareAtPrice": compare_at_price,
        "taxable": taxable,
        "inventoryPolicy": inventory_policy,
        "availableForSale": True,
        "createdAt": created_at,
        "updatedAt": updated_at,
        "selectedOptions": [{"name": name, "value": value} for name, value in selected_options],
        "media": [],
        "inventoryItem": inventory_item,
        "product": product,
    }
    inventory_item["variant"] = variant
    return variant


def inventory_level_record(
    *, item: Record, location: Record, quantities: dict[str, int], updated_at: str
) -> Record:
    return {
        "__typename": "InventoryLevel",
        "id": f"gid://shopify/InventoryLevel/{location['_id']}?inventory_item_id={item['_id']}",
        "canDeactivate": True,
        "createdAt": item["createdAt"],
        "updatedAt": updated_at,
        "item": item,
        "location": location,
        "_quantities": quantities,
    }


def media_record(
    *, legacy_id: int, alt: str, url: str, width: int, height: int, created_at: str
) -> Record:
    return {
        "__typename": "MediaImage",
        "_id": legacy_id,
        "id": gid("MediaImage", legacy_id),
        "alt": alt,
        "mediaContentType": "IMAGE",
        "status": "READY",
        "createdAt": created_at,
        "updatedAt": created_at,
        "image": {
            "id": gid("ImageSource", legacy_id),
            "url": url,
            "altText": alt,
            "width": width,
            "height": height,
        },
    }


def metafield_record(
    *,
    legacy_id: int,
    owner: Record,
    namespace: str,
    key: str,
    value: str,
    type_name: str,
    created_at: str,
) -> Record:
    return {
        "__typename": "Metafield",
        "_id": legacy_id,
        "id": gid("Metafield", legacy_id),
        "legacyResourceId": str(legacy_id),
        "namespace": namespace,
        "key": key,
        "value": value,
        "type": type_name,
        "ownerType": owner["__typename"].upper(),
        "createdAt": created_at,
        "updatedAt": created_at,
        "_owner": owner,
    }


def address_record(*, legacy_id: int, model: str, fields: dict[str, Any]) -> Record:
    first, last = fields.get("firstName"), fields.get("lastName")
    return {
        "__typename": "MailingAddress",
        "_id": legacy_id,
        "id": f"gid://shopify/MailingAddress/{legacy_id}?model_name={model}",
        "firstName": first,
        "lastName": last,
        "name": " ".join(part for part in (first, last) if part),
        "company": fields.get("company"),
        "address1": fields.get("address1"),
        "address2": fields.get("address2"),
        "city": fields.get("city"),
        "province": fields.get("province"),
        "provinceCode": fields.get("provinceCode"),
        "country": fields.get("country"),
        "countryCodeV2": fields.get("countryCodeV2"),
        "zip": fields.get("zip"),
        "phone": fields.get("phone"),
        "latitude": None,
        "longitude": None,
    }


def customer_record(
    *,
    legacy_id: int,
    first_name: str | None,
    last_name: str | None,
    email: str | None,
    phone: str | None,
    state: str,
    note: str | None,
    tags: list[str],
    verified_email: bool,
    tax_exempt: bool,
    email_marketing: tuple[str, str | None, str | None],
    sms_marketing: tuple[str, str | None, str | None],
    created_at: str,
    updated_at: str,
    addresses: list[Record],
) -> Record:
    return {
        "__typename": "Customer",
        "_id": legacy_id,
        "id": gid("Customer", legacy_id),
        "legacyResourceId": str(legacy_id),
        "firstName": first_name,
        "lastName": last_name,
        "displayName": " ".join(part for part in (first_name, last_name) if part) or email or "",
        "state": state,
        "note": note,
        "tags": tags,
        "verifiedEmail": verified_email,
        "taxExempt": tax_exempt,
        "taxExemptions": [],
        "multipassIdentifier": None,
        "numberOfOrders": "0",
        "amountSpent": money("0.00"),
        "createdAt": created_at,
        "updatedAt": updated_at,
        "defaultEmailAddress": None
        if email is None
        else {
            "emailAddress": email,
            "marketingState": email_marketing[0],
            "marketingOptInLevel": email_marketing[1],
            "marketingUpdatedAt": email_marketing[2],
        },
        "defaultPhoneNumber": None
        if phone is None
        else {
            "phoneNumber": phone,
            "marketingState": sms_marketing[0],
            "marketingOptInLevel": sms_marketing[1],
            "marketingUpdatedAt": sms_marketing[2],
            "marketingCollectedFrom": "OTHER",
        },
        "defaultAddress": addresses[0] if addresses else None,
        "addressesV2": addresses,
        "lastOrder": None,
        "_email": email,
        "_phone": phone,
    }


def collection_record(
    *,
    legacy_id: int,
    title: str,
    handle: str,
    description_html: str,
    sort_order: str,
    updated_at: str,
    image: Record | None,
    rule_set: Record | None,
    products: list[Record],
) -> Record:
    return {
        "__typename": "Collection",
        "_id": legacy_id,
        "id": gid("Collection", legacy_id),
        "legacyResourceId": str(legacy_id),
        "title": title,
        "handle": handle,
        "descriptionHtml": description_html,
        "sortOrder": sort_order,
        "templateSuffix": None,
        "updatedAt": updated_at,
        "seo": {"title": None, "description": None},
        "image": image,
        "ruleSet": rule_set,
        "products": products,
    }


def tax_line(title: str, rate: float, value: str) -> Record:
    return {
        "title": title,
        "rate": rate,
        "ratePercentage": rate * 100,
        "priceSet": money_bag(value),
    }
