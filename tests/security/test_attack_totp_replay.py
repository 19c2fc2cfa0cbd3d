"""TOTP replay in parallel: one code, one login, however many requests race with it; recovery
codes likewise; guesses are throttled."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.mfa import mfa_verify
from tests.accounts.mfa import EnrolledStaff, totp_now
from tests.security.concurrency import in_parallel
from tests.security.report import AttackReport

TOKEN = "/api/v1/auth/token"


def _record(report: AttackReport, name: str, results: list[Any], success: Any) -> None:
    assert not [r for r in results if isinstance(r, Exception)], results
    assert results.count(success) == 1, results
    seen = 0
    for index, result in enumerate(results):
        seen += result == success
        report.tried(f"{name} #{index}", got_through=result == success and seen > 1)


def _verifier(staff: EnrolledStaff, code: str) -> Callable[[int], bool]:
    return lambda _: mfa_verify(user=staff.user, code=code) is not None


@pytest.mark.django_db(transaction=True)
def test_one_totp_code_verifies_once_under_twenty_parallel_attempts() -> None:
    report = AttackReport("totp_replay_parallel")
    for round_ in range(2):
        staff = EnrolledStaff(email=f"ops{round_}@example.com")
        code = totp_now(staff.device)
        results = in_parallel(20, _verifier(staff, code))
        _record(report, f"service round {round_}", results, True)
    report.assert_none_got_through()


@pytest.mark.django_db(transaction=True)
def test_one_totp_code_issues_tokens_once_under_twenty_parallel_logins(settings: Any) -> None:
    settings.AUTH_LOCKOUT_THRESHOLD = 1000  # let every attempt reach the code check
    report = AttackReport("totp_replay_parallel_api")
    staff = EnrolledStaff()
    body = {"email": staff.user.email, "password": staff.password, "otp": totp_now(staff.device)}
    results = in_parallel(
        20,
        lambda i: (
            APIClient().post(TOKEN, body, format="json", REMOTE_ADDR=f"10.0.0.{i}").status_code
        ),
    )
    _record(report, "API login", results, 200)
    report.assert_none_got_through()


@pytest.mark.django_db(transaction=True)
def test_one_totp_code_opens_one_admin_session_under_twenty_parallel_logins(settings: Any) -> None:
    settings.AUTH_LOCKOUT_THRESHOLD = 1000
    report = AttackReport("totp_replay_parallel_admin")
    staff = EnrolledStaff()
    code = totp_now(staff.device)

    def admin_login(_: int) -> int:
        response = Client().post(
            "/admin/login/",
            {"username": staff.user.email, "password": staff.password, "otp_token": code},
        )
        return int(response.status_code)

    _record(report, "admin login", in_parallel(20, admin_login), 302)
    report.assert_none_got_through()


@pytest.mark.django_db(transaction=True)
def test_one_recovery_code_verifies_once_under_twenty_parallel_attempts() -> None:
    report = AttackReport("recovery_code_replay_parallel")
    for round_ in range(2):
        # A fresh account per round: the 19 refused replays throttle the device for a while.
        staff = EnrolledStaff(email=f"ops{round_}@example.com")
        code = staff.recovery_codes[round_]
        results = in_parallel(20, _verifier(staff, code))
        _record(report, f"recovery code {round_}", results, True)
    report.assert_none_got_through()


@pytest.mark.django_db
def test_used_and_older_codes_are_refused_and_guesses_are_throttled() -> None:
    report = AttackReport("totp_replay_sequential")
    staff = EnrolledStaff()
    current = totp_now(staff.device)
    assert mfa_verify(user=staff.user, code=current) is not None
    for name, code in (
        ("the same code again", current),
        ("the previous step's code", totp_now(staff.device, steps=-1)),
        ("two steps back", totp_now(staff.device, steps=-2)),
        ("the same code with spaces", f" {current[:3]} {current[3:]} "),
    ):
        report.tried(name, got_through=mfa_verify(user=staff.user, code=code) is not None)
    # Brute force: 40 guesses in a row; the right next-step code among them is refused too,
    # because every failure makes the device wait longer (1, 2, 4 … s).
    upcoming = totp_now(staff.device, steps=1)
    guesses = [f"{n:06d}" for n in range(40) if f"{n:06d}" != upcoming]
    guesses.insert(20, upcoming)
    for guess in guesses:
        accepted = mfa_verify(user=staff.user, code=guess) is not None
        report.tried(f"guess {guess}", got_through=accepted)
    staff.device.refresh_from_db()
    assert staff.device.throttling_failure_count >= 1
    for garbage in (
        "",
        " ",
        "abc",
        "1" * 5000,
        "0000000",
        "-1",
        "\uff11\uff12\uff13\uff14\uff15\uff16",
        "12345e",
    ):
        report.tried(
            f"garbage {garbage[:10]!r}",
            got_through=mfa_verify(user=staff.user, code=garbage) is not None,
        )
    report.assert_none_got_through()
