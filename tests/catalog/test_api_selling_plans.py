"""/api/v1/selling-plan-groups (with nested plans) and /selling-plan-groups/{id}/plans."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.services import api_key_create
from catalog.models import SellingPlan, SellingPlanGroup
from core.models import Event
from tests.catalog.factories import (
    ProductFactory,
    ProductVariantFactory,
    SellingPlanFactory,
    SellingPlanGroupFactory,
)

pytestmark = pytest.mark.django_db

GROUPS = "/api/v1/selling-plan-groups"
WEEKLY = {"interval": "week", "intervalCount": 1}
PLAN: dict[str, Any] = {
    "name": "Deliver every week",
    "options": ["1 week"],
    "billingPolicy": {"interval": "week", "intervalCount": 2, "minCycles": 2, "maxCycles": 12},
    "deliveryPolicy": {
        **WEEKLY,
        "anchors": [{"type": "WEEKDAY", "day": 1}],
        "cutoff": 2,
        "preAnchorBehavior": "ASAP",
    },
    "pricingPolicy": [
        {"adjustmentType": "percentage", "adjustmentValue": "10"},
        {"adjustmentType": "percentage", "adjustmentValue": "15", "afterCycle": 3},
    ],
    "inventoryPolicy": {"reserve": "on_fulfillment"},
}


def _client(*scopes: str) -> APIClient:
    return APIClient(HTTP_X_API_KEY=api_key_create(name="t", scopes=list(scopes))[1])


@pytest.fixture
def client() -> APIClient:
    return _client("write_products")


def _snapshot() -> tuple[int, int, int]:
    return (
        SellingPlanGroup.all_objects.count(),
        SellingPlan.objects.count(),
        Event.objects.count(),
    )


def _group(**extra: Any) -> dict[str, Any]:
    return {
        "name": "Subscribe and save",
        "merchantCode": "subscribe-and-save",
        "options": ["Delivery every"],
        "sellingPlans": [copy.deepcopy(PLAN)],
        **extra,
    }


def test_create_a_group_with_nested_plans_and_products(client: APIClient) -> None:
    product = ProductFactory.create()
    variant = ProductVariantFactory.create()

    response = client.post(
        GROUPS,
        _group(summary="10% off", productIds=[product.pk], variantIds=[variant.pk]),
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["merchantCode"], body["summary"], body["options"]) == (
        "Subscribe and save",
        "subscribe-and-save",
        "10% off",
        ["Delivery every"],
    )
    assert (body["productIds"], body["variantIds"]) == ([product.pk], [variant.pk])
    [plan] = body["sellingPlans"]
    assert (plan["name"], plan["status"], plan["position"], plan["options"]) == (
        "Deliver every week",
        "active",
        1,
        ["1 week"],
    )
    assert plan["billingPolicy"] == {
        "interval": "week",
        "intervalCount": 2,
        "minCycles": 2,
        "maxCycles": 12,
    }
    assert plan["deliveryPolicy"]["anchors"] == [{"type": "WEEKDAY", "day": 1}]
    assert plan["pricingPolicy"] == [
        {"adjustmentType": "percentage", "adjustmentValue": "10.00"},
        {"adjustmentType": "percentage", "adjustmentValue": "15.00", "afterCycle": 3},
    ]
    assert plan["inventoryPolicy"] == {"reserve": "on_fulfillment"}
    stored = SellingPlan.objects.get()
    assert stored.billing_policy == {
        "interval": "week",
        "interval_count": 2,
        "min_cycles": 2,
        "max_cycles": 12,
    }
    assert Event.objects.filter(subject_type="SellingPlanGroup", verb="create").count() == 1


def _plan_with(path: str, value: Any) -> dict[str, Any]:
    plan = copy.deepcopy(PLAN)
    *parents, last = path.split(".")
    node: Any = plan
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    if value is None:
        del node[last]
    else:
        node[int(last) if last.isdigit() else last] = value
    return plan


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("billingPolicy", None, "billingPolicy"),
        ("billingPolicy.interval", "fortnight", "billingPolicy.interval"),
        ("billingPolicy.intervalCount", 0, "billingPolicy.intervalCount"),
        ("billingPolicy.minCycles", 20, "billingPolicy.maxCycles"),
        ("deliveryPolicy.anchors", [{"type": "WEEKDAY", "day": 9}], "deliveryPolicy.anchors.0.day"),
        (
            "deliveryPolicy.anchors",
            [{"type": "YEARDAY", "day": 9}],
            "deliveryPolicy.anchors.0.month",
        ),
        ("deliveryPolicy.interval", "month", "billingPolicy"),
        ("deliveryPolicy.intervalCount", 3, "billingPolicy"),
        ("pricingPolicy.0.adjustmentType", "bogus", "pricingPolicy.0.adjustmentType"),
        ("pricingPolicy.0.adjustmentValue", "120", "pricingPolicy.0.adjustmentValue"),
        ("pricingPolicy.0.adjustmentValue", "-1", "pricingPolicy.0.adjustmentValue"),
        ("pricingPolicy.1.afterCycle", None, "pricingPolicy.1.afterCycle"),
        ("inventoryPolicy.reserve", "never", "inventoryPolicy.reserve"),
        ("options", ["1 week", "extra"], "options"),
        ("name", "", "name"),
    ],
)
def test_bad_plans_are_a_400_with_the_path_and_change_nothing(
    client: APIClient, path: str, value: Any, field: str
) -> None:
    before = _snapshot()

    response = client.post(GROUPS, _group(sellingPlans=[_plan_with(path, value)]), format="json")

    assert response.status_code == 400, response.json()
    fields = [d["field"] for d in response.json()["error"]["details"]]
    assert f"sellingPlans.0.{field}" in fields
    assert _snapshot() == before


def test_three_pricing_policies_and_unknown_products_are_refused(client: APIClient) -> None:
    three = copy.deepcopy(PLAN)
    three["pricingPolicy"].append({"adjustmentType": "price", "adjustmentValue": "5"})
    before = _snapshot()

    too_many = client.post(GROUPS, _group(sellingPlans=[three]), format="json")
    unknown = client.post(GROUPS, _group(productIds=[987654]), format="json")

    assert too_many.status_code == 400
    assert "sellingPlans.0.pricingPolicy" in [
        d["field"] for d in too_many.json()["error"]["details"]
    ]
    assert unknown.status_code == 400
    assert unknown.json()["error"]["details"][0]["field"] == "productIds.0"
    assert _snapshot() == before


def test_group_update_and_soft_delete(client: APIClient) -> None:
    group = SellingPlanGroupFactory.create()
    SellingPlanFactory.create(group=group)
    url = f"{GROUPS}/{group.pk}"

    patched = client.patch(url, {"summary": "Save 10%"}, format="json")
    put = client.put(url, {"name": "Renamed", "merchantCode": "renamed"}, format="json")
    bad_options = client.patch(url, {"options": ["Size", "Colour"]}, format="json")
    deleted = client.delete(url)

    assert patched.json()["summary"] == "Save 10%"
    assert (put.json()["name"], put.json()["merchantCode"]) == ("Renamed", "renamed")
    assert bad_options.status_code == 400
    assert bad_options.json()["error"]["details"][0]["field"] == "options"
    assert deleted.status_code == 204
    assert client.get(url).status_code == 404
    assert SellingPlanGroup.all_objects.get(pk=group.pk).deleted_at is not None


def test_mirrored_groups_refuse_writes_and_unknown_ids_are_404(client: APIClient) -> None:
    mirrored = SellingPlanGroupFactory.create(shopify_id=1039518935)
    plan = SellingPlanFactory.create(group=mirrored)
    before = _snapshot()

    update = client.patch(f"{GROUPS}/{mirrored.pk}", {"name": "X"}, format="json")
    add = client.post(f"{GROUPS}/{mirrored.pk}/plans", PLAN, format="json")
    remove = client.delete(f"{GROUPS}/{mirrored.pk}/plans/{plan.pk}")

    assert (update.status_code, add.status_code, remove.status_code) == (409, 409, 409)
    assert update.json()["error"]["code"] == "SHOPIFY_MANAGED"
    assert _snapshot() == before
    assert client.get(f"{GROUPS}/987654").status_code == 404
    assert client.get(f"{GROUPS}/987654/plans").status_code == 404
    assert client.get(f"{GROUPS}/{mirrored.pk}/plans/987654").status_code == 404


def test_nested_plans_crud(client: APIClient) -> None:
    group = SellingPlanGroupFactory.create(options=["Delivery every"])
    first = SellingPlanFactory.create(group=group, position=1)
    url = f"{GROUPS}/{group.pk}/plans"

    created = client.post(url, {**PLAN, "name": "Every other week"}, format="json")
    plan_url = f"{url}/{created.json()['id']}"
    patched = client.patch(plan_url, {"status": "archived"}, format="json")
    bad = client.patch(
        plan_url, {"deliveryPolicy": {"interval": "week", "intervalCount": 4}}, format="json"
    )
    listed = client.get(url)
    archived = client.get(f"{url}?status=archived")

    assert created.status_code == 201
    assert created.json()["position"] == 2
    assert patched.json()["status"] == "archived"
    assert bad.status_code == 400
    assert bad.json()["error"]["details"][0]["field"] == "billingPolicy"
    assert [p["id"] for p in listed.json()["results"]] == [first.pk, created.json()["id"]]
    assert [p["name"] for p in archived.json()["results"]] == ["Every other week"]
    assert client.delete(plan_url).status_code == 204
    assert client.get(plan_url).status_code == 404
    other_group = SellingPlanGroupFactory.create()
    assert client.get(f"{GROUPS}/{other_group.pk}/plans/{first.pk}").status_code == 404


def test_scopes() -> None:
    group = SellingPlanGroupFactory.create()
    reader, outsider = _client("read_products"), _client("write_orders")

    assert reader.get(f"{GROUPS}/{group.pk}").status_code == 200
    assert reader.get(f"{GROUPS}/{group.pk}/plans").status_code == 200
    assert reader.post(GROUPS, _group(), format="json").status_code == 403
    assert reader.post(f"{GROUPS}/{group.pk}/plans", PLAN, format="json").status_code == 403
    assert outsider.get(GROUPS).status_code == 403


@pytest.mark.parametrize("rows", [2, 20])
def test_group_list_filters_orders_and_query_count(
    client: APIClient, django_assert_max_num_queries: Any, rows: int
) -> None:
    product = ProductFactory.create()
    for group in SellingPlanGroupFactory.create_batch(rows):
        SellingPlanFactory.create_batch(2, group=group)
        group.products.add(product)
    SellingPlanGroupFactory.create(name="Prepaid", merchant_code="prepaid")

    with django_assert_max_num_queries(6):
        everything = client.get(f"{GROUPS}?limit=100")

    def names(query: str) -> list[str]:
        return [g["name"] for g in client.get(f"{GROUPS}{query}").json()["results"]]

    assert len(everything.json()["results"]) == rows + 1
    assert names("?merchantCode=prepaid") == ["Prepaid"]
    assert names("?q=prepa") == ["Prepaid"]
    assert len(names(f"?productId={product.pk}&limit=100")) == rows
    assert names("?order=name&limit=1") == ["Prepaid"]
