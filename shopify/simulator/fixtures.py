"""Seeding from Shopify's own REST example payloads (vendored in `fixtures/`, see NOTICE.md)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from shopify.simulator import records as build
from shopify.simulator.generator import Ids
from shopify.simulator.store import Store
from shopify.simulator.values import Record, amount, money, stamp

FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"


def _load(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES_DIR / name).read_text())
    return loaded


def _stamp(text: str | None) -> str | None:
    return None if text is None else stamp(datetime.fromisoformat(text).astimezone(UTC))


def _tags(text: str | None) -> list[str]:
    return [tag.strip() for tag in (text or "").split(",") if tag.strip()]


def _location(data: dict[str, Any]) -> Record:
    return build.location_record(
        legacy_id=int(data["id"]),
        name=data["name"],
        address={
            "address1": data.get("address1"),
            "address2": data.get("address2"),
            "city": data.get("city"),
            "province": data.get("province"),
            "provinceCode": data.get("province_code"),
            "country": data.get("country_name"),
            "countryCode": data.get("country_code"),
            "zip": data.get("zip"),
            "phone": data.get("phone"),
        },
        is_active=bool(data.get("active", True)),
        created_at=_stamp(data["created_at"]) or "",
        updated_at=_stamp(data["updated_at"]) or "",
    )


def _product(data: dict[str, Any], ids: Ids, locations: list[Record]) -> Record:
    created_at = _stamp(data["created_at"]) or ""
    updated_at = _stamp(data["updated_at"]) or ""
    product = build.product_record(
        legacy_id=int(data["id"]),
        title=data["title"],
        handle=data["handle"],
        description_html=data.get("body_html") or "",
        vendor=data.get("vendor") or "",
        product_type=data.get("product_type") or "",
        status=str(data.get("status") or "active").upper(),
        tags=_tags(data.get("tags")),
        template_suffix=data.get("template_suffix"),
        published_at=_stamp(data.get("published_at")),
        created_at=created_at,
        updated_at=updated_at,
    )
    variants = data.get("variants") or []
    options = sorted(data.get("options") or [], key=lambda option: option["position"])
    for option in options:
        values = list(option["values"])
        for variant in variants:
            value = variant.get(f"option{option['position']}")
            if value is not None and value not in values:
                values.append(value)
        product["options"].append(
            build.option_record(
                legacy_id=int(option["id"]),
                name=option["name"],
                position=int(option["position"]),
                values=[(ids("ProductOptionValue"), value) for value in values],
            )
        )
    media_by_image: dict[int, Record] = {}
    for image in data.get("images") or []:
        media = build.media_record(
            legacy_id=int(image["id"]),
            alt=image.get("alt") or "",
            url=image["src"],
            width=int(image.get("width") or 0),
            height=int(image.get("height") or 0),
            created_at=_stamp(image.get("created_at")) or created_at,
        )
        media_by_image[int(image["id"])] = media
        product["media"].append(media)
    for variant_data in variants:
        item = build.inventory_item_record(
            legacy_id=int(variant_data["inventory_item_id"]),
            sku=variant_data.get("sku"),
            requires_shipping=bool(variant_data.get("requires_shipping", True)),
            tracked=variant_data.get("inventory_management") == "shopify",
            unit_cost=None,
            weight_grams=int(variant_data.get("grams") or 0),
            harmonized_system_code=None,
            country_code_of_origin=None,
            created_at=_stamp(variant_data["created_at"]) or created_at,
            updated_at=_stamp(variant_data["updated_at"]) or updated_at,
        )
        compare_at = variant_data.get("compare_at_price")
        variant = build.variant_record(
            product=product,
            legacy_id=int(variant_data["id"]),
            title=variant_data["title"],
            sku=variant_data.get("sku"),
            barcode=variant_data.get("barcode"),
            position=int(variant_data["position"]),
            price=amount(variant_data["price"]),
            compare_at_price=None if compare_at is None else amount(compare_at),
            taxable=bool(variant_data.get("taxable", True)),
            inventory_policy=str(variant_data.get("inventory_policy") or "deny").upper(),
            created_at=item["createdAt"],
            updated_at=item["updatedAt"],
            selected_options=[
                (option["name"], variant_data[f"option{option['position']}"])
                for option in options
                if variant_data.get(f"option{option['position']}") is not None
            ],
            inventory_item=item,
        )
        image_id = variant_data.get("image_id")
        if image_id in media_by_image:
            variant["media"] = [media_by_image[image_id]]
        quantity = int(variant_data.get("inventory_quantity") or 0)
        for position, location in enumerate(locations):
            available = quantity if position == 0 else 0
            item["inventoryLevels"].append(
                build.inventory_level_record(
                    item=item,
                    location=location,
                    quantities={
                        "available": available,
                        "on_hand": available,
                        "committed": 0,
                        "incoming": 0,
                        "reserved": 0,
                    },
                    updated_at=item["updatedAt"],
                )
            )
        product["variants"].append(variant)
    return product


def _customer(data: dict[str, Any]) -> Record:
    default_id = (data.get("default_address") or {}).get("id")
    addresses = [
        build.address_record(
            legacy_id=int(address["id"]),
            model="CustomerAddress",
            fields={
                "firstName": address.get("first_name"),
                "lastName": address.get("last_name"),
                "company": address.get("company"),
                "address1": address.get("address1"),
                "address2": address.get("address2"),
                "city": address.get("city"),
                "province": address.get("province"),
                "provinceCode": address.get("province_code"),
                "country": address.get("country_name") or address.get("country"),
                "countryCodeV2": address.get("country_code"),
                "zip": address.get("zip"),
                "phone": address.get("phone"),
            },
        )
        for address in sorted(data.get("addresses") or [], key=lambda a: a["id"] != default_id)
    ]
    email_consent = data.get("email_marketing_consent") or {}
    sms_consent = data.get("sms_marketing_consent") or {}
    customer = build.customer_record(
        legacy_id=int(data["id"]),
        first_name=data.get("first_name"),
        last_name=data.get("last_name"),
        email=data.get("email"),
        phone=data.get("phone"),
        state=str(data.get("state") or "disabled").upper(),
        note=data.get("note"),
        tags=_tags(data.get("tags")),
        verified_email=bool(data.get("verified_email")),
        tax_exempt=bool(data.get("tax_exempt")),
        email_marketing=(
            str(email_consent.get("state") or "not_subscribed").upper(),
            None
            if not email_consent.get("opt_in_level")
            else email_consent["opt_in_level"].upper(),
            _stamp(email_consent.get("consent_updated_at")),
        ),
        sms_marketing=(
            str(sms_consent.get("state") or "not_subscribed").upper(),
            None if not sms_consent.get("opt_in_level") else sms_consent["opt_in_level"].upper(),
            _stamp(sms_consent.get("consent_updated_at")),
        ),
        created_at=_stamp(data["created_at"]) or "",
        updated_at=_stamp(data["updated_at"]) or "",
        addresses=addresses,
    )
    customer["amountSpent"] = money(amount(data.get("total_spent") or "0"))
    customer["taxExemptions"] = list(data.get("tax_exemptions") or [])
    return customer


def load_fixtures(store: Store, ids: Ids) -> None:
    """Shopify's example locations, products (with variants and images) and customers."""
    locations = [_location(data) for data in _load("rest_2025-07_locations.json")["locations"]]
    for location in locations:
        store.add("locations", location)
    for data in _load("rest_2025-07_products_list.json")["products"]:
        product = _product(data, ids, locations)
        store.add("products", product)
        for variant in product["variants"]:
            store.tables["variants"][variant["_id"]] = variant
            store.tables["inventory_items"][variant["inventoryItem"]["_id"]] = variant[
                "inventoryItem"
            ]
    for data in _load("rest_2025-07_customers_list.json")["customers"]:
        store.add("customers", _customer(data))
