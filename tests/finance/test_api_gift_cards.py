"""/api/v1/gift-cards through HTTP, on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.services import api_key_create
from core.errors import ServiceError
from core.models import Event
from finance.choices import GiftCardStatus
from finance.models import GiftCard, gift_card_code_digest
from finance.services import gift_card_adjust
from tests.customers.factories import CustomerFactory
from tests.finance.factories import GiftCardFactory

pytestmark = pytest.mark.django_db

CARDS = "/api/v1/gift-cards"


def key_client(scopes: list[str]) -> APIClient:
    return APIClient(HTTP_X_API_KEY=api_key_create(name="t", scopes=scopes)[1])


@pytest.fixture
def client() -> APIClient:
    return key_client(["write_finance"])


def _snapshot() -> list[tuple[Any, ...]]:
    rows = GiftCard.all_objects.order_by("pk").values_list("pk", "balance", "status", "note")
    return [*rows, (Event.objects.count(),)]


def test_create_generates_a_code_shown_once_and_stores_only_its_digest(
    client: APIClient,
) -> None:
    response = client.post(
        CARDS, {"initialValue": "100.00", "currency": "EUR", "note": "Prize"}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    code = body["code"]
    assert len(code) == 16 and code.isalnum() and code.isupper()
    card = GiftCard.objects.get(pk=body["id"])
    assert card.code_digest == gift_card_code_digest(code)
    assert (body["lastCharacters"], body["maskedCode"]) == (
        code[-4:],
        f"•••• •••• •••• {code[-4:]}",
    )
    assert (body["balance"], body["initialValue"], body["currency"], body["status"]) == (
        "100.00",
        "100.00",
        "EUR",
        "enabled",
    )
    assert body["note"] == "Prize"
    shown = client.get(f"{CARDS}/{card.pk}").json()
    listed = client.get(CARDS).json()["results"]
    assert "code" not in shown and "code" not in listed[0]
    assert shown["maskedCode"] == body["maskedCode"]
    assert Event.objects.filter(subject_type="GiftCard", verb="create").count() == 1


def test_a_given_code_is_normalised_and_a_reused_one_is_a_409(client: APIClient) -> None:
    first = client.post(
        CARDS, {"initialValue": "25.00", "code": "abcd-efgh-ijkl-9876"}, format="json"
    )
    before = _snapshot()
    again = client.post(CARDS, {"initialValue": "25.00", "code": "ABCDEFGHIJKL9876"}, format="json")

    assert first.status_code == 201
    assert (first.json()["code"], first.json()["lastCharacters"]) == ("ABCDEFGHIJKL9876", "9876")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "CONFLICT"
    assert again.json()["error"]["details"] == [{"field": "code", "message": "Must be unique."}]
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "initialValue"),
        ({"initialValue": "0.00"}, "initialValue"),
        ({"initialValue": "-5.00"}, "initialValue"),
        ({"initialValue": "10.00", "currency": "XYZ"}, "currency"),
        ({"initialValue": "10.00", "currency": "usd"}, "currency"),
        ({"initialValue": "10.00", "code": "short"}, "code"),
        ({"initialValue": "10.00", "expiresOn": "2001-01-01"}, "expiresOn"),
        ({"initialValue": "10.00", "customerId": 999999}, "customerId"),
    ],
)
def test_bad_input_is_a_400_with_the_field_and_changes_nothing(
    client: APIClient, body: dict[str, Any], field: str
) -> None:
    before = _snapshot()

    response = client.post(CARDS, body, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert [detail["field"] for detail in error["details"]] == [field]
    assert _snapshot() == before


def test_update_changes_note_expiry_and_customer_but_never_the_balance(
    client: APIClient,
) -> None:
    card = GiftCardFactory.create()
    customer = CustomerFactory.create()
    expires = (timezone.localdate() + timedelta(days=30)).isoformat()

    put = client.put(
        f"{CARDS}/{card.pk}",
        {"note": "Gift", "expiresOn": expires, "customerId": customer.pk, "balance": "999.00"},
        format="json",
    )
    patch = client.patch(f"{CARDS}/{card.pk}", {"templateSuffix": "birthday"}, format="json")

    assert put.status_code == 200
    assert (put.json()["note"], put.json()["expiresOn"], put.json()["customerId"]) == (
        "Gift",
        expires,
        customer.pk,
    )
    assert put.json()["balance"] == "50.00"
    assert (patch.json()["templateSuffix"], patch.json()["note"]) == ("birthday", "Gift")
    card.refresh_from_db()
    assert card.balance == Decimal("50.00")


def test_missing_cards_are_404(client: APIClient) -> None:
    for response in (
        client.get(f"{CARDS}/999999"),
        client.patch(f"{CARDS}/999999", {"note": "x"}, format="json"),
        client.post(f"{CARDS}/999999/disable"),
        client.post(f"{CARDS}/999999/adjustments", {"amount": "1.00"}, format="json"),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "NOT_FOUND"


def test_adjustments_credit_and_debit_and_refuse_to_go_negative(client: APIClient) -> None:
    card = GiftCardFactory.create(balance=Decimal("40.00"), initial_value=Decimal("40.00"))
    url = f"{CARDS}/{card.pk}/adjustments"

    debit = client.post(url, {"amount": "-15.50", "note": "Order #1001"}, format="json")
    credit = client.post(url, {"amount": "5.00"}, format="json")
    before = _snapshot()
    overdraw = client.post(url, {"amount": "-29.51"}, format="json")
    zero = client.post(url, {"amount": "0"}, format="json")

    assert (debit.status_code, debit.json()["balance"]) == (200, "24.50")
    assert (credit.status_code, credit.json()["balance"]) == (200, "29.50")
    assert overdraw.status_code == 409
    assert overdraw.json()["error"]["code"] == "GIFT_CARD_INSUFFICIENT_BALANCE"
    assert overdraw.json()["error"]["details"] == [
        {"field": "amount", "message": "The balance is 29.50."}
    ]
    assert zero.status_code == 400
    assert zero.json()["error"]["details"][0]["field"] == "amount"
    assert _snapshot() == before
    event = Event.objects.filter(subject_type="GiftCard", verb="adjusted").order_by("id").first()
    assert event is not None
    assert (event.message, event.arguments) == (
        "Order #1001",
        {"amount": "-15.50", "balance": "24.50", "note": "Order #1001"},
    )


def test_expired_and_disabled_cards_refuse_adjustments_with_their_own_code(
    client: APIClient,
) -> None:
    expired = GiftCardFactory.create(expires_on=timezone.localdate() - timedelta(days=1))
    disabled = GiftCardFactory.create()
    disable = client.post(f"{CARDS}/{disabled.pk}/disable")
    disable_again = client.post(f"{CARDS}/{disabled.pk}/disable")
    before = _snapshot()

    on_expired = client.post(f"{CARDS}/{expired.pk}/adjustments", {"amount": "-1"}, format="json")
    on_disabled = client.post(f"{CARDS}/{disabled.pk}/adjustments", {"amount": "-1"}, format="json")

    assert disable.status_code == 200
    assert disable.json()["status"] == "disabled"
    assert disable.json()["disabledAt"] is not None
    assert disable_again.json()["disabledAt"] == disable.json()["disabledAt"]
    assert client.get(f"{CARDS}/{expired.pk}").json()["status"] == "expired"
    assert (on_expired.status_code, on_expired.json()["error"]["code"]) == (
        409,
        "GIFT_CARD_EXPIRED",
    )
    assert (on_disabled.status_code, on_disabled.json()["error"]["code"]) == (
        409,
        "GIFT_CARD_DISABLED",
    )
    assert _snapshot() == before


def test_mirrored_cards_refuse_writes(client: APIClient) -> None:
    mirrored = GiftCardFactory.create(shopify_id=48394658, code_digest=None)
    before = _snapshot()

    responses = [
        client.patch(f"{CARDS}/{mirrored.pk}", {"note": "x"}, format="json"),
        client.post(f"{CARDS}/{mirrored.pk}/disable"),
        client.post(f"{CARDS}/{mirrored.pk}/adjustments", {"amount": "-1"}, format="json"),
    ]

    assert [r.status_code for r in responses] == [409, 409, 409]
    assert {r.json()["error"]["code"] for r in responses} == {"SHOPIFY_MANAGED"}
    assert _snapshot() == before


def test_scopes_read_finance_reads_and_other_families_are_refused() -> None:
    card = GiftCardFactory.create()
    reader, stranger = key_client(["read_finance"]), key_client(["write_products"])

    assert reader.get(CARDS).status_code == 200
    assert reader.get(f"{CARDS}/{card.pk}").status_code == 200
    refused = [
        reader.post(CARDS, {"initialValue": "10.00"}, format="json"),
        reader.post(f"{CARDS}/{card.pk}/adjustments", {"amount": "-1"}, format="json"),
        stranger.get(CARDS),
    ]
    assert [r.status_code for r in refused] == [403, 403, 403]
    assert refused[0].json()["error"]["code"] == "PERMISSION_DENIED"
    assert GiftCard.objects.count() == 1


def test_list_filters_search_and_order(client: APIClient) -> None:
    today = timezone.localdate()
    soon = GiftCardFactory.create(code="AAAABBBBCCCC1111", expires_on=today + timedelta(days=5))
    later = GiftCardFactory.create(code="AAAABBBBCCCC2222", expires_on=today + timedelta(days=50))
    disabled = GiftCardFactory.create(
        code="AAAABBBBCCCC3333", status=GiftCardStatus.DISABLED, disabled_at=timezone.now()
    )

    def ids(query: str) -> list[int]:
        response = client.get(f"{CARDS}?{query}")
        assert response.status_code == 200, response.json()
        return [card["id"] for card in response.json()["results"]]

    assert ids("") == [disabled.pk, later.pk, soon.pk]
    assert ids("status=disabled") == [disabled.pk]
    assert ids("q=2222") == [later.pk]
    assert ids("q=aaaa-bbbb-cccc-1111") == [soon.pk]
    assert ids(f"expiresOnMax={(today + timedelta(days=10)).isoformat()}") == [soon.pk]
    assert ids("order=expiresOn&status=enabled") == [soon.pk, later.pk]
    assert ids("order=-expiresOn&status=enabled") == [later.pk, soon.pk]
    assert client.get(f"{CARDS}?order=code").status_code == 400


@pytest.mark.parametrize("rows", [2, 20])
def test_the_list_costs_the_same_queries_for_2_or_20_cards(
    client: APIClient, django_assert_max_num_queries: Any, rows: int
) -> None:
    GiftCardFactory.create_batch(rows, customer=CustomerFactory.create())

    with django_assert_max_num_queries(4):
        response = client.get(f"{CARDS}?limit=50")

    assert len(response.json()["results"]) == rows


@pytest.mark.django_db(transaction=True)
def test_ten_parallel_debits_of_30_on_100_let_exactly_three_through() -> None:
    card = GiftCardFactory.create(balance=Decimal("100.00"), initial_value=Decimal("100.00"))
    barrier = threading.Barrier(10)
    outcomes: list[str] = []
    lock = threading.Lock()

    def debit() -> None:
        try:
            barrier.wait()
            gift_card_adjust(gift_card_id=card.pk, amount=Decimal("-30.00"))
            outcome = "ok"
        except ServiceError as exc:
            outcome = exc.code
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=debit) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["GIFT_CARD_INSUFFICIENT_BALANCE"] * 7 + ["ok"] * 3
    card.refresh_from_db()
    assert card.balance == Decimal("10.00")
    assert Event.objects.filter(subject_type="GiftCard", verb="adjusted").count() == 3
