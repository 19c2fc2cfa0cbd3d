"""PostgreSQL refuses every row that breaks a shipping invariant, and accepts the edge rows.

Each refusal asserts the exact constraint that fired, so a test cannot pass on another error.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import factory
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from shipping.models import FulfillmentService, ShippingZone

from .factories import FulfillmentServiceFactory, ShippingRateFactory, ShippingZoneFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 4, 2, 16, 38, tzinfo=UTC)


def assert_refused(constraint: str, factory_class: type[factory.Factory], **fields: Any) -> None:
    """When the row is inserted, then PostgreSQL refuses it with exactly `constraint`."""
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        factory_class.create(**fields)
    assert f'"{constraint}"' in str(refused.value)


# --- One bad row, one constraint -------------------------------------------------------------

SINGLE_ROW_CASES: list[tuple[str, type[factory.Factory], dict[str, Any]]] = [
    # ShippingZone
    ("shipping_zone_name_set", ShippingZoneFactory, {"name": ""}),
    # ShippingRate
    ("shipping_rate_price_gte_0", ShippingRateFactory, {"price": Decimal("-0.01")}),
    ("shipping_rate_currency_iso4217", ShippingRateFactory, {"currency": "cad"}),
    ("shipping_rate_type_valid", ShippingRateFactory, {"rate_type": "distance"}),
    (
        "shipping_rate_min_subtotal_gte_0",
        ShippingRateFactory,
        {"min_order_subtotal": Decimal("-1")},
    ),
    (
        "shipping_rate_max_subtotal_gte_0",
        ShippingRateFactory,
        {"max_order_subtotal": Decimal("-1")},
    ),
    (
        "shipping_rate_subtotal_range",
        ShippingRateFactory,
        {"min_order_subtotal": Decimal("50.00"), "max_order_subtotal": Decimal("49.99")},
    ),
    (
        "shipping_rate_weight_low_gte_0",
        ShippingRateFactory,
        {"weight_low": Decimal("-0.001"), "weight_high": None},
    ),
    (
        "shipping_rate_weight_high_gte_0",
        ShippingRateFactory,
        {"weight_low": None, "weight_high": Decimal("-1")},
    ),
    (
        "shipping_rate_weight_range",
        ShippingRateFactory,
        {"weight_low": Decimal("5.001"), "weight_high": Decimal("5.000")},
    ),
    # FulfillmentService
    ("shipping_fulfil_svc_handle_set", FulfillmentServiceFactory, {"handle": ""}),
    ("shipping_fulfil_svc_email_valid", FulfillmentServiceFactory, {"email": "ops-at-mars"}),
    ("shipping_fulfil_svc_email_valid", FulfillmentServiceFactory, {"email": "o ps@mars.com"}),
    (
        "shipping_fulfil_svc_callback_http",
        FulfillmentServiceFactory,
        {"callback_url": "ftp://mars.example.com/callbacks"},
    ),
    (
        "shipping_fulfil_svc_callback_http",
        FulfillmentServiceFactory,
        {"callback_url": "javascript:alert(1)"},
    ),
]


@pytest.mark.parametrize(
    ("constraint", "factory_class", "fields"),
    SINGLE_ROW_CASES,
    ids=[f"{case[0]}-{index}" for index, case in enumerate(SINGLE_ROW_CASES)],
)
def test_bad_row_is_refused(
    constraint: str, factory_class: type[factory.Factory], fields: dict[str, Any]
) -> None:
    # Given a row breaking one rule / When it is inserted / Then that constraint refuses it.
    assert_refused(constraint, factory_class, **fields)


def test_edge_rows_are_accepted() -> None:
    # Given rates at the edges: free, equal bounds, open-ended, no type
    free = ShippingRateFactory.create(price=Decimal("0"), weight_low=Decimal("0"), weight_high=None)
    equal = ShippingRateFactory.create(
        rate_type=None,
        weight_low=Decimal("2.5"),
        weight_high=Decimal("2.5"),
        min_order_subtotal=Decimal("10"),
        max_order_subtotal=Decimal("10"),
    )
    by_price = ShippingRateFactory.create(
        rate_type="price", weight_low=None, weight_high=None, min_order_subtotal=Decimal("0")
    )
    service = FulfillmentServiceFactory.create(email="", callback_url="http://localhost:8000/cb")
    # Then all of them are stored
    assert [free.price, equal.weight_high, by_price.max_order_subtotal] == [0, Decimal("2.5"), None]
    assert service.pk is not None


# --- Uniqueness ------------------------------------------------------------------------------


def test_local_zone_name_is_unique_case_insensitively() -> None:
    ShippingZoneFactory.create(name="Domestic")
    assert_refused("shipping_zone_local_name_ci_unique", ShippingZoneFactory, name="DOMESTIC")


def test_mirrored_and_deleted_zones_may_share_names() -> None:
    # Given Shopify repeats "Domestic" in each shipping profile, and a deleted local zone
    ShippingZoneFactory.create(name="Domestic", shopify_id=1)
    ShippingZoneFactory.create(name="Domestic", shopify_id=2)
    ShippingZoneFactory.create(name="Domestic", deleted_at=NOW)
    # When a local zone takes the name / Then every row is accepted
    ShippingZoneFactory.create(name="Domestic")
    assert ShippingZone.all_objects.filter(name="Domestic").count() == 4


def test_fulfillment_service_handle_is_unique() -> None:
    FulfillmentServiceFactory.create(handle="mars-fulfillment", shopify_id=1)
    assert_refused(
        "shipping_fulfil_svc_handle_unique", FulfillmentServiceFactory, handle="mars-fulfillment"
    )


def test_deleted_fulfillment_service_frees_its_handle() -> None:
    FulfillmentServiceFactory.create(handle="venus-fulfillment", deleted_at=NOW)
    FulfillmentServiceFactory.create(handle="venus-fulfillment")
    assert FulfillmentService.all_objects.filter(handle="venus-fulfillment").count() == 2


# --- Indexes and clean() ---------------------------------------------------------------------


def test_zone_countries_and_provinces_have_gin_indexes() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s",
            [ShippingZone._meta.db_table],
        )
        definitions = dict(cursor.fetchall())
    assert "USING gin (countries)" in definitions["shipping_zone_countries_gin"]
    assert "USING gin (provinces)" in definitions["shipping_zone_provinces_gin"]


def test_zone_contains_country_query_finds_the_zone() -> None:
    zone = ShippingZoneFactory.create(countries=[{"code": "CA", "name": "Canada"}])
    ShippingZoneFactory.create(countries=[{"code": "US", "name": "United States"}])
    found = ShippingZone.objects.filter(countries__contains=[{"code": "CA"}])
    assert list(found) == [zone]


@pytest.mark.parametrize(
    "countries", [[{"code": "ca"}], ["CAN"], [{"name": "Canada"}], {"code": "CA"}]
)
def test_zone_clean_refuses_unknown_country_codes(countries: Any) -> None:
    zone = ShippingZoneFactory.build(countries=countries)
    with pytest.raises(ValidationError) as refused:
        zone.clean()
    assert list(refused.value.message_dict) == ["countries"]


def test_zone_clean_accepts_codes_and_rest_of_world() -> None:
    ShippingZoneFactory.build(countries=["CA", {"code": "*", "name": "Rest of World"}]).clean()


def test_callback_url_must_be_http_or_https() -> None:
    service = FulfillmentServiceFactory.build(callback_url="ftp://mars.example.com/cb")
    with pytest.raises(ValidationError) as refused:
        service.full_clean()
    assert list(refused.value.message_dict) == ["callback_url"]
