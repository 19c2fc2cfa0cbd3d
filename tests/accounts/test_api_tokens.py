"""Staff JWTs: MFA at login, lifetimes, rotation with families, logout, logout everywhere."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import jwt
import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import IssuedRefreshToken, User
from tests.accounts.mfa import EnrolledStaff, totp_now

pytestmark = pytest.mark.django_db

TOKEN, REFRESH = "/api/v1/auth/token", "/api/v1/auth/token/refresh"
LOGOUT, LOGOUT_ALL = "/api/v1/auth/logout", "/api/v1/auth/logout-all"
PRODUCTS = "/api/v1/products"


def _post(url: str, body: dict[str, Any], access: str | None = None) -> Any:
    client = APIClient()
    if access:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client.post(url, body, format="json")


def _get(access: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return int(client.get(PRODUCTS).status_code)


def _login(staff: EnrolledStaff) -> dict[str, Any]:
    response = _post(TOKEN, staff.credentials())
    assert response.status_code == 200, response.json()
    return dict(response.json())


def _claims(token: str) -> dict[str, Any]:
    return dict(jwt.decode(token, options={"verify_signature": False}))


def _error(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def test_a_staff_login_needs_the_authenticator_code() -> None:
    staff = EnrolledStaff()
    bare = {"email": staff.user.email, "password": staff.password}

    missing = _post(TOKEN, bare)
    wrong = _post(TOKEN, {**bare, "otp": _wrong_code(staff)})
    time.sleep(1.1)  # a wrong guess makes the device wait 1 s (see the throttle test)
    right = _post(TOKEN, {**bare, "otp": totp_now(staff.device)})

    assert _error(missing) == (401, "MFA_REQUIRED")
    assert _error(wrong) == (401, "MFA_INVALID")
    assert right.status_code == 200
    assert set(right.json()) == {"access", "refresh", "tokenType", "expiresIn"}
    assert right.json()["expiresIn"] == 900
    assert IssuedRefreshToken.objects.count() == 1


def _wrong_code(staff: EnrolledStaff) -> str:
    valid = {totp_now(staff.device, steps=step) for step in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


def test_wrong_guesses_are_throttled_per_device() -> None:
    staff = EnrolledStaff()
    bare = {"email": staff.user.email, "password": staff.password}
    for _ in range(3):
        assert _error(_post(TOKEN, {**bare, "otp": _wrong_code(staff)})) == (401, "MFA_INVALID")
        time.sleep(1.1 * (2 ** (staff.device.__class__.objects.get().throttling_failure_count - 1)))
    staff.device.refresh_from_db()
    assert staff.device.throttling_failure_count == 3
    assert _error(_post(TOKEN, {**bare, "otp": _wrong_code(staff)})) == (401, "MFA_INVALID")

    refused = _post(TOKEN, {**bare, "otp": totp_now(staff.device)})  # right code, too soon

    assert _error(refused) == (401, "MFA_INVALID")
    staff.device.refresh_from_db()
    assert staff.device.throttling_failure_count == 4  # the refused right code was not counted
    assert staff.device.last_t == -1


def test_the_same_totp_code_logs_in_once() -> None:
    staff = EnrolledStaff()
    body = {"email": staff.user.email, "password": staff.password, "otp": totp_now(staff.device)}

    first, replay = _post(TOKEN, body), _post(TOKEN, body)

    assert first.status_code == 200
    assert _error(replay) == (401, "MFA_INVALID")


def test_a_recovery_code_logs_in_once_and_only_its_digest_is_stored() -> None:
    staff = EnrolledStaff()
    code = staff.recovery_codes[0]
    body = {"email": staff.user.email, "password": staff.password, "otp": code.upper()}

    first, replay = _post(TOKEN, body), _post(TOKEN, body)

    assert first.status_code == 200
    assert _error(replay) == (401, "MFA_INVALID")
    from accounts.models import RecoveryCode

    stored = " ".join(RecoveryCode.objects.values_list("digest", flat=True))
    assert all(c not in stored and c.replace("-", "") not in stored for c in staff.recovery_codes)
    assert RecoveryCode.objects.filter(used_at__isnull=False).count() == 1


def test_staff_without_a_device_must_enroll_before_getting_tokens() -> None:
    User.objects.create_user(email="new@example.com", password="a-long-password-9", is_staff=True)

    response = _post(TOKEN, {"email": "new@example.com", "password": "a-long-password-9"})

    assert _error(response) == (401, "MFA_ENROLLMENT_REQUIRED")
    assert IssuedRefreshToken.objects.count() == 0


def test_a_non_staff_account_without_a_device_logs_in_with_its_password() -> None:
    User.objects.create_user(email="erp@example.com", password="a-long-password-9")

    response = _post(TOKEN, {"email": "erp@example.com", "password": "a-long-password-9"})

    assert response.status_code == 200


def test_lifetimes_audience_issuer_and_family_claims() -> None:
    tokens = _login(EnrolledStaff())

    access, refresh = _claims(tokens["access"]), _claims(tokens["refresh"])

    assert access["exp"] - access["iat"] == pytest.approx(15 * 60, abs=1)
    assert refresh["exp"] - refresh["iat"] == pytest.approx(7 * 24 * 3600, abs=1)
    assert access["aud"] == refresh["aud"] == settings.SIMPLE_JWT["AUDIENCE"] == "stockroom-api"
    assert access["iss"] == refresh["iss"] == "stockroom"
    assert access["fam"] == refresh["fam"]
    assert (access["token_type"], refresh["token_type"]) == ("access", "refresh")
    assert jwt.get_unverified_header(tokens["access"])["alg"] == "HS256"


def test_refresh_rotates_in_the_same_family_and_a_used_token_revokes_the_family() -> None:
    tokens = _login(EnrolledStaff())

    rotated = _post(REFRESH, {"refresh": tokens["refresh"]})
    assert rotated.status_code == 200
    second = rotated.json()
    assert second["refresh"] != tokens["refresh"]
    assert _claims(second["refresh"])["fam"] == _claims(tokens["refresh"])["fam"]
    assert _get(second["access"]) == 200

    reused = _post(REFRESH, {"refresh": tokens["refresh"]})

    assert _error(reused) == (401, "UNAUTHENTICATED")
    assert _error(_post(REFRESH, {"refresh": second["refresh"]})) == (401, "UNAUTHENTICATED")
    assert _get(second["access"]) == 401
    assert _get(tokens["access"]) == 401
    assert IssuedRefreshToken.objects.filter(revoked_at__isnull=True).count() == 0


def test_reuse_revokes_only_that_family() -> None:
    staff = EnrolledStaff()
    laptop, phone = _login(staff), _login(staff)
    _post(REFRESH, {"refresh": laptop["refresh"]})

    _post(REFRESH, {"refresh": laptop["refresh"]})  # reuse on the laptop's login

    assert _get(phone["access"]) == 200
    assert _post(REFRESH, {"refresh": phone["refresh"]}).status_code == 200


def test_an_access_token_is_not_a_refresh_token() -> None:
    tokens = _login(EnrolledStaff())

    assert _error(_post(REFRESH, {"refresh": tokens["access"]})) == (401, "UNAUTHENTICATED")


def test_logout_ends_this_login_only() -> None:
    staff = EnrolledStaff()
    laptop, phone = _login(staff), _login(staff)

    response = _post(LOGOUT, {"refresh": laptop["refresh"]}, access=laptop["access"])

    assert response.status_code == 204
    assert _get(laptop["access"]) == 401
    assert _error(_post(REFRESH, {"refresh": laptop["refresh"]})) == (401, "UNAUTHENTICATED")
    assert _get(phone["access"]) == 200


def test_logout_with_the_bearer_token_alone() -> None:
    tokens = _login(EnrolledStaff())

    assert _post(LOGOUT, {}, access=tokens["access"]).status_code == 204
    assert _get(tokens["access"]) == 401
    assert _post(REFRESH, {"refresh": tokens["refresh"]}).status_code == 401


def test_logout_without_any_token_is_401() -> None:
    assert _error(_post(LOGOUT, {})) == (401, "UNAUTHENTICATED")
    assert _error(_post(LOGOUT, {"refresh": "not-a-token"})) == (401, "UNAUTHENTICATED")


def test_logout_everywhere_ends_every_token_and_admin_session(verified_login: Any) -> None:
    staff = EnrolledStaff()
    laptop, phone = _login(staff), _login(staff)
    admin = Client()
    verified_login(admin, staff.user)
    assert admin.get("/admin/").status_code == 200

    response = _post(LOGOUT_ALL, {}, access=laptop["access"])

    assert response.status_code == 204
    assert [_get(laptop["access"]), _get(phone["access"])] == [401, 401]
    assert _post(REFRESH, {"refresh": phone["refresh"]}).status_code == 401
    assert admin.get("/admin/").status_code == 302
    assert _get(_login(staff)["access"]) == 200  # a new login works straight away


def test_logout_everywhere_needs_a_token() -> None:
    assert _error(_post(LOGOUT_ALL, {})) == (401, "UNAUTHENTICATED")


def test_a_new_password_ends_every_token() -> None:
    staff = EnrolledStaff()
    tokens = _login(staff)
    user = User.objects.get(pk=staff.user.pk)

    user.set_password("another-long-password-7")
    user.save()

    assert _get(tokens["access"]) == 401
    assert _post(REFRESH, {"refresh": tokens["refresh"]}).status_code == 401
    staff.password = "another-long-password-7"
    assert _get(_login(staff)["access"]) == 200


def test_a_password_hash_upgrade_at_login_is_not_a_password_change() -> None:
    staff = EnrolledStaff()
    tokens = _login(staff)
    before = User.objects.get(pk=staff.user.pk).tokens_valid_after
    user = User.objects.get(pk=staff.user.pk)

    user.check_password(staff.password)  # the setter path a hasher upgrade takes
    user.set_password(staff.password)
    user._password = None  # type: ignore[attr-defined]  # what Django's upgrade setter does
    user.save(update_fields=["password"])

    assert User.objects.get(pk=user.pk).tokens_valid_after == before
    assert _get(tokens["access"]) == 200


def test_deactivation_in_the_admin_ends_every_token(verified_login: Any) -> None:
    staff = EnrolledStaff()
    tokens = _login(staff)
    operator = EnrolledStaff(email="boss@example.com")
    admin = Client()
    verified_login(admin, operator.user)
    user = staff.user
    page = admin.get(f"/admin/accounts/user/{user.pk}/change/")
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in {"groups", "user_permissions", "password"}
    }
    data.update(
        {
            "is_active": "",
            "is_staff": "on",
            "is_superuser": "on",
            "permissions": "[]",
            "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
            "access_permissions-TOTAL_FORMS": "0",
            "access_permissions-INITIAL_FORMS": "0",
        }
    )
    data.pop("date_joined", None)
    data.pop("is_active", None)

    response = admin.post(f"/admin/accounts/user/{user.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.is_active is False
    assert _get(tokens["access"]) == 401
    User.objects.filter(pk=user.pk).update(is_active=True)
    assert _get(tokens["access"]) == 401  # reactivation revives nothing
    assert _post(REFRESH, {"refresh": tokens["refresh"]}).status_code == 401


def test_the_admin_action_logs_a_user_out_everywhere(verified_login: Any) -> None:
    staff = EnrolledStaff()
    tokens = _login(staff)
    operator = EnrolledStaff(email="boss@example.com")
    admin = Client()
    verified_login(admin, operator.user)

    response = admin.post(
        "/admin/accounts/user/",
        {"action": "log_out_everywhere", "_selected_action": [staff.user.pk]},
    )

    assert response.status_code == 302
    assert _get(tokens["access"]) == 401
    assert _post(REFRESH, {"refresh": tokens["refresh"]}).status_code == 401
    assert admin.get("/admin/").status_code == 200  # the operator's own session is untouched


def test_refresh_tokens_expire_after_seven_days(settings: Any) -> None:
    tokens = _login(EnrolledStaff())
    IssuedRefreshToken.objects.update(expires_at=IssuedRefreshToken.objects.get().issued_at)

    assert _post(REFRESH, {"refresh": tokens["refresh"]}).status_code == 401
    assert settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"] == timedelta(days=7)
    assert settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"] == timedelta(minutes=15)


def test_the_auth_endpoints_are_in_the_openapi_schema() -> None:
    schema = APIClient().get("/api/schema/?format=json").json()

    for path in (TOKEN, REFRESH, LOGOUT, LOGOUT_ALL):
        assert "post" in schema["paths"][path], path
    obtain = schema["paths"][TOKEN]["post"]
    body = obtain["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    name = body.rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][name]["properties"]) == {"email", "password", "otp"}
    assert {"200", "401"} <= set(obtain["responses"])


def test_the_nightly_task_forgets_refresh_tokens_expired_over_a_day_ago() -> None:
    from django.utils import timezone

    from accounts.tasks import purge_expired_refresh_tokens

    staff = EnrolledStaff()
    for _ in range(3):
        _login(staff)
    old, recent, live = IssuedRefreshToken.objects.order_by("pk")
    IssuedRefreshToken.objects.filter(pk=old.pk).update(
        expires_at=timezone.now() - timedelta(days=2)
    )
    IssuedRefreshToken.objects.filter(pk=recent.pk).update(
        expires_at=timezone.now() - timedelta(hours=2)
    )

    assert purge_expired_refresh_tokens.delay().get() == 1
    assert set(IssuedRefreshToken.objects.values_list("pk", flat=True)) == {recent.pk, live.pk}


def test_deactivation_anywhere_ends_every_token() -> None:
    tokens = _login(EnrolledStaff())
    user = User.objects.get(email="ops@example.com")

    user.is_active = False
    user.save(update_fields=["is_active"])
    User.objects.filter(pk=user.pk).update(is_active=True)

    assert _get(tokens["access"]) == 401
    assert _post(REFRESH, {"refresh": tokens["refresh"]}).status_code == 401


def test_a_plain_simplejwt_access_token_works_and_obeys_logout_everywhere() -> None:
    """Other tests may mint tokens with simplejwt's `AccessToken.for_user` (whole-second `iat`,
    no family): accepted right after the user is created, refused after logout everywhere."""
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.tokens import user_tokens_revoke

    user = User.objects.create_superuser(email="new@example.com", password="a-long-password-9")
    access = str(AccessToken.for_user(user))
    assert _get(access) == 200

    time.sleep(1.05)  # a whole second later: the int `iat` is certainly before the cutoff
    user_tokens_revoke(user=user)

    assert _get(access) == 401
