"""MFA services and commands: enrollment, recovery codes, reset; `make run`'s demo login."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa import (
    mfa_enroll,
    mfa_recovery_codes_left,
    mfa_reset,
    mfa_totp_begin,
    mfa_totp_confirm,
    mfa_verify,
)
from accounts.models import RecoveryCode, User
from tests.accounts.mfa import EnrolledStaff, totp_now
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def user() -> User:
    return User.objects.create_user(
        email="ops@example.com", password="pw-long-enough-1", is_staff=True
    )


def test_begin_keeps_one_pending_device_until_it_is_confirmed(user: User) -> None:
    first, again = mfa_totp_begin(user=user), mfa_totp_begin(user=user)

    assert first.device.pk == again.device.pk
    assert first.secret == again.secret
    assert re.fullmatch(r"[A-Z2-7]{32}", first.secret)
    assert first.uri.startswith("otpauth://totp/Stockroom%3Aops%40example.com?secret=")
    assert f"secret={first.secret}" in first.uri
    assert mfa_verify(user=user, code=totp_now(first.device)) is None  # not confirmed yet


def test_confirm_needs_a_right_code_and_yields_ten_recovery_codes(user: User) -> None:
    enrollment = mfa_totp_begin(user=user)

    assert (
        mfa_totp_confirm(
            user=user, code="000000" if totp_now(enrollment.device) != "000000" else "111111"
        )
        is None
    )
    enrollment.device.refresh_from_db()
    enrollment.device.throttling_failure_count = 0  # skip the 1 s wait of the wrong guess
    enrollment.device.save()
    confirmed = mfa_totp_confirm(user=user, code=totp_now(enrollment.device))

    assert confirmed is not None
    device, codes = confirmed
    assert device.confirmed is True
    assert len(codes) == len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", code) for code in codes)
    assert mfa_recovery_codes_left(user=user) == 10


def test_recovery_codes_are_single_use_and_typed_loosely(user: User) -> None:
    _, codes = mfa_enroll(user=user)

    first = mfa_verify(user=user, code=f"  {codes[0].upper().replace('-', ' ')} ")
    again = mfa_verify(user=user, code=codes[0])

    assert first is not None
    assert again is None
    assert mfa_recovery_codes_left(user=user) == 9


def test_a_recovery_code_of_another_user_is_refused(user: User) -> None:
    other = EnrolledStaff(email="other@example.com")
    mfa_enroll(user=user)

    assert mfa_verify(user=user, code=other.recovery_codes[0]) is None
    assert mfa_verify(user=other.user, code=other.recovery_codes[0]) is not None


def test_reset_removes_devices_and_ends_sessions(user: User) -> None:
    mfa_enroll(user=user)
    before = User.objects.get(pk=user.pk).tokens_valid_after

    mfa_reset(user=user)

    assert not TOTPDevice.objects.filter(user=user).exists()
    assert RecoveryCode.objects.count() == 0
    assert User.objects.get(pk=user.pk).tokens_valid_after > before


def test_the_mfa_command_enrolls_resets_and_regenerates(user: User) -> None:
    out = StringIO()

    call_command("mfa", "enroll", "OPS@example.com", stdout=out)
    secret = re.search(r"Secret \(base32\): ([A-Z2-7]+)", out.getvalue())
    codes = re.findall(r"^  ([a-z2-9-]{14})$", out.getvalue(), flags=re.M)
    assert secret is not None and len(codes) == 10
    device = TOTPDevice.objects.get(user=user)
    assert mfa_verify(user=user, code=codes[0]) is not None
    assert mfa_verify(user=user, code=totp_now(device)) == device

    regenerated = StringIO()
    call_command("mfa", "recovery-codes", "ops@example.com", stdout=regenerated)
    new_codes = re.findall(r"^  ([a-z2-9-]{14})$", regenerated.getvalue(), flags=re.M)
    assert len(new_codes) == 10 and not set(new_codes) & set(codes)
    assert mfa_verify(user=user, code=codes[1]) is None

    status = StringIO()
    call_command("mfa", "status", "ops@example.com", stdout=status)
    assert status.getvalue().strip() == "ops@example.com: enrolled, 10 unused recovery code(s)."

    call_command("mfa", "reset", "ops@example.com", stdout=StringIO())
    assert not TOTPDevice.objects.filter(user=user).exists()
    with pytest.raises(CommandError, match="no authenticator"):
        call_command("mfa", "recovery-codes", "ops@example.com")
    with pytest.raises(CommandError, match="No user"):
        call_command("mfa", "enroll", "nobody@example.com")


def _admin_login(email: str, password: str, otp: str) -> Any:
    client = Client()
    response = client.post(
        "/admin/login/",
        {"username": email, "password": password, "otp_token": otp, "next": "/admin/"},
    )
    return response, client


def test_bootstrap_demo_prints_a_login_that_gets_into_the_admin(settings: Any) -> None:
    ProductFactory.create()  # not an empty database: no demo store load
    settings.DEMO_ADMIN_PASSWORD = "demo-password-long-1"
    out = StringIO()

    call_command("bootstrap_demo", stdout=out)

    text = out.getvalue()
    email = re.search(r"Email:\s+(\S+)", text).group(1)  # type: ignore[union-attr]
    password = re.search(r"Password:\s+(\S+)", text).group(1)  # type: ignore[union-attr]
    secret = re.search(r"MFA secret \(base32, for an authenticator app\): ([A-Z2-7]+)", text)
    codes = re.findall(r"^    ([a-z2-9-]{14})$", text, flags=re.M)
    assert secret is not None
    assert len(codes) == 10
    response, client = _admin_login(email, password, codes[0])
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    device = TOTPDevice.objects.get(user__email=email)
    assert secret.group(1) == __import__("base64").b32encode(device.bin_key).decode()
    response, client = _admin_login(email, password, totp_now(device))
    assert response.status_code == 302

    again = StringIO()
    call_command("bootstrap_demo", stdout=again)  # the next `make run`
    assert f"): {secret.group(1)}" in again.getvalue()  # the authenticator keeps working
    new_codes = re.findall(r"^    ([a-z2-9-]{14})$", again.getvalue(), flags=re.M)
    assert _admin_login(email, password, new_codes[0])[0].status_code == 302
