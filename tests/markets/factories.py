"""factory_boy factories for the markets app."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from markets.choices import MarketStatus
from markets.models import Market, MarketRegion


class MarketFactory(DjangoModelFactory[Market]):
    class Meta:
        model = Market

    name = factory.Sequence(lambda n: f"Europe {n}")
    handle = factory.Sequence(lambda n: f"europe-{n}")
    primary_locale = "en"
    currency_settings = factory.LazyFunction(
        lambda: {"base_currency": "EUR", "local_currencies": True}
    )
    status = MarketStatus.ACTIVE
    enabled = True


class MarketRegionFactory(DjangoModelFactory[MarketRegion]):
    class Meta:
        model = MarketRegion

    market = factory.SubFactory(MarketFactory)
    # Two capital letters per row, unique across the sequence (AA, AB, ... ZZ).
    country_code = factory.Sequence(lambda n: chr(65 + n // 26 % 26) + chr(65 + n % 26))
    currency = "EUR"
