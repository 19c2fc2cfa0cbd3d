"""Writes of markets: markets and their regions (one country each).

Rules (the seed + Shopify): base currency ISO 4217; primary locale BCP 47; names unique
case-insensitively and handles unique among live markets; one primary market, which is active
and cannot be deleted; a country belongs to at most one market; without local currencies a
region prices in the market's base currency. The database constraints decide uniqueness; their
violations become 409s naming the field. Mirrored rows are refused (SHOPIFY_MANAGED).
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from core.errors import Conflict, ServiceError, ShopifyManaged
from core.services import event_record, soft_delete

from .choices import MarketStatus
from .models import Market, MarketRegion

MARKET_FIELDS = ("name", "handle", "primary_locale", "web_presence_id", "status", "is_primary")
REGION_FIELDS = ("name", "country_code", "currency", "tax_inclusive_pricing")
# Constraint name → (API field, message) for the 409s.
UNIQUE_CONSTRAINTS = {
    "markets_market_name_ci_unique": ("name", "A market with this name exists."),
    "markets_market_handle_unique": ("handle", "A market with this handle exists."),
    "markets_market_one_primary": ("isPrimary", "Another market is the primary market."),
    "markets_region_country_unique": ("countryCode", "The country belongs to another market."),
}


def _error(field: str, message: str) -> ServiceError:
    return ServiceError("Invalid input data", details=[{"field": field, "message": message}])


def _refuse_mirrored(row: Market | MarketRegion) -> None:
    if row.shopify_id is not None:
        raise ShopifyManaged(f"This {type(row).__name__} is managed by Shopify; change it there.")


def _save(row: Market | MarketRegion) -> None:
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as exc:
        for constraint, (field, message) in UNIQUE_CONSTRAINTS.items():
            if constraint in str(exc):
                raise Conflict(message, details=[{"field": field, "message": message}]) from exc
        raise


def _apply_market_fields(market: Market, fields: dict[str, Any]) -> None:
    for key, value in fields.items():
        if key != "currency_settings":
            setattr(market, key, value)
    if "currency_settings" in fields:
        market.currency_settings = {**market.currency_settings, **fields["currency_settings"]}
    market.enabled = market.status == MarketStatus.ACTIVE
    if market.is_primary and market.status != MarketStatus.ACTIVE:
        raise _error("status", "The primary market must be active.")


@transaction.atomic
def market_create(*, data: dict[str, Any], actor: Any = None) -> Market:
    fields = {key: data[key] for key in (*MARKET_FIELDS, "currency_settings") if key in data}
    fields["name"] = fields["name"].strip()
    fields["handle"] = fields.get("handle") or slugify(fields["name"])[:255]
    if not fields["handle"]:
        raise _error("handle", "A handle is required when the name has no letters or digits.")
    market = Market()
    _apply_market_fields(market, fields)
    _save(market)
    event_record(subject=market, verb="create", actor=actor)
    return market


@transaction.atomic
def market_update(*, market: Market, data: dict[str, Any], actor: Any = None) -> Market:
    market = Market.objects.select_for_update().get(pk=market.pk)
    _refuse_mirrored(market)
    fields = {key: data[key] for key in (*MARKET_FIELDS, "currency_settings") if key in data}
    if "name" in fields:
        fields["name"] = fields["name"].strip()
    _apply_market_fields(market, fields)
    if not market.uses_local_currencies:
        other = (
            market.regions.exclude(currency=market.base_currency)
            .values_list("country_code", flat=True)
            .first()
        )
        if other:
            raise _error(
                "currencySettings.localCurrencies",
                f"Region {other} prices in another currency than {market.base_currency}.",
            )
    _save(market)
    event_record(subject=market, verb="update", actor=actor, arguments={"fields": sorted(fields)})
    return market


@transaction.atomic
def market_delete(*, market: Market, actor: Any = None) -> None:
    """Soft-delete a market and free its countries (their regions go) for other markets."""
    _refuse_mirrored(market)
    if market.is_primary:
        raise Conflict(
            "The primary market cannot be deleted.",
            details=[{"field": "isPrimary", "message": "Make another market primary first."}],
        )
    countries = list(market.regions.values_list("country_code", flat=True))
    market.regions.all().delete()
    soft_delete(instance=market)
    event_record(
        subject=market, verb="destroy", actor=actor, arguments={"released_countries": countries}
    )


def _check_region_currency(market: Market, region: MarketRegion) -> None:
    if not market.uses_local_currencies and region.currency != market.base_currency:
        raise _error("currency", f"The market prices in {market.base_currency} only.")


@transaction.atomic
def market_region_create(
    *, market: Market, data: dict[str, Any], actor: Any = None
) -> MarketRegion:
    market = Market.objects.select_for_update().get(pk=market.pk)
    _refuse_mirrored(market)
    fields = {key: data[key] for key in REGION_FIELDS if key in data}
    fields.setdefault("currency", market.base_currency)
    region = MarketRegion(market=market, **fields)
    _check_region_currency(market, region)
    _save(region)
    event_record(subject=region, verb="create", actor=actor, subject_object=market)
    return region


@transaction.atomic
def market_region_update(
    *, region: MarketRegion, data: dict[str, Any], actor: Any = None
) -> MarketRegion:
    region = MarketRegion.objects.select_for_update().select_related("market").get(pk=region.pk)
    _refuse_mirrored(region.market)
    _refuse_mirrored(region)
    fields = {key: data[key] for key in REGION_FIELDS if key in data}
    for key, value in fields.items():
        setattr(region, key, value)
    _check_region_currency(region.market, region)
    _save(region)
    event_record(subject=region, verb="update", actor=actor, arguments={"fields": sorted(fields)})
    return region


@transaction.atomic
def market_region_delete(*, region: MarketRegion, actor: Any = None) -> None:
    _refuse_mirrored(region.market)
    _refuse_mirrored(region)
    event_record(subject=region, verb="destroy", actor=actor, subject_object=region.market)
    region.delete()
