"""The admin demands MFA: login with a code, first-login enrollment, no page without a
verified device, recovery codes, lockout shared with the API."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts.models import RecoveryCode, RecoveryCodeDevice, User
from tests.accounts.mfa import EnrolledStaff, totp_now

pytestmark = pytest.mark.django_db

LOGIN, ENROLL = "/admin/login/", "/admin/mfa/enroll/"


def _login(client: Client, email: str, password: str, otp: str = "", **extra: Any) -> Any:
    return client.post(
        LOGIN,
        {"username": email, "password": password, "otp_token": otp, "next": "/admin/"},
        **extra,
    )


def _admin_urls() -> list[str]:
    urls = ["/admin/", "/admin/password_change/", "/admin/mfa/recovery-codes/"]
    for model in admin.site._registry:
        meta = model._meta
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
    return urls


def test_a_staff_login_with_password_and_authenticator_code_reaches_the_admin() -> None:
    staff = EnrolledStaff()
    client = Client()

    response = _login(client, staff.user.email, staff.password, totp_now(staff.device))

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_login_page_asks_for_the_code() -> None:
    page = Client().get(LOGIN).content.decode()

    assert 'name="otp_token"' in page
    assert "Verification code" in page


def test_a_missing_or_wrong_code_keeps_the_user_out() -> None:
    staff = EnrolledStaff()
    client = Client()

    missing = _login(client, staff.user.email, staff.password)
    wrong = _login(client, staff.user.email, staff.password, "not-a-code")

    assert missing.status_code == wrong.status_code == 200
    assert "Enter the 6-digit code" in missing.content.decode()
    assert "wrong or was already used" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302


def test_a_recovery_code_logs_in_once() -> None:
    staff = EnrolledStaff()
    code = staff.recovery_codes[0]

    first = _login(Client(), staff.user.email, staff.password, code)
    again = _login(Client(), staff.user.email, staff.password, code)

    assert first.status_code == 302
    assert again.status_code == 200
    assert RecoveryCode.objects.filter(used_at__isnull=False).count() == 1


def test_no_admin_page_without_a_verified_device() -> None:
    staff = EnrolledStaff()
    client = Client()
    client.force_login(staff.user)  # password session, no MFA

    statuses = {url: client.get(url).status_code for url in _admin_urls()}

    assert len(statuses) > 60
    assert {url: s for url, s in statuses.items() if s != 302} == {}


def test_first_login_enrolls_an_authenticator_then_shows_recovery_codes_once() -> None:
    User.objects.create_user(email="new@example.com", password="a-long-password-9", is_staff=True)
    client = Client()

    logged_in = _login(client, "new@example.com", "a-long-password-9")
    assert logged_in.status_code == 302
    # Every admin page sends the not-yet-enrolled user to the login, which sends them to enroll.
    assert client.get("/admin/").status_code == 302
    to_enroll = client.get("/admin/login/?next=/admin/")
    assert to_enroll.status_code == 302
    assert to_enroll["Location"].startswith(ENROLL)
    page = client.get(ENROLL)
    secret = re.search(r'id="mfa-secret">([A-Z2-7]+)<', page.content.decode())
    assert secret is not None
    device = TOTPDevice.objects.get(confirmed=False)
    assert "otpauth://totp/Stockroom%3Anew%40example.com?secret=" in page.content.decode()
    assert f'id="mfa-secret">{secret.group(1)}<' in client.get(ENROLL).content.decode()

    wrong = client.post(ENROLL, {"code": "12345"})
    assert wrong.status_code == 200
    assert TOTPDevice.objects.get().confirmed is False
    time.sleep(1.1)  # the wrong code's throttle
    done = client.post(ENROLL, {"code": totp_now(device), "next": "/admin/"})

    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", done.content.decode())
    assert len(codes) == 10
    assert TOTPDevice.objects.get().confirmed is True
    assert RecoveryCodeDevice.objects.get().codes.count() == 10
    assert client.get("/admin/").status_code == 200
    # Logging in again needs the code now; a recovery code works.
    client.logout()
    assert _login(client, "new@example.com", "a-long-password-9").status_code == 200
    assert _login(client, "new@example.com", "a-long-password-9", codes[3]).status_code == 302


def test_enrollment_is_refused_to_a_user_who_already_has_a_device() -> None:
    staff = EnrolledStaff()
    client = Client()
    client.force_login(staff.user)  # e.g. a stolen password: no MFA

    response = client.get(ENROLL)
    posted = client.post(ENROLL, {"code": totp_now(staff.device)})

    assert response.status_code == posted.status_code == 302
    assert TOTPDevice.objects.count() == 1
    assert client.get("/admin/").status_code == 302


def test_enrollment_needs_a_logged_in_staff_user() -> None:
    User.objects.create_user(email="c@example.com", password="a-long-password-9")
    anonymous = Client().get(ENROLL)
    customer = Client()
    customer.force_login(User.objects.get())

    assert anonymous.status_code == customer.get(ENROLL).status_code == 302
    assert TOTPDevice.objects.count() == 0


def test_recovery_codes_can_be_regenerated_by_the_verified_user(verified_login: Any) -> None:
    staff = EnrolledStaff()
    client = Client()
    verified_login(client, staff.user)
    old = staff.recovery_codes[0]

    page = client.get("/admin/mfa/recovery-codes/")
    regenerated = client.post("/admin/mfa/recovery-codes/")

    assert "10 unused recovery codes" in page.content.decode()
    new = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", regenerated.content.decode())
    assert len(new) == 10
    assert _login(Client(), staff.user.email, staff.password, old).status_code == 200
    time.sleep(1.1)  # the wrong code's throttle
    assert _login(Client(), staff.user.email, staff.password, new[0]).status_code == 302


def test_the_reset_mfa_action_makes_the_user_enroll_again(verified_login: Any) -> None:
    staff = EnrolledStaff()
    operator = EnrolledStaff(email="boss@example.com")
    client = Client()
    verified_login(client, operator.user)

    client.post(
        "/admin/accounts/user/", {"action": "reset_mfa", "_selected_action": [staff.user.pk]}
    )

    assert not TOTPDevice.objects.filter(user=staff.user).exists()
    assert not RecoveryCodeDevice.objects.filter(user=staff.user).exists()
    user_client = Client()
    assert _login(user_client, staff.user.email, staff.password).status_code == 302
    assert user_client.get("/admin/login/")["Location"].startswith(ENROLL)


def test_a_non_staff_user_cannot_log_in_to_the_admin() -> None:
    User.objects.create_user(email="c@example.com", password="a-long-password-9")

    response = _login(Client(), "c@example.com", "a-long-password-9")

    assert response.status_code == 200
    assert "Please enter the correct email and password for a staff account" in (
        response.content.decode()
    )


def test_admin_and_api_failures_count_against_the_same_lockout() -> None:
    staff = EnrolledStaff()
    for n in range(10):
        if n % 2:
            _login(Client(), staff.user.email, "wrong-password", REMOTE_ADDR=f"10.0.0.{n}")
        else:
            APIClient().post(
                "/api/v1/auth/token",
                {"email": staff.user.email, "password": "wrong-password"},
                format="json",
                REMOTE_ADDR=f"10.1.0.{n}",
            )

    admin_try = _login(Client(), staff.user.email, staff.password, staff.recovery_codes[0])
    api_try = APIClient().post(
        "/api/v1/auth/token", staff.credentials(), format="json", REMOTE_ADDR="10.9.9.9"
    )

    assert admin_try.status_code == 200
    assert "Please enter the correct email and password" in admin_try.content.decode()
    assert api_try.status_code == 401
    assert api_try.json()["error"]["code"] == "UNAUTHENTICATED"
    assert RecoveryCode.objects.filter(used_at__isnull=False).count() == 0  # never checked
