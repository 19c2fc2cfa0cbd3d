"""Reads of markets, as querysets whose list query count does not grow with the rows."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from .models import Market, MarketRegion


def market_list(*, search: str | None = None) -> QuerySet[Market]:
    markets = Market.objects.prefetch_related(
        Prefetch("regions", queryset=MarketRegion.objects.order_by("country_code"))
    )
    if search:
        markets = markets.filter(Q(name__icontains=search) | Q(handle__icontains=search))
    return markets


def market_region_list(*, market: Market) -> QuerySet[MarketRegion]:
    return MarketRegion.objects.filter(market=market)
