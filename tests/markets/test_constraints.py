"""PostgreSQL refuses every row that breaks a markets invariant, and accepts the edge rows.

Each refusal asserts the exact constraint that fired, so a test cannot pass on another error.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import factory
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from markets.choices import MarketStatus
from markets.models import Market, MarketRegion

from .factories import MarketFactory, MarketRegionFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 4, 2, 16, 38, tzinfo=UTC)


def assert_refused(constraint: str, factory_class: type[factory.Factory], **fields: Any) -> None:
    """When the row is inserted, then PostgreSQL refuses it with exactly `constraint`."""
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        factory_class.create(**fields)
    assert f'"{constraint}"' in str(refused.value)


# --- One bad row, one constraint -------------------------------------------------------------

SINGLE_ROW_CASES: list[tuple[str, type[factory.Factory], dict[str, Any]]] = [
    # Market
    ("markets_market_name_present", MarketFactory, {"name": " "}),
    ("markets_market_handle_format", MarketFactory, {"handle": "Europe EU"}),
    ("markets_market_handle_format", MarketFactory, {"handle": "europe-"}),
    ("markets_market_handle_format", MarketFactory, {"handle": ""}),
    ("markets_market_locale_format", MarketFactory, {"primary_locale": "EN"}),
    ("markets_market_locale_format", MarketFactory, {"primary_locale": "en_US"}),
    ("markets_market_locale_format", MarketFactory, {"primary_locale": ""}),
    ("markets_market_base_currency_iso", MarketFactory, {"currency_settings": {}}),
    (
        "markets_market_base_currency_iso",
        MarketFactory,
        {"currency_settings": {"base_currency": "eur", "local_currencies": True}},
    ),
    ("markets_market_status_valid", MarketFactory, {"status": "archived", "enabled": False}),
    (
        "markets_market_enabled_if_active",
        MarketFactory,
        {"status": MarketStatus.DRAFT, "enabled": True},
    ),
    (
        "markets_market_enabled_if_active",
        MarketFactory,
        {"status": MarketStatus.ACTIVE, "enabled": False},
    ),
    (
        "markets_market_primary_active",
        MarketFactory,
        {"is_primary": True, "status": MarketStatus.INACTIVE, "enabled": False},
    ),
    # MarketRegion
    ("markets_region_country_code_iso", MarketRegionFactory, {"country_code": "de"}),
    ("markets_region_country_code_iso", MarketRegionFactory, {"country_code": "D"}),
    ("markets_region_currency_iso4217", MarketRegionFactory, {"currency": "eur"}),
]


@pytest.mark.parametrize(
    ("constraint", "factory_class", "fields"),
    SINGLE_ROW_CASES,
    ids=[f"{case[0]}-{index}" for index, case in enumerate(SINGLE_ROW_CASES)],
)
def test_bad_row_is_refused(
    constraint: str, factory_class: type[factory.Factory], fields: dict[str, Any]
) -> None:
    assert_refused(constraint, factory_class, **fields)


# --- Market ---------------------------------------------------------------------------------


def test_market_name_is_unique_ignoring_case_among_markets_not_deleted() -> None:
    # Given a market "Europe" and a deleted market "Asia"
    MarketFactory.create(name="Europe")
    MarketFactory.create(name="Asia", deleted_at=NOW)
    # When "EUROPE" is created, then it is refused
    assert_refused("markets_market_name_ci_unique", MarketFactory, name="EUROPE")
    # And the deleted market's name can be used again
    assert MarketFactory.create(name="asia").name == "asia"


def test_market_handle_is_unique_among_markets_not_deleted() -> None:
    MarketFactory.create(handle="eu")
    MarketFactory.create(handle="asia", deleted_at=NOW)
    assert_refused("markets_market_handle_unique", MarketFactory, handle="eu")
    assert MarketFactory.create(handle="asia").handle == "asia"


def test_mirrored_market_keeps_shopify_handle() -> None:
    market = MarketFactory.create(handle="Europe_EU", shopify_id=123456789)
    assert Market.objects.get(pk=market.pk).handle == "Europe_EU"


def test_one_primary_market() -> None:
    # Given a primary market and a deleted former primary market
    MarketFactory.create(is_primary=True)
    MarketFactory.create(is_primary=True, deleted_at=NOW)
    # When a second live primary market is created, then it is refused
    assert_refused("markets_market_one_primary", MarketFactory, is_primary=True)
    assert Market.all_objects.filter(is_primary=True).count() == 2


def test_market_edge_values_are_accepted() -> None:
    rows = [
        MarketFactory.create(status=MarketStatus.DRAFT, enabled=False),
        MarketFactory.create(status=MarketStatus.INACTIVE, enabled=False),
        MarketFactory.create(primary_locale="es-419"),
        MarketFactory.create(primary_locale="zh-Hant-TW"),
        MarketFactory.create(primary_locale="fil"),
    ]
    assert Market.objects.filter(pk__in=[row.pk for row in rows]).count() == 5


# --- MarketRegion ---------------------------------------------------------------------------


def test_country_belongs_to_one_market_at_a_time() -> None:
    # Given Germany in a market
    region = MarketRegionFactory.create(country_code="DE")
    # When Germany is added to the same market or to another one, then it is refused
    assert_refused(
        "markets_region_country_unique",
        MarketRegionFactory,
        market=region.market,
        country_code="DE",
    )
    assert_refused("markets_region_country_unique", MarketRegionFactory, country_code="DE")
    assert MarketRegion.objects.filter(country_code="DE").count() == 1


def test_region_prices_in_base_currency_without_local_currencies() -> None:
    # Given a market that prices in EUR only
    market = MarketFactory.create(
        currency_settings={"base_currency": "EUR", "local_currencies": False}
    )
    # When a region of it prices in SEK, then validation refuses it
    region = MarketRegionFactory.build(market=market, country_code="SE", currency="SEK")
    with pytest.raises(ValidationError) as refused:
        region.full_clean()
    assert refused.value.message_dict == {"currency": ["The market prices in EUR only."]}
    # And in EUR it is valid
    region.currency = "EUR"
    region.full_clean()


def test_region_may_price_in_its_own_currency_with_local_currencies() -> None:
    market = MarketFactory.create(
        currency_settings={"base_currency": "EUR", "local_currencies": True}
    )
    region = MarketRegionFactory.build(market=market, country_code="SE", currency="SEK")
    region.full_clean()


def test_market_validation_reports_the_base_currency_rule_before_the_database() -> None:
    # Given a market whose base currency is not an ISO 4217 code (as the admin form would send)
    market = MarketFactory.build(currency_settings={"base_currency": "euro"})
    # When it is validated, then the constraint is reported as a validation error
    with pytest.raises(ValidationError) as refused:
        market.full_clean()
    assert "markets_market_base_currency_iso" in str(refused.value)
