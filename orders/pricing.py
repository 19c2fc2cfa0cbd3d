"""Order pricing: lines priced from their variants, one discount code, tax lines and the
shipping rate, in Decimal with two places and ROUND_HALF_EVEN, rounded per line (the rules are
listed in orders.services). Reads what it needs in one query each; never writes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from catalog.choices import ProductStatus
from catalog.models import ProductVariant
from core.errors import ServiceError
from core.models import ZERO
from finance import selectors as finance_selectors
from finance import services as finance_services
from finance.choices import DiscountCodeStatus, DiscountType
from finance.models import DiscountCode
from inventory import selectors as inventory_selectors
from inventory.models import Location
from shipping.models import ShippingRate

from .models import OrderDiscountApplication

CENT = Decimal("0.01")
HUNDRED = Decimal("100")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_EVEN)


def money_set(amount: Decimal, currency: str) -> dict[str, Any]:
    value = {"amount": str(amount), "currency_code": currency}
    return {"shop_money": value, "presentment_money": dict(value)}


def invalid(field_name: str, message: str) -> ServiceError:
    return ServiceError("Invalid input data", details=[{"field": field_name, "message": message}])


def refuse(details: list[dict[str, str]]) -> None:
    if details:
        raise ServiceError("Invalid input data", details=details)


# --- Reads an order needs (one query each). catalog and shipping have no selector for these yet.


def order_variants(variant_ids: list[int]) -> dict[int, ProductVariant]:
    """Live variants with their product, in one query; inventory_item_id is a column."""
    variants = ProductVariant.objects.select_related("product").filter(pk__in=set(variant_ids))
    return {variant.pk: variant for variant in variants}


def order_location(location_id: int | None) -> Location | None:
    """The given live location, or the first active one (by id)."""
    locations = inventory_selectors.location_list()
    if location_id is not None:
        return locations.filter(pk=location_id).first()
    return locations.filter(active=True).order_by("id").first()


def order_shipping_rate(rate_id: int) -> ShippingRate | None:
    return (
        ShippingRate.objects.select_related("shipping_zone")
        .filter(pk=rate_id, shipping_zone__deleted_at__isnull=True)
        .first()
    )


def code_used_by(*, discount_code_id: int, customer_id: int | None, email: str) -> bool:
    """Whether a customer (or, without one, an email) has an order that used the code."""
    who = Q(order__customer_id=customer_id) if customer_id is not None else Q(order__email=email)
    return OrderDiscountApplication.objects.filter(who, discount_code_id=discount_code_id).exists()


@dataclass
class PricedLine:
    index: int
    variant: Any
    quantity: int
    total: Decimal
    discount: Decimal = ZERO
    tax_lines: list[dict[str, str]] = field(default_factory=list)


@dataclass
class AppliedDiscount:
    code: DiscountCode
    line_amount: Decimal = ZERO
    shipping_amount: Decimal = ZERO


def priced_lines(data: dict[str, Any], currency: str) -> list[PricedLine]:
    requested = data["line_items"]
    variants = order_variants([row["variant_id"] for row in requested])
    details = []
    lines = []
    for index, row in enumerate(requested):
        variant = variants.get(row["variant_id"])
        path = f"lineItems.{index}.variantId"
        if variant is None:
            details.append({"field": path, "message": f"Variant {row['variant_id']} not found."})
        elif variant.product.deleted_at is not None or variant.product.status != (
            ProductStatus.ACTIVE
        ):
            details.append({"field": path, "message": "This product is not for sale."})
        elif variant.currency != currency:
            details.append(
                {"field": path, "message": f"The variant is priced in {variant.currency}."}
            )
        else:
            quantity = row["quantity"]
            lines.append(PricedLine(index, variant, quantity, money(variant.price * quantity)))
    refuse(details)
    return lines


def applied_discount(
    data: dict[str, Any],
    lines: list[PricedLine],
    currency: str,
    customer_id: int | None,
    redeemed: DiscountCode | None,
) -> AppliedDiscount | None:
    """The order's discount code, checked and spread over the lines. `redeemed` is the code as
    `discount_code_redeem_by_code` returned it, a use taken; when it took none, the code is read
    to tell why (unknown, or used up once its other checks pass)."""
    codes = data.get("discount_codes") or []
    if not codes:
        return None
    path = "discountCodes.0"
    code = redeemed or finance_selectors.discount_codes_by_code(codes=codes).get(codes[0].upper())
    if code is None:
        raise invalid(path, f"Unknown discount code {codes[0]!r}.")
    now = timezone.now()
    subtotal = sum((line.total for line in lines), ZERO)
    if code.status != DiscountCodeStatus.ACTIVE:
        raise invalid(path, f"This code is {code.status}.")
    if code.starts_at is not None and now < code.starts_at:
        raise invalid(path, "This code is not active yet.")
    if code.ends_at is not None and now >= code.ends_at:
        raise invalid(path, "This code has expired.")
    if redeemed is None:
        raise finance_services.DiscountCodeExhausted(
            "The discount code has reached its usage limit.",
            details=[{"field": path, "message": "This code has been used up."}],
        )
    if code.type == DiscountType.BUY_X_GET_Y:
        raise invalid(path, "Buy X get Y codes are not supported on local orders.")
    if code.type != DiscountType.PERCENTAGE and code.currency != currency:
        raise invalid(path, f"This code is in {code.currency}.")
    if code.minimum_amount is not None and subtotal < code.minimum_amount:
        raise invalid(path, f"This code needs a subtotal of at least {code.minimum_amount}.")
    if code.once_per_customer:
        email = data.get("email", "")
        if customer_id is None and not email:
            raise invalid(path, "This code is once per customer: give a customer or an email.")
        key = f"customer:{customer_id}" if customer_id is not None else f"email:{email.lower()}"
        finance_services.discount_code_lock_customer(discount_code_id=code.pk, customer_key=key)
        if code_used_by(discount_code_id=code.pk, customer_id=customer_id, email=email):
            raise invalid(path, "This customer has already used this code.")
    discount = AppliedDiscount(code)
    if code.type == DiscountType.PERCENTAGE:
        for line in lines:
            line.discount = money(line.total * code.value / HUNDRED)
    elif code.type == DiscountType.FIXED_AMOUNT:
        amount = min(code.amount if code.amount is not None else code.value, subtotal)
        rest = money(amount)
        for position, line in enumerate(lines):
            share = rest if position == len(lines) - 1 else money(amount * line.total / subtotal)
            line.discount = min(share, line.total, rest)
            rest -= line.discount
    discount.line_amount = sum((line.discount for line in lines), ZERO)
    return discount


def shipping_price_for(
    data: dict[str, Any], *, subtotal: Decimal, grams: int, currency: str
) -> tuple[Any, Decimal]:
    rate_id = data.get("shipping_rate_id")
    if rate_id is None:
        return None, ZERO
    path = "shippingRateId"
    rate = order_shipping_rate(rate_id)
    if rate is None:
        raise invalid(path, f"Shipping rate {rate_id} not found.")
    country = (data.get("shipping_address") or {}).get("country_code", "")
    if not country:
        raise invalid("shippingAddress.countryCode", "A shipped order needs a country code.")
    codes = [
        item.get("code") if isinstance(item, dict) else item
        for item in rate.shipping_zone.countries or []
    ]
    if country.upper() not in codes and "*" not in codes:
        raise invalid(path, f"This rate does not ship to {country}.")
    if rate.currency != currency:
        raise invalid(path, f"This rate is priced in {rate.currency}.")
    kilograms = Decimal(grams) / Decimal(1000)
    if (rate.weight_low is not None and kilograms < rate.weight_low) or (
        rate.weight_high is not None and kilograms > rate.weight_high
    ):
        raise invalid(path, f"This rate does not apply to an order of {kilograms} kg.")
    if (rate.min_order_subtotal is not None and subtotal < rate.min_order_subtotal) or (
        rate.max_order_subtotal is not None and subtotal > rate.max_order_subtotal
    ):
        raise invalid(path, f"This rate does not apply to a subtotal of {subtotal}.")
    return rate, rate.price


def tax_lines_for(
    data: dict[str, Any], lines: list[PricedLine], taxes_included: bool
) -> list[dict[str, str]]:
    rates = data.get("tax_lines") or []
    totals: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        if not line.variant.taxable:
            continue
        base = line.total - line.discount
        for rate_row in rates:
            rate = rate_row["rate"]
            tax = money(base * rate / (1 + rate)) if taxes_included else money(base * rate)
            line.tax_lines.append(
                {"title": rate_row["title"], "rate": str(rate), "price": str(tax)}
            )
            totals[(rate_row["title"], str(rate))] += tax
    return [
        {"title": title, "rate": rate, "price": str(price)}
        for (title, rate), price in totals.items()
    ]
