"""/api/v1/markets (+ regions) through HTTP, on PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.services import api_key_create
from core.models import Event
from markets.models import Market, MarketRegion
from tests.markets.factories import MarketFactory, MarketRegionFactory

pytestmark = pytest.mark.django_db

MARKETS = "/api/v1/markets"


def key_client(scopes: list[str]) -> APIClient:
    return APIClient(HTTP_X_API_KEY=api_key_create(name="t", scopes=scopes)[1])


@pytest.fixture
def client() -> APIClient:
    return key_client(["write_markets"])


def _snapshot() -> tuple[Any, ...]:
    return (
        list(
            Market.all_objects.order_by("pk").values_list(
                "pk", "name", "is_primary", "currency_settings", "deleted_at"
            )
        ),
        list(MarketRegion.objects.order_by("pk").values_list("pk", "country_code", "currency")),
        Event.objects.count(),
    )


EUROPE = {
    "name": "Europe",
    "primaryLocale": "fr-FR",
    "currencySettings": {"baseCurrency": "EUR", "localCurrencies": False},
}


def test_market_create_update_and_delete(client: APIClient) -> None:
    created = client.post(MARKETS, EUROPE, format="json")
    market_id = created.json()["id"]
    updated = client.patch(
        f"{MARKETS}/{market_id}",
        {"status": "draft", "currencySettings": {"localCurrencies": True}},
        format="json",
    )
    deleted = client.delete(f"{MARKETS}/{market_id}")

    assert created.status_code == 201
    assert {
        k: created.json()[k]
        for k in (
            "name",
            "handle",
            "primaryLocale",
            "currencySettings",
            "status",
            "enabled",
            "isPrimary",
            "regions",
        )
    } == {
        "name": "Europe",
        "handle": "europe",
        "primaryLocale": "fr-FR",
        "currencySettings": {"baseCurrency": "EUR", "localCurrencies": False},
        "status": "active",
        "enabled": True,
        "isPrimary": False,
        "regions": [],
    }
    assert (updated.json()["status"], updated.json()["enabled"]) == ("draft", False)
    assert updated.json()["currencySettings"] == {"baseCurrency": "EUR", "localCurrencies": True}
    assert deleted.status_code == 204
    assert client.get(f"{MARKETS}/{market_id}").status_code == 404
    assert Market.all_objects.get(pk=market_id).deleted_at is not None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": " "}, "name"),
        ({"primaryLocale": "French"}, "primaryLocale"),
        ({"currencySettings": {"baseCurrency": "EURO"}}, "currencySettings.baseCurrency"),
        ({"currencySettings": {"baseCurrency": "ZZZ"}}, "currencySettings.baseCurrency"),
        ({"handle": "Not A Handle"}, "handle"),
        ({"status": "archived"}, "status"),
        ({"status": "draft", "isPrimary": True}, "status"),
    ],
)
def test_bad_markets_are_400_and_change_nothing(
    client: APIClient, change: dict[str, Any], field: str
) -> None:
    before = _snapshot()

    response = client.post(MARKETS, {**EUROPE, **change}, format="json")

    assert response.status_code == 400
    assert {d["field"] for d in response.json()["error"]["details"]} == {field}
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "europe"}, "name"),
        ({"name": "Other", "handle": "eu"}, "handle"),
        ({"name": "Other", "isPrimary": True}, "isPrimary"),
    ],
)
def test_uniqueness_comes_from_the_constraints_as_409s(
    client: APIClient, body: dict[str, Any], field: str
) -> None:
    MarketFactory.create(name="Europe", handle="eu", is_primary=True)
    before = _snapshot()

    response = client.post(MARKETS, body, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "CONFLICT"
    assert response.json()["error"]["details"][0]["field"] == field
    assert _snapshot() == before


def test_the_primary_market_cannot_be_deleted(client: APIClient) -> None:
    primary = MarketFactory.create(is_primary=True)
    before = _snapshot()

    response = client.delete(f"{MARKETS}/{primary.pk}")

    assert response.status_code == 409
    assert _snapshot() == before


def test_regions_one_market_per_country_and_currency_rules(client: APIClient) -> None:
    europe = client.post(MARKETS, EUROPE, format="json").json()
    other = MarketFactory.create()
    url = f"{MARKETS}/{europe['id']}/regions"

    france = client.post(url, {"countryCode": "FR", "name": "France"}, format="json")
    before = _snapshot()
    bad = [
        client.post(url, {"countryCode": "fr"}, format="json"),
        client.post(url, {"countryCode": "DE", "currency": "USD"}, format="json"),
        client.post(url, {"countryCode": "DE", "currency": "XXQ"}, format="json"),
    ]
    taken = client.post(f"{MARKETS}/{other.pk}/regions", {"countryCode": "FR"}, format="json")
    assert _snapshot() == before
    region_id = france.json()["id"]
    updated = client.patch(f"{url}/{region_id}", {"taxInclusivePricing": True}, format="json")
    shown = client.get(f"{MARKETS}/{europe['id']}")

    assert france.status_code == 201
    assert {k: france.json()[k] for k in ("countryCode", "name", "currency", "marketId")} == {
        "countryCode": "FR",
        "name": "France",
        "currency": "EUR",
        "marketId": europe["id"],
    }
    assert [r.status_code for r in bad] == [400, 400, 400]
    assert [r.json()["error"]["details"][0]["field"] for r in bad] == [
        "countryCode",
        "currency",
        "currency",
    ]
    assert (taken.status_code, taken.json()["error"]["details"][0]["field"]) == (
        409,
        "countryCode",
    )
    assert updated.json()["taxInclusivePricing"] is True
    assert [r["countryCode"] for r in shown.json()["regions"]] == ["FR"]
    assert client.get(f"{MARKETS}/{other.pk}/regions/{region_id}").status_code == 404
    assert client.delete(f"{url}/{region_id}").status_code == 204
    assert not MarketRegion.objects.filter(pk=region_id).exists()


def test_turning_off_local_currencies_needs_regions_in_the_base_currency(
    client: APIClient,
) -> None:
    market = MarketFactory.create()
    MarketRegionFactory.create(market=market, country_code="CH", currency="CHF")
    before = _snapshot()

    response = client.patch(
        f"{MARKETS}/{market.pk}", {"currencySettings": {"localCurrencies": False}}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["field"] == "currencySettings.localCurrencies"
    assert _snapshot() == before


def test_deleting_a_market_frees_its_countries(client: APIClient) -> None:
    market = MarketFactory.create()
    MarketRegionFactory.create(market=market, country_code="IT")
    other = MarketFactory.create()

    assert client.delete(f"{MARKETS}/{market.pk}").status_code == 204
    moved = client.post(f"{MARKETS}/{other.pk}/regions", {"countryCode": "IT"}, format="json")

    assert moved.status_code == 201
    event = Event.objects.get(subject_type="Market", verb="destroy")
    assert event.arguments == {"released_countries": ["IT"]}


def test_mirrored_markets_refuse_writes(client: APIClient) -> None:
    market = MarketFactory.create(shopify_id=42)
    region = MarketRegionFactory.create(market=market)
    before = _snapshot()

    responses = [
        client.patch(f"{MARKETS}/{market.pk}", {"name": "X"}, format="json"),
        client.delete(f"{MARKETS}/{market.pk}"),
        client.post(f"{MARKETS}/{market.pk}/regions", {"countryCode": "ES"}, format="json"),
        client.delete(f"{MARKETS}/{market.pk}/regions/{region.pk}"),
    ]

    assert [r.status_code for r in responses] == [409] * 4
    assert {r.json()["error"]["code"] for r in responses} == {"SHOPIFY_MANAGED"}
    assert _snapshot() == before


def test_list_filters_and_order(client: APIClient) -> None:
    a = MarketFactory.create(name="Asia")
    MarketRegionFactory.create(market=a, country_code="JP", currency="EUR")
    MarketFactory.create(name="Brazil", primary_locale="pt-BR")

    def names(query: str) -> list[str]:
        return [m["name"] for m in client.get(f"{MARKETS}?{query}").json()["results"]]

    assert names("countryCode=JP") == ["Asia"]
    assert names("primaryLocale=pt-BR") == ["Brazil"]
    assert names("order=-name") == ["Brazil", "Asia"]
    assert names("q=bra") == ["Brazil"]


def test_404s_and_scopes() -> None:
    market = MarketFactory.create()
    reader, stranger = key_client(["read_markets"]), key_client(["read_shipping"])

    assert reader.get(f"{MARKETS}/999999").status_code == 404
    assert reader.get(f"{MARKETS}/999999/regions").status_code == 404
    assert reader.get(f"{MARKETS}/{market.pk}/regions").status_code == 200
    assert reader.post(MARKETS, EUROPE, format="json").status_code == 403
    assert reader.delete(f"{MARKETS}/{market.pk}").status_code == 403
    assert stranger.get(MARKETS).status_code == 403
    assert Market.objects.count() == 1


@pytest.mark.parametrize("rows", [2, 20])
def test_the_list_query_count_is_bounded(
    client: APIClient, django_assert_max_num_queries: Any, rows: int
) -> None:
    for market in MarketFactory.create_batch(rows):
        MarketRegionFactory.create_batch(2, market=market)

    with django_assert_max_num_queries(5):
        response = client.get(MARKETS)

    assert [len(m["regions"]) for m in response.json()["results"]] == [2] * rows
