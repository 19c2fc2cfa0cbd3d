"""/api/v1/discount-codes through HTTP, on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.services import api_key_create
from core.models import Event
from finance.models import DiscountCode
from tests.finance.factories import DiscountCodeFactory

pytestmark = pytest.mark.django_db

CODES = "/api/v1/discount-codes"


def key_client(scopes: list[str]) -> APIClient:
    return APIClient(HTTP_X_API_KEY=api_key_create(name="t", scopes=scopes)[1])


@pytest.fixture
def client() -> APIClient:
    return key_client(["write_finance"])


def _snapshot() -> list[tuple[Any, ...]]:
    rows = DiscountCode.all_objects.order_by("pk").values_list(
        "pk", "code", "value", "usage_limit", "deleted_at"
    )
    return [*rows, (Event.objects.count(),)]


def test_create_a_percentage_code(client: APIClient) -> None:
    response = client.post(
        CODES,
        {
            "code": "SUMMER10",
            "title": "Summer sale",
            "type": "percentage",
            "value": "10",
            "usageLimit": 100,
            "oncePerCustomer": True,
            "minimumAmount": "50.00",
            "startsAt": "2020-06-01T00:00:00Z",
            "endsAt": "2099-09-01T00:00:00Z",
            "usedCount": 99,
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert {key: body[key] for key in ("code", "type", "value", "amount", "status")} == {
        "code": "SUMMER10",
        "type": "percentage",
        "value": "10.0000",
        "amount": None,
        "status": "active",
    }
    assert (body["usageLimit"], body["usedCount"], body["oncePerCustomer"]) == (100, 0, True)
    assert (body["minimumAmount"], body["startsAt"], body["endsAt"]) == (
        "50.00",
        "2020-06-01T00:00:00Z",
        "2099-09-01T00:00:00Z",
    )
    assert Event.objects.filter(subject_type="DiscountCode", verb="create").count() == 1


def test_fixed_amount_codes_take_their_value_off_and_dates_set_the_status(
    client: APIClient,
) -> None:
    future = (timezone.now() + timedelta(days=3)).isoformat()

    fixed = client.post(
        CODES, {"code": "TENOFF", "type": "fixed_amount", "value": "10.00"}, format="json"
    )
    scheduled = client.post(
        CODES, {"code": "LATER", "value": "5", "startsAt": future}, format="json"
    )

    assert (fixed.json()["amount"], fixed.json()["status"]) == ("10.00", "active")
    assert scheduled.json()["status"] == "scheduled"


def test_codes_are_unique_case_insensitively(client: APIClient) -> None:
    DiscountCodeFactory.create(code="WELCOME")
    before = _snapshot()

    response = client.post(CODES, {"code": "welcome", "value": "5"}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "CONFLICT"
    assert response.json()["error"]["details"][0]["field"] == "code"
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"value": "5"}, "code"),
        ({"code": "X"}, "value"),
        ({"code": "X", "value": "101"}, "value"),
        ({"code": "X", "type": "percentage", "value": "100.5"}, "value"),
        ({"code": "X", "value": "-1"}, "value"),
        ({"code": "X", "value": "5", "type": "bogus"}, "type"),
        ({"code": "X", "value": "5", "usageLimit": 0}, "usageLimit"),
        ({"code": "X", "value": "5", "currency": "ABC"}, "currency"),
        (
            {
                "code": "X",
                "value": "5",
                "startsAt": "2030-01-02T00:00:00Z",
                "endsAt": "2030-01-01T00:00:00Z",
            },
            "endsAt",
        ),
        ({"code": "   ", "value": "5"}, "code"),
    ],
)
def test_bad_input_is_a_400_with_the_field_and_changes_nothing(
    client: APIClient, body: dict[str, Any], field: str
) -> None:
    before = _snapshot()

    response = client.post(CODES, body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert [d["field"] for d in response.json()["error"]["details"]] == [field]
    assert _snapshot() == before


def test_update_rechecks_the_merged_code_and_keeps_used_count_read_only(
    client: APIClient,
) -> None:
    code = DiscountCodeFactory.create(type="fixed_amount", value="5.00", used_count=4)
    url = f"{CODES}/{code.pk}"
    before = _snapshot()

    too_low = client.patch(url, {"usageLimit": 3}, format="json")
    bad_percentage = client.patch(url, {"type": "percentage", "value": "150"}, format="json")
    backwards = client.patch(
        url,
        {"startsAt": "2030-01-02T00:00:00Z", "endsAt": "2030-01-01T00:00:00Z"},
        format="json",
    )
    assert _snapshot() == before
    ok = client.put(url, {"usageLimit": 4, "usedCount": 0, "title": "Five off"}, format="json")

    assert (too_low.status_code, too_low.json()["error"]["details"][0]["field"]) == (
        400,
        "usageLimit",
    )
    assert bad_percentage.json()["error"]["details"][0]["field"] == "value"
    assert backwards.json()["error"]["details"][0]["field"] == "endsAt"
    assert ok.status_code == 200
    assert (ok.json()["usageLimit"], ok.json()["usedCount"], ok.json()["title"]) == (
        4,
        4,
        "Five off",
    )


def test_renaming_onto_a_taken_code_is_a_409(client: APIClient) -> None:
    DiscountCodeFactory.create(code="TAKEN")
    other = DiscountCodeFactory.create(code="OTHER")
    before = _snapshot()

    response = client.patch(f"{CODES}/{other.pk}", {"code": "taken"}, format="json")

    assert response.status_code == 409
    assert _snapshot() == before


def test_delete_is_soft_and_frees_the_code(client: APIClient) -> None:
    code = DiscountCodeFactory.create(code="GONE")

    deleted = client.delete(f"{CODES}/{code.pk}")
    after = client.get(f"{CODES}/{code.pk}")
    reuse = client.post(CODES, {"code": "GONE", "value": "5"}, format="json")

    assert (deleted.status_code, after.status_code, reuse.status_code) == (204, 404, 201)
    assert DiscountCode.all_objects.get(pk=code.pk).deleted_at is not None
    assert client.delete(f"{CODES}/{code.pk}").status_code == 404


def test_mirrored_codes_refuse_writes(client: APIClient) -> None:
    mirrored = DiscountCodeFactory.create(shopify_id=507328175, code="SHOPIFY")
    before = _snapshot()

    update = client.patch(f"{CODES}/{mirrored.pk}", {"title": "x"}, format="json")
    delete = client.delete(f"{CODES}/{mirrored.pk}")

    assert (update.status_code, delete.status_code) == (409, 409)
    assert update.json()["error"]["code"] == "SHOPIFY_MANAGED"
    assert _snapshot() == before


def test_scopes() -> None:
    code = DiscountCodeFactory.create()
    reader, stranger = key_client(["read_finance"]), key_client(["read_orders"])

    assert reader.get(f"{CODES}/{code.pk}").status_code == 200
    assert reader.delete(f"{CODES}/{code.pk}").status_code == 403
    assert reader.post(CODES, {"code": "NEW", "value": "5"}, format="json").status_code == 403
    assert stranger.get(CODES).status_code == 403
    assert DiscountCode.objects.count() == 1


def test_list_filters_search_and_order(client: APIClient) -> None:
    a = DiscountCodeFactory.create(code="ALPHA", type="percentage", used_count=5)
    b = DiscountCodeFactory.create(code="BRAVO", type="fixed_amount", title="Bravo deal")
    c = DiscountCodeFactory.create(code="CHARLIE", type="percentage", used_count=2)

    def codes(query: str) -> list[str]:
        response = client.get(f"{CODES}?{query}")
        assert response.status_code == 200, response.json()
        return [row["code"] for row in response.json()["results"]]

    assert codes("") == [c.code, b.code, a.code]
    assert codes("type=percentage") == ["CHARLIE", "ALPHA"]
    assert codes("code=bravo") == ["BRAVO"]
    assert codes("q=deal") == ["BRAVO"]
    assert codes("order=usedCount") == ["BRAVO", "CHARLIE", "ALPHA"]
    assert codes("order=-code") == ["CHARLIE", "BRAVO", "ALPHA"]


@pytest.mark.parametrize("rows", [2, 20])
def test_the_list_query_count_is_bounded(
    client: APIClient, django_assert_max_num_queries: Any, rows: int
) -> None:
    DiscountCodeFactory.create_batch(rows)

    with django_assert_max_num_queries(4):
        response = client.get(CODES)

    assert len(response.json()["results"]) == rows
