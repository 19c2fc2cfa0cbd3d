"""GraphQL lines of customers and their addresses -> mirror rows."""

from __future__ import annotations

from typing import Any

from shopify.mapping import values as v
from shopify.mapping.values import JSON
from shopify.rows import MirrorItem, MirrorRow, legacy_id


def _consent(value: Any) -> JSON:
    if not isinstance(value, dict):
        return {}
    return {
        "state": v.optional_lower(value.get("marketingState")),
        "opt_in_level": v.optional_lower(value.get("marketingOptInLevel")),
        "consent_updated_at": v.iso(value.get("marketingUpdatedAt")),
    }


def customer(line: JSON, position: int | None) -> list[MirrorItem]:
    if "state" not in line and "firstName" not in line:
        return []
    customer_id = legacy_id(line["id"])
    email = line.get("defaultEmailAddress")
    phone = line.get("defaultPhoneNumber")
    spent = line.get("amountSpent")
    last_order = line.get("lastOrder")
    fields = v.identity(line)
    fields.update(
        first_name=v.text(line.get("firstName")),
        last_name=v.text(line.get("lastName")),
        state=v.lower(line.get("state")) or "disabled",
        note=v.text(line.get("note")),
        tags=v.tags(line.get("tags")),
        verified_email=bool(line.get("verifiedEmail")),
        tax_exempt=bool(line.get("taxExempt")),
        tax_exemptions=list(line.get("taxExemptions") or ()),
        multipass_identifier=v.text(line.get("multipassIdentifier")),
        orders_count=v.integer(line.get("numberOfOrders")),
        email=v.text(email.get("emailAddress")) if isinstance(email, dict) else "",
        phone=v.text(phone.get("phoneNumber")) if isinstance(phone, dict) else "",
        email_marketing_consent=_consent(email),
        sms_marketing_consent=_consent(phone),
        accepts_marketing=isinstance(email, dict) and email.get("marketingState") == "SUBSCRIBED",
        accepts_marketing_updated_at=(
            v.timestamp(email.get("marketingUpdatedAt")) if isinstance(email, dict) else None
        ),
        marketing_opt_in_level=(
            v.optional_lower(email.get("marketingOptInLevel")) if isinstance(email, dict) else None
        ),
        last_order_name=v.text(last_order.get("name")) if isinstance(last_order, dict) else "",
    )
    if isinstance(spent, dict):
        fields["total_spent"] = v.money(spent.get("amount"))
        if spent.get("currencyCode"):
            fields["currency"] = spent["currencyCode"]
    refs: dict[str, int] = {}
    items: list[MirrorItem] = []
    last_order_id = v.ref_id(last_order)
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


def mailing_address(line: JSON, position: int | None) -> list[MirrorItem]:
    parent = v.parent_of(line)
    if parent is None or parent[0] != "Customer":
        return []
    fields: JSON = {
        "shopify_updated_at": v.updated_at(line),
        "admin_graphql_api_id": line["id"],
        "first_name": v.text(line.get("firstName")),
        "last_name": v.text(line.get("lastName")),
        "name": v.text(line.get("name")),
        "company": v.text(line.get("company")),
        "address1": v.text(line.get("address1")),
        "address2": v.text(line.get("address2")),
        "city": v.text(line.get("city")),
        "province": v.text(line.get("province")),
        "province_code": v.text(line.get("provinceCode")),
        "country": v.text(line.get("country")),
        "country_code": v.text(line.get("countryCodeV2")),
        "country_name": v.text(line.get("country")),
        "zip": v.text(line.get("zip")),
        "phone": v.text(line.get("phone")),
    }
    return [MirrorRow("customer_address", legacy_id(line["id"]), fields, {"customer": parent[1]})]
