"""API authentication: JWT for staff, scoped API keys, rate limit, the error format."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from rest_framework.test import APIClient

from accounts.mfa import mfa_enroll
from accounts.models import ApiKey, User
from accounts.services import api_key_authenticate as api_key_authenticate_service
from accounts.services import api_key_create, api_key_revoke
from catalog.models import Product
from tests.accounts.mfa import totp_now
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db

PRODUCTS = "/api/v1/products"


def _key(*scopes: str) -> str:
    return api_key_create(name="erp", scopes=list(scopes))[1]


def test_nothing_is_public_without_credentials() -> None:
    response = APIClient().get(PRODUCTS)

    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "code": "UNAUTHENTICATED",
            "message": "Authentication credentials were not provided.",
            "details": [],
        }
    }


def test_schema_docs_and_health_are_public() -> None:
    client = APIClient()
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200
    assert client.get("/health").status_code == 200


def test_staff_get_a_jwt_and_refresh_rotates_it() -> None:
    user = User.objects.create_superuser(email="ops@example.com", password="a-long-password-9")
    enrollment, _ = mfa_enroll(user=user)
    client = APIClient()

    tokens = client.post(
        "/api/v1/auth/token",
        {
            "email": "OPS@example.com",
            "password": "a-long-password-9",
            "otp": totp_now(enrollment.device),
        },
        format="json",
    ).json()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    listed = client.get(PRODUCTS)
    rotated = APIClient().post(
        "/api/v1/auth/token/refresh", {"refresh": tokens["refresh"]}, format="json"
    )
    reused = APIClient().post(
        "/api/v1/auth/token/refresh", {"refresh": tokens["refresh"]}, format="json"
    )

    assert listed.status_code == 200
    assert rotated.status_code == 200
    assert rotated.json()["refresh"] != tokens["refresh"]
    assert reused.status_code == 401
    assert reused.json()["error"]["code"] == "UNAUTHENTICATED"


def test_wrong_password_is_401_in_the_error_format() -> None:
    User.objects.create_superuser(email="ops@example.com", password="a-long-password-9")

    response = APIClient().post(
        "/api/v1/auth/token", {"email": "ops@example.com", "password": "nope"}, format="json"
    )

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "UNAUTHENTICATED"


def test_a_read_scope_reads_but_cannot_write() -> None:
    ProductFactory.create()
    client = APIClient(HTTP_X_API_KEY=_key("read_products"))

    listed = client.get(PRODUCTS)
    created = client.post(PRODUCTS, {"title": "Nope"}, format="json")

    assert listed.status_code == 200
    assert created.status_code == 403
    assert created.json()["error"]["code"] == "PERMISSION_DENIED"
    assert Product.objects.count() == 1


def test_a_key_of_another_family_is_refused() -> None:
    response = APIClient(HTTP_X_API_KEY=_key("read_orders")).get(PRODUCTS)

    assert response.status_code == 403


def test_write_and_all_scopes_include_reading() -> None:
    assert APIClient(HTTP_X_API_KEY=_key("write_products")).get(PRODUCTS).status_code == 200
    assert APIClient(HTTP_X_API_KEY=_key("all")).get(PRODUCTS).status_code == 200


def test_keys_are_stored_hashed_and_revoked_keys_fail_on_the_next_request() -> None:
    row, key = api_key_create(name="erp", scopes=["read_products"])
    client = APIClient(HTTP_X_API_KEY=key)
    assert client.get(PRODUCTS).status_code == 200

    api_key_revoke(api_key=row)

    assert key not in str(list(ApiKey.objects.values_list()))
    assert client.get(PRODUCTS).status_code == 401


def test_a_forged_key_is_401() -> None:
    _key("all")
    response = APIClient(HTTP_X_API_KEY="sr_000000000000_forged").get(PRODUCTS)
    assert response.status_code == 401


def test_the_key_is_only_read_from_the_header() -> None:
    key = _key("all")
    assert APIClient().get(f"{PRODUCTS}?api_key={key}").status_code == 401


@override_settings(API_KEY_RATE_LIMIT="3/hour")
def test_requests_over_the_rate_limit_get_429_with_retry_after() -> None:
    client = APIClient(HTTP_X_API_KEY=_key("read_products"))

    statuses = [client.get(PRODUCTS).status_code for _ in range(3)]
    limited = client.get(PRODUCTS)

    assert statuses == [200, 200, 200]
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "RATE_LIMITED"
    assert 3000 < int(limited["Retry-After"]) <= 3601


def test_create_api_key_prints_the_key_alone_on_its_last_line() -> None:
    out = StringIO()

    call_command(
        "create_api_key", "--name", "erp", "--scopes", "read_products,write_orders", stdout=out
    )

    key = out.getvalue().strip().splitlines()[-1]
    row = ApiKey.objects.get()
    assert row.scopes == ["read_products", "write_orders"]
    assert APIClient(HTTP_X_API_KEY=key).get(PRODUCTS).status_code == 200


def test_create_api_key_refuses_unknown_scopes() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Unknown scope"):
        call_command("create_api_key", "--name", "erp", "--scopes", "read_everything")
    assert not ApiKey.objects.exists()


@pytest.mark.django_db
def test_last_use_is_recorded_at_most_once_a_minute(
    django_assert_num_queries: Any,
) -> None:
    api_key, raw = api_key_create(name="t", scopes=["read_products"])
    client = APIClient(HTTP_X_API_KEY=raw)
    client.get("/api/v1/products")
    api_key.refresh_from_db()
    first_use = api_key.last_used_at

    with django_assert_num_queries(1):  # the key lookup only: no write
        assert api_key_authenticate_service(key=raw) == api_key
    api_key.refresh_from_db()
    assert first_use is not None
    assert api_key.last_used_at == first_use
