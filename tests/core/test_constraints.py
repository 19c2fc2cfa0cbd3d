"""PostgreSQL enforces the core models' rules: each test names the constraint it expects."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from core.choices import EventVerb, WeightUnit
from core.models import Event, Shop

from .factories import EventFactory, ShopFactory

pytestmark = pytest.mark.django_db


def assert_refused(create: Callable[..., Any], constraint: str, **fields: Any) -> None:
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        create(**fields)
    assert constraint in str(refused.value)


# --- Shop -------------------------------------------------------------------------------------


def test_shop_domain_is_unique() -> None:
    ShopFactory.create(domain="demo.example.com")
    assert_refused(ShopFactory, "domain", domain="demo.example.com")
    assert Shop.objects.filter(domain="demo.example.com").count() == 1


@pytest.mark.parametrize("currency", ["usd", "US", "", "12A"])
def test_shop_currency_is_iso_4217(currency: str) -> None:
    assert_refused(ShopFactory, "core_shop_currency_iso4217", currency=currency)


def test_shop_currency_accepts_iso_codes() -> None:
    assert ShopFactory.create(currency="EUR").currency == "EUR"


def test_shop_weight_unit_is_known() -> None:
    assert_refused(ShopFactory, "core_shop_weight_unit_valid", weight_unit="st")


@pytest.mark.parametrize("weight_unit", WeightUnit.values)
def test_every_weight_unit_is_accepted(weight_unit: str) -> None:
    assert ShopFactory.create(weight_unit=weight_unit).weight_unit == weight_unit


def test_a_shopify_shop_is_mirrored_once() -> None:
    ShopFactory.create(shopify_id=548380009)
    assert_refused(ShopFactory, "shopify_id", shopify_id=548380009)


# --- Event ------------------------------------------------------------------------------------


def test_event_verb_is_known() -> None:
    assert_refused(EventFactory, "core_event_verb_valid", verb="exploded")


@pytest.mark.parametrize("verb", EventVerb.values)
def test_every_event_verb_is_accepted(verb: str) -> None:
    event = EventFactory.create(verb=verb)
    event.refresh_from_db()
    assert event.verb == verb


def test_events_list_newest_first() -> None:
    first, second = EventFactory.create(), EventFactory.create()
    assert list(Event.objects.all()) == [second, first]


def test_an_event_shopify_id_is_unique() -> None:
    EventFactory.create(shopify_id=164748010)
    assert_refused(EventFactory, "shopify_id", shopify_id=164748010)
